# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.payments.platform.plugins.filter.secret_policy import FilterModule
from ansible_collections.payments.platform.plugins.plugin_utils import secrets

ACCOUNT = {"id": "123456789012", "partition": "aws", "caller_arn": "arn:aws:iam::123456789012:user/deployer"}


def readers(policy):
    [statement] = policy["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == (
        "Deny", "*", ["secretsmanager:GetSecretValue"])
    return statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]


def test_only_the_execution_role_the_deployer_and_the_administrators_read():
    assert readers(secrets.secret_policy(ACCOUNT, "prod-payment", ["arn:aws:iam::123456789012:role/admins/*"])) == [
        "arn:aws:iam::123456789012:role/prod-payment-task-execution-role",
        "arn:aws:iam::123456789012:user/deployer",
        "arn:aws:iam::123456789012:role/admins/*",
    ]


def test_an_assumed_role_reads_as_its_role_whatever_its_path():
    account = dict(ACCOUNT, partition="aws-cn",
                   caller_arn="arn:aws-cn:sts::123456789012:assumed-role/Deployer/ci-42")
    assert readers(secrets.secret_policy(account, "dev-payment", ["arn:aws-cn:iam::123456789012:role/Deployer"])) == [
        "arn:aws-cn:iam::123456789012:role/dev-payment-task-execution-role",
        "arn:aws-cn:iam::123456789012:role/Deployer",
        "arn:aws-cn:iam::123456789012:role/*/Deployer",
    ]
    assert secrets.principal_patterns("arn:aws:iam::123456789012:root") == ["arn:aws:iam::123456789012:root"]


def test_the_filter_is_the_policy():
    assert FilterModule().filters()["secret_policy"] is secrets.secret_policy
