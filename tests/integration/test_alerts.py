# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Alarms that reach someone, in every environment, read back from the emulator with boto3: the encrypted alert
topic, its access policy and email subscribers, every alarm's alarm and OK actions, and the database's event
subscriptions (source type, identifiers, categories)."""

import json

import pytest

from conftest import ENV_REGIONS, contract_tags, env_keys, tags_of, writes

ENVS = list(ENV_REGIONS)
ALARMS = ("service-cpu-high", "alb-5xx", "target-5xx", "unhealthy-targets", "db-cpu-high")
CATEGORIES = ["failover", "failure", "maintenance", "notification"]
# What the inventories set: prod's example address (the README says to replace it), none elsewhere.
RECIPIENTS = {"dev": [], "staging": [], "prod": ["payments-oncall@example.com"]}


def topic_of(aws, env):
    sns = aws("sns", env)
    [arn] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{env}-payment-alerts")]
    return sns, arn, sns.get_topic_attributes(TopicArn=arn)["Attributes"]


@pytest.mark.parametrize("env", ENVS)
def test_the_alert_topic_is_encrypted_and_only_this_accounts_alarms_and_rds_publish(platform, aws, env):
    sns, arn, attributes = topic_of(aws, env)
    account = arn.split(":")[4]
    # The environment's own key: its policy lets CloudWatch and RDS use it, which AWS's managed alias/aws/sns does not.
    assert attributes["KmsMasterKeyId"] == env_keys(aws, env)[0]["Arn"]
    statements = json.loads(attributes["Policy"])["Statement"]
    publishers = {s["Principal"]["Service"]: s for s in statements if "Service" in s["Principal"]}
    assert set(publishers) == {"cloudwatch.amazonaws.com", "events.rds.amazonaws.com"}
    for statement in publishers.values():
        assert (statement["Effect"], statement["Action"], statement["Resource"]) == ("Allow", "sns:Publish", arn)
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}, "confused deputy"
    [owner] = [s for s in statements if "AWS" in s["Principal"]]
    assert owner["Principal"]["AWS"] == f"arn:aws:iam::{account}:root"
    assert tags_of(sns.list_tags_for_resource(ResourceArn=arn)) == dict(contract_tags(env), Name=f"{env}-payment-alerts")


@pytest.mark.parametrize("env", ENVS)
def test_the_inventorys_addresses_are_subscribed(platform, aws, env):
    sns, arn, dummy = topic_of(aws, env)
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in subscriptions) == [("email", a) for a in RECIPIENTS[env]]


@pytest.mark.parametrize("env", ENVS)
def test_every_alarm_notifies_the_topic_when_it_fires_and_recovers(platform, aws, env):
    dummy, arn, dummy = topic_of(aws, env)
    alarms = aws("cloudwatch", env).describe_alarms(AlarmNamePrefix=f"{env}-payment-")["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == sorted(f"{env}-payment-{alarm}" for alarm in ALARMS)
    for alarm in alarms:
        assert (alarm["AlarmActions"], alarm["OKActions"]) == ([arn], [arn]), alarm["AlarmName"]


@pytest.mark.parametrize("env", ENVS)
def test_the_clusters_and_instances_events_go_to_the_topic(platform, aws, env):
    dummy, arn, dummy = topic_of(aws, env)
    rds = aws("rds", env)
    found = {s["CustSubscriptionId"]: s for s in rds.describe_event_subscriptions()["EventSubscriptionsList"]
             if s["CustSubscriptionId"].startswith(f"{env}-payment")}
    assert sorted(found) == [f"{env}-payment-db-cluster-events", f"{env}-payment-db-instance-events"]
    cluster, instances = found[f"{env}-payment-db-cluster-events"], found[f"{env}-payment-db-instance-events"]
    assert (cluster["SourceType"], cluster["SourceIdsList"]) == ("db-cluster", [f"{env}-payment-db-cluster"])
    assert (instances["SourceType"], sorted(instances["SourceIdsList"])) == (
        "db-instance", [f"{env}-payment-db-1", f"{env}-payment-db-2"])
    for subscription in found.values():
        assert subscription["SnsTopicArn"] == arn and subscription["Enabled"] is True
        assert sorted(subscription["EventCategoriesList"]) == CATEGORIES
        tags = rds.list_tags_for_resource(ResourceName=subscription["EventSubscriptionArn"])
        assert tags_of(tags, "TagList") == dict(contract_tags(env), Name=subscription["CustSubscriptionId"])


def test_a_converged_rerun_writes_nothing_to_sns_or_the_event_subscriptions(platform):
    assert not platform.rerun.failed and platform.rerun.changed == 0, platform.rerun.output[-5000:]
    assert writes(platform.rerun_calls) == []
    assert not platform.check.failed and platform.check.changed == 0, platform.check.output[-3000:]
