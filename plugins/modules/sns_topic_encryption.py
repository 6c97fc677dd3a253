#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: sns_topic_encryption
short_description: Keep an SNS topic encrypted at rest with a given KMS key
description:
  - Sets the C(KmsMasterKeyId) attribute of the SNS topic O(topic_arn) (SetTopicAttributes), so that SNS encrypts
    the messages it stores with O(kms_key_id); an empty O(kms_key_id) turns the encryption off.
  - A no-op when the topic already names that key (AWS keeps the key as it was given, so an alias stays an alias).
  - community.aws.sns_topic has no encryption option.
  - Supports check mode and diff mode.
version_added: 1.3.0
author:
  - Payments platform team (@payments-platform)
options:
  topic_arn:
    description: ARN of the topic.
    type: str
    required: true
  kms_key_id:
    description:
      - The KMS key, by key id, key ARN, alias (C(alias/aws/sns) is AWS's managed key for SNS) or alias ARN.
      - Empty turns server-side encryption off.
    type: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypt dev's alert topic with the environment's key
  payments.platform.sns_topic_encryption:
    topic_arn: arn:aws:sns:eu-west-1:123456789012:dev-payment-alerts
    kms_key_id: alias/dev-payment
"""

RETURN = r"""
kms_key_id:
  description: The key the topic is encrypted with now; empty when it is not.
  returned: always
  type: str
  sample: alias/dev-payment
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            topic_arn=dict(type="str", required=True),
            kms_key_id=dict(type="str", required=True, no_log=False),
        ),
        supports_check_mode=True,
    )
    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff())
    arn, wanted = module.params["topic_arn"], module.params["kms_key_id"]
    try:
        before = client.get_topic_attributes(TopicArn=arn, aws_retry=True)["Attributes"].get("KmsMasterKeyId", "")
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not read the attributes of SNS topic {arn}")
    if before == wanted:
        module.exit_json(changed=False, kms_key_id=before)
    if not module.check_mode:
        try:
            client.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue=wanted,
                                        aws_retry=True)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not set the encryption key of SNS topic {arn}")
    module.exit_json(changed=True, kms_key_id=wanted,
                     diff=dict(before={"kms_key_id": before}, after={"kms_key_id": wanted}))


if __name__ == "__main__":
    main()
