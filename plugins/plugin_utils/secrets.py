# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The resource policy of an environment's DB secret, once: the rds role sends it (filter
payments.platform.secret_policy)."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import naming

READ_ACTIONS = ["secretsmanager:GetSecretValue"]


def principal_patterns(arn):
    """The aws:PrincipalArn patterns of the identity `arn` (as STS GetCallerIdentity names it).

    A role's session (arn:<p>:sts::<acct>:assumed-role/<name>/<session>) is evaluated as the role's ARN, which holds
    the role's path where the session's ARN does not (IAM User Guide, "aws:PrincipalArn"): the role with any path."""
    fields = arn.split(":", 5)
    if len(fields) == 6 and fields[2] == "sts" and fields[5].startswith("assumed-role/"):
        role = fields[5].split("/")[1]
        base = f"arn:{fields[1]}:iam::{fields[4]}:role/"
        return [base + role, base + "*/" + role]
    return [arn]


def secret_policy(account, prefix, administrators):
    """Deny reading the secret to every principal but the environment's execution role, the identity deploying
    (`account["caller_arn"]`, which reads the stored password on every run) and `administrators` (ARNs or ArnLike
    patterns). IAM still has to allow a reader: the policy only takes the secret out of reach of everyone else of
    the account, whatever their IAM policies grant."""
    execution_role = naming.resource_names(prefix)["task_execution_role"]
    readers = [f"arn:{account['partition']}:iam::{account['id']}:role/{execution_role}"]
    for arn in [account["caller_arn"]] + list(administrators):
        readers += [pattern for pattern in principal_patterns(arn) if pattern not in readers]
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyTheServiceAndItsAdministratorsRead",
            "Effect": "Deny",
            "Principal": "*",
            "Action": READ_ACTIONS,
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": readers}},
        }],
    }
