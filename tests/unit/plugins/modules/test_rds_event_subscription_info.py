# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.rds_event_subscription_info: RDS event subscriptions read, by name or all."""

import pytest

from ansible_collections.payments.platform.plugins.modules import rds_event_subscription_info as module

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION

TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:dev-payment-alerts"


@pytest.fixture
def subscriptions(aws):
    for name, source_type in (("dev-payment-db-cluster-events", "db-cluster"), ("dev-payment-db-instance-events", "db-instance")):
        aws("rds").create_event_subscription(SubscriptionName=name, SnsTopicArn=TOPIC, SourceType=source_type,
                                             SourceIds=["x"], EventCategories=["failure"], Enabled=True,
                                             Tags=[{"Key": "Environment", "Value": "dev"}])


def test_reads_the_named_ones_that_exist(aws, run_module, subscriptions):
    result = run_module(module, {"names": ["dev-payment-db-instance-events", "missing", "dev-payment-db-cluster-events"]})

    assert result["changed"] is False
    assert [s["cust_subscription_id"] for s in result["subscriptions"]] == [
        "dev-payment-db-instance-events", "dev-payment-db-cluster-events"]
    first = result["subscriptions"][0]
    assert (first["source_type"], first["sns_topic_arn"], first["source_ids_list"], first["tags"]) == (
        "db-instance", TOPIC, ["x"], {"Environment": "dev"})


def test_reads_all_without_names(aws, run_module, subscriptions):
    result = run_module(module, {})
    assert sorted(s["cust_subscription_id"] for s in result["subscriptions"]) == [
        "dev-payment-db-cluster-events", "dev-payment-db-instance-events"]


def test_read_errors_fail(aws, api, run_module, subscriptions):
    api.fail("ListTagsForResource", message="not allowed")
    result = run_module(module, {"names": ["dev-payment-db-cluster-events"]})
    assert result["failed"] is True and result["msg"].startswith("Could not read the RDS event subscriptions")


def test_runs_as_a_script(aws, run_module):
    assert run_module(module, {"names": []}, as_script=True)["subscriptions"] == []


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(module), {})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
