# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.rds_event_subscription: an RDS event subscription created, changed in place, deleted."""

import importlib.util
import os

import pytest

from ansible_collections.payments.platform.plugins.modules import rds_event_subscription as module

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION

TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:dev-payment-alerts"
OTHER_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:other"
NAME = "dev-payment-db-cluster-events"
ARGS = {"name": NAME, "sns_topic_arn": TOPIC, "source_type": "db-cluster", "source_ids": ["dev-payment-db-cluster"],
        "event_categories": ["failure", "failover", "maintenance", "notification"], "tags": {"Environment": "dev"}}
EMULATOR = os.path.join(os.path.dirname(__file__), *[os.pardir] * 3, "emulator.py")


@pytest.fixture(autouse=True)
def modify_operations(aws):
    """moto lacks ModifyEventSubscription and the source identifier calls: the emulator's patch adds them."""
    spec = importlib.util.spec_from_file_location("payments_emulator", EMULATOR)
    emulator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(emulator)
    from moto.rds.responses import RDSResponse
    names = ("modify_event_subscription", "add_source_identifier_to_subscription",
             "remove_source_identifier_from_subscription")
    saved = {name: getattr(RDSResponse, name, None) for name in names}
    emulator._rds_event_subscription_changes()
    yield
    for name, original in saved.items():
        if original is None:
            delattr(RDSResponse, name)
        else:  # pragma: no cover - only when moto gains the operation
            setattr(RDSResponse, name, original)


def read(aws):
    [found] = aws("rds").describe_event_subscriptions(SubscriptionName=NAME)["EventSubscriptionsList"]
    tags = aws("rds").list_tags_for_resource(ResourceName=found["EventSubscriptionArn"])["TagList"]
    return found, {tag["Key"]: tag["Value"] for tag in tags}


def test_creates_then_is_a_no_op(aws, api, run_module):
    first = run_module(module, ARGS)
    second = run_module(module, ARGS)

    found, tags = read(aws)
    assert first["changed"] is True and second["changed"] is False
    assert (found["SnsTopicArn"], found["SourceType"], found["SourceIdsList"], found["Enabled"]) == (
        TOPIC, "db-cluster", ["dev-payment-db-cluster"], True)
    assert sorted(found["EventCategoriesList"]) == ["failover", "failure", "maintenance", "notification"]
    assert tags == {"Environment": "dev"}
    assert first["subscription"]["event_subscription_arn"] == found["EventSubscriptionArn"]
    assert first["subscription"]["tags"] == {"Environment": "dev"}
    assert first["diff"]["before"] == {} and first["diff"]["after"]["source_type"] == "db-cluster"
    assert api.writes == ["CreateEventSubscription"]  # the second run only read


def test_changes_what_differs_in_place(aws, api, run_module):
    run_module(module, ARGS)
    aws("rds").add_tags_to_resource(ResourceName=read(aws)[0]["EventSubscriptionArn"], Tags=[{"Key": "Stray", "Value": "x"}])
    changed = dict(ARGS, sns_topic_arn=OTHER_TOPIC, source_type="db-instance", source_ids=["db-1", "db-2"],
                   event_categories=["failure"], enabled=False, tags={"Environment": "dev", "Owner": "payments"})
    api.calls.clear()

    result = run_module(module, changed)

    found, tags = read(aws)
    assert result["changed"] is True
    assert (found["SnsTopicArn"], found["SourceType"], sorted(found["SourceIdsList"]), found["EventCategoriesList"],
            found["Enabled"]) == (OTHER_TOPIC, "db-instance", ["db-1", "db-2"], ["failure"], False)
    assert tags == {"Environment": "dev", "Owner": "payments"}
    assert "CreateEventSubscription" not in api.writes and "DeleteEventSubscription" not in api.writes
    assert api.params_of("RemoveSourceIdentifierFromSubscription") == [
        {"SubscriptionName": NAME, "SourceIdentifier": "dev-payment-db-cluster"}]
    assert run_module(module, changed)["changed"] is False


def test_keeps_other_tags_without_purge(aws, api, run_module):
    run_module(module, ARGS)

    result = run_module(module, dict(ARGS, tags={"Owner": "payments"}, purge_tags=False))

    assert result["changed"] is True and read(aws)[1] == {"Environment": "dev", "Owner": "payments"}
    assert "RemoveTagsFromResource" not in api.writes


def test_check_mode_predicts_and_writes_nothing(aws, api, run_module):
    created = run_module(module, ARGS, check_mode=True)
    assert created["changed"] is True and created["subscription"]["source_type"] == "db-cluster"
    assert api.writes == []

    run_module(module, ARGS)
    api.calls.clear()
    changed = run_module(module, dict(ARGS, source_ids=[], tags={}), check_mode=True)

    assert changed["changed"] is True and changed["subscription"]["source_ids_list"] == []
    assert changed["subscription"]["tags"] == {}
    assert api.writes == [] and read(aws)[0]["SourceIdsList"] == ["dev-payment-db-cluster"]


def test_absent_deletes_then_is_a_no_op(aws, run_module):
    run_module(module, ARGS)

    first = run_module(module, {"name": NAME, "state": "absent"})
    second = run_module(module, {"name": NAME, "state": "absent"})

    assert first["changed"] is True and first["diff"]["after"] == {} and first["diff"]["before"]["sns_topic_arn"] == TOPIC
    assert aws("rds").describe_event_subscriptions()["EventSubscriptionsList"] == []
    assert second["changed"] is False and second["subscription"] == {}


def test_present_needs_topic_and_source_type(aws, run_module):
    result = run_module(module, {"name": NAME})
    assert result["failed"] is True and "sns_topic_arn" in result["msg"]


@pytest.mark.parametrize("operation, message", [
    ("DescribeEventSubscriptions", f"Could not read RDS event subscription {NAME}"),
    ("ListTagsForResource", f"Could not read the tags of RDS event subscription {NAME}"),
    ("ModifyEventSubscription", f"Could not modify RDS event subscription {NAME}"),
])
def test_errors_fail(aws, api, run_module, operation, message):
    run_module(module, ARGS)
    api.fail(operation, message="not allowed")
    result = run_module(module, dict(ARGS, enabled=False))
    assert result["failed"] is True and result["msg"].startswith(message)


def test_runs_as_a_script(aws, run_module):
    result = run_module(module, {"name": NAME, "state": "absent"}, as_script=True)
    assert result["changed"] is False


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(module), {"name": NAME, "state": "absent"})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
