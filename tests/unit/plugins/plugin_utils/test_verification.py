# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The post-deploy checks of plugins/plugin_utils/verification.py, on read results shaped like the modules' own."""
import copy
import json

import pytest

from ansible_collections.payments.platform.plugins.plugin_utils import audit, endpoints, kms
from ansible_collections.payments.platform.plugins.plugin_utils import verification as v

P = "dev-payment"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
VPC = "vpc-0d1e"
CIDR = "10.0.0.0/16"
PUBLIC = ["subnet-0pub1", "subnet-0pub2", "subnet-0pub3"]
PRIVATE = ["subnet-0prv1", "subnet-0prv2", "subnet-0prv3"]
ALB_SG, ECS_SG, DB_SG, EP_SG = "sg-0a1b", "sg-0e2c", "sg-0d3b", "sg-0e4p"
IGW = "igw-0123"
SECRET = "arn:aws:secretsmanager:%s:%s:secret:%s-db-credentials-AbC123" % (REGION, ACCOUNT, P)
WRITER = "%s-db-cluster.cluster-abc.%s.rds.amazonaws.com" % (P, REGION)
READER = "%s-db-cluster.cluster-ro-abc.%s.rds.amazonaws.com" % (P, REGION)
ALB_ARN = "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s-alb/50dc6c495c0c9188" % (REGION, ACCOUNT, P)
ALB_DNS = "%s-alb-1234.%s.elb.amazonaws.com" % (P, REGION)
TG_ARN = "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s-tg/73e2d6bc24d8a067" % (REGION, ACCOUNT, P)
TASK_ARN = "arn:aws:ecs:%s:%s:task-definition/%s-task:3" % (REGION, ACCOUNT, P)
ROLE_ARN = "arn:aws:iam::%s:role/%s-task-execution-role" % (ACCOUNT, P)
ZONE = "dev.payment.internal"
CLUSTER_ARN = "arn:aws:rds:%s:%s:cluster:%s-db-cluster" % (REGION, ACCOUNT, P)
KEY_ARN = "arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab" % (REGION, ACCOUNT)
DB_LOG_GROUP = "/aws/rds/cluster/%s-db-cluster/postgresql" % P
LOG_GROUPS = ["/ecs/%s-service" % P, "aws-waf-logs-%s-waf" % P, DB_LOG_GROUP]
AUDIT_BUCKET = "%s-audit-logs-%s-%s" % (P, ACCOUNT, REGION)
WEB_ACL_ARN = "arn:aws:wafv2:%s:%s:regional/webacl/%s-waf/a1b2c3d4" % (REGION, ACCOUNT, P)


def rule(port, cidrs=(), groups=()):
    return {"ip_protocol": "tcp", "from_port": port, "to_port": port,
            "ip_ranges": [{"cidr_ip": c} for c in cidrs], "ipv6_ranges": [], "prefix_list_ids": [],
            "user_id_group_pairs": [{"group_id": g} for g in groups]}


def group(group_id, tier, ingress, egress):
    return {"group_id": group_id, "group_name": "%s-%s-sg" % (P, tier), "vpc_id": VPC,
            "ip_permissions": ingress, "ip_permissions_egress": egress}


def table(table_id, name, subnets, routes, main=False):
    associations = [{"route_table_id": table_id, "subnet_id": s, "main": False} for s in subnets]
    if main:
        associations.append({"route_table_id": table_id, "main": True})
    return {"route_table_id": table_id, "id": table_id, "vpc_id": VPC, "tags": {"Name": name} if name else {},
            "associations": associations, "routes": routes}


LOCAL = {"destination_cidr_block": CIDR, "gateway_id": "local", "state": "active"}


def endpoint(service, kind="Interface", state="available", tables=()):
    policy = endpoints.endpoint_policies({"id": ACCOUNT, "partition": "aws"}, P, REGION, [service])[service]
    return {"vpc_endpoint_id": "vpce-%s" % service.replace(".", ""), "service_name": "com.amazonaws.%s.%s" % (
        REGION, service), "state": state, "vpc_endpoint_type": kind, "route_table_ids": list(tables),
        "policy_document": json.dumps(policy)}


TRUST = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                       "ArnLike": {"aws:SourceArn": "arn:aws:ecs:%s:%s:*" % (REGION, ACCOUNT)}}}


