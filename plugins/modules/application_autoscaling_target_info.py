#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: application_autoscaling_target_info
short_description: Read an Application Auto Scaling scalable target and its scaling policies
version_added: 1.0.0
description:
  - Reads one scalable target (for example an ECS service's desired count) and the scaling policies attached to it.
  - No module of amazon.aws or community.aws reads them.
author:
  - Payments platform team (@payments-platform)
options:
  service_namespace:
    description: Namespace of the scaled service.
    type: str
    default: ecs
  resource_id:
    description: Resource id of the target, for ECS C(service/<cluster>/<service>).
    type: str
    required: true
  scalable_dimension:
    description: The scaled dimension.
    type: str
    default: ecs:service:DesiredCount
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the payment service's scaling
  payments.platform.application_autoscaling_target_info:
    resource_id: service/dev-payment-cluster/dev-payment-service
  register: scaling
"""

RETURN = r"""
scalable_target:
  description: The scalable target (snake_cased DescribeScalableTargets output); empty when there is none.
  returned: always
  type: dict
  sample: {"min_capacity": 2, "max_capacity": 10, "resource_id": "service/dev-payment-cluster/dev-payment-service"}
policies:
  description: Its scaling policies (snake_cased DescribeScalingPolicies output); empty when there is no target.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.platform.plugins.module_utils.autoscaling import ScalableTarget


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            service_namespace=dict(type="str", default="ecs"),
            resource_id=dict(type="str", required=True),
            scalable_dimension=dict(type="str", default="ecs:service:DesiredCount"),
        ),
        supports_check_mode=True,
    )
    reader = ScalableTarget(module)
    target = reader.target()
    policies = reader.policies() if target else []
    module.exit_json(
        changed=False,
        scalable_target=camel_dict_to_snake_dict(target or {}),
        policies=[camel_dict_to_snake_dict(p) for p in policies],
    )


if __name__ == "__main__":
    main()
