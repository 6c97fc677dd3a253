# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input fails early and clearly, naming the variable, with zero AWS write calls (from the request log).

These tests leave the emulator as they found it, so they can share it with the deployed platform."""

import re

import pytest

from conftest import run_playbook, writes

ACM_ARN = "arn:aws:acm:{}:123456789012:certificate/12345678-1234-1234-1234-123456789012"

# One mistake each, as a user makes it with -e; the rules are plugins/plugin_utils/preflight.py's.
BAD_INPUTS = {
    "malformed CIDR": ({"payment_vpc_cidr": "10.0.0/16"}, "payment_vpc_cidr"),
    "host bits set": ({"payment_vpc_cidr": "10.0.5.0/16"}, "payment_vpc_cidr"),
    "prefix too small for the subnets": ({"payment_vpc_cidr": "10.0.0.0/26"}, "payment_vpc_cidr"),
    "subnets too small for the ALB": ({"payment_vpc_cidr": "10.0.0.0/24"}, "payment_vpc_cidr"),
    "private subnets too small for a rollout": ({"payment_vpc_cidr": "10.0.0.0/23", "payment_max_count": 12},
                                                "payment_vpc_cidr"),
    "overlaps another environment": ({"payment_vpc_cidr": "10.1.0.0/16"}, "payment_vpc_cidr"),
    "CPU threshold out of range": ({"payment_scaling_cpu_threshold": 150}, "payment_scaling_cpu_threshold"),
    "too few AZs": ({"payment_az_count": 1}, "payment_az_count"),
    "monitoring interval AWS does not offer": ({"payment_db_monitoring_interval": 45}, "payment_db_monitoring_interval"),
    "more AZs than the region offers": ({"payment_az_count": 7}, "payment_az_count"),
    "wrong type": ({"payment_az_count": "three"}, "payment_az_count"),
    "not an Aurora PostgreSQL class": ({"payment_db_instance_class": "db.m1.small"}, "payment_db_instance_class"),
    "not an instance class at all": ({"payment_db_instance_class": "t3.medium"}, "payment_db_instance_class"),
    "a class of the right shape AWS does not offer": ({"payment_db_instance_class": "db.r5.48xlarge"},
                                                      "payment_db_instance_class"),
    "unknown environment": ({"payment_environment": "qa"}, "payment_environment"),
    "region that does not exist": ({"payment_aws_region": "eu-nowhere-1"}, "payment_aws_region"),
    "port outside 1-65535": ({"payment_container_port": 70000}, "payment_container_port"),
    "container port is the database port": ({"payment_container_port": 5432}, "payment_container_port"),
    "database port below Aurora's range": ({"payment_db_port": 1024}, "payment_db_port"),
    "Fargate CPU it does not offer": ({"payment_task_cpu": 768}, "payment_task_cpu"),
    "Fargate memory that does not go with the CPU": ({"payment_task_memory": 3000}, "payment_task_memory"),
    "log retention CloudWatch refuses": ({"payment_log_retention_days": 10}, "payment_log_retention_days"),
    "audit logs kept less than 90 days": ({"payment_audit_log_retention_days": 60}, "payment_audit_log_retention_days"),
    "WAF rate limit below AWS's": ({"payment_waf_rate_limit": 5}, "payment_waf_rate_limit"),
    "backups kept no day": ({"payment_backup_retention_days": 0}, "payment_backup_retention_days"),
    "audit bucket name S3 refuses": ({"payment_name_prefix": "dev-payment-" + "x" * 18}, "payment_name_prefix"),
    "database name with a dash": ({"payment_db_name": "pay-ments"}, "payment_db_name"),
    "database name PostgreSQL reserves": ({"payment_db_name": "select"}, "payment_db_name"),
    "user name RDS reserves": ({"payment_db_username": "rdsadmin"}, "payment_db_username"),
    "user name too long": ({"payment_db_username": "payment_administrator"}, "payment_db_username"),
    "image tag ECR refuses": ({"payment_image_tag": "v1:2"}, "payment_image_tag"),
    "repository name ECR refuses": ({"payment_ecr_repository": "Payment_Processor"}, "payment_ecr_repository"),
    "container name ECS refuses": ({"payment_container_name": "payment.processor"}, "payment_container_name"),
    "health check without CMD": ({"payment_container_health_check_command": ["curl", "-f", "localhost"]},
                                 "payment_container_health_check_command"),
    "certificate that is no ARN": ({"payment_alb_certificate_arn": "payments-cert"}, "payment_alb_certificate_arn"),
    "certificate of another region": ({"payment_alb_certificate_arn": ACM_ARN.format("us-east-1")},
                                      "payment_alb_certificate_arn"),
    "tag key AWS reserves": ({"payment_tags": {"aws:owner": "payments"}}, "payment_tags"),
    "forward path the ALB refuses": ({"payment_forward_paths": ["/api/ v1"]}, "payment_forward_paths"),
    "rollout timeout of zero": ({"payment_rollout_timeout": 0}, "payment_rollout_timeout"),
    "retired engine version": ({"payment_db_engine_version": "16.6"}, "payment_db_engine_version"),
    "endpoint service AWS does not offer": ({"payment_interface_endpoint_services": ["ecr.api", "nosuch"]},
                                            "payment_interface_endpoint_services"),
    "protected without alert addresses": ({"payment_protected": True, "payment_alert_emails": []}, "payment_alert_emails"),
    "alert address that is no address": ({"payment_alert_emails": ["payments-oncall"]}, "payment_alert_emails"),
}

# Refused by rules that need no AWS call: the run must not call AWS at all (a bogus region never reaches it).
NO_AWS_CALL = ["region that does not exist", "Fargate memory that does not go with the CPU", "image tag ECR refuses",
               "certificate of another region", "subnets too small for the ALB", "protected without alert addresses",
               "alert address that is no address"]


def assert_refused_without_writes(emulator, extra_vars, variable, expected=None, calls_allowed=True):
    emulator.start_recording()
    run = run_playbook("site.yml", "dev", extra_vars=extra_vars)
    calls = emulator.stop_recording()
    assert run.failed, run.output
    # The pre-flight's messages start with the variable ("payment_x is", "payment_x for dev is", "payment_x of
    # staging (...)"); ansible-core's argument spec check quotes it.
    assert re.search(rf"\b{variable}( (for|of) [\w-]+)? (is |\()|'{variable}'", run.output), run.output[-3000:]
    if expected:
        assert expected in run.output
    assert writes(calls) == [], f"write calls despite bad input: {writes(calls)}"
    if not calls_allowed:
        assert calls == [], f"AWS calls before a rule that needs none refused the input: {calls}"
    return run


@pytest.mark.parametrize("extra_vars,variable", BAD_INPUTS.values(), ids=list(BAD_INPUTS))
def test_bad_input_fails_before_any_write(emulator, extra_vars, variable, request):
    assert_refused_without_writes(emulator, extra_vars, variable,
                                  calls_allowed=request.node.callspec.id not in NO_AWS_CALL)


def test_messages_name_the_value_the_rule_and_the_fix(emulator):
    run = assert_refused_without_writes(emulator, {"payment_vpc_cidr": "10.0.5.0/16"}, "payment_vpc_cidr", "10.0.5.0/16")
    assert "host bits" in run.output and "Fix: set payment_vpc_cidr to '10.0.0.0/16'" in run.output
    run = assert_refused_without_writes(emulator, {"payment_vpc_cidr": "10.2.0.0/16"}, "payment_vpc_cidr", "prod")
    assert "overlaps" in run.output


def test_prod_without_alert_addresses_is_refused_before_any_aws_call(emulator):
    emulator.start_recording()
    run = run_playbook("site.yml", "prod", extra_vars={"payment_alert_emails": []})
    calls = emulator.stop_recording()
    assert run.failed and 'payment_alert_emails is []: prod is protected (payment_protected)' in run.output, run.output[-3000:]
    assert "Fix: set payment_alert_emails in inventories/prod" in run.output
    assert calls == [], f"AWS calls before the rule refused the input: {calls}"


def test_overlap_with_a_vpc_the_collection_does_not_own(emulator, aws):
    ec2 = aws("ec2", "dev")
    # A Name tag with quotes and backslashes is only text in the message (it once crashed the pre-flight's YAML).
    name = 'legacy "core" \\ net\\'
    foreign = ec2.create_vpc(CidrBlock="10.0.128.0/17", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    try:
        run = assert_refused_without_writes(emulator, None, "payment_vpc_cidr", foreign)
        assert "overlaps existing VPC " + foreign in run.output
    finally:
        ec2.delete_vpc(VpcId=foreign)


def test_one_bad_environment_stops_every_environment_of_the_run(emulator):
    emulator.start_recording()
    run = run_playbook("site.yml", "dev", "staging", extra_vars={"payment_scaling_cpu_threshold": 0})
    calls = emulator.stop_recording()
    assert run.failed and "payment_scaling_cpu_threshold" in run.output
    assert writes(calls) == []
