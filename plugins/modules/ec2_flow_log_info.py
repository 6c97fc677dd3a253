#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ec2_flow_log_info
short_description: Read VPC flow logs
description:
  - Returns the flow logs named O(name) (their C(Name) tag), or those of the resource O(resource_id), or both
    (DescribeFlowLogs). Only reads.
  - No amazon.aws or community.aws module reads flow logs.
version_added: 1.3.0
author:
  - Payments platform team (@payments-platform)
options:
  name:
    description: The flow logs' C(Name) tag.
    type: str
  resource_id:
    description: ID of the VPC, subnet or network interface whose flow logs are read.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read dev's flow log
  payments.platform.ec2_flow_log_info:
    name: dev-payment-flow-logs
  register: flow_logs
"""

RETURN = r"""
flow_logs:
  description: The flow logs, as DescribeFlowLogs returns them in snake case, with C(tags) as a dict.
  returned: always
  type: list
  elements: dict
  sample:
    - flow_log_id: fl-0123456789abcdef0
      resource_id: vpc-0123456789abcdef0
      traffic_type: ALL
      log_destination_type: s3
      log_destination: arn:aws:s3:::dev-payment-audit-logs-123456789012-eu-west-1/flow/
      tags: {Name: dev-payment-flow-logs}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str"), resource_id=dict(type="str")),
        required_one_of=[("name", "resource_id")],
        supports_check_mode=True,
    )
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    filters = [{"Name": "tag:Name", "Values": [module.params["name"]]}] if module.params["name"] else []
    if module.params["resource_id"]:
        filters.append({"Name": "resource-id", "Values": [module.params["resource_id"]]})
    try:
        found = client.describe_flow_logs(Filters=filters, aws_retry=True)["FlowLogs"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not read the flow logs")
    flow_logs = []
    for flow_log in found:
        tags = boto3_tag_list_to_ansible_dict(flow_log.pop("Tags", []))
        flow_logs.append(dict(camel_dict_to_snake_dict(flow_log), tags=tags))
    module.exit_json(changed=False, flow_logs=flow_logs)


if __name__ == "__main__":
    main()
