#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: rds_event_subscription
short_description: Create, update or delete an Amazon RDS event notification subscription
description:
  - Keeps the RDS event subscription O(name) sending the events of O(event_categories) of the sources
    O(source_ids) (of one O(source_type), as AWS allows one source type per subscription) to the SNS topic
    O(sns_topic_arn) (CreateEventSubscription), changing what differs in place (ModifyEventSubscription,
    AddSourceIdentifierToSubscription, RemoveSourceIdentifierFromSubscription, tags), or deletes it with
    O(state=absent) (DeleteEventSubscription).
  - A no-op when the subscription already matches.
  - No amazon.aws or community.aws module manages RDS event subscriptions.
  - Supports check mode and diff mode.
version_added: 1.3.0
author:
  - Payments platform team (@payments-platform)
options:
  name:
    description: Name of the subscription (AWS's C(SubscriptionName)).
    type: str
    required: true
  state:
    description: Whether the subscription should exist.
    type: str
    choices: [present, absent]
    default: present
  sns_topic_arn:
    description: ARN of the SNS topic the events go to. Required with O(state=present).
    type: str
  source_type:
    description:
      - The one type of source whose events the subscription sends. Required with O(state=present).
    type: str
    choices: [db-instance, db-cluster, db-parameter-group, db-security-group, db-snapshot, db-cluster-snapshot, db-proxy]
  source_ids:
    description: Identifiers of the sources of O(source_type); empty means every source of that type.
    type: list
    elements: str
    default: []
  event_categories:
    description:
      - Event categories to send, among those AWS offers for O(source_type) (DescribeEventCategories); empty means
        every category.
    type: list
    elements: str
    default: []
  enabled:
    description: Whether the subscription sends events.
    type: bool
    default: true
  tags:
    description: Tags of the subscription.
    type: dict
    default: {}
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Send dev's cluster failures, failovers, maintenance and notifications to its alert topic
  payments.platform.rds_event_subscription:
    name: dev-payment-db-cluster-events
    sns_topic_arn: arn:aws:sns:eu-west-1:123456789012:dev-payment-alerts
    source_type: db-cluster
    source_ids: [dev-payment-db-cluster]
    event_categories: [failure, failover, maintenance, notification]
    tags:
      Environment: dev

- name: Delete it
  payments.platform.rds_event_subscription:
    name: dev-payment-db-cluster-events
    state: absent
"""

RETURN = r"""
subscription:
  description: The subscription as AWS describes it (snake_case keys); empty after a delete.
  returned: always
  type: dict
  sample:
    cust_subscription_id: dev-payment-db-cluster-events
    sns_topic_arn: arn:aws:sns:eu-west-1:123456789012:dev-payment-alerts
    source_type: db-cluster
    source_ids_list: [dev-payment-db-cluster]
    event_categories_list: [failure, failover, maintenance, notification]
    enabled: true
    event_subscription_arn: arn:aws:rds:eu-west-1:123456789012:es:dev-payment-db-cluster-events
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
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

AWS_ERRORS = ()
try:
    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except NameError:
    pass  # no botocore: AnsibleAWSModule fails before any call


class Subscription:
    """One event subscription: reads it, then makes every AWS call that differs (none in check mode)."""

    def __init__(self, module, client):
        self.module, self.client = module, client
        self.name = module.params["name"]

    def call(self, operation, what, **kwargs):
        if self.module.check_mode:
            return None
        try:
            return getattr(self.client, operation)(aws_retry=True, **kwargs)
        except AWS_ERRORS as e:
            self.module.fail_json_aws(e, msg=f"Could not {what} RDS event subscription {self.name}")

    def read(self):
        try:
            found = self.client.describe_event_subscriptions(SubscriptionName=self.name, aws_retry=True)
        except is_boto3_error_code("SubscriptionNotFound"):
            return None
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg=f"Could not read RDS event subscription {self.name}")
        current = found["EventSubscriptionsList"][0]
        try:
            tags = self.client.list_tags_for_resource(ResourceName=current["EventSubscriptionArn"], aws_retry=True)
        except AWS_ERRORS as e:
            self.module.fail_json_aws(e, msg=f"Could not read the tags of RDS event subscription {self.name}")
        current["Tags"] = boto3_tag_list_to_ansible_dict(tags["TagList"])
        return current