def healthy_reads():
    """What the role's reads return for a healthy dev environment (moto's shapes, trimmed)."""
    subnets = [{"id": s, "tags": {"Name": "%s-public-%d" % (P, i + 1)}} for i, s in enumerate(PUBLIC)]
    subnets += [{"id": s, "tags": {"Name": "%s-private-%d" % (P, i + 1)}} for i, s in enumerate(PRIVATE)]
    subnets.append({"id": "subnet-0other", "tags": {}})
    primary = {"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": "COMPLETED", "runningCount": 2,
               "desiredCount": 2, "taskDefinition": TASK_ARN, "rolloutStateReason": "ECS deployment completed."}
    return {
        "vpc": {"vpcs": [{"id": VPC, "cidr_block": CIDR, "tags": {"Name": P + "-vpc"}}]},
        "subnets": {"subnets": subnets},
        "route_tables": {"route_tables": [
            table("rtb-0main", None, [], [LOCAL], main=True),
            table("rtb-0pub", P + "-public-rt", PUBLIC,
                  [LOCAL, {"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW, "state": "active"}]),
            table("rtb-0prv", P + "-private-rt", PRIVATE,
                  [LOCAL, {"destination_prefix_list_id": "pl-63a5400a", "gateway_id": "vpce-s3", "state": "active"}]),
        ]},
        "security_groups": {"security_groups": [
            group(ALB_SG, "alb", [rule(80, ["0.0.0.0/0"]), rule(443, ["0.0.0.0/0"])], [rule(8080, groups=[ECS_SG])]),
            group(ECS_SG, "ecs", [rule(8080, groups=[ALB_SG])], [rule(5432, groups=[DB_SG]), rule(443, ["0.0.0.0/0"])]),
            group(DB_SG, "db", [rule(5432, groups=[ECS_SG])], []),
            group(EP_SG, "endpoints", [rule(443, [CIDR])], []),
            {"group_id": "sg-0default", "group_name": "default", "vpc_id": VPC, "ip_permissions": [],
             "ip_permissions_egress": []},
        ]},
        "endpoints": {"vpc_endpoints": [endpoint("s3", "Gateway", tables=["rtb-0prv"])] + [
            endpoint(s) for s in ("ecr.api", "ecr.dkr", "logs", "secretsmanager")]},
        "db_cluster": {"clusters": [{"db_cluster_identifier": P + "-db-cluster", "endpoint": WRITER,
                                     "reader_endpoint": READER, "deletion_protection": False, "kms_key_id": KEY_ARN,
                                     "db_cluster_arn": CLUSTER_ARN, "tags": {"Environment": "dev", "Project": "payments"},
                                     "enabled_cloudwatch_logs_exports": ["postgresql"],
                                     "vpc_security_groups": [{"vpc_security_group_id": DB_SG, "status": "active"}]}]},
        "db_instances": {"instances": [
            {"db_instance_identifier": "%s-db-%d" % (P, n), "monitoring_interval": 60, "auto_minor_version_upgrade": True,
             "monitoring_role_arn": "arn:aws:iam::123456789012:role/%s-rds-monitoring-role" % P} for n in (1, 2)]},
        "load_balancer": {"load_balancers": [{
            "load_balancer_name": P + "-alb", "load_balancer_arn": ALB_ARN, "dns_name": ALB_DNS,
            "deletion_protection_enabled": "false",
            "access_logs_s3_enabled": "true", "access_logs_s3_bucket": AUDIT_BUCKET, "access_logs_s3_prefix": "alb",
            "canonical_hosted_zone_id": "Z32O12XQLNTSW2", "security_groups": [ALB_SG],
            "availability_zones": [{"subnet_id": s} for s in PUBLIC],
            "listeners": [{
                "protocol": "HTTP", "port": 80,
                "default_actions": [{"type": "fixed-response"}],
                "rules": [
                    {"priority": "10", "conditions": [{"field": "path-pattern", "values": ["/api/*"]}],
                     "actions": [{"type": "forward", "target_group_arn": TG_ARN}]},
                    {"priority": "20", "conditions": [{"field": "path-pattern", "values": ["/webhook/*"]}],
                     "actions": [{"type": "forward", "target_group_arn": TG_ARN}]},
                    {"priority": "default", "conditions": [], "actions": [{"type": "fixed-response"}]},
                ]}]}]},
        "target_group": {"target_groups": [{
            "target_group_name": P + "-tg", "target_group_arn": TG_ARN, "port": 8080, "target_type": "ip",
            "load_balancer_arns": [ALB_ARN],
            "targets_health_description": [
                {"target": {"id": "10.0.128.10", "port": 8080}, "target_health": {"state": "healthy"}},
                {"target": {"id": "10.0.144.11", "port": 8080}, "target_health": {"state": "healthy"}},
            ]}]},
        "service": {"services_not_running": [], "services": [{
            "serviceName": P + "-service", "status": "ACTIVE", "taskDefinition": TASK_ARN, "desiredCount": 2,
            "runningCount": 2, "pendingCount": 0, "deployments": [primary],
            "loadBalancers": [{"containerName": "payment-processor", "containerPort": 8080, "targetGroupArn": TG_ARN}],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": list(PRIVATE), "securityGroups": [ECS_SG],
                                                             "assignPublicIp": "DISABLED"}}}]},
        "task_definition": {
            "task_definition_arn": TASK_ARN, "execution_role_arn": ROLE_ARN, "volumes": [{"name": "scratch", "host": {}}],
            "container_definitions": [{
                "name": "payment-processor", "environment": [{"name": "LOG_LEVEL", "value": "info"}],
                "readonly_root_filesystem": True,
                "mount_points": [{"source_volume": "scratch", "container_path": "/tmp", "read_only": False}],
                "secrets": [{"name": n, "value_from": "%s:%s::" % (SECRET, k)}
                            for n, k in (("DB_HOST", "host"), ("DB_PASSWORD", "password"))]}]},
        "scaling": {
            "scalable_target": {"min_capacity": 2, "max_capacity": 10},
            "policies": [{"policy_name": P + "-scaling-policy", "policy_type": "TargetTrackingScaling",
                          "target_tracking_scaling_policy_configuration": {
                              "predefined_metric_specification": {
                                  "predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                              "target_value": 50.0}}]},
        "execution_role": {"iam_roles": [{"role_name": P + "-task-execution-role", "arn": ROLE_ARN,
                                          "managed_policies": [], "assume_role_policy_document": {
                                              "Version": "2012-10-17", "Statement": [TRUST]}}]},
        "execution_policies": {"policies": [{"policy_name": P + "-task-execution-policy", "policy_document": {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "PullThePaymentImage", "Effect": "Allow", "Action": ["ecr:BatchGetImage"],
                 "Resource": "arn:aws:ecr:%s:%s:repository/payment-processor" % (REGION, ACCOUNT)},
                {"Sid": "LogInToEcr", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                {"Sid": "ReadThisEnvironmentsDbSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                 "Resource": SECRET},
                {"Effect": "Deny", "Action": "*", "Resource": "*"},
            ]}}]},
        "zones": {"HostedZones": [
            {"Id": "/hostedzone/ZPUBLIC", "Name": ZONE + ".", "Config": {"PrivateZone": False}},
            {"Id": "/hostedzone/ZPRIV", "Name": ZONE + ".", "Config": {"PrivateZone": True}},
        ]},
        "records": {"resource_record_sets": [
            {"name": "db.%s." % ZONE, "type": "CNAME", "resource_records": [{"value": WRITER}]},
            {"name": "db-ro.%s." % ZONE, "type": "CNAME", "resource_records": [{"value": READER + "."}]},
            {"name": "api.%s." % ZONE, "type": "A",
             "alias_target": {"dns_name": "dualstack.%s." % ALB_DNS.upper(), "hosted_zone_id": "Z32O12XQLNTSW2"}},
            {"name": "db.%s." % ZONE, "type": "TXT", "resource_records": [{"value": '"note"'}]},
        ]},
        "secret": {"read": True, "host": WRITER},
        "web_acl": {"arn": WEB_ACL_ARN, "name": P + "-waf", "default_action": {"allow": {}}, "rules": [
            {"name": "rate-limit-per-ip", "priority": 0, "action": {"block": {}},
             "statement": {"rate_based_statement": {"limit": 2000, "aggregate_key_type": "IP"}}},
        ] + [{"name": group, "priority": 10 * n, "override_action": {"none": {}},
              "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}}}
             for n, group in enumerate(("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                                        "AWSManagedRulesSQLiRuleSet"), start=1)]},
        "web_acl_resources": {"resource_arns": [ALB_ARN]},
        "kms_key": {"kms_keys": [{"key_arn": KEY_ARN, "key_state": "Enabled", "enable_key_rotation": True,
                                  "key_policies": [kms.key_policy({"id": ACCOUNT, "partition": "aws"}, REGION, LOG_GROUPS)]}]},
        "log_groups": {"results": [{"item": name, "log_groups": [dict(
            {"log_group_name": name, "kms_key_id": KEY_ARN}, **({"retention_in_days": 365} if name == DB_LOG_GROUP else {}))]}
            for name in LOG_GROUPS]},
        "alert_topics": {"sns_topics": [
            {"topic_arn": "arn:aws:sns:%s:%s:other-alerts" % (REGION, ACCOUNT)},
            {"topic_arn": TOPIC_ARN, "kms_master_key_id": "alias/dev-payment", "policy": json.dumps(TOPIC_POLICY),
             "subscriptions": [{"protocol": "email", "endpoint": "OnCall@example.com", "subscription_arn": TOPIC_ARN + ":1"}]},
        ]},
        "alarms": {"metric_alarms": [{"alarm_name": "%s-%s" % (P, alarm), "alarm_actions": [TOPIC_ARN],
                                      "ok_actions": [TOPIC_ARN]} for alarm in v.naming.ALARMS]},
        "event_subscriptions": {"subscriptions": [
            {"cust_subscription_id": P + "-db-cluster-events", "source_type": "db-cluster", "enabled": True,
             "source_ids_list": [P + "-db-cluster"], "sns_topic_arn": TOPIC_ARN, "event_categories_list": CATEGORIES},
            {"cust_subscription_id": P + "-db-instance-events", "source_type": "db-instance", "enabled": True,
             "source_ids_list": [P + "-db-2", P + "-db-1"], "sns_topic_arn": TOPIC_ARN,
             "event_categories_list": CATEGORIES + ["availability"]},
        ]},
        "audit_bucket": {"buckets": [{
            "name": AUDIT_BUCKET,
            "bucket_encryption": {"ServerSideEncryptionConfiguration": {"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}},
            "public_access_block": {"PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}},
            "bucket_policy": {"Policy": json.dumps(audit.bucket_policy(AUDIT_BUCKET, ACCOUNT, REGION))},
            "bucket_lifecycle_configuration": {"Rules": [{"ID": "audit-log-retention", "Status": "Enabled",
                                                          "Expiration": {"Days": 365}}]},
        }]},
        "flow_logs": {"flow_logs": [{"flow_log_id": "fl-0abc", "resource_id": VPC, "traffic_type": "ALL",
                                     "log_destination_type": "s3",
                                     "log_destination": "arn:aws:s3:::%s/flow/" % AUDIT_BUCKET}]},
        "db_parameters": {"db_cluster_parameter_groups": [{"db_parameters": [
            {"parameter_name": "rds.force_ssl", "parameter_value": "1"},
            {"parameter_name": "log_connections", "parameter_value": "1"},
            {"parameter_name": "log_disconnections", "parameter_value": "1"}]}]},
    }


TOPIC_ARN = "arn:aws:sns:%s:%s:%s-alerts" % (REGION, ACCOUNT, P)
CATEGORIES = ["failure", "failover", "maintenance", "notification"]
TOPIC_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, "Action": ["sns:Publish", "sns:Subscribe"],
     "Resource": TOPIC_ARN},
    {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish",
     "Resource": TOPIC_ARN, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    {"Effect": "Allow", "Principal": {"Service": "events.rds.amazonaws.com"}, "Action": "sns:Publish",
     "Resource": TOPIC_ARN, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC_ARN},
]}


def expected(**overrides):
    deploy = "ansible-playbook site.yml -i inventories/dev"
    value = {
        "name_prefix": P, "environment": "dev", "region": REGION, "zone_name": ZONE, "az_count": 3,
        "container_name": "payment-processor", "scratch_path": "/tmp", "container_port": 8080, "db_port": 5432,
        "min_count": 2, "max_count": 10, "cpu_threshold": 50, "forward_paths": ["/api/*", "/webhook/*"],
        "endpoint_services": ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"],
        "allowed_wildcard_actions": ["ecr:GetAuthorizationToken"], "deploy_command": deploy,
        "rollout_timeout": 900, "waf_rate_limit": 2000, "now": "2026-12-01T12:10:00", "protected": False,
        "db_monitoring_interval": 60, "db_auto_minor_version_upgrade": True, "require_https": False,
        "backup_retention_days": 35,
        "alert_emails": ["oncall@example.com"], "alert_event_categories": CATEGORIES,
        "account_id": ACCOUNT, "audit_log_retention_days": 365,
        "flows": [
            {"from": "internet", "to": "alb", "port": 80, "expect": "allow", "fix": "fix alb 80"},
            {"from": "internet", "to": "alb", "port": 443, "expect": "allow", "fix": "fix alb 443"},
            {"from": "alb", "to": "ecs", "port": "8080", "expect": "allow", "fix": "fix alb ecs"},
            {"from": "ecs", "to": "db", "port": 5432, "expect": "allow", "fix": "fix ecs db"},
            {"from": "internet", "to": "ecs", "port": 8080, "expect": "deny", "fix": "fix internet ecs"},
            {"from": "internet", "to": "db", "port": 5432, "expect": "deny", "fix": "fix internet db"},
            {"to": "db", "port": 5432, "only_from": ["ecs"], "fix": "fix only ecs"},
        ],
    }
    value.update(overrides)
    return value


CHECKS = [
    "network: vpc", "routing: public subnets", "routing: private subnets", "routing: local route",
    "routing: vpc endpoints", "vpc: endpoint policies", "network: default security group", "network: placement",
    "reachability: internet -> alb:80", "reachability: internet -> alb:443", "reachability: alb -> ecs:8080",
    "reachability: ecs -> db:5432", "reachability: internet -> ecs:8080", "reachability: internet -> db:5432",
    "reachability: only ecs -> db:5432",
    "ecs: service", "ecs: deployment", "ecs: running tasks", "ecs: scalable target", "ecs: scaling policy",
    "alb: target group", "alb: rule /api/*", "alb: rule /webhook/*", "alb: https", "alb: http redirect",
    "alb: target health", "waf: web acl",
    "dns: db.dev.payment.internal", "dns: db-ro.dev.payment.internal", "dns: api.dev.payment.internal",
    "ecs: task hardening", "secrets: task definition", "secrets: secret host", "iam: execution role",
    "rds: deletion protection", "rds: enhanced monitoring", "alb: deletion protection", "kms: encryption",
    "backup: plan", "alerts: topic", "rds: event subscription",
    "audit: bucket", "alb: access logs", "vpc: flow logs", "rds: connection logging",
]


def run(reads=None, **overrides):
    """{check: (status, detail, fix)} of the report."""
    report = v.report(reads if reads is not None else healthy_reads(), expected(**overrides))
    return {c["check"]: (c["status"], c["detail"], c["fix"]) for c in report["checks"]}


def only_failure(reads, name, **overrides):
    """Assert that exactly `name` failed; return its (detail, fix)."""
    result = run(reads, **overrides)
    failed = {c: r for c, r in result.items() if r[0] == v.FAIL}
    assert set(failed) == {name}, failed
    return failed[name][1], failed[name][2]


def status_of(reads, name, **overrides):
    return run(reads, **overrides)[name]


# ---- the whole report --------------------------------------------------------------------------------------


def test_healthy_environment_passes_every_check():
    report = v.report(healthy_reads(), expected())
    assert [c["check"] for c in report["checks"]] == CHECKS
    assert all(c["status"] == v.PASS and c["fix"] == "" for c in report["checks"]), report
    assert report == dict(report, environment="dev", region=REGION, result="pass",
                          summary={"pass": len(CHECKS), "warn": 0, "fail": 0})
    assert json.dumps(report)  # plain data, ready for the JSON file


def test_healthy_details_name_what_decides():
    result = run()
    assert result["network: vpc"][1] == "%s %s" % (VPC, CIDR)
    assert result["routing: public subnets"][1] == (
        "%s-public-1, %s-public-2, %s-public-3 use rtb-0pub, which routes 0.0.0.0/0 to %s" % (P, P, P, IGW))
    assert result["routing: private subnets"][1] == (
        "3 private subnets use rtb-0prv with only the local and VPC endpoint routes")
    assert result["routing: local route"][1] == "rtb-0prv, rtb-0pub route %s locally" % CIDR
    assert result["routing: vpc endpoints"][1] == "5 endpoints available: ecr.api, ecr.dkr, logs, s3, secretsmanager"
    assert result["reachability: ecs -> db:5432"][1] == (
        "allow (expected allow): %s-ecs-sg egress tcp 5432 to %s-db-sg; %s-db-sg ingress tcp 5432 from %s-ecs-sg"
        % (P, P, P, P))
    assert result["ecs: deployment"][1] == "primary deployment ecs-svc/1 is COMPLETED (2 of 2 tasks running)"
    assert result["alb: rule /api/*"][1] == "HTTP:80 rule 10 forwards /api/* to %s-tg" % P
    assert result["alb: target health"][1] == "10.0.128.10:8080 healthy; 10.0.144.11:8080 healthy"
    assert result["dns: api.dev.payment.internal"][1] == (
        "api.%s -> dualstack.%s (the load balancer)" % (ZONE, ALB_DNS.lower()))
    assert result["secrets: task definition"][1] == "%s-task:3 injects DB_HOST, DB_PASSWORD from %s" % (P, SECRET)
    assert result["iam: execution role"][1] == (
        "%s-task-execution-role reads only %s; its one wildcard resource is for ecr:GetAuthorizationToken; only ECS "
        "tasks of its account may assume it" % (P, SECRET))


def test_missing_vpc_gives_only_that_check():
    reads = healthy_reads()
    reads["vpc"] = {"vpcs": []}
    report = v.report(reads, expected())
    assert report["result"] == v.FAIL and report["summary"] == {"pass": 0, "warn": 0, "fail": 1}
    (only,) = report["checks"]
    assert only == {"check": "network: vpc", "status": v.FAIL,
                    "detail": "there is no VPC tagged Name=%s-vpc in %s: the environment is not deployed" % (P, REGION),
                    "fix": "Deploy it: ansible-playbook site.yml -i inventories/dev"}


def test_two_vpcs_of_one_name_are_ambiguous():
    reads = healthy_reads()
    reads["vpc"]["vpcs"].append({"id": "vpc-0dup"})
    (only,) = v.report(reads, expected())["checks"]
    assert only["status"] == v.FAIL and only["detail"] == "2 VPCs are tagged Name=%s-vpc: %s, vpc-0dup" % (P, VPC)


@pytest.mark.parametrize("result", [
    {"failed": True, "msg": "UnauthorizedOperation"},
    {"failed": True},
    {"skipped": True, "skip_reason": "Conditional result was False"},
    {"skipped": True},
    None,
])
def test_failed_vpc_read(result):
    reads = healthy_reads()
    reads["vpc"] = result
    (only,) = v.report(reads, expected())["checks"]
    assert only["status"] == v.FAIL and only["detail"].startswith("could not read the VPC %s-vpc: " % P)
    assert "credentials" in only["fix"]


def test_summarize_counts_and_result():
    checks = [v.check("a", v.PASS, ""), v.check("b", v.WARN, "", "later")]
    assert v.summarize(checks) == (v.WARN, {"pass": 1, "warn": 1, "fail": 0})
    assert v.summarize(checks + [v.check("c", v.FAIL, "", "fix")])[0] == v.FAIL
    assert v.check("a", v.PASS, "d", "ignored") == {"check": "a", "status": v.PASS, "detail": "d", "fix": ""}


def test_input_problems():
    assert v.find_input_problems({}, expected()) == []
    assert v.find_input_problems([], None) == [
        "the input must be a dict of read name to the registered result, got [].",
        "expected must be a dict, got None."]
    partial = {k: val for k, val in expected().items() if k not in ("flows", "region")}
    assert v.find_input_problems({}, partial) == [
        "expected lacks region, flows. Fix: pass every key the filter documents."]


# ---- routing -----------------------------------------------------------------------------------------------


def read_failures(key, names):
    reads = healthy_reads()
    reads[key] = {"failed": True, "msg": "throttled"}
    result = run(reads)
    for name in names:
        assert result[name][0] == v.FAIL and result[name][1].endswith("reading it failed: throttled"), name
    return result


def test_unreadable_subnets_and_route_tables():
    network = ["routing: public subnets", "routing: private subnets", "routing: local route",
               "reachability: ecs -> db:5432"]
    read_failures("subnets", network)
    read_failures("route_tables", network)
    read_failures("security_groups", ["reachability: only ecs -> db:5432"])
    read_failures("endpoints", ["routing: vpc endpoints", "vpc: endpoint policies"])


def test_public_subnet_without_internet_route():
    reads = healthy_reads()
    tables = reads["route_tables"]["route_tables"]
    tables[1]["associations"] = tables[1]["associations"][:2]  # public-3 falls back to the main table
    tables.append(table("rtb-0odd", None, [], []))
    result = run(reads)
    status, detail, fix = result["routing: public subnets"]
    assert status == v.FAIL
    assert detail == "%s-public-3 (subnet-0pub3) uses rtb-0main, which has no active 0.0.0.0/0 route to an internet " \
                     "gateway" % P
    assert "%s-public-rt" % P in fix and "%s-igw" % P in fix
    assert result["reachability: internet -> alb:80"][0] == v.FAIL


def test_public_subnet_without_any_route_table_and_a_missing_one():
    reads = healthy_reads()
    reads["route_tables"]["route_tables"] = [t for t in reads["route_tables"]["route_tables"] if not t["tags"] == {}]
    tables = reads["route_tables"]["route_tables"]
    tables[0]["associations"] = tables[0]["associations"][1:]
    reads["subnets"]["subnets"] = [s for s in reads["subnets"]["subnets"] if s["id"] != PUBLIC[2]]
    detail = run(reads)["routing: public subnets"][1]
    assert detail == ("missing subnet(s) %s-public-3; %s-public-1 (subnet-0pub1) uses no route table, which has no "
                      "active 0.0.0.0/0 route to an internet gateway" % (P, P))
    assert run(reads)["routing: local route"] == (
        v.FAIL, "%s-public-1 has no route table" % P,
        "Point the VPC CIDR back at the VPC itself: aws ec2 replace-route --region %s --route-table-id <table> "
        "--destination-cidr-block %s --local-target" % (REGION, CIDR))


def test_private_subnets_with_stray_routes():
    reads = healthy_reads()
    routes = reads["route_tables"]["route_tables"][2]["routes"]
    routes += [
        {"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW, "state": "active"},
        {"destination_ipv6_cidr_block": "::/0", "egress_only_internet_gateway_id": "eigw-1", "state": "active"},
        {"destination_prefix_list_id": "pl-1", "gateway_id": "vpce-dead", "state": "blackhole"},
        {"destination_cidr_block": "192.168.0.0/16", "state": "active"},
        {"state": "active", "nat_gateway_id": "nat-1"},
    ]
    status, detail, fix = run(reads)["routing: private subnets"]
    users = "%s-private-1, %s-private-2, %s-private-3" % (P, P, P)
    assert status == v.FAIL
    assert detail.split("; ") == [
        "rtb-0prv (used by %s) routes 0.0.0.0/0 to %s" % (users, IGW),
        "rtb-0prv (used by %s) routes ::/0 to eigw-1" % users,
        "rtb-0prv (used by %s) routes pl-1 to vpce-dead (blackhole)" % users,
        "rtb-0prv (used by %s) routes 192.168.0.0/16 to nothing" % users,
        "rtb-0prv (used by %s) routes ? to nat-1" % users,
    ]
    assert ("aws ec2 delete-route --region %s --route-table-id rtb-0prv --destination-cidr-block 0.0.0.0/0" % REGION
            in fix)
    assert "--destination-ipv6-cidr-block ::/0" in fix and "--destination-prefix-list-id pl-1" in fix
    # The internet route also opens the private tier to the internet where a rule admits it.
    assert run(reads)["reachability: internet -> db:5432"][0] == v.PASS


def test_private_subnets_missing_or_without_table():
    reads = healthy_reads()
    reads["subnets"]["subnets"] = [s for s in reads["subnets"]["subnets"] if s["id"] != PRIVATE[2]]
    tables = reads["route_tables"]["route_tables"]
    tables[0]["associations"] = []
    tables[2]["associations"] = tables[2]["associations"][1:]
    status, detail, fix = run(reads)["routing: private subnets"]
    assert detail == "missing subnet(s) %s-private-3; %s-private-1 (subnet-0prv1) has no route table" % (P, P)
    assert fix.endswith("Re-run the deploy (ansible-playbook site.yml -i inventories/dev): the vpc role creates the "
                        "private subnets.")


def test_no_private_subnet_at_all():
    reads = healthy_reads()
    reads["subnets"]["subnets"] = [s for s in reads["subnets"]["subnets"] if "private" not in s["tags"].get("Name", "")]
    result = run(reads)
    assert result["routing: private subnets"][1] == "missing subnet(s) %s" % ", ".join(
        "%s-private-%d" % (P, i) for i in (1, 2, 3))
    assert result["reachability: ecs -> db:5432"] == (
        v.FAIL, "cannot evaluate: there are no private subnets, there are no private subnets",
        "Re-run the deploy (ansible-playbook site.yml -i inventories/dev): the vpc role creates the security groups "
        "and subnets.")
    assert result["reachability: internet -> alb:80"][0] == v.PASS


def test_local_route_replaced():
    reads = healthy_reads()
    tables = reads["route_tables"]["route_tables"]
    tables[1]["routes"][0] = dict(LOCAL, gateway_id="eni-0appliance")
    tables[2]["routes"][0] = dict(LOCAL, state="blackhole")
    status, detail, _fix = run(reads)["routing: local route"]
    assert status == v.FAIL and detail == (
        "rtb-0prv (used by %s-private-1) has no active local route for %s; rtb-0pub (used by %s-public-1) has no "
        "active local route for %s" % (P, CIDR, P, CIDR))


def test_endpoints_missing_failed_pending_and_unrouted():
    reads = healthy_reads()
    endpoints = reads["endpoints"]["vpc_endpoints"]
    endpoints[0]["route_table_ids"] = []  # s3 no longer in the private table
    endpoints[1]["state"] = "failed"
    endpoints[2]["state"] = "Pending"
    endpoints[3]["state"] = None
    del endpoints[4]  # secretsmanager
    status, detail, fix = run(reads)["routing: vpc endpoints"]
    assert status == v.FAIL
    assert detail.split("; ") == [
        "missing endpoint(s) com.amazonaws.%s.secretsmanager" % REGION,
        "gateway endpoint vpce-s3 (com.amazonaws.%s.s3) is not in the private route table(s) rtb-0prv" % REGION,
        "vpce-ecrapi (com.amazonaws.%s.ecr.api) is failed" % REGION,
        "vpce-logs (com.amazonaws.%s.logs) is in no state" % REGION,
        "vpce-ecrdkr (com.amazonaws.%s.ecr.dkr) is pending" % REGION,
    ]
    assert fix.startswith("Re-run the deploy (ansible-playbook site.yml -i inventories/dev): the vpc role creates them")
    assert "aws ec2 delete-vpc-endpoints --region %s --vpc-endpoint-ids vpce-ecrapi" % REGION in fix


def test_endpoint_policies_pass_as_written_differently():
    reads = healthy_reads()
    s3 = reads["endpoints"]["vpc_endpoints"][0]
    policy = json.loads(s3["policy_document"])
    policy["Statement"].reverse()  # the order of statements does not count
    s3["policy_document"] = json.dumps(policy, indent=2)
    status, detail, fix = run(reads)["vpc: endpoint policies"]
    assert (status, fix) == (v.PASS, "")
    assert detail == ("s3, ecr.api, ecr.dkr, logs, secretsmanager: s3 to ECR's layer bucket and %s only; the interface "
                      "endpoints to principals of %s only" % (AUDIT_BUCKET, ACCOUNT))


def test_endpoint_policies_default_other_or_unreadable_fail():
    reads = healthy_reads()
    found = reads["endpoints"]["vpc_endpoints"]
    found[0]["policy_document"] = json.dumps(dict(endpoints.DEFAULT_POLICY, Version="2008-10-17"))
    other = json.loads(found[1]["policy_document"])
    other["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalAccount"] = "210987654321"
    found[1]["policy_document"] = json.dumps(other)
    found[2]["policy_document"] = None
    detail, fix = only_failure(reads, "vpc: endpoint policies")
    assert detail == ("vpce-s3 (s3) has AWS's default policy (full access for any principal); vpce-ecrapi (ecr.api) "
                      "has a policy other than the platform's; vpce-ecrdkr (ecr.dkr) has no readable policy")
    assert fix == ("Re-run the deploy (ansible-playbook site.yml -i inventories/dev): the vpc role sets each endpoint's "
                   "policy back (payments.platform.vpc_endpoint_policies).")


def test_endpoint_policies_need_the_account():
    status, detail, fix = run(healthy_reads(), account_id="")["vpc: endpoint policies"]
    assert (status, detail) == (v.FAIL, "the account was not read (the policies name it)") and fix


def test_endpoint_policies_of_another_partition():
    reads = healthy_reads()
    reads["endpoints"]["vpc_endpoints"][0]["policy_document"] = json.dumps(endpoints.endpoint_policies(
        {"id": ACCOUNT, "partition": "aws-cn"}, P, REGION, ["s3"])["s3"])
    assert run(reads)["vpc: endpoint policies"][0] == v.FAIL
    assert run(reads, partition="aws-cn")["vpc: endpoint policies"][0] == v.PASS


def test_no_endpoint_no_policy_problem():
    reads = healthy_reads()
    reads["endpoints"]["vpc_endpoints"] = []
    assert run(reads)["vpc: endpoint policies"][:2] == (
        v.PASS, "no endpoint: s3 to ECR's layer bucket and %s only; the interface endpoints to principals of %s only"
        % (AUDIT_BUCKET, ACCOUNT))


def test_deleted_endpoints_are_ignored():
    reads = healthy_reads()
    reads["endpoints"]["vpc_endpoints"].append(dict(endpoint("sqs"), state="Deleted"))
    assert run(reads)["routing: vpc endpoints"][:2] == (
        v.PASS, "5 endpoints available: ecr.api, ecr.dkr, logs, s3, secretsmanager")


def test_pending_endpoint_only_warns():
    reads = healthy_reads()
    reads["endpoints"]["vpc_endpoints"][1]["state"] = "pendingAcceptance"
    reads["endpoints"]["vpc_endpoints"].append({"vpc_endpoint_id": "vpce-x", "service_name": "com.example.other",
                                                "state": "available"})
    status, detail, fix = run(reads)["routing: vpc endpoints"]
    assert status == v.WARN
    assert detail == ("vpce-ecrapi (com.amazonaws.%s.ecr.api) is pendingacceptance (new endpoints become available "
                      "within minutes)" % REGION)
    assert fix.startswith("Run verify again")


def test_endpoints_when_private_subnets_have_no_table():
    reads = healthy_reads()
    reads["route_tables"]["route_tables"][2]["associations"] = []
    reads["route_tables"]["route_tables"][0]["associations"] = []
    assert run(reads)["routing: vpc endpoints"][0] == v.PASS


def test_other_service_names_are_shown_whole():
    reads = healthy_reads()
    reads["endpoints"]["vpc_endpoints"].append({"vpc_endpoint_id": "vpce-x", "service_name": "com.example.other",
                                                "state": "available"})
    assert run(reads)["routing: vpc endpoints"][1].endswith(
        ": com.example.other, ecr.api, ecr.dkr, logs, s3, secretsmanager")


# ---- placement and reachability ----------------------------------------------------------------------------


def test_placement_problems():
    reads = healthy_reads()
    reads["load_balancer"]["load_balancers"][0]["security_groups"] = [ALB_SG, "sg-0extra"]
    reads["load_balancer"]["load_balancers"][0]["availability_zones"] = []
    network = reads["service"]["services"][0]["networkConfiguration"]["awsvpcConfiguration"]
    network.update(subnets=PUBLIC, assignPublicIp="ENABLED", securityGroups=[])
    reads["db_cluster"]["clusters"][0]["vpc_security_groups"] = []
    status, detail, fix = run(reads)["network: placement"]
    assert status == v.FAIL
    assert detail.split("; ") == [
        "the load balancer's security groups are %s, sg-0extra, expected %s-alb-sg" % (ALB_SG, P),
        "the load balancer's subnets are none, expected the public subnets",
        "the tasks' security groups are none, expected %s-ecs-sg" % P,
        "the tasks' subnets are %s, expected the private subnets" % ", ".join(sorted(PUBLIC)),
        "the tasks get public IP addresses",
        "the database's security groups are none, expected %s-db-sg" % P,
    ]
    assert "the alb, ecs and rds roles" in fix


def test_placement_with_missing_resources():
    reads = healthy_reads()
    reads["load_balancer"] = {"failed": True, "msg": "LoadBalancerNotFound"}
    reads["service"] = {"services": [], "services_not_running": [{"arn": "x", "reason": "MISSING"}]}
    reads["db_cluster"] = {"clusters": []}
    detail = run(reads)["network: placement"][1]
    assert detail.split("; ") == [
        "load balancer: reading it failed: LoadBalancerNotFound",
        "service: there is no service %s-service in %s-cluster (MISSING)" % (P, P),
        "database: there is no DB cluster %s-db-cluster" % P,
    ]
    reads["service"] = {"services": [], "services_not_running": [{"arn": "x"}]}
    assert "service: there is no service %s-service in %s-cluster;" % (P, P) in run(reads)["network: placement"][1]


def test_db_rule_removed():
    reads = healthy_reads()
    reads["security_groups"]["security_groups"][2]["ip_permissions"] = []
    detail, fix = only_failure(reads, "reachability: ecs -> db:5432")
    assert detail == "deny (expected allow): no ingress rule of %s-db-sg admits tcp 5432 from %s-ecs-sg" % (P, P)
    assert fix == "fix ecs db"
    assert run(reads)["reachability: only ecs -> db:5432"][1] == (
        "only from ecs (expected only from ecs): no ingress rule of %s-db-sg admits tcp 5432 at all" % P)


def test_db_open_to_the_internet():
    reads = healthy_reads()
    reads["security_groups"]["security_groups"][2]["ip_permissions"].append(rule(5432, ["0.0.0.0/0"]))
    detail, fix = only_failure(reads, "reachability: only ecs -> db:5432")
    assert detail == ("also from 0.0.0.0/0 (expected only from ecs): %s-db-sg ingress tcp 5432 from 0.0.0.0/0 is not "
                      "from %s-ecs-sg" % (P, P))
    assert fix == "fix only ecs"


def test_missing_security_group():
    reads = healthy_reads()
    reads["security_groups"]["security_groups"] = reads["security_groups"]["security_groups"][:2]
    result = run(reads)
    for name in ("reachability: ecs -> db:5432", "reachability: internet -> db:5432",
                 "reachability: only ecs -> db:5432"):
        assert result[name][:2] == (v.FAIL, "cannot evaluate: security group %s-db-sg does not exist" % P)
    assert result["reachability: alb -> ecs:8080"][0] == v.PASS
    assert result["network: placement"][1] == "the database's security groups are %s, expected %s-db-sg" % (DB_SG, P)


# ---- ECS ---------------------------------------------------------------------------------------------------


def test_service_missing():
    reads = healthy_reads()
    reads["service"] = {"failed": True, "msg": "ClusterNotFoundException"}
    result = run(reads)
    for name in ("ecs: service", "ecs: deployment", "ecs: running tasks"):
        assert result[name][:2] == (v.FAIL, "reading it failed: ClusterNotFoundException")
    assert result["alb: target group"][1] == "service: reading it failed: ClusterNotFoundException"
    # the rules are still compared with the target group of the contract's name
    assert result["alb: rule /api/*"][0] == v.PASS


def test_service_not_active():
    reads = healthy_reads()
    reads["service"]["services"][0]["status"] = "DRAINING"
    detail, fix = only_failure(reads, "ecs: service")
    assert detail == "DRAINING, runs %s-task:3 (only an ACTIVE service serves traffic)" % P
    assert "re-run the deploy" in fix


def deployment(reads, **changes):
    reads["service"]["services"][0]["deployments"][0].update(changes)
    return reads


def test_deployment_in_progress_warns_with_what_aws_returned():
    reads = deployment(healthy_reads(), rolloutState="IN_PROGRESS", runningCount=0)
    reads["service"]["services"][0].update(runningCount=0, pendingCount=2)
    result = run(reads)
    assert result["ecs: deployment"][:2] == (
        v.WARN, "primary deployment ecs-svc/1 is IN_PROGRESS (0 of 2 tasks running): not finished yet")
    assert result["ecs: running tasks"][:2] == (
        v.WARN, "0 of 2 desired tasks running, 2 pending (the deployment is still starting tasks)")
    assert v.report(reads, expected())["result"] == v.WARN


def test_deployment_in_progress_past_the_rollout_timeout_fails():
    reads = deployment(healthy_reads(), rolloutState="IN_PROGRESS", runningCount=0, createdAt="2026-12-01T11:50:00+00:00")
    reads["service"]["services"][0].update(runningCount=0, pendingCount=2)
    result = run(reads)
    assert result["ecs: deployment"][:2] == (v.FAIL, (
        "primary deployment ecs-svc/1 is IN_PROGRESS (0 of 2 tasks running): still IN_PROGRESS after 20 minutes, longer "
        "than the deploy waits (payment_rollout_timeout, 900 s)"))
    assert result["ecs: running tasks"][0] == v.FAIL
    # Within the timeout (and with a time AWS gives in Z form) it is still a wait.
    reads = deployment(reads, createdAt="2026-12-01T12:00:00Z")
    assert run(reads)["ecs: deployment"][0] == v.WARN
    # A time that cannot be read is no reason to fail.
    reads = deployment(reads, createdAt="soon")
    assert run(reads)["ecs: deployment"][0] == v.WARN


def test_deployment_failed():
    reads = deployment(healthy_reads(), rolloutState="FAILED", rolloutStateReason="tasks failed to start")
    detail, fix = only_failure(reads, "ecs: deployment")
    assert detail == "primary deployment ecs-svc/1 is FAILED (2 of 2 tasks running): tasks failed to start"
    assert "aws ecs describe-services --region %s --cluster %s-cluster" % (REGION, P) in fix
    reads = deployment(healthy_reads(), rolloutState="FAILED", rolloutStateReason=None)
    assert only_failure(reads, "ecs: deployment")[0].endswith("(2 of 2 tasks running)")


def test_deployment_rolled_back():
    old = TASK_ARN[:-1] + "2"
    reads = deployment(healthy_reads(), taskDefinition=old, rolloutStateReason="circuit breaker: rolled back")
    detail, _fix = only_failure(reads, "ecs: deployment")
    assert detail == ("the primary deployment runs %s-task:2, but the latest revision is %s-task:3 (the circuit "
                      "breaker rolled the deployment back, or the deploy did not update the service): circuit "
                      "breaker: rolled back" % (P, P))
    reads = deployment(healthy_reads(), taskDefinition=old, rolloutStateReason=None)
    assert only_failure(reads, "ecs: deployment")[0].endswith("did not update the service)")


def test_deployment_without_rollout_state_or_primary():
    reads = deployment(healthy_reads(), rolloutState=None)
    status, detail, _fix = run(reads)["ecs: deployment"]
    assert status == v.WARN and detail == ("primary deployment ecs-svc/1 is in no rollout state (2 of 2 tasks "
                                           "running): AWS reports no rollout state, so completion cannot be seen")
    reads = deployment(healthy_reads(), status="ACTIVE")
    assert only_failure(reads, "ecs: deployment")[0] == "the service has no PRIMARY deployment"


def test_tasks_stopping_without_deployment():
    reads = healthy_reads()
    reads["service"]["services"][0].update(runningCount=1, pendingCount=0)
    detail, fix = only_failure(reads, "ecs: running tasks")
    assert detail == ("1 of 2 desired tasks running, 0 pending with no deployment in progress: tasks are stopping or "
                      "cannot start")
    assert "--desired-status STOPPED" in fix
    reads["service"]["services"][0]["deployments"] = []
    assert run(reads)["ecs: running tasks"][0] == v.FAIL


@pytest.mark.parametrize("desired", [0, 1])
def test_desired_count_below_minimum(desired):
    reads = healthy_reads()
    reads["service"]["services"][0].update(desiredCount=desired, runningCount=desired)
    detail, _fix = only_failure(reads, "ecs: running tasks")
    assert detail.endswith("; the desired count is below the minimum 2")


def test_task_definition_missing():
    reads = healthy_reads()
    reads["task_definition"] = {"changed": False}
    result = run(reads)
    failed = {c for c, r in result.items() if r[0] == v.FAIL}
    assert failed == {"ecs: task hardening", "secrets: task definition", "secrets: secret host", "iam: execution role"}
    assert result["secrets: task definition"][1] == (
        "there is no active revision of the task definition family %s-task" % P)
    assert result["secrets: secret host"][1] == (
        "the task definition names no DB secret: there is no active revision of the task definition family %s-task" % P)
    assert result["iam: execution role"][1] == (
        "task definition: there is no active revision of the task definition family %s-task; the task definition "
        "names no DB secret to compare the grant with" % P)
    assert result["ecs: deployment"][0] == v.PASS


def test_task_definition_without_the_container():
    reads = healthy_reads()
    reads["task_definition"]["container_definitions"][0]["name"] = "sidecar"
    detail = run(reads)["secrets: task definition"][1]
    assert detail == "the task definition %s-task:3 has no container payment-processor" % P


def test_scalable_target():
    reads = healthy_reads()
    reads["scaling"]["scalable_target"]["max_capacity"] = 4
    detail, fix = only_failure(reads, "ecs: scalable target")
    assert detail == "service/%s-cluster/%s-service scales between 2 and 4 tasks, the inventory says 2 and 10" % (P, P)
    assert "payment_min_count and payment_max_count" in fix
    reads["scaling"] = {"scalable_target": {}, "policies": []}
    result = run(reads)
    assert result["ecs: scalable target"][1] == (
        "the service service/%s-cluster/%s-service is not registered with Application Auto Scaling" % (P, P))
    assert result["ecs: scaling policy"][1] == "there is no scaling policy %s-scaling-policy" % P
    reads["scaling"] = {"failed": True, "msg": "boom"}
    result = run(reads)
    assert result["ecs: scalable target"][1] == "could not read the scalable target: reading it failed: boom"
    assert result["ecs: scaling policy"][1] == "could not read the scaling policies: reading it failed: boom"


def policy(reads):
    return reads["scaling"]["policies"][0]


def test_scaling_target_value_changed():
    reads = healthy_reads()
    policy(reads)["target_tracking_scaling_policy_configuration"]["target_value"] = 75.0
    detail, fix = only_failure(reads, "ecs: scaling policy")
    assert detail == ("%s-scaling-policy TargetTrackingScaling on ECSServiceAverageCPUUtilization, target value 75.0; "
                      "payment_scaling_cpu_threshold is 50" % P)
    assert "payment_scaling_cpu_threshold (50)" in fix
    # AWS returns the value as a float, the inventory as an int or a string
    assert run(healthy_reads(), cpu_threshold="50")["ecs: scaling policy"][0] == v.PASS


def test_scaling_policy_of_the_wrong_kind_or_name():
    reads = healthy_reads()
    policy(reads)["policy_type"] = "StepScaling"
    policy(reads)["target_tracking_scaling_policy_configuration"] = {}
    detail, _fix = only_failure(reads, "ecs: scaling policy")
    assert detail == ("%s-scaling-policy StepScaling on None, target value None; it must be target tracking on "
                      "ECSServiceAverageCPUUtilization; payment_scaling_cpu_threshold is 50" % P)
    policy(reads)["policy_name"] = "someone-elses"
    assert only_failure(reads, "ecs: scaling policy")[0] == (
        "there is no scaling policy %s-scaling-policy (only someone-elses)" % P)


# ---- load balancer -----------------------------------------------------------------------------------------


def listener(reads):
    return reads["load_balancer"]["load_balancers"][0]["listeners"][0]


def test_target_group_problems():
    reads = healthy_reads()
    tg = reads["target_group"]["target_groups"][0]
    tg.update(load_balancer_arns=[], port=80, target_type="instance")
    reads["service"]["services"][0]["loadBalancers"][0]["targetGroupArn"] = "arn:x:targetgroup/other-tg/1"
    result = run(reads)
    assert result["alb: target group"][1].split("; ") == [
        "the service's container payment-processor registers into arn:x:targetgroup/other-tg/1, not %s-tg" % P,
        "%s-tg is not used by %s-alb" % (P, P),
        "it sends to instance targets on port 80, expected ip targets on 8080",
    ]
    # the rules must point at the service's target group
    assert result["alb: rule /api/*"][1] == (
        "HTTP:80 rule 10 sends /api/* to %s-tg, not the service's target group other-tg" % P)
    reads["service"]["services"][0]["loadBalancers"] = []
    assert run(reads)["alb: target group"][1].startswith(
        "the service's container payment-processor registers into no target group")


def test_target_group_missing():
    reads = healthy_reads()
    reads["target_group"] = {"target_groups": []}
    result = run(reads)
    assert result["alb: target group"][1] == "there is no target group %s-tg" % P
    assert result["alb: target health"][1] == "there is no target group %s-tg" % P
    assert result["alb: rule /api/*"][0] == v.PASS  # the service still names its target group
    reads["service"] = {"services": [], "services_not_running": []}
    assert run(reads)["alb: rule /api/*"][1] == (
        "the service's target group is unknown: there is no service %s-service in %s-cluster" % (P, P))
    reads = healthy_reads()
    reads["target_group"] = {"target_groups": []}
    reads["service"]["services"][0]["loadBalancers"] = []
    assert run(reads)["alb: rule /api/*"][1] == (
        "the service's target group is unknown: there is no target group %s-tg" % P)


def test_load_balancer_missing():
    reads = healthy_reads()
    reads["load_balancer"] = {"load_balancers": []}
    result = run(reads)
    assert result["alb: rule /webhook/*"][1] == "there is no load balancer %s-alb" % P
    assert result["dns: api.dev.payment.internal"][1] == (
        "cannot compare with the load balancer: there is no load balancer %s-alb" % P)
    assert result["alb: target group"][0] == v.PASS


def test_rules_point_elsewhere_or_are_missing():
    reads = healthy_reads()
    rules = listener(reads)["rules"]
    rules[0]["actions"] = [{"type": "fixed-response"}]
    del rules[1]
    result = run(reads)
    assert result["alb: rule /api/*"][1] == (
        "HTTP:80 rule 10 sends /api/* to fixed-response, not the service's target group %s-tg" % P)
    assert result["alb: rule /webhook/*"][1] == "HTTP:80 has no rule for /webhook/*"
    rules[0]["actions"] = []
    assert run(reads)["alb: rule /api/*"][1].startswith("HTTP:80 rule 10 sends /api/* to nothing, not")


def test_the_first_matching_rule_decides():
    reads = healthy_reads()
    listener(reads)["rules"].append({
        "priority": "5", "conditions": [{"field": "path-pattern", "path_pattern_config": {"values": ["/api/*"]}}],
        "actions": [{"type": "forward", "forward_config": {"target_groups": [
            {"target_group_arn": TG_ARN}, {"target_group_arn": "arn:x:targetgroup/canary-tg/9"}]}}]})
    assert run(reads)["alb: rule /api/*"][1] == (
        "HTTP:80 rule 5 sends /api/* to %s-tg, canary-tg, not the service's target group %s-tg" % (P, P))
    listener(reads)["rules"][-1]["actions"][0]["forward_config"]["target_groups"].pop()
    assert run(reads)["alb: rule /api/*"] == (v.PASS, "HTTP:80 rule 5 forwards /api/* to %s-tg" % P, "")


def test_https_listener_serves_and_http_only_redirects():
    reads = healthy_reads()
    serving = listener(reads)
    serving.update(protocol="HTTPS", port=443)
    redirect = {"protocol": "HTTP", "port": 80, "default_actions": [{"type": "redirect"}], "rules": []}
    reads["load_balancer"]["load_balancers"][0]["listeners"].append(redirect)
    assert run(reads)["alb: rule /api/*"][1] == "HTTPS:443 rule 10 forwards /api/* to %s-tg" % P
    reads["load_balancer"]["load_balancers"][0]["listeners"] = [redirect]
    assert run(reads)["alb: rule /api/*"][1] == "%s-alb has no listener that serves requests" % P


CERT = "arn:aws:acm:%s:%s:certificate/12345678-1234-1234-1234-123456789012" % (REGION, ACCOUNT)
STRONG = "ELBSecurityPolicy-TLS13-1-2-2021-06"
POLICIES = {"ssl_policies": [{"name": STRONG, "ssl_protocols": ["TLSv1.3", "TLSv1.2"]},
                             {"name": "ELBSecurityPolicy-2016-08", "ssl_protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"]},
                             {"name": "Empty", "ssl_protocols": []}]}


def https_reads():
    """The HTTPS edge as the alb role builds it: HTTPS 443 serving, HTTP 80 redirecting (rules: only the default)."""
    reads = healthy_reads()
    listener(reads).update(protocol="HTTPS", port=443, ssl_policy=STRONG, certificates=[{"certificate_arn": CERT}])
    reads["load_balancer"]["load_balancers"][0]["listeners"].append({
        "protocol": "HTTP", "port": 80, "rules": [{"priority": "default", "is_default": True, "actions": []}],
        "default_actions": [{"type": "redirect", "redirect_config": {
            "protocol": "HTTPS", "port": "443", "host": "#{host}", "path": "/#{path}", "query": "#{query}",
            "status_code": "HTTP_301"}}]})
    reads["ssl_policies"] = copy.deepcopy(POLICIES)
    return reads


def test_https_edge_passes_where_required():
    result = run(https_reads(), require_https=True)
    assert all(status == v.PASS for status, dummy, dummy2 in result.values()), result
    assert result["alb: https"][1] == "HTTPS:443 with %s (TLSv1.2, TLSv1.3)" % STRONG
    assert result["alb: http redirect"][1] == "HTTP:80 redirects to HTTPS:443 (HTTP_301), no rule bypasses it"


def test_plain_http_passes_only_where_https_is_not_required():
    result = run()
    assert result["alb: https"][:2] == (v.PASS, "%s-alb serves plain HTTP (dev does not require HTTPS)" % P)
    assert result["alb: http redirect"][:2] == (v.PASS, "%s-alb has no HTTPS listener: port 80 serves HTTP itself" % P)
    result = run(require_https="true")
    assert result["alb: https"][:2] == (v.FAIL, "%s-alb has no HTTPS listener, and dev serves only HTTPS" % P)
    assert result["alb: http redirect"][:2] == (v.FAIL, "%s-alb has no HTTPS listener to redirect to" % P)
    assert "Set payment_alb_certificate_arn to an ISSUED ACM certificate of eu-west-1 in inventories/dev" in (
        result["alb: https"][2])


def test_https_listener_problems():
    reads = https_reads()
    listener(reads).update(port=8443, certificates=[], ssl_policy="ELBSecurityPolicy-2016-08")
    detail, fix = only_failure(reads, "alb: https", require_https=True)
    assert detail.split("; ") == ["HTTPS:8443 is not on port 443", "HTTPS:8443 has no certificate",
                                  "HTTPS:8443 uses ELBSecurityPolicy-2016-08, which allows TLSv1, TLSv1.1, TLSv1.2 "
                                  "(TLS 1.2 and later only)"]
    assert "payment_alb_ssl_policy (TLS 1.2 and later)" in fix
    listener(reads).update(port=443, certificates=[{"certificate_arn": CERT}], ssl_policy="Gone")
    assert only_failure(reads, "alb: https", require_https=True)[0] == (
        "HTTPS:443 uses Gone, a security policy AWS does not list")
    listener(reads)["ssl_policy"] = "Empty"
    assert only_failure(reads, "alb: https", require_https=True)[0] == (
        "HTTPS:443 uses Empty, which allows no protocol (TLS 1.2 and later only)")
    reads["ssl_policies"] = {"failed": True, "msg": "denied"}
    assert only_failure(reads, "alb: https", require_https=True)[0] == (
        "its security policy Empty: reading it failed: denied")


def test_a_listener_on_80_that_forwards_fails_the_redirect():
    reads = https_reads()
    http = reads["load_balancer"]["load_balancers"][0]["listeners"][1]
    http["default_actions"] = [{"type": "forward", "target_group_arn": TG_ARN}]
    http["rules"].append({"priority": "10", "actions": [{"type": "forward"}]})
    # The listener now serves requests, so the rule checks also find it without the payment rules.
    status, detail, fix = status_of(reads, "alb: http redirect", require_https=True)
    assert status == v.FAIL
    assert detail == ("HTTP:80 does not redirect (its default action: forward); "
                      "HTTP:80 has rules that bypass the redirect (priority 10)")
    assert "makes port 80 redirect to it" in fix


def test_redirect_elsewhere_or_missing():
    reads = https_reads()
    listeners = reads["load_balancer"]["load_balancers"][0]["listeners"]
    listeners[1]["default_actions"][0]["redirect_config"].update(protocol="HTTP", port="8080", status_code="HTTP_302")
    listeners.append({"protocol": "HTTP", "port": 8080, "default_actions": []})
    assert status_of(reads, "alb: http redirect", require_https=True)[1].split("; ") == [
        "HTTP:80 redirects to HTTP:8080 with HTTP_302, not HTTPS:443 with HTTP_301",
        "HTTP:8080 serves HTTP beside port 80", "HTTP:8080 does not redirect (its default action: none)"]
    del listeners[1:]
    assert only_failure(reads, "alb: http redirect", require_https=True)[0] == (
        "%s-alb has no HTTP listener on port 80 redirecting to HTTPS" % P)


def test_edge_checks_without_a_load_balancer():
    reads = healthy_reads()
    reads["load_balancer"] = {"load_balancers": []}
    result = run(reads)
    assert result["alb: https"][:2] == (v.FAIL, "there is no load balancer %s-alb" % P)
    assert result["alb: http redirect"][:2] == (v.FAIL, "there is no load balancer %s-alb" % P)


def targets(reads, *states):
    reads["target_group"]["target_groups"][0]["targets_health_description"] = [
        {"target": {"id": "10.0.128.%d" % i, "port": 8080},
         "target_health": {"state": s, "reason": "Target.ResponseCodeMismatch" if s == "unhealthy" else None}}
        for i, s in enumerate(states)]
    return reads


def test_target_health():
    assert run(targets(healthy_reads()))["alb: target health"][:2] == (
        v.WARN, "no targets registered in %s-tg yet (ECS registers each task's IP address once it starts)" % P)
    assert run(targets(healthy_reads(), "healthy", "initial"))["alb: target health"][:2] == (
        v.WARN, "10.0.128.0:8080 healthy; 10.0.128.1:8080 initial")
    status, detail, fix = run(targets(healthy_reads(), "healthy", "unhealthy", "draining"))["alb: target health"]
    assert status == v.FAIL and detail == (
        "10.0.128.0:8080 healthy; 10.0.128.1:8080 unhealthy (Target.ResponseCodeMismatch); 10.0.128.2:8080 draining")
    assert "/health" in fix and "8080" in fix
    reads = targets(healthy_reads(), "unused")
    reads["target_group"]["target_groups"][0]["targets_health_description"][0]["target_health"] = {}
    assert run(reads)["alb: target health"][:2] == (v.FAIL, "10.0.128.0:8080 unknown")


# ---- DNS ---------------------------------------------------------------------------------------------------


def test_stale_db_record():
    reads = healthy_reads()
    reads["records"]["resource_record_sets"][0]["resource_records"] = [{"value": "old.example.com"}]
    detail, fix = only_failure(reads, "dns: db.dev.payment.internal")
    assert detail == "db.%s points at old.example.com, but the writer endpoint is %s (stale record)" % (ZONE, WRITER)
    assert "the route53 role" in fix


def test_records_missing_or_pointing_nowhere():
    reads = healthy_reads()
    records = reads["records"]["resource_record_sets"]
    records[1]["type"] = "TXT"
    records[2]["alias_target"] = {}
    result = run(reads)
    assert result["dns: db-ro.dev.payment.internal"][1] == "there is no A or CNAME record db-ro.%s" % ZONE
    assert result["dns: api.dev.payment.internal"][1] == (
        "api.%s points at nothing, but the load balancer is %s (stale record)" % (ZONE, ALB_DNS))


def test_zone_missing_or_unreadable():
    reads = healthy_reads()
    reads["zones"]["HostedZones"] = reads["zones"]["HostedZones"][:1]  # only the public zone of that name
    result = run(reads)
    assert result["dns: db.dev.payment.internal"][1] == "there is no private hosted zone %s" % ZONE
    reads["zones"] = {"hosted_zones": [{"id": "Z1", "name": ZONE, "config": {"private_zone": True}}]}
    reads["records"] = {"failed": True, "msg": "NoSuchHostedZone"}
    assert run(reads)["dns: db-ro.dev.payment.internal"][1] == (
        "could not read the records of %s: reading it failed: NoSuchHostedZone" % ZONE)


def test_dns_without_cluster():
    reads = healthy_reads()
    reads["db_cluster"] = {"clusters": [{"db_cluster_identifier": "other"}]}
    result = run(reads)
    assert result["dns: db.dev.payment.internal"][1] == (
        "cannot compare with the writer endpoint: there is no DB cluster %s-db-cluster" % P)
    assert result["secrets: secret host"][1] == (
        "cannot compare with the writer endpoint: there is no DB cluster %s-db-cluster" % P)


# ---- secrets and IAM ---------------------------------------------------------------------------------------


def container(reads):
    return reads["task_definition"]["container_definitions"][0]


def test_task_definition_secret_problems():
    reads = healthy_reads()
    container(reads)["secrets"] = [
        {"name": "DB_HOST", "valueFrom": SECRET + ":host::"},
        {"name": "DB_PASSWORD", "value_from": "%s-db-credentials:password::" % P},
        {"name": "DB_NAME", "value_from": SECRET.replace(P, "staging-payment") + ":dbname::"},
        {"name": "DB_PORT"},
    ]
    container(reads)["environment"] = [{"name": "DB_PASSWORD", "value": "x"}, {"name": "API_SECRET"}, {}]
    detail, fix = only_failure(reads, "secrets: task definition")
    assert detail.split("; ") == [
        "DB_PASSWORD comes from %s-db-credentials:password::, not from the ARN of %s-db-credentials in %s" % (
            P, P, REGION),
        "DB_NAME comes from %s:dbname::, not from the ARN of %s-db-credentials in %s" % (
            SECRET.replace(P, "staging-payment"), P, REGION),
        "DB_PORT comes from nowhere, not from the ARN of %s-db-credentials in %s" % (P, REGION),
        "the variables come from 4 different secrets",
        "plain environment variable(s) DB_PASSWORD, API_SECRET look like credentials",
    ]
    assert "by its full ARN" in fix


def test_task_definition_without_secrets():
    reads = healthy_reads()
    container(reads)["secrets"] = []
    result = run(reads)
    assert result["secrets: task definition"][1] == "container payment-processor gets no secret from Secrets Manager"
    assert result["secrets: secret host"][1] == (
        "the task definition names no DB secret: its container takes no secret by ARN")
    assert "the task definition names no DB secret to compare the grant with" in result["iam: execution role"][1]


def test_secret_host():
    reads = healthy_reads()
    reads["secret"] = {"read": True, "host": "old-writer.example.com"}
    detail, fix = only_failure(reads, "secrets: secret host")
    assert detail == "the secret's host is old-writer.example.com, but the writer endpoint is %s (stale)" % WRITER
    assert "the rds role" in fix
    reads["secret"] = {"read": True, "host": ""}
    assert only_failure(reads, "secrets: secret host")[0] == (
        "no secret with a host key at %s (deleted, or the key is missing)" % SECRET)
    reads["secret"] = None
    assert only_failure(reads, "secrets: secret host")[0] == "the secret was not read"


def statements(reads):
    return reads["execution_policies"]["policies"][0]["policy_document"]["Statement"]


def test_execution_role_widened_to_every_secret():
    reads = healthy_reads()
    statements(reads)[2]["Resource"] = "*"
    detail, fix = only_failure(reads, "iam: execution role")
    assert detail == ("%s-task-execution-policy statement ReadThisEnvironmentsDbSecret allows "
                      "secretsmanager:GetSecretValue on Resource *" % P)
    assert fix == ("Re-run the deploy (ansible-playbook site.yml -i inventories/dev): the ecs role rewrites the inline "
                   "policy %s-task-execution-policy and detaches managed policies." % P)


def test_execution_role_wildcards_and_other_secrets():
    reads = healthy_reads()
    statements(reads).extend([
        {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": SECRET},
        {"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::bucket"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "secretsmanager:Get*", "Resource": [SECRET, SECRET.replace("dev", "prod")]},
        "not a statement",
    ])
    detail, _fix = only_failure(reads, "iam: execution role")
    assert detail.split("; ") == [
        "%s-task-execution-policy statement Everything allows Action *" % P,
        "%s-task-execution-policy statement 5 allows Action s3:*" % P,
        "%s-task-execution-policy statement 6 allows with NotAction/NotResource, which grants everything not "
        "listed" % P,
        "%s-task-execution-policy statement 7 grants secretsmanager:GetSecretValue on %s, beyond the DB secret" % (
            P, SECRET.replace("dev", "prod")),
    ]


def test_execution_role_extra_policy_and_managed_policy():
    reads = healthy_reads()
    reads["execution_policies"]["policies"].append({"policy_name": "debug", "policy_document": {
        "Statement": {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}}})
    reads["execution_policies"]["policies"].append({"policy_name": "broken", "policy_document": "not json"})
    reads["execution_role"]["iam_roles"][0]["managed_policies"] = [
        {"policy_name": "AmazonECSTaskExecutionRolePolicy"}, {"policy_arn": "arn:aws:iam::aws:policy/X"}]
    detail, fix = only_failure(reads, "iam: execution role")
    assert detail.split("; ") == [
        "managed policy AmazonECSTaskExecutionRolePolicy is attached (the platform attaches none)",
        "managed policy arn:aws:iam::aws:policy/X is attached (the platform attaches none)",
        "debug statement 0 allows Action logs:*",
        "debug statement 0 allows logs:* on Resource *",
    ]
    assert fix.endswith("; delete the inline policy debug (aws iam delete-role-policy --role-name "
                        "%s-task-execution-role --policy-name debug)." % P)


def test_execution_role_without_the_secret_grant():
    reads = healthy_reads()
    del statements(reads)[2]
    assert only_failure(reads, "iam: execution role")[0] == (
        "nothing grants secretsmanager:GetSecretValue on %s, so ECS cannot inject the DB credentials" % SECRET)


def test_execution_role_of_the_task_definition():
    reads = healthy_reads()
    reads["task_definition"]["execution_role_arn"] = "arn:aws:iam::%s:role/admin" % ACCOUNT
    assert only_failure(reads, "iam: execution role")[0] == (
        "the task definition's execution role is arn:aws:iam::%s:role/admin, not %s-task-execution-role" % (ACCOUNT, P))
    reads["task_definition"]["execution_role_arn"] = "arn:aws:iam::%s:role/ecs/%s-task-execution-role" % (ACCOUNT, P)
    assert run(reads)["iam: execution role"][0] == v.PASS
    del reads["task_definition"]["execution_role_arn"]
    assert only_failure(reads, "iam: execution role")[0].startswith("the task definition's execution role is none")


def test_execution_role_missing_or_unreadable():
    reads = healthy_reads()
    reads["execution_role"] = {"iam_roles": []}
    reads["execution_policies"] = {"skipped": True, "skip_reason": "Conditional result was False"}
    assert only_failure(reads, "iam: execution role")[0] == "there is no IAM role %s-task-execution-role" % P
    reads = healthy_reads()
    reads["execution_policies"] = {"failed": True, "msg": "AccessDenied"}
    assert only_failure(reads, "iam: execution role")[0] == (
        "could not read the role's inline policies: reading it failed: AccessDenied")
    reads = healthy_reads()
    reads["task_definition"] = {}
    reads["execution_role"] = {"iam_roles": []}
    assert run(reads)["iam: execution role"][1] == (
        "task definition: there is no active revision of the task definition family %s-task; there is no IAM role "
        "%s-task-execution-role" % (P, P))


def test_nothing_in_the_report_carries_the_secret_value():
    reads = healthy_reads()
    reads["secret"] = {"read": True, "host": WRITER, "password": "hunter2-do-not-print"}
    assert "hunter2" not in json.dumps(v.report(reads, expected()))


def test_helpers():
    assert v._list(None) == [] and v._list("a") == ["a"] and v._list(("a", "b")) == ["a", "b"]
    assert v._dns(" API.Example.COM. ") == "api.example.com" and v._dns(None) == ""
    assert v._tg_name("arn:aws:elasticloadbalancing:r:1:targetgroup/name/123") == "name"
    assert v._tg_name("weird") == "weird"
    assert v._statements(None) == []
    assert copy.deepcopy(healthy_reads()) == healthy_reads()


def test_secrets_by_name_only():
    reads = healthy_reads()
    container(reads)["secrets"] = [{"name": "DB_PASSWORD", "value_from": "%s-db-credentials:password::" % P}]
    result = run(reads)
    assert result["secrets: secret host"][1] == (
        "the task definition names no DB secret: its container takes no secret by ARN")


def test_other_containers_and_conditions_are_ignored():
    reads = healthy_reads()
    reads["service"]["services"][0]["loadBalancers"].insert(
        0, {"containerName": "sidecar", "containerPort": 9000, "targetGroupArn": "arn:x:targetgroup/side-tg/1"})
    listener(reads)["rules"].insert(0, {
        "priority": "1", "conditions": [{"field": "host-header", "values": ["/api/*"]}],
        "actions": [{"type": "fixed-response"}]})
    assert {c for c, r in run(reads).items() if r[0] != v.PASS} == set()


def test_a_rule_without_a_numeric_priority_comes_last():
    reads = healthy_reads()
    listener(reads)["rules"].append({
        "priority": "default", "conditions": [{"field": "path-pattern", "values": ["/api/*"]}],
        "actions": [{"type": "fixed-response"}]})
    assert run(reads)["alb: rule /api/*"][0] == v.PASS


def test_task_hardening():
    reads = healthy_reads()
    assert run(reads)["ecs: task hardening"] == (
        v.PASS, "root filesystem read-only; /tmp writable on the task volume scratch", "")
    container(reads)["readonly_root_filesystem"] = False
    container(reads)["mount_points"][0]["read_only"] = True
    detail, fix = only_failure(reads, "ecs: task hardening")
    assert detail == ("container payment-processor has a writable root filesystem; nothing writable is mounted at /tmp "
                      "(applications and libraries write temporary files there)")
    assert "read-only root filesystem and a task volume at /tmp" in fix
    reads = healthy_reads()
    reads["task_definition"]["volumes"] = []
    assert only_failure(reads, "ecs: task hardening")[0].startswith("nothing writable is mounted at /tmp")
    reads = healthy_reads()
    reads["task_definition"] = {}
    assert run(reads)["ecs: task hardening"][1] == (
        "there is no active revision of the task definition family %s-task" % P)


def test_execution_role_trust_needs_the_source_account():
    reads = healthy_reads()
    role = reads["execution_role"]["iam_roles"][0]
    role["assume_role_policy_document"]["Statement"] = [
        {"Sid": "Open", "Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"},
    ]
    detail, dummy = only_failure(reads, "iam: execution role")
    assert detail.split("; ") == [
        "its trust policy (statement Open) lets ecs-tasks.amazonaws.com assume it for any account (no "
        "aws:SourceAccount condition naming %s)" % ACCOUNT,
        "its trust policy (statement 1) lets ecs-tasks.amazonaws.com assume it for any account (no "
        "aws:SourceAccount condition naming %s)" % ACCOUNT,
    ]
    del role["arn"]
    assert "(no aws:SourceAccount condition naming its account)" in only_failure(reads, "iam: execution role")[0]


def default_group(reads):
    return next(g for g in reads["security_groups"]["security_groups"] if g["group_name"] == "default")


def test_default_security_group_allows_nothing():
    reads = healthy_reads()
    assert run(reads)["network: default security group"][:2] == (v.PASS, "sg-0default allows nothing in or out")
    default_group(reads)["ip_permissions"] = [rule(0, groups=["sg-0default"])]
    default_group(reads)["ip_permissions_egress"] = [rule(0, ["0.0.0.0/0"])]
    detail, fix = only_failure(reads, "network: default security group")
    assert detail == ("the default group sg-0default keeps 1 inbound and 1 outbound rule(s): whatever is launched into "
                      "the VPC without a group of its own gets that access")
    assert fix.endswith("the vpc role empties it.")
    reads["security_groups"]["security_groups"].remove(default_group(reads))
    assert only_failure(reads, "network: default security group")[0] == (
        "the VPC has no default security group (AWS creates one with every VPC)")
    reads["security_groups"] = {"failed": True, "msg": "AccessDenied"}
    assert run(reads)["network: default security group"][1] == (
        "could not read the security groups: reading it failed: AccessDenied")


# ---- web application firewall ------------------------------------------------------------------------------


def test_waf_healthy_detail():
    assert run()["waf: web acl"][1] == (
        "%s-waf in front of %s-alb: rate limit 2000 per IP in 5 minutes, AWSManagedRulesCommonRuleSet, "
        "AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesSQLiRuleSet" % (P, P))


def test_waf_missing_or_unreadable():
    reads = healthy_reads()
    reads["web_acl"] = {}
    detail, fix = only_failure(reads, "waf: web acl")
    assert detail == "there is no web ACL %s-waf" % P and "payment_waf_rate_limit" in fix
    reads = healthy_reads()
    reads["web_acl_resources"] = {"failed": True, "msg": "denied"}
    detail, _fix = only_failure(reads, "waf: web acl")
    assert "what the web ACL is attached to" in detail and "denied" in detail


def test_waf_not_attached_to_the_load_balancer():
    reads = healthy_reads()
    reads["web_acl_resources"] = {"resource_arns": []}
    detail, _fix = only_failure(reads, "waf: web acl")
    assert detail == "%s-waf is not attached to %s-alb" % (P, P)


def test_waf_rate_limit_other_than_the_inventory():
    detail, _fix = only_failure(healthy_reads(), "waf: web acl", waf_rate_limit="500")
    assert detail == "rule rate-limit-per-ip blocks above 2000 requests, payment_waf_rate_limit is 500"


def test_waf_rate_rule_counting_only_or_gone():
    reads = healthy_reads()
    reads["web_acl"]["rules"][0]["action"] = {"count": {}}
    detail, _fix = only_failure(reads, "waf: web acl")
    assert detail == "rule rate-limit-per-ip does not block, payment_waf_rate_limit is 2000"
    reads["web_acl"]["rules"] = reads["web_acl"]["rules"][1:]
    assert only_failure(reads, "waf: web acl")[0] == detail


def test_waf_managed_groups_overridden_to_count_or_removed():
    reads = healthy_reads()
    reads["web_acl"]["rules"][1]["override_action"] = {"count": {}}
    assert only_failure(reads, "waf: web acl")[0] == "AWSManagedRulesCommonRuleSet is not blocking"
    del reads["web_acl"]["rules"][3]
    assert only_failure(reads, "waf: web acl")[0] == (
        "AWSManagedRulesCommonRuleSet, AWSManagedRulesSQLiRuleSet are not blocking")


def test_waf_attachment_not_judged_without_the_load_balancer():
    reads = healthy_reads()
    reads["load_balancer"] = {"failed": True, "msg": "denied"}
    reads["web_acl_resources"] = {"resource_arns": []}
    assert run(reads)["waf: web acl"][0] == v.PASS


def _by_name(checks, name):
    return next(c for c in checks if c["check"] == name)


def test_deletion_protection_follows_the_class():
    checks = v.evaluate(healthy_reads(), expected())
    assert _by_name(checks, "rds: deletion protection")["status"] == "pass"
    assert _by_name(checks, "alb: deletion protection")["status"] == "pass"
    checks = v.evaluate(healthy_reads(), expected(protected=True))
    for name in ("rds: deletion protection", "alb: deletion protection"):
        found = _by_name(checks, name)
        assert found["status"] == "fail" and "off" in found["detail"] and "payment_protected is true" in found["fix"]
    protected = healthy_reads()
    protected["db_cluster"]["clusters"][0]["deletion_protection"] = True
    protected["load_balancer"]["load_balancers"][0]["deletion_protection_enabled"] = "true"
    checks = v.evaluate(protected, expected(protected=True))
    assert _by_name(checks, "rds: deletion protection")["status"] == "pass"
    assert _by_name(checks, "alb: deletion protection")["status"] == "pass"


def test_deletion_protection_without_the_resources():
    missing = healthy_reads()
    missing["db_cluster"] = {"clusters": []}
    missing["load_balancer"] = {"load_balancers": []}
    checks = v.evaluate(missing, expected())
    assert _by_name(checks, "rds: deletion protection")["status"] == "fail"
    assert _by_name(checks, "alb: deletion protection")["status"] == "fail"
    unread = healthy_reads()
    del unread["load_balancer"]["load_balancers"][0]["deletion_protection_enabled"]
    found = _by_name(v.evaluate(unread, expected()), "alb: deletion protection")
    assert found["status"] == "fail" and "not read" in found["detail"]


def test_enhanced_monitoring():
    found = _by_name(v.evaluate(healthy_reads(), expected()), "rds: enhanced monitoring")
    assert found["status"] == "pass" and "every 60 s" in found["detail"]
    drifted = healthy_reads()
    first = drifted["db_instances"]["instances"][0]
    first.update(monitoring_interval=0, monitoring_role_arn=None, auto_minor_version_upgrade=False)
    found = _by_name(v.evaluate(drifted, expected()), "rds: enhanced monitoring")
    assert found["status"] == "fail"
    assert "every 0 s, not 60" in found["detail"] and "no role" in found["detail"] and "upgrades off" in found["detail"]
    assert "rds-monitoring-role" in found["fix"]
    pinned = _by_name(v.evaluate(healthy_reads(), expected(db_auto_minor_version_upgrade=False)), "rds: enhanced monitoring")
    assert pinned["status"] == "fail" and "upgrades on" in pinned["detail"]
    none = healthy_reads()
    none["db_instances"] = {"instances": []}
    assert _by_name(v.evaluate(none, expected()), "rds: enhanced monitoring")["status"] == "fail"


def test_the_key_encrypts_the_cluster_and_the_logs():
    found = _by_name(v.evaluate(healthy_reads(), expected()), "kms: encryption")
    assert found["status"] == "pass"
    assert found["detail"] == "alias/%s (enabled, rotating, with its key policy) encrypts the cluster and %s" % (
        P, ", ".join(LOG_GROUPS))


def test_a_key_that_is_off_not_rotating_or_granting_more():
    reads = healthy_reads()
    key = reads["kms_key"]["kms_keys"][0]
    key.update(key_state="PendingDeletion", enable_key_rotation=False)
    key["key_policies"][0]["Statement"].append({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*"})
    detail, fix = only_failure(reads, "kms: encryption")
    assert detail == ("alias/%s is PendingDeletion; automatic rotation of alias/%s is off; the key policy of alias/%s "
                      "is not the platform's (filter payments.platform.kms_key_policy)" % (P, P, P))
    assert fix.startswith("Re-run the deploy (ansible-playbook site.yml -i inventories/dev): the kms role")


def test_a_cluster_or_log_group_the_key_does_not_encrypt():
    reads = healthy_reads()
    reads["db_cluster"]["clusters"][0]["kms_key_id"] = "arn:aws:kms:%s:%s:key/aws-managed" % (REGION, ACCOUNT)
    reads["log_groups"]["results"][1]["log_groups"][0].pop("kms_key_id")
    reads["log_groups"]["results"][0]["log_groups"] = []
    detail, fix = only_failure(reads, "kms: encryption")
    assert detail == ("the cluster is encrypted with arn:aws:kms:%s:%s:key/aws-managed, not alias/%s; there is no log "
                      "group %s; the log group %s is encrypted with no key of its own" % (
                          REGION, ACCOUNT, P, LOG_GROUPS[0], LOG_GROUPS[1]))
    assert "AWS cannot change a cluster's key" in fix
    assert fix.endswith("aws logs associate-kms-key --log-group-name %s --kms-key-id %s." % (LOG_GROUPS[1], KEY_ARN))


def test_the_key_check_without_its_reads():
    reads = healthy_reads()
    reads["kms_key"] = {"kms_keys": []}
    assert _by_name(v.evaluate(reads, expected()), "kms: encryption")["detail"] == "there is no key alias/%s" % P
    reads = healthy_reads()
    reads["kms_key"] = {"failed": True, "msg": "AccessDenied"}
    assert "could not read the key alias/%s: reading it failed: AccessDenied" % P in _by_name(
        v.evaluate(reads, expected()), "kms: encryption")["detail"]
    reads = healthy_reads()
    reads["log_groups"]["results"][0] = {"failed": True, "item": LOG_GROUPS[0], "msg": "throttled"}
    assert _by_name(v.evaluate(reads, expected()), "kms: encryption")["detail"] == (
        "could not read the log groups: reading %s failed: throttled" % LOG_GROUPS[0])
    reads = healthy_reads()
    reads["db_cluster"] = {"clusters": []}
    assert "there is no DB cluster" in _by_name(v.evaluate(reads, expected()), "kms: encryption")["detail"]
    reads = healthy_reads()
    reads["kms_key"]["kms_keys"][0]["key_arn"] = "not-an-arn"
    reads["kms_key"]["kms_keys"][0]["key_policies"] = [json.dumps({"Statement": []})]
    found = _by_name(v.evaluate(reads, expected()), "kms: encryption")
    assert "key policy" not in found["detail"] and "not alias/" in found["detail"]


def protected_reads():
    """A healthy protected environment: deletion protection on, and its AWS Backup plan, vault and selection."""
    reads = healthy_reads()
    reads["db_cluster"]["clusters"][0]["deletion_protection"] = True
    reads["load_balancer"]["load_balancers"][0]["deletion_protection_enabled"] = "true"
    reads["backup_plan"] = {"backup_plans": [{"backup_plan_name": P + "-backup-plan", "backup_plan": {"rules": [
        {"rule_name": "daily", "target_backup_vault_name": P + "-backup-vault", "lifecycle": {"delete_after_days": 35}}]}}]}
    reads["backup_vault"] = {"backup_vaults": [{"backup_vault_name": P + "-backup-vault", "encryption_key_arn": KEY_ARN}]}
    reads["backup_selection"] = {"backup_selections": [{
        "selection_name": P + "-db-cluster", "resources": ["arn:aws:rds:%s:%s:cluster:*" % (REGION, ACCOUNT)],
        "conditions": {"string_equals": [{"condition_key": "aws:ResourceTag/Environment", "condition_value": "dev"},
                                         {"condition_key": "aws:ResourceTag/Project", "condition_value": "payments"}]}}]}
    return reads


def test_backups_only_for_protected_environments():
    assert status_of(healthy_reads(), "backup: plan") == (
        v.PASS, "dev is not protected: the cluster's own automated backups only", "")
    result = run(protected_reads(), protected=True)
    assert all(r[0] == v.PASS for r in result.values()), result
    assert result["backup: plan"][1] == "%s-backup-plan backs the cluster up daily into %s-backup-vault (alias/%s), " \
                                        "kept 35 days" % (P, P, P)


def test_backups_that_miss_the_cluster_keep_too_little_or_use_another_key():
    reads = protected_reads()
    reads["backup_plan"]["backup_plans"][0]["backup_plan"]["rules"][0]["lifecycle"]["delete_after_days"] = 7
    reads["backup_vault"]["backup_vaults"][0]["encryption_key_arn"] = "arn:aws:kms:%s:%s:key/aws-backup" % (REGION, ACCOUNT)
    reads["backup_selection"]["backup_selections"][0]["conditions"]["string_equals"][0]["condition_value"] = "prod"
    detail, fix = only_failure(reads, "backup: plan", protected=True)
    assert detail == ("no rule of {p}-backup-plan backs up into {p}-backup-vault for 35 days; the vault {p}-backup-vault "
                      "is encrypted with arn:aws:kms:{r}:{a}:key/aws-backup, not alias/{p}; the selection "
                      "{p}-db-cluster does not select the cluster {p}-db-cluster by its tags").format(p=P, r=REGION, a=ACCOUNT)
    assert "payment_backup_retention_days = 35" in fix
    reads = protected_reads()
    reads["backup_selection"]["backup_selections"][0]["resources"] = ["arn:aws:rds:%s:%s:cluster:other" % (REGION, ACCOUNT)]
    reads["backup_selection"]["backup_selections"][0]["conditions"] = {}
    assert "does not select the cluster" in only_failure(reads, "backup: plan", protected=True)[0]
    reads = protected_reads()
    reads["backup_selection"]["backup_selections"][0]["conditions"]["string_equals"][0]["condition_key"] = "Environment"
    assert "does not select the cluster" in only_failure(reads, "backup: plan", protected=True)[0]


def test_backups_that_are_missing_or_unreadable():
    reads = protected_reads()
    reads["backup_plan"] = {"backup_plans": []}
    assert only_failure(reads, "backup: plan", protected=True)[0] == "there is no backup plan %s-backup-plan" % P
    reads = protected_reads()
    reads["backup_plan"] = {"failed": True, "msg": "throttled"}
    assert "could not read the backup plan" in only_failure(reads, "backup: plan", protected=True)[0]
    reads = protected_reads()
    reads["backup_vault"] = {"failed": True, "msg": "AccessDeniedException"}
    reads["backup_selection"] = {"skipped": True}
    assert only_failure(reads, "backup: plan", protected=True)[0] == (
        "there is no backup vault {p}-backup-vault; there is no selection {p}-db-cluster in {p}-backup-plan".format(p=P))
    reads = protected_reads()
    reads["kms_key"] = {"kms_keys": []}
    assert "not alias/" in status_of(reads, "backup: plan", protected=True)[1]
    reads = protected_reads()
    reads["db_cluster"] = {"clusters": []}
    assert status_of(reads, "backup: plan", protected=True)[0] == v.PASS


def test_alert_topic():
    found = _by_name(v.evaluate(healthy_reads(), expected()), "alerts: topic")
    assert found == {"check": "alerts: topic", "status": "pass", "fix": "", "detail": (
        "%s-alerts encrypted with alias/dev-payment; 5 alarms notify it; subscribers: oncall@example.com" % P)}
    nobody = _by_name(v.evaluate(healthy_reads(), expected(alert_emails=[])), "alerts: topic")
    assert nobody["status"] == "pass" and nobody["detail"].endswith("no subscriber (payment_alert_emails is empty)")


def test_alert_topic_pending_confirmation_warns():
    reads = healthy_reads()
    reads["alert_topics"]["sns_topics"][1]["subscriptions"][0]["subscription_arn"] = "PendingConfirmation"
    found = _by_name(v.evaluate(reads, expected()), "alerts: topic")
    assert found["status"] == "warn" and found["detail"].endswith("oncall@example.com not confirmed yet")
    assert "confirms the subscription" in found["fix"]


def test_alert_topic_drift():
    reads = healthy_reads()
    topic = reads["alert_topics"]["sns_topics"][1]
    topic["kms_master_key_id"] = ""
    topic["policy"] = json.dumps(dict(TOPIC_POLICY, Statement=TOPIC_POLICY["Statement"][:2] + [
        dict(TOPIC_POLICY["Statement"][2], Condition={})]))
    reads["alarms"]["metric_alarms"][0]["ok_actions"] = []
    del reads["alarms"]["metric_alarms"][1]
    detail, fix = only_failure(reads, "alerts: topic", alert_emails=["oncall@example.com", "second@example.com"])
    assert detail == ("%s-alerts is not encrypted; its policy does not let events.rds.amazonaws.com publish (with "
                      "aws:SourceAccount); second@example.com is not subscribed; there is no alarm %s-alb-5xx; the "
                      "alarm %s-service-cpu-high does not notify %s-alerts when it fires and recovers" % (P, P, P, P))
    assert "payment_alert_emails" in fix
    for policy in ("not json", None):
        topic["policy"] = policy
        assert "cloudwatch.amazonaws.com, events.rds.amazonaws.com publish" in only_failure(reads, "alerts: topic")[0]
    reads["alarms"]["metric_alarms"] = []
    assert "are not subscribed" in only_failure(reads, "alerts: topic", alert_emails=["a@example.com", "b@example.com"])[0]


def test_alert_topic_missing_or_unread():
    reads = healthy_reads()
    reads["alert_topics"] = {"sns_topics": []}
    checks = v.evaluate(reads, expected())
    assert _by_name(checks, "alerts: topic")["detail"] == "there is no SNS topic %s-alerts" % P
    assert _by_name(checks, "rds: event subscription")["detail"] == "there is no SNS topic %s-alerts" % P
    reads = healthy_reads()
    reads["alarms"] = {"failed": True, "msg": "denied"}
    assert _by_name(v.evaluate(reads, expected()), "alerts: topic")["detail"] == "could not read the alarms: reading it failed: denied"


def test_event_subscription():
    found = _by_name(v.evaluate(healthy_reads(), expected()), "rds: event subscription")
    assert found["status"] == "pass" and found["detail"] == (
        "%s-db-cluster and its 2 instances send failure, failover, maintenance, notification events to %s-alerts"
        % (P, P))


def test_event_subscription_drift():
    reads = healthy_reads()
    cluster, instances = reads["event_subscriptions"]["subscriptions"]
    cluster.update(enabled=False, sns_topic_arn="arn:aws:sns:x", event_categories_list=["failure"])
    instances.update(source_ids_list=[P + "-db-1"])
    detail, fix = only_failure(reads, "rds: event subscription")
    assert detail == (
        "{p}-db-cluster-events is disabled; {p}-db-cluster-events sends to arn:aws:sns:x; {p}-db-cluster-events leaves "
        "out failover, maintenance, notification; {p}-db-instance-events covers db-instance {p}-db-1, not "
        "{p}-db-1, {p}-db-2".format(p=P))
    assert "%s-db-instance-events" % P in fix
    instances.update(source_ids_list=None, source_type="db-cluster")
    assert "covers db-cluster none" in only_failure(reads, "rds: event subscription")[0]
    del reads["event_subscriptions"]["subscriptions"][0]
    assert "there is no event subscription %s-db-cluster-events" % P in only_failure(reads, "rds: event subscription")[0]


def test_event_subscription_unread_or_without_cluster():
    reads = healthy_reads()
    reads["event_subscriptions"] = {"failed": True, "msg": "denied"}
    assert _by_name(v.evaluate(reads, expected()), "rds: event subscription")["detail"].startswith(
        "could not read the RDS event subscriptions")
    reads = healthy_reads()
    reads["db_cluster"] = {"clusters": []}
    found = _by_name(v.evaluate(reads, expected()), "rds: event subscription")
    assert found["status"] == "fail" and found["detail"] == "there is no DB cluster %s-db-cluster" % P


# ---- the audit trail -----------------------------------------------------------------------------------------


def test_audit_trail_healthy_details():
    result = run()
    assert result["audit: bucket"][1] == (
        "%s: SSE-S3, public access blocked, written only by AWS:arn:aws:iam::156460612806:root, "
        "Service:delivery.logs.amazonaws.com, logs expire after 365 days" % AUDIT_BUCKET)
    assert result["alb: access logs"][1] == "access logs go to s3://%s/alb/" % AUDIT_BUCKET
    assert result["vpc: flow logs"][1] == (
        "fl-0abc captures all of %s's traffic (every subnet) into arn:aws:s3:::%s/flow/" % (VPC, AUDIT_BUCKET))
    assert result["rds: connection logging"][1] == (
        "log_connections and log_disconnections on; the postgresql log goes to /aws/rds/cluster/%s-db-cluster/postgresql, "
        "kept 365 days" % P)


def test_audit_bucket_missing_or_unread_account():
    reads = healthy_reads()
    reads["audit_bucket"] = {"buckets": []}
    detail, fix = only_failure(reads, "audit: bucket")
    assert detail == "there is no audit log bucket %s" % AUDIT_BUCKET and "audit_logs role" in fix
    status, detail, dummy = run(healthy_reads(), account_id="")["audit: bucket"]
    assert status == v.FAIL and detail == "the account was not read (the audit bucket's name carries it)"


def test_audit_bucket_every_problem():
    reads = healthy_reads()
    bucket = reads["audit_bucket"]["buckets"][0]
    bucket["bucket_encryption"] = {}
    bucket["public_access_block"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] = False
    policy = audit.bucket_policy(AUDIT_BUCKET, ACCOUNT, REGION)
    policy["Statement"] = [st for st in policy["Statement"] if st["Effect"] == "Allow"] + [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]
    bucket["bucket_policy"] = {"Policy": json.dumps(policy)}
    bucket["bucket_lifecycle_configuration"] = {"Rules": [{"Status": "Enabled", "Expiration": {"Days": 30}}]}
    detail, dummy = only_failure(reads, "audit: bucket")
    assert detail == (
        "%s: its default encryption is off, not SSE-S3 (AES256); public access is not blocked (BlockPublicPolicy off); "
        "its policy admits *, AWS:arn:aws:iam::156460612806:root, Service:delivery.logs.amazonaws.com, not only "
        "AWS:arn:aws:iam::156460612806:root, Service:delivery.logs.amazonaws.com; its policy does not deny requests "
        "without TLS; its objects expire after 30 days, not 365" % AUDIT_BUCKET)


def test_audit_bucket_without_policy_or_lifecycle():
    reads = healthy_reads()
    bucket = reads["audit_bucket"]["buckets"][0]
    bucket["bucket_policy"] = {"Policy": "not json"}
    del bucket["bucket_lifecycle_configuration"]
    detail, dummy = only_failure(reads, "audit: bucket")
    assert "its policy admits nobody" in detail and "its objects expire after no days, not 365" in detail
    bucket["bucket_policy"] = {}
    assert "its policy admits nobody" in only_failure(reads, "audit: bucket")[0]


def test_alb_access_logs_off_elsewhere_or_unread():
    reads = healthy_reads()
    lb = reads["load_balancer"]["load_balancers"][0]
    lb["access_logs_s3_enabled"] = "false"
    assert only_failure(reads, "alb: access logs")[0] == "access logs are off"
    lb.update(access_logs_s3_enabled="true", access_logs_s3_bucket="elsewhere", access_logs_s3_prefix="x")
    assert only_failure(reads, "alb: access logs")[0] == "access logs are written to elsewhere/x"
    del lb["access_logs_s3_enabled"]
    assert run(reads)["alb: access logs"][:2] == (v.FAIL, "the load balancer's attributes were not read")
    reads["load_balancer"] = {"load_balancers": []}
    assert run(reads)["alb: access logs"][1] == "there is no load balancer %s-alb" % P


def test_flow_logs_missing_wrong_or_unread():
    reads = healthy_reads()
    reads["flow_logs"]["flow_logs"][0]["traffic_type"] = "REJECT"
    detail, fix = only_failure(reads, "vpc: flow logs")
    assert detail == ("no flow log captures all of %s's traffic into arn:aws:s3:::%s/flow/; found fl-0abc (%s, REJECT "
                      "traffic, to arn:aws:s3:::%s/flow/)" % (VPC, AUDIT_BUCKET, VPC, AUDIT_BUCKET))
    assert "%s-flow-logs" % P in fix
    reads["flow_logs"] = {"flow_logs": []}
    assert only_failure(reads, "vpc: flow logs")[0] == (
        "no flow log captures all of %s's traffic into arn:aws:s3:::%s/flow/" % (VPC, AUDIT_BUCKET))
    reads["flow_logs"] = {"failed": True, "msg": "denied"}
    assert run(reads)["vpc: flow logs"][0] == v.FAIL


def test_connection_logging_every_problem():
    reads = healthy_reads()
    reads["db_parameters"]["db_cluster_parameter_groups"][0]["db_parameters"] = [
        {"parameter_name": "log_connections", "parameter_value": "0"}]
    reads["db_cluster"]["clusters"][0]["enabled_cloudwatch_logs_exports"] = []
    reads["log_groups"]["results"][2]["log_groups"][0]["retention_in_days"] = 7
    detail, fix = only_failure(reads, "rds: connection logging")
    assert detail == ("log_connections is 0; log_disconnections is unset; the cluster does not export its postgresql "
                      "log; /aws/rds/cluster/%s-db-cluster/postgresql keeps logs 7 days" % P)
    assert "log_connections and log_disconnections to 1 in %s-db-params" % P in fix
    del reads["log_groups"]["results"][2]["log_groups"][0]["retention_in_days"]
    assert only_failure(reads, "rds: connection logging")[0].endswith("postgresql keeps logs forever")
    reads["log_groups"]["results"][2]["log_groups"] = []
    # The key's check fails too: the log group it should encrypt is missing.
    assert run(reads)["rds: connection logging"][1].endswith("postgresql does not exist")


def test_connection_logging_unread():
    reads = healthy_reads()
    reads["db_parameters"] = {"skipped": True}
    assert run(reads)["rds: connection logging"][0] == v.FAIL
    reads = healthy_reads()
    reads["db_cluster"] = {"clusters": []}
    assert run(reads)["rds: connection logging"][1] == "there is no DB cluster %s-db-cluster" % P
    reads = healthy_reads()
    reads["log_groups"]["results"][2] = {"failed": True, "item": DB_LOG_GROUP, "msg": "throttled"}
    assert run(reads)["rds: connection logging"][1] == (
        "could not read the log groups: reading %s failed: throttled" % DB_LOG_GROUP)
