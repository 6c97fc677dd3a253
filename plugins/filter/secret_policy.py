# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.secret_policy: the resource policy of an environment's DB secret."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import secrets

DOCUMENTATION = r"""
name: secret_policy
author: payments platform team
version_added: "1.3.0"
short_description: The resource policy of the payment platform's DB credentials secret
description:
  - Returns the resource policy of an environment's DB secret, as data for the
    O(community.aws.secretsmanager_secret#module:resource_policy) option (as JSON).
  - One statement, C(OnlyTheServiceAndItsAdministratorsRead), denies C(secretsmanager:GetSecretValue) to every
    principal whose C(aws:PrincipalArn) is none of the environment's task execution role C(<prefix>-task-execution-role),
    the identity running the deploy (it reads the stored password on every run; an assumed role counts as its role,
    with any path) and O(administrators).
  - It grants nothing; a reader still needs an IAM policy allowing it.
positional: prefix, administrators
options:
  _input:
    description: The account, as the C(payments.platform.preflight) role publishes it (C(preflight_account)).
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
      caller_arn:
        description: The ARN of the identity running the deploy, as STS GetCallerIdentity returns it.
        type: str
        required: true
  prefix:
    description: Prefix of the environment's resource names, C({env}-payment).
    type: str
    required: true
  administrators:
    description: ARNs (or C(ArnLike) patterns) of the other principals allowed to read the secret.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: The secret of dev
  community.aws.secretsmanager_secret:
    name: dev-payment-db-credentials
    resource_policy: "{{ preflight_account | payments.platform.secret_policy('dev-payment', []) | to_json }}"
"""

RETURN = r"""
_value:
  description: The resource policy document (C(Version), C(Statement)).
  type: dict
"""


class FilterModule:
    def filters(self):
        return {"secret_policy": secrets.secret_policy}
