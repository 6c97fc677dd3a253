#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: elb_ssl_policy_info
short_description: List the security policies Elastic Load Balancing offers for HTTPS and TLS listeners
description:
  - Calls ELBv2 C(DescribeSSLPolicies), where AWS says which TLS protocols and ciphers each security policy allows.
  - Only reads; supports check mode. Neither amazon.aws nor community.aws has a module for this call.
version_added: 1.1.0
author:
  - Payments platform team (@payments-platform)
options:
  names:
    description: Only these policies. AWS refuses an unknown name (C(SSLPolicyNotFound)); leave it out to list every one.
    type: list
    elements: str
  load_balancer_type:
    description: Only policies for this type of load balancer.
    type: str
    choices: [application, network, gateway]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the policies an application load balancer can use
  payments.platform.elb_ssl_policy_info:
    load_balancer_type: application
  register: policies

- name: The policies that allow TLS 1.2 and 1.3 only
  ansible.builtin.debug:
    msg: "{{ policies.ssl_policies | rejectattr('ssl_protocols', 'contains', 'TLSv1.1') | map(attribute='name') }}"
"""

RETURN = r"""
ssl_policies:
  description: The policies, snake_cased.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the policy.
      type: str
      sample: ELBSecurityPolicy-TLS13-1-2-2021-06
    ssl_protocols:
      description: The protocols the policy allows.
      type: list
      elements: str
      sample: [TLSv1.3, TLSv1.2]
    ciphers:
      description: The ciphers, each with C(name) and C(priority).
      type: list
      elements: dict
    supported_load_balancer_types:
      description: The load balancer types that can use it.
      type: list
      elements: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSRetry.jittered_backoff()
def _ssl_policies(client, **parameters):
    # Marker-paginated, and botocore has no paginator for this call.
    policies, marker = [], None
    while True:
        page = client.describe_ssl_policies(**parameters, **({"Marker": marker} if marker else {}))
        policies += page.get("SslPolicies", [])
        marker = page.get("NextMarker")
        if not marker:
            return policies


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(names=dict(type="list", elements="str"),
                           load_balancer_type=dict(type="str", choices=["application", "network", "gateway"])),
        supports_check_mode=True,
    )
    client = module.client("elbv2")
    parameters = {}
    if module.params["names"]:
        parameters["Names"] = module.params["names"]
    if module.params["load_balancer_type"]:
        parameters["LoadBalancerType"] = module.params["load_balancer_type"]
    try:
        policies = _ssl_policies(client, **parameters)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not describe the load balancer security policies")
    module.exit_json(changed=False, ssl_policies=[camel_dict_to_snake_dict(policy) for policy in policies])


if __name__ == "__main__":
    main()
