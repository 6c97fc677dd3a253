# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The live state (inspect_live) built from the inspect role's reads, rule by rule."""
import copy

import pytest

from ansible_collections.payments.platform.plugins.plugin_utils import live_state as live

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dev-payment-db-AbCdEf"
DIGEST = "sha256:" + "a" * 64
REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payment-processor"
SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}

# One deployed environment, each read as the role gets it back (only the fields the live state reads, and some
# it ignores).
READS = {
    "vpc": {"id": "vpc-1", "cidr_block": "10.42.0.0/16", "tags": {"Name": "dev-payment-vpc"}},
    "subnets": {"changed": False, "subnets": [
        {"id": "subnet-p2", "availability_zone": "eu-west-1b", "tags": {"Name": "dev-payment-private-b"}},
        {"id": "subnet-u1", "availability_zone": "eu-west-1a", "tags": {"Name": "dev-payment-public-a"}},
        {"id": "subnet-p1", "availability_zone": "eu-west-1a", "tags": {"Name": "dev-payment-private-a"}},
        {"id": "subnet-u2", "availability_zone": "eu-west-1b", "tags": {"Name": "Dev-payment-public-b"}},
    ]},
    "db_cluster": {"endpoint": "dev-payment-db.cluster-x.eu-west-1.rds.amazonaws.com", "kms_key_id": KEY,
                   "deletion_protection": False},
    "db_instances": {"instances": [
        {"db_instance_class": "db.t3.medium", "monitoring_interval": 60},
        {"db_instance_class": "db.t3.medium", "monitoring_interval": 60},
    ]},
    "load_balancer": {
        "dns_name": "dev-payment-alb-1.eu-west-1.elb.amazonaws.com", "deletion_protection_enabled": "false",
        "access_logs_s3_enabled": "true", "access_logs_s3_bucket": "dev-payment-audit-logs",
        "listeners": [{"protocol": "HTTP", "port": 80},
                      {"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}],
    },
    "service": {"clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-payment-cluster", "desiredCount": 2,
                "status": "ACTIVE"},
    "task": {"changed": False, "cpu": "256", "memory": "512", "container_definitions": [
        {"name": "sidecar", "image": "sidecar@sha256:" + "b" * 64, "port_mappings": [{"container_port": 9000}]},
        {"name": "payment-processor", "image": REPOSITORY + "@" + DIGEST,
         "port_mappings": [{"container_port": 8080}],
         "secrets": [{"name": "DB_PASSWORD", "value_from": SECRET + ":password::"},
                     {"name": "OTHER", "value_from": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"}]},
    ]},
    "scaling": {"scalable_target": {"min_capacity": 1, "max_capacity": 4}, "policies": [
        {"policy_name": "other", "target_tracking_scaling_policy_configuration": {"target_value": 90.0}},
        {"policy_name": "dev-payment-cpu", "target_tracking_scaling_policy_configuration": {"target_value": 50.0}},
    ]},
    "log_group": {"log_group_name": "/ecs/dev-payment", "retention_in_days": 7},
    "web_acl": {"rules": [
        {"name": "AWSManagedRulesCommonRuleSet", "statement": {"managed_rule_group_statement": {"name": "x"}}},
        {"name": "no-statement"},
        {"name": "rate-limit-per-ip", "statement": {"rate_based_statement": {"limit": 2000}}},
    ]},
    "waf_log_group": {"retention_in_days": 365},
    "kms_key": {"key_arn": KEY, "key_state": "Enabled"},
    "backup_plan": {"backup_plan": {"rules": [{"lifecycle": {"delete_after_days": 35}},
                                              {"lifecycle": {"delete_after_days": 365}}]}},
    "alert_topic": {"result": {"sns_topic": {"subscriptions": [
        {"protocol": "email", "endpoint": "ops@example.com"}, {"protocol": "sqs", "endpoint": "arn:aws:sqs:q"},
        {"protocol": "email", "endpoint": "oncall@example.com"}]}}},
    "flow_logs": {"flow_logs": [{"traffic_type": "ALL"}]},
    "zone_id": "Z0123456789",
    "ecr": {"repository": {"repository_uri": REPOSITORY}, "image": {"image_tags": ["latest", "deployed-dev"]}},
}


def state(image_tag="latest", **reads):
    """The live state of READS with some reads replaced (None: that key left out)."""
    given = copy.deepcopy(READS)
    given.update(reads)
    given = {name: value for name, value in given.items() if value is not None}
    return live.live_state(given, "eu-west-1", "payment-processor", image_tag, "dev-payment-cpu")


def with_lb(**fields):
    return dict(READS["load_balancer"], **fields)


def without(read, *fields):
    return {k: v for k, v in READS[read].items() if k not in fields}


def test_a_deployed_environment():
    assert state() == {
        "deployed": True,
        "outputs": {
            "vpcId": "vpc-1",
            # In the order of their names, ignoring case.
            "publicSubnetIds": ["subnet-u1", "subnet-u2"],
            "privateSubnetIds": ["subnet-p1", "subnet-p2"],
            "ecsClusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-payment-cluster",
            "albDnsName": "dev-payment-alb-1.eu-west-1.elb.amazonaws.com",
            "dbEndpoint": "dev-payment-db.cluster-x.eu-west-1.rds.amazonaws.com",
            "dbSecretArn": SECRET,
            "privateZoneId": "Z0123456789",
            "ecrRepositoryUrl": REPOSITORY,
        },
        "configuration": {
            "region": "eu-west-1",
            "vpc_cidr": "10.42.0.0/16",
            "az_count": 2,
            "db_instance_class": "db.t3.medium",
            "db_instance_count": 2,
            "db_monitoring_interval": 60,
            "protected": False,
            "scaling_cpu_threshold": 50.0,
            "task_cpu": 256,
            "task_memory": 512,
            "container_port": 8080,
            "image_tag": "latest",
            "image_digest": DIGEST,
            "desired_count": 2,
            "min_count": 1,
            "max_count": 4,
            "log_retention_days": 7,
            "waf_rate_limit": 2000,
            "audit_log_retention_days": 365,
            "customer_managed_key": True,
            "backup_retention_days": 35,
            "https": True,
            "tls_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "alerts": True,
            "alert_recipients": 2,
            "alb_access_logs": True,
            "flow_logs": "ALL",
        },
    }


def test_keys_keep_the_contracts_order():
    found = state()
    assert list(found) == ["deployed", "outputs", "configuration"]
    assert list(found["outputs"]) == ["vpcId", "publicSubnetIds", "privateSubnetIds", "ecsClusterArn", "albDnsName",
                                      "dbEndpoint", "dbSecretArn", "privateZoneId", "ecrRepositoryUrl"]
    assert list(found["configuration"])[:3] == ["region", "vpc_cidr", "az_count"]
    assert list(found["configuration"])[-2:] == ["alb_access_logs", "flow_logs"]


NOT_DEPLOYED = {
    "deployed": False,
    "outputs": {"vpcId": None, "publicSubnetIds": [], "privateSubnetIds": [], "ecsClusterArn": None,
                "albDnsName": None, "dbEndpoint": None, "dbSecretArn": None, "privateZoneId": None,
                "ecrRepositoryUrl": None},
    "configuration": {
        "region": "eu-west-1", "vpc_cidr": None, "az_count": None, "db_instance_class": None,
        "db_instance_count": None, "db_monitoring_interval": None, "protected": None, "scaling_cpu_threshold": None,
        "task_cpu": None, "task_memory": None, "container_port": None, "image_tag": None, "image_digest": None,
        "desired_count": None, "min_count": None, "max_count": None, "log_retention_days": None,
        "waf_rate_limit": None, "audit_log_retention_days": None, "customer_managed_key": None,
        "backup_retention_days": None, "https": None, "tls_policy": None, "alerts": None, "alert_recipients": None,
        "alb_access_logs": None, "flow_logs": None,
    },
}


def test_without_its_vpc_the_environment_is_not_deployed_and_every_later_read_was_skipped():
    # As the role hands them over then: the found resources empty, the skipped reads' results without data.
    reads = {"vpc": {}, "subnets": SKIPPED, "db_cluster": {}, "db_instances": SKIPPED, "load_balancer": {},
             "service": {}, "task": SKIPPED, "scaling": SKIPPED, "log_group": {}, "web_acl": SKIPPED,
             "waf_log_group": {}, "kms_key": {}, "backup_plan": {}, "alert_topic": SKIPPED, "flow_logs": SKIPPED,
             "zone_id": "", "ecr": SKIPPED}
    assert live.live_state(reads, "eu-west-1", "payment-processor", "latest", "dev-payment-cpu") == NOT_DEPLOYED


def test_reads_left_out_or_null_are_nothing_found():
    assert live.live_state({}, "eu-west-1", "payment-processor", "latest", "x") == NOT_DEPLOYED
    assert live.live_state(dict.fromkeys(live.READS + ("zone_id",)), "eu-west-1", "c", "t", "x") == NOT_DEPLOYED


def test_a_deployed_vpc_without_instances_counts_zero():
    found = state(db_instances={"instances": []})["configuration"]
    assert (found["db_instance_count"], found["db_instance_class"], found["db_monitoring_interval"]) == (0, None, None)


def test_db_instance_classes_and_monitoring_intervals_that_differ_are_listed():
    instances = {"instances": [
        {"db_instance_class": "db.r5.large", "monitoring_interval": 60},
        {"db_instance_class": "DB.R5.LARGE", "monitoring_interval": 60},
        {"db_instance_class": "db.t3.medium"},  # no interval read: 0, as RDS's "off"
    ]}
    found = state(db_instances=instances)["configuration"]
    assert found["db_instance_class"] == "db.r5.large, db.t3.medium"
    assert found["db_monitoring_interval"] == "60, 0"
    assert found["db_instance_count"] == 3


@pytest.mark.parametrize("cluster, load_balancer, expected", [
    (True, "true", True),
    (False, "False", False),
    (True, "false", "cluster only"),
    (False, True, "load balancer only"),
    (None, "true", True),  # the cluster's could not be read: the load balancer's
    (True, None, True),
    (None, None, None),
])
def test_protected_is_one_value_when_cluster_and_load_balancer_agree(cluster, load_balancer, expected):
    db_cluster = dict(READS["db_cluster"], deletion_protection=cluster)
    alb = with_lb(deletion_protection_enabled=load_balancer)
    if cluster is None:
        del db_cluster["deletion_protection"]
    if load_balancer is None:
        del alb["deletion_protection_enabled"]
    assert state(db_cluster=db_cluster, load_balancer=alb)["configuration"]["protected"] == expected


def test_the_configured_tag_when_it_still_names_the_running_image():
    assert state(image_tag="v2")["configuration"]["image_tag"] == "latest"
    ecr = {"repository": READS["ecr"]["repository"], "image": {"image_tags": ["v2", "deployed-dev", "Beta", "alpha"]}}
    assert state(image_tag="v2", ecr=ecr)["configuration"]["image_tag"] == "v2"


def test_a_moved_tag_shows_the_running_images_other_tags_sorted_without_deployed():
    ecr = {"repository": READS["ecr"]["repository"], "image": {"image_tags": ["v2", "deployed-dev", "Beta", "alpha"]}}
    assert state(image_tag="latest", ecr=ecr)["configuration"]["image_tag"] == "alpha, Beta, v2"
    ecr["image"]["image_tags"] = ["deployed-dev"]
    assert state(image_tag="latest", ecr=ecr)["configuration"]["image_tag"] is None


def test_the_image_digest_only_from_an_image_pinned_by_digest():
    task = copy.deepcopy(READS["task"])
    task["container_definitions"][1]["image"] = REPOSITORY + ":latest"
    assert state(task=task)["configuration"]["image_digest"] is None
    del task["container_definitions"][1]["image"]
    assert state(task=task)["configuration"]["image_digest"] is None


def test_the_secret_arn_is_the_first_seven_fields_of_value_from():
    task = copy.deepcopy(READS["task"])
    task["container_definitions"][1]["secrets"][0]["value_from"] = SECRET + ":password:AWSCURRENT:"
    assert state(task=task)["outputs"]["dbSecretArn"] == SECRET
    task["container_definitions"][1]["secrets"] = [{"name": "DB_PASSWORD"}]
    assert state(task=task)["outputs"]["dbSecretArn"] is None
    task["container_definitions"][1]["secrets"] = []
    assert state(task=task)["outputs"]["dbSecretArn"] is None


def test_only_the_named_container_is_read():
    task = copy.deepcopy(READS["task"])
    task["container_definitions"] = task["container_definitions"][:1]  # the sidecar only
    found = state(task=task)
    assert found["outputs"]["dbSecretArn"] is None
    assert (found["configuration"]["container_port"], found["configuration"]["image_digest"]) == (None, None)
    # The task's own CPU and memory still show.
    assert (found["configuration"]["task_cpu"], found["configuration"]["task_memory"]) == (256, 512)


def test_a_container_without_port_mappings_has_no_port():
    task = copy.deepcopy(READS["task"])
    task["container_definitions"][1]["port_mappings"] = []
    assert state(task=task)["configuration"]["container_port"] is None
    del task["container_definitions"][1]["port_mappings"]
    assert state(task=task)["configuration"]["container_port"] is None


@pytest.mark.parametrize("cpu, expected", [("256", 256), (1024, 1024), ("0.5", 0), ("x", 0), (None, 0)])
def test_task_cpu_and_memory_are_numbers(cpu, expected):
    # As Jinja's int filter: a number from a string or a number, 0 for anything else.
    found = state(task=dict(READS["task"], cpu=cpu, memory=cpu))["configuration"]
    assert (found["task_cpu"], found["task_memory"]) == (expected, expected)


def test_a_task_result_without_container_definitions_is_no_task():
    found = state(task={"changed": False, "cpu": "256"})["configuration"]
    assert (found["task_cpu"], found["task_memory"], found["container_port"]) == (None, None, None)


def test_https_and_its_tls_policy():
    http_only = with_lb(listeners=[{"protocol": "HTTP", "port": 80}])
    assert [state(load_balancer=http_only)["configuration"][k] for k in ("https", "tls_policy")] == [False, None]
    no_policy = with_lb(listeners=[{"protocol": "HTTPS", "port": 443}])
    assert [state(load_balancer=no_policy)["configuration"][k] for k in ("https", "tls_policy")] == [True, None]
    unread = without("load_balancer", "listeners")
    assert [state(load_balancer=unread)["configuration"][k] for k in ("https", "tls_policy")] == [None, None]


def test_alerts_reach_the_topics_email_subscribers():
    no_email = {"result": {"sns_topic": {"subscriptions": [{"protocol": "sqs"}]}}}
    assert [state(alert_topic=no_email)["configuration"][k] for k in ("alerts", "alert_recipients")] == [False, 0]
    no_subscriptions = {"result": {"sns_topic": {"topic_arn": "arn:aws:sns:eu-west-1:123456789012:dev-payment"}}}
    assert [state(alert_topic=no_subscriptions)["configuration"][k] for k in ("alerts", "alert_recipients")] == [False, 0]
    assert [state(alert_topic=SKIPPED)["configuration"][k] for k in ("alerts", "alert_recipients")] == [None, None]


@pytest.mark.parametrize("fields, expected", [
    ({"access_logs_s3_enabled": "true", "access_logs_s3_bucket": "b"}, True),
    ({"access_logs_s3_enabled": True, "access_logs_s3_bucket": "b"}, True),
    ({"access_logs_s3_enabled": "true", "access_logs_s3_bucket": ""}, False),  # on without a bucket: nothing kept
    ({"access_logs_s3_enabled": "true"}, False),
    ({"access_logs_s3_enabled": "false", "access_logs_s3_bucket": "b"}, False),
])
def test_alb_access_logs_are_on_with_a_bucket(fields, expected):
    alb = dict(without("load_balancer", "access_logs_s3_enabled", "access_logs_s3_bucket"), **fields)
    assert state(load_balancer=alb)["configuration"]["alb_access_logs"] is expected


def test_alb_access_logs_unread():
    alb = without("load_balancer", "access_logs_s3_enabled")
    assert state(load_balancer=alb)["configuration"]["alb_access_logs"] is None


def test_flow_logs_are_the_traffic_types_captured():
    flow_logs = {"flow_logs": [{"traffic_type": "ACCEPT"}, {"traffic_type": "REJECT"}]}
    assert state(flow_logs=flow_logs)["configuration"]["flow_logs"] == "ACCEPT, REJECT"
    assert state(flow_logs={"flow_logs": []})["configuration"]["flow_logs"] is None


@pytest.mark.parametrize("key, kms_key_id, expected", [
    ({"key_arn": KEY, "key_state": "Enabled"}, KEY, True),
    ({"key_arn": KEY, "key_state": "PendingDeletion"}, KEY, False),  # not an enabled key
    ({"key_arn": KEY}, KEY, False),
    ({"key_arn": KEY, "key_state": "Enabled"}, "arn:aws:kms:eu-west-1:123456789012:key/aws-rds", False),
    ({"key_arn": KEY, "key_state": "Enabled"}, None, False),  # the cluster's key not read
    ({}, KEY, False),  # the environment's key not found
])
def test_customer_managed_key_is_the_environments_enabled_key(key, kms_key_id, expected):
    cluster = dict(READS["db_cluster"], kms_key_id=kms_key_id)
    if kms_key_id is None:
        del cluster["kms_key_id"]
    assert state(kms_key=key, db_cluster=cluster)["configuration"]["customer_managed_key"] is expected


def test_customer_managed_key_unread_without_the_cluster():
    assert state(db_cluster={})["configuration"]["customer_managed_key"] is None


def test_backup_retention_is_the_first_rules():
    assert state(backup_plan={})["configuration"]["backup_retention_days"] is None
    assert state(backup_plan={"backup_plan": {"rules": []}})["configuration"]["backup_retention_days"] is None
    no_lifecycle = {"backup_plan": {"rules": [{"rule_name": "daily"}]}}
    assert state(backup_plan=no_lifecycle)["configuration"]["backup_retention_days"] is None


def test_scaling_reads_the_named_policy_and_the_target():
    scaling = {"scalable_target": None, "policies": [READS["scaling"]["policies"][0]]}
    found = state(scaling=scaling)["configuration"]
    assert (found["scaling_cpu_threshold"], found["min_count"], found["max_count"]) == (None, None, None)


def test_the_rate_limit_from_the_rate_based_rule():
    assert state(web_acl={"rules": READS["web_acl"]["rules"][:2]})["configuration"]["waf_rate_limit"] is None


def test_a_zone_id_of_an_empty_string_is_none():
    assert state(zone_id="")["outputs"]["privateZoneId"] is None


def test_problems_none_for_good_reads():
    assert not live.find_problems(READS)
    assert not live.find_problems({"zone_id": None, "vpc": None})


def test_problems_of_bad_reads_all_named_with_a_fix():
    problems = live.find_problems({"vpcs": {}, "vpc": [], "zone_id": 5})
    assert len(problems) == 3
    assert problems[0].startswith("reads has the unknown key 'vpcs'. Fix: pass a dict with some of the keys vpc, ")
    assert problems[1].startswith("reads.vpc is []: it must be a dict. Fix:")
    assert problems[2].startswith('reads.zone_id is 5: it must be the zone\'s id, a string ("" for none). Fix:')


def test_problems_of_reads_that_are_not_a_dict():
    assert live.find_problems(["vpc"])[0].startswith("live_state expects a dict of the inspect role's reads, got ['vpc']")
