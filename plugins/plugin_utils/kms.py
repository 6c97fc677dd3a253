# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The key policy of an environment's customer-managed KMS key, once: the kms role sends it (filter
payments.platform.kms_key_policy), verify compares the live one with it."""
from __future__ import annotations

# Principals that reach the key through an AWS service, each allowed only what AWS documents it needs:
# - CloudWatch Logs (Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"): the regional service
#   principal, limited by the encryption context to the environment's own log groups;
# - CloudWatch alarms and RDS event notifications publishing to the encrypted alert topic (SNS Developer Guide,
#   "Configuring AWS KMS permissions for AWS services"): kms:Decrypt and kms:GenerateDataKey*.
# The database, its secret and the backups use the key through the caller's IAM permissions (kms:ViaService), which
# the account statement delegates to IAM.
LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
PUBLISHERS = ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]


def key_policy(account, region, log_groups):
    """The key policy for `account` (`id`, `partition`, as amazon.aws.aws_caller_info reads them) in `region`, whose
    CloudWatch Logs may use the key for the log groups named `log_groups` only."""
    partition, account_id = account["partition"], account["id"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # Without it nobody could ever manage the key again (KMS Developer Guide, "Default key policy").
                "Sid": "AccountAdministersTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsEncryptsTheLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": LOGS_ACTIONS,
                "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [
                    f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}" for name in log_groups]}},
            },
            {
                "Sid": "AlarmsAndDatabaseEventsPublishToTheTopic",
                "Effect": "Allow",
                "Principal": {"Service": PUBLISHERS},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        ],
    }
