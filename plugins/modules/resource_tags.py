#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: resource_tags
short_description: Keep the tags of ECR repositories and CloudWatch alarms
description:
  - Sets the tags of resources whose modules cannot tag them (community.aws.ecs_ecr and
    amazon.aws.cloudwatch_metric_alarm have no tags option). One call handles several resources.
  - Supported ARNs are Amazon ECR repositories (C(arn:aws:ecr:...)) and CloudWatch alarms (C(arn:aws:cloudwatch:...));
    each resource is tagged in the region its ARN names.
  - Supports check mode and diff mode; in check mode a resource that does not exist yet reports a change.
version_added: 1.0.0
author:
  - Payments platform team (@payments-platform)
options:
  resources:
    description: ARNs of the resources to tag.
    type: list
    elements: str
    required: true
  tags:
    description: Tags every resource must carry.
    type: dict
    required: true
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
- name: Tag the shared repository
  payments.platform.resource_tags:
    resources:
      - arn:aws:ecr:eu-west-1:123456789012:repository/payment-processor
    tags:
      Environment: shared
      Project: payment-processing
      ManagedBy: ansible
"""

RETURN = r"""
tags:
  description: The tags of each resource after the change, by ARN.
  returned: always
  type: dict
  sample: {"arn:aws:ecr:eu-west-1:123456789012:repository/payment-processor": {"Environment": "shared"}}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# How each service names the tagging calls' parameters.
SERVICES = {
    "ecr": dict(arn="resourceArn", tags="tags", keys="tagKeys", missing="RepositoryNotFoundException"),
    "cloudwatch": dict(arn="ResourceARN", tags="Tags", keys="TagKeys", missing="ResourceNotFoundException"),
}


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            resources=dict(type="list", elements="str", required=True),
            tags=dict(type="dict", required=True),
            purge_tags=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    wanted = module.params["tags"]
    clients = {}
    changed = False
    result_tags, before, after = {}, {}, {}

    for arn in module.params["resources"]:
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[2] not in SERVICES:
            module.fail_json(msg=f"Unsupported resource {arn}: only ECR repositories and CloudWatch alarms")
        service, region = parts[2], parts[3]
        names = SERVICES[service]
        # One client per service and region; its calls made with aws_retry=True back off when AWS throttles.
        if (service, region) not in clients:
            clients[service, region] = module.client(service, region=region, retry_decorator=AWSRetry.jittered_backoff())
        client = clients[service, region]
        try:
            listed = client.list_tags_for_resource(aws_retry=True, **{names["arn"]: arn})
            current = boto3_tag_list_to_ansible_dict(listed[names["tags"]])
        except is_boto3_error_code(names["missing"]) as e:
            if not module.check_mode:
                module.fail_json_aws(e, msg=f"{arn} does not exist")
            current = {}
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg=f"Could not read the tags of {arn}")

        to_set, to_remove = compare_aws_tags(current, wanted, purge_tags=module.params["purge_tags"])
        result_tags[arn] = {k: v for k, v in current.items() if k not in to_remove}
        result_tags[arn].update(to_set)
        if not (to_set or to_remove):
            continue
        changed = True
        before[arn], after[arn] = current, result_tags[arn]
        if module.check_mode:
            continue
        try:
            if to_remove:
                client.untag_resource(aws_retry=True, **{names["arn"]: arn, names["keys"]: to_remove})
            if to_set:
                tag_list = ansible_dict_to_boto3_tag_list(to_set)
                client.tag_resource(aws_retry=True, **{names["arn"]: arn, names["tags"]: tag_list})
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not tag {arn}")

    result = dict(changed=changed, tags=result_tags)
    if changed:
        result["diff"] = dict(before=before, after=after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
