#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ec2_vpc_endpoint_policy
short_description: Keep the policies of existing VPC endpoints
description:
  - Reads the endpoints of O(endpoints) in one DescribeVpcEndpoints call and sets the policy of each whose live
    policy differs from the one given (ModifyVpcEndpoint with C(PolicyDocument)), so a policy changed by hand is
    put back.
  - Policies are compared as parsed documents (the order of statements and of list items, and the layout of the
    JSON, do not count), so an endpoint already holding its policy is not written to.
  - M(amazon.aws.ec2_vpc_endpoint) sends its O(amazon.aws.ec2_vpc_endpoint#module:policy) only when it creates an
    endpoint and never changes the policy of an existing one.
  - Supports check mode and diff mode.
version_added: 1.4.0
author:
  - Payments platform team (@payments-platform)
options:
  endpoints:
    description: The endpoints and the policy each must have.
    type: list
    elements: dict
    required: true
    suboptions:
      vpc_endpoint_id:
        description: ID of an existing VPC endpoint, C(vpce-...).
        type: str
        required: true
      policy:
        description: The endpoint policy, as a dictionary or a JSON string.
        type: json
        required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Only principals of the account use the Secrets Manager endpoint
  payments.platform.ec2_vpc_endpoint_policy:
    endpoints:
      - vpc_endpoint_id: vpce-0123456789abcdef0
        policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: "*"
              Action: "*"
              Resource: "*"
              Condition:
                StringEquals:
                  aws:PrincipalAccount: "123456789012"
"""

RETURN = r"""
endpoints:
  description: Each endpoint of O(endpoints), in that order, with its policy now and whether it was (or, in check
    mode, would be) changed.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_endpoint_id:
      description: ID of the endpoint.
      type: str
      sample: vpce-0123456789abcdef0
    changed:
      description: Whether the policy was set.
      type: bool
      sample: true
    policy:
      description: The endpoint's policy now.
      type: dict
      sample: {"Version": "2012-10-17", "Statement": []}
"""

import json

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            endpoints=dict(type="list", elements="dict", required=True, options=dict(
                vpc_endpoint_id=dict(type="str", required=True),
                policy=dict(type="json", required=True),
            )),
        ),
        supports_check_mode=True,
    )
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    wanted = [(e["vpc_endpoint_id"], json.loads(e["policy"])) for e in module.params["endpoints"]]
    ids = list(dict.fromkeys(endpoint_id for endpoint_id, dummy in wanted))
    live = {}
    if ids:
        try:
            found = client.describe_vpc_endpoints(VpcEndpointIds=ids, aws_retry=True)["VpcEndpoints"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not read the VPC endpoints {', '.join(ids)}")
        # AWS always returns a policy (its full-access default when none was given).
        live = {e["VpcEndpointId"]: json.loads(e.get("PolicyDocument") or "{}") for e in found}
    results, before, after = [], {}, {}
    for endpoint_id, policy in wanted:
        current = live[endpoint_id]
        differs = compare_policies(current, policy)
        if differs:
            before[endpoint_id], after[endpoint_id] = current, policy
            if not module.check_mode:
                try:
                    client.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument=json.dumps(policy),
                                               aws_retry=True)
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    module.fail_json_aws(e, msg=f"Could not set the policy of VPC endpoint {endpoint_id}")
            live[endpoint_id] = policy
        results.append({"vpc_endpoint_id": endpoint_id, "changed": differs, "policy": live[endpoint_id]})
    module.exit_json(changed=bool(after), endpoints=results, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
