#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: wafv2_logging_configuration
short_description: Turn the logging of a WAFv2 web ACL on or off
description:
  - Makes the web ACL O(web_acl_arn) log every request it inspects to O(log_destination_arns)
    (PutLoggingConfiguration), or stops its logging with O(state=absent) (DeleteLoggingConfiguration).
  - A no-op when the web ACL already logs to exactly those destinations, with no redacted field and no logging
    filter (both would drop part of the audit trail, so a configuration that has one is replaced).
  - No amazon.aws or community.aws module configures WAFv2 logging.
  - Supports check mode and diff mode.
version_added: 1.2.0
author:
  - Payments platform team (@payments-platform)
options:
  web_acl_arn:
    description: ARN of the web ACL.
    type: str
    required: true
  log_destination_arns:
    description:
      - Where the logs go, for example a CloudWatch Logs log group whose name starts with C(aws-waf-logs-), by its
        ARN without the C(:*) suffix. AWS accepts one destination.
      - Required with O(state=present).
    type: list
    elements: str
  state:
    description: Whether the web ACL logs.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log every request of dev's web ACL
  payments.platform.wafv2_logging_configuration:
    web_acl_arn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/dev-payment-waf/a1b2c3d4
    log_destination_arns:
      - arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-dev-payment-waf
"""

RETURN = r"""
log_destination_arns:
  description: Where the web ACL logs now; empty when it does not.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            web_acl_arn=dict(type="str", required=True),
            log_destination_arns=dict(type="list", elements="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["log_destination_arns"])],
        supports_check_mode=True,
    )
    client = module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff())
    arn, present = module.params["web_acl_arn"], module.params["state"] == "present"
    try:
        current = client.get_logging_configuration(ResourceArn=arn, aws_retry=True)["LoggingConfiguration"]
    except is_boto3_error_code("WAFNonexistentItemException"):
        current = None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read the logging configuration of web ACL {arn}")

    before = sorted(current["LogDestinationConfigs"]) if current else []
    after = sorted(module.params["log_destination_arns"]) if present else []
    complete = not current or not (current.get("RedactedFields") or current.get("LoggingFilter"))
    if before == after and complete:
        module.exit_json(changed=False, log_destination_arns=before)
    if not module.check_mode:
        try:
            if present:
                client.put_logging_configuration(
                    LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": after}, aws_retry=True)
            else:
                client.delete_logging_configuration(ResourceArn=arn, aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not {'set' if present else 'delete'} the logging configuration of web ACL {arn}")
    module.exit_json(changed=True, log_destination_arns=after,
                     diff=dict(before={"log_destination_arns": before}, after={"log_destination_arns": after}))


if __name__ == "__main__":
    main()
