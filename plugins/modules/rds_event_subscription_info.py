#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: rds_event_subscription_info
short_description: Read Amazon RDS event notification subscriptions
description:
  - Describes the RDS event subscriptions of the region (DescribeEventSubscriptions), or only those named in
    O(names) that exist, with their tags.
  - No amazon.aws or community.aws module reads RDS event subscriptions.
version_added: 1.3.0
author:
  - Payments platform team (@payments-platform)
options:
  names:
    description: Names of the subscriptions to read; a name that does not exist is left out. All of the region's when omitted.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read dev's database event subscriptions
  payments.platform.rds_event_subscription_info:
    names: [dev-payment-db-cluster-events, dev-payment-db-instance-events]
  register: dev_events
"""

RETURN = r"""
subscriptions:
  description: The subscriptions as AWS describes them (snake_case keys), with C(tags), in the order of O(names).
  returned: always
  type: list
  elements: dict
  sample:
    - cust_subscription_id: dev-payment-db-cluster-events
      sns_topic_arn: arn:aws:sns:eu-west-1:123456789012:dev-payment-alerts
      source_type: db-cluster
      source_ids_list: [dev-payment-db-cluster]
      event_categories_list: [failure, failover, maintenance, notification]
      enabled: true
      status: active
      tags: {Environment: dev}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def main():
    module = AnsibleAWSModule(argument_spec=dict(names=dict(type="list", elements="str")), supports_check_mode=True)
    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff())
    names = module.params["names"]
    found = []
    try:
        if names is None:
            paginator = client.get_paginator("describe_event_subscriptions")
            found = paginator.paginate().build_full_result()["EventSubscriptionsList"]
        for name in names or []:
            try:
                found += client.describe_event_subscriptions(SubscriptionName=name, aws_retry=True)["EventSubscriptionsList"]
            except is_boto3_error_code("SubscriptionNotFound"):
                continue
        for subscription in found:
            tags = client.list_tags_for_resource(ResourceName=subscription["EventSubscriptionArn"], aws_retry=True)
            subscription["Tags"] = boto3_tag_list_to_ansible_dict(tags["TagList"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Could not read the RDS event subscriptions")
    module.exit_json(changed=False, subscriptions=[camel_dict_to_snake_dict(s, ignore_list=["Tags"]) for s in found])


if __name__ == "__main__":
    main()
