# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.kms_key_policy: the key policy of an environment's customer-managed key."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import kms

DOCUMENTATION = r"""
name: kms_key_policy
author: payments platform team
version_added: "1.3.0"
short_description: The key policy of the payment platform's customer-managed KMS key
description:
  - Returns the key policy of an environment's key, as data for the O(amazon.aws.kms_key#module:policy) option.
  - C(AccountAdministersTheKey) gives the account (its root principal) every KMS action, so that IAM policies
    decide who else may use the key; the database, its secret and the backups reach it that way.
  - C(CloudWatchLogsEncryptsTheLogGroups) lets the region's CloudWatch Logs use it for the log groups named in
    O(log_groups) only (the C(kms:EncryptionContext:aws:logs:arn) condition).
  - C(AlarmsAndDatabaseEventsPublishToTheTopic) lets CloudWatch alarms and RDS event notifications publish to a topic
    the key encrypts.
positional: region, log_groups
options:
  _input:
    description: The account, as M(amazon.aws.aws_caller_info) reads it.
    type: dict
    required: true
    suboptions:
      id:
        description: The account ID.
        type: str
        required: true
      partition:
        description: The account's partition, for example C(aws).
        type: str
        required: true
  region:
    description: The region of the key and of the log groups.
    type: str
    required: true
  log_groups:
    description: Names of the log groups the key encrypts.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: The key of dev
  amazon.aws.kms_key:
    alias: alias/dev-payment
    policy: "{{ {'id': '123456789012', 'partition': 'aws'} | payments.platform.kms_key_policy('eu-west-1', ['/ecs/dev-payment-service']) }}"
"""

RETURN = r"""
_value:
  description: The key policy document (C(Version), C(Statement)).
  type: dict
"""


class FilterModule:
    def filters(self):
        return {"kms_key_policy": kms.key_policy}
