# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.payments.platform.plugins.filter.kms_key_policy import FilterModule
from ansible_collections.payments.platform.plugins.plugin_utils import kms

ACCOUNT = {"id": "123456789012", "partition": "aws-us-gov"}


def statements(policy):
    return {s["Sid"]: s for s in policy["Statement"]}


def test_the_account_administers_the_key_and_iam_decides_the_rest():
    admin = statements(kms.key_policy(ACCOUNT, "us-gov-west-1", []))["AccountAdministersTheKey"]
    assert admin["Principal"] == {"AWS": "arn:aws-us-gov:iam::123456789012:root"}
    assert (admin["Action"], admin["Resource"], admin["Effect"]) == ("kms:*", "*", "Allow")


def test_cloudwatch_logs_of_the_region_uses_it_for_the_named_log_groups_only():
    logs = statements(kms.key_policy(ACCOUNT, "us-gov-west-1", ["/ecs/a", "aws-waf-logs-b"]))[
        "CloudWatchLogsEncryptsTheLogGroups"]
    assert logs["Principal"] == {"Service": "logs.us-gov-west-1.amazonaws.com"}
    assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [
        "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/ecs/a",
        "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:aws-waf-logs-b"]}}
    assert "kms:*" not in logs["Action"] and "kms:GenerateDataKey*" in logs["Action"]


def test_alarms_and_database_events_may_only_encrypt_for_the_topic():
    publish = statements(kms.key_policy(ACCOUNT, "eu-west-1", []))["AlarmsAndDatabaseEventsPublishToTheTopic"]
    assert publish["Principal"] == {"Service": ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]}
    assert publish["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_the_filter_is_the_policy():
    assert FilterModule().filters()["kms_key_policy"] is kms.key_policy
