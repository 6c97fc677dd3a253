#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ec2_flow_log
short_description: Create or delete a VPC flow log delivered to S3
description:
  - Makes the flow log named O(name) (its C(Name) tag) capture O(traffic_type) traffic of the VPC O(resource_id)
    (every subnet and network interface of it) and deliver it to the S3 bucket or folder O(log_destination)
    (CreateFlowLogs), or deletes every flow log of that name with O(state=absent) (DeleteFlowLogs).
  - AWS cannot modify a flow log, so one with another resource, traffic type, destination or aggregation interval is
    replaced. The new flow log is created before the old one is deleted, so that the capture has no gap; only when
    EC2 refuses the new one as the same as the old (C(FlowLogAlreadyExists), same VPC and destination) is the old one
    deleted first.
    Tags are updated in place (CreateTags/DeleteTags).
  - A no-op when the flow log already matches. Several flow logs of that name are reduced to one.
  - No amazon.aws or community.aws module manages flow logs.
  - Supports check mode and diff mode.
version_added: 1.3.0
author:
  - Payments platform team (@payments-platform)
options:
  name:
    description: The flow log's C(Name) tag, by which it is found.
    type: str
    required: true
  resource_id:
    description: ID of the VPC whose traffic is captured. Required with O(state=present).
    type: str
  traffic_type:
    description: Which traffic is captured.
    type: str
    choices: [ALL, ACCEPT, REJECT]
    default: ALL
  log_destination:
    description:
      - ARN of the S3 bucket, or of a folder in it (C(arn:aws:s3:::bucket/prefix/)), the logs are delivered to.
      - Required with O(state=present).
    type: str
  max_aggregation_interval:
    description: Seconds over which a flow is captured into one record, 60 or 600.
    type: int
    choices: [60, 600]
    default: 600
  tags:
    description: Tags of the flow log, besides its C(Name).
    type: dict
    default: {}
  state:
    description: Whether the flow log should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Capture all of dev's VPC traffic into its audit bucket
  payments.platform.ec2_flow_log:
    name: dev-payment-flow-logs
    resource_id: vpc-0123456789abcdef0
    traffic_type: ALL
    log_destination: arn:aws:s3:::dev-payment-audit-logs-123456789012-eu-west-1/flow/
    tags:
      Environment: dev

- name: Delete dev's flow log
  payments.platform.ec2_flow_log:
    name: dev-payment-flow-logs
    state: absent
"""

RETURN = r"""
flow_log_id:
  description: ID of the flow log; empty when there is none (absent, or a creation check mode only predicts).
  returned: always
  type: str
  sample: fl-0123456789abcdef0
flow_log:
  description: The flow log as DescribeFlowLogs returns it; empty when there is none.
  returned: always
  type: dict
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def settings(flow_log):
    """What AWS cannot change on a flow log."""
    return {key: flow_log.get(key) for key in ("ResourceId", "TrafficType", "LogDestination", "MaxAggregationInterval")}


def call(module, what, method, **kwargs):
    try:
        return method(aws_retry=True, **kwargs)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not {what} flow log {module.params['name']}")


def create_flow_log(module, client, tags, stale):
    """CreateFlowLogs for the wanted flow log, or None when AWS refuses it as the same as one of the `stale` ones
    (FlowLogAlreadyExists, EC2's error for "the same configuration and log destination")."""
    params = module.params
    try:
        created = client.create_flow_logs(
            aws_retry=True, ResourceIds=[params["resource_id"]], ResourceType="VPC", TrafficType=params["traffic_type"],
            LogDestinationType="s3", LogDestination=params["log_destination"],
            MaxAggregationInterval=params["max_aggregation_interval"],
            TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": ansible_dict_to_boto3_tag_list(tags)}])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        if stale and getattr(e, "response", {}).get("Error", {}).get("Code") == "FlowLogAlreadyExists":
            return None
        module.fail_json_aws(e, msg=f"Could not create flow log {params['name']}")
    if created.get("Unsuccessful"):
        module.fail_json(msg=f"Could not create flow log {params['name']}: {created['Unsuccessful'][0]['Error']['Message']}",
                         unsuccessful=created["Unsuccessful"])
    return created


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            resource_id=dict(type="str"),
            traffic_type=dict(type="str", choices=["ALL", "ACCEPT", "REJECT"], default="ALL"),
            log_destination=dict(type="str"),
            max_aggregation_interval=dict(type="int", choices=[60, 600], default=600),
            tags=dict(type="dict", default={}),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["resource_id", "log_destination"])],
        supports_check_mode=True,
    )
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    params, name = module.params, module.params["name"]
    found = call(module, "read", client.describe_flow_logs, Filters=[{"Name": "tag:Name", "Values": [name]}])["FlowLogs"]

    wanted = {"ResourceId": params["resource_id"], "TrafficType": params["traffic_type"],
              "LogDestination": params["log_destination"], "MaxAggregationInterval": params["max_aggregation_interval"]}
    present = params["state"] == "present"
    keep = next((fl for fl in found if settings(fl) == wanted), None) if present else None
    stale = [fl["FlowLogId"] for fl in found if fl is not keep]
    tags = dict(params["tags"], Name=name)
    to_tag, to_untag = compare_aws_tags(boto3_tag_list_to_ansible_dict(keep.get("Tags", [])), tags) if keep else ({}, [])
    create = present and keep is None
    changed = bool(stale or create or to_tag or to_untag)
    before = settings(found[0]) if found else {}
    after = wanted if present else {}

    result = dict(keep, Tags=ansible_dict_to_boto3_tag_list(tags)) if keep else {}
    if changed and not module.check_mode:
        if create:
            created = create_flow_log(module, client, tags, stale)
            if created is None:
                # AWS counts an old one as the same flow log: it must go first (a short gap, unavoidable here).
                call(module, "delete", client.delete_flow_logs, FlowLogIds=stale)
                stale = []
                created = create_flow_log(module, client, tags, stale)
            result = dict(wanted, FlowLogId=created["FlowLogIds"][0], Tags=ansible_dict_to_boto3_tag_list(tags))
        # After the new one is capturing: no gap in the audit trail.
        if stale:
            call(module, "delete", client.delete_flow_logs, FlowLogIds=stale)
        if to_tag:
            call(module, "tag", client.create_tags, Resources=[keep["FlowLogId"]], Tags=ansible_dict_to_boto3_tag_list(to_tag))
        if to_untag:
            call(module, "untag", client.delete_tags, Resources=[keep["FlowLogId"]], Tags=[{"Key": key} for key in to_untag])
    module.exit_json(changed=changed, flow_log_id=result.get("FlowLogId", ""), flow_log=result,
                     diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