def desired(params):
    return {
        "SnsTopicArn": params["sns_topic_arn"],
        "SourceType": params["source_type"],
        "SourceIdsList": sorted(set(params["source_ids"])),
        "EventCategoriesList": sorted(set(params["event_categories"])),
        "Enabled": params["enabled"],
    }


def summary(subscription):
    """What the diff shows: the settings this module keeps, lists sorted."""
    if not subscription:
        return {}
    keys = ("SnsTopicArn", "SourceType", "SourceIdsList", "EventCategoriesList", "Enabled", "Tags")
    shown = {key: subscription.get(key) for key in keys}
    for key in ("SourceIdsList", "EventCategoriesList"):
        shown[key] = sorted(shown[key] or [])
    return camel_dict_to_snake_dict(shown, ignore_list=["Tags"])


def ensure_present(subscription, current, params):
    want = desired(params)
    if current is None:
        subscription.call("create_event_subscription", "create", SubscriptionName=subscription.name,
                          SnsTopicArn=want["SnsTopicArn"], SourceType=want["SourceType"],
                          SourceIds=want["SourceIdsList"], EventCategories=want["EventCategoriesList"],
                          Enabled=want["Enabled"], Tags=ansible_dict_to_boto3_tag_list(params["tags"]))
        return True, dict(want, Tags=params["tags"], CustSubscriptionId=subscription.name)

    changes = {}
    if current.get("SnsTopicArn") != want["SnsTopicArn"]:
        changes["SnsTopicArn"] = want["SnsTopicArn"]
    if current.get("SourceType") != want["SourceType"]:
        changes["SourceType"] = want["SourceType"]
    if sorted(current.get("EventCategoriesList") or []) != want["EventCategoriesList"]:
        changes["EventCategories"] = want["EventCategoriesList"]
    if current.get("Enabled") != want["Enabled"]:
        changes["Enabled"] = want["Enabled"]
    if changes:
        subscription.call("modify_event_subscription", "modify", SubscriptionName=subscription.name, **changes)

    have_ids = set(current.get("SourceIdsList") or [])
    added, removed = sorted(set(want["SourceIdsList"]) - have_ids), sorted(have_ids - set(want["SourceIdsList"]))
    for source_id in added:
        subscription.call("add_source_identifier_to_subscription", "add a source to",
                          SubscriptionName=subscription.name, SourceIdentifier=source_id)
    for source_id in removed:
        subscription.call("remove_source_identifier_from_subscription", "remove a source from",
                          SubscriptionName=subscription.name, SourceIdentifier=source_id)

    arn = current["EventSubscriptionArn"]
    to_set, to_remove = compare_aws_tags(current["Tags"], params["tags"], params["purge_tags"])
    if to_set:
        subscription.call("add_tags_to_resource", "tag", ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(to_set))
    if to_remove:
        subscription.call("remove_tags_from_resource", "untag", ResourceName=arn, TagKeys=to_remove)

    tags = {key: value for key, value in current["Tags"].items() if key not in to_remove}
    tags.update(to_set)
    after = dict(current, **want, Tags=tags)
    return bool(changes or added or removed or to_set or to_remove), after


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            sns_topic_arn=dict(type="str"),
            source_type=dict(type="str", choices=["db-instance", "db-cluster", "db-parameter-group", "db-security-group",
                                                  "db-snapshot", "db-cluster-snapshot", "db-proxy"]),
            source_ids=dict(type="list", elements="str", default=[]),
            event_categories=dict(type="list", elements="str", default=[]),
            enabled=dict(type="bool", default=True),
            tags=dict(type="dict", default={}),
            purge_tags=dict(type="bool", default=True),
        ),
        required_if=[("state", "present", ["sns_topic_arn", "source_type"])],
        supports_check_mode=True,
    )
    subscription = Subscription(module, module.client("rds", retry_decorator=AWSRetry.jittered_backoff()))
    current = subscription.read()

    if module.params["state"] == "absent":
        if current is not None:
            subscription.call("delete_event_subscription", "delete", SubscriptionName=subscription.name)
        module.exit_json(changed=current is not None, subscription={},
                         diff=dict(before=summary(current), after={}))

    changed, after = ensure_present(subscription, current, module.params)
    if changed and not module.check_mode:
        after = subscription.read()
    module.exit_json(changed=changed, subscription=camel_dict_to_snake_dict(after, ignore_list=["Tags"]),
                     diff=dict(before=summary(current), after=summary(after)))


if __name__ == "__main__":
    main()
