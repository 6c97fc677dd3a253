# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.sns_topic_encryption: a topic's KMS key set, kept, or removed."""

import pytest

from ansible_collections.payments.platform.plugins.modules import sns_topic_encryption as module


@pytest.fixture
def topic(aws):
    return aws("sns").create_topic(Name="dev-payment-alerts")["TopicArn"]


def key_of(aws, arn):
    return aws("sns").get_topic_attributes(TopicArn=arn)["Attributes"].get("KmsMasterKeyId", "")


def test_sets_the_key_then_is_a_no_op(aws, api, run_module, topic):
    first = run_module(module, {"topic_arn": topic, "kms_key_id": "alias/aws/sns"})
    second = run_module(module, {"topic_arn": topic, "kms_key_id": "alias/aws/sns"})

    assert first["changed"] is True and first["kms_key_id"] == "alias/aws/sns"
    assert first["diff"] == {"before": {"kms_key_id": ""}, "after": {"kms_key_id": "alias/aws/sns"}}
    assert second["changed"] is False and key_of(aws, topic) == "alias/aws/sns"
    assert api.writes == ["SetTopicAttributes"]


def test_changes_and_removes_the_key(aws, run_module, topic):
    run_module(module, {"topic_arn": topic, "kms_key_id": "alias/aws/sns"})

    assert run_module(module, {"topic_arn": topic, "kms_key_id": "alias/dev-payment"})["changed"] is True
    assert key_of(aws, topic) == "alias/dev-payment"
    assert run_module(module, {"topic_arn": topic, "kms_key_id": ""})["changed"] is True
    assert key_of(aws, topic) == ""


def test_check_mode_writes_nothing(aws, api, run_module, topic):
    result = run_module(module, {"topic_arn": topic, "kms_key_id": "alias/aws/sns"}, check_mode=True)
    assert result["changed"] is True and api.writes == [] and key_of(aws, topic) == ""


@pytest.mark.parametrize("operation, message", [("GetTopicAttributes", "Could not read the attributes of SNS topic"),
                                                ("SetTopicAttributes", "Could not set the encryption key of SNS topic")])
def test_errors_fail(aws, api, run_module, topic, operation, message):
    api.fail(operation, message="not allowed")
    result = run_module(module, {"topic_arn": topic, "kms_key_id": "alias/aws/sns"})
    assert result["failed"] is True and result["msg"].startswith(message)


def test_runs_as_a_script(aws, run_module, topic):
    assert run_module(module, {"topic_arn": topic, "kms_key_id": ""}, as_script=True)["changed"] is False


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(module), {"topic_arn": "arn", "kms_key_id": ""})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
