# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pre-flight's rules (plugins/plugin_utils/preflight.py), one case per rule and its boundaries."""

import datetime
import importlib
import re
import sys

import botocore.session
import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter import edge_problems, engine_version, setting_problems, usable_zones
from ansible_collections.payments.platform.plugins.plugin_utils import preflight

from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
ALL = yaml.safe_load((REPO / "playbooks" / "group_vars" / "all.yml").read_text())


def settings(**changes):
    """dev's settings as a deploy gives them (templated values filled in), with `changes`."""
    values = {key: value for key, value in ALL.items() if key.startswith("payment_")}
    values.update(yaml.safe_load((REPO / "inventories" / "dev" / "group_vars" / "dev.yml").read_text()))
    values.update(payment_name_prefix="dev-payment", payment_tags={"Environment": "dev", "Project": "payment-processing",
                                                                   "ManagedBy": "ansible"},
                  payment_protected=False, payment_db_auto_minor_version_upgrade=True)
    values.update(changes)
    return values


def certificate_of(region):
    return f"arn:aws:acm:{region}:123456789012:certificate/12345678-1234-1234-1234-123456789012"


def test_the_repository_settings_pass():
    assert preflight.problems(settings()) == []
    for env in ("staging", "prod"):
        # Over dev's settings: the shared default (HTTPS required) where dev's inventory turns it off.
        inventory = dict({"payment_require_https": ALL["payment_require_https"]},
                         **yaml.safe_load((REPO / "inventories" / env / "group_vars" / f"{env}.yml").read_text()))
        # They serve only HTTPS: the user sets the certificate in the inventory (make demo on the emulator).
        [problem] = preflight.problems(settings(**inventory))
        assert problem.startswith('payment_alb_certificate_arn is "": %s serves only HTTPS' % env), problem
        assert f"in inventories/{env} (group or host vars" in problem
        assert preflight.problems(settings(**inventory, payment_alb_certificate_arn=certificate_of(
            inventory["payment_aws_region"]))) == []


BAD = {
    "unknown region": ({"payment_aws_region": "eu-nowhere-1"}, "payment_aws_region", "eu-north-1"),
    "one AZ": ({"payment_az_count": 1}, "payment_az_count", "at least 2"),
    "AZ count not a number": ({"payment_az_count": "three"}, "payment_az_count", "at least 2"),
    "AZ count a boolean": ({"payment_az_count": True}, "payment_az_count", "at least 2"),
    "CPU threshold above 100": ({"payment_scaling_cpu_threshold": 150}, "payment_scaling_cpu_threshold", "from 1 to 100"),
    "CPU threshold zero": ({"payment_scaling_cpu_threshold": "0"}, "payment_scaling_cpu_threshold", "from 1 to 100"),
    "counts out of order": ({"payment_desired_count": 11}, "payment_desired_count", "between"),
    "no task at most": ({"payment_min_count": 0, "payment_desired_count": 0, "payment_max_count": 0},
                        "payment_desired_count", "at least 1"),
    "negative minimum": ({"payment_min_count": -1}, "payment_desired_count", "at least 0"),
    "count not a number": ({"payment_max_count": "ten"}, "payment_desired_count", "between"),
    "Fargate CPU": ({"payment_task_cpu": 768}, "payment_task_cpu", "256, 512, 1024"),
    "Fargate memory for few CPUs": ({"payment_task_cpu": 256, "payment_task_memory": 4096}, "payment_task_memory",
                                    "512, 1024, 2048 MiB"),
    "Fargate memory step": ({"payment_task_cpu": 2048, "payment_task_memory": 4500}, "payment_task_memory",
                            "4096 to 16384 in steps of 1024"),
    "log retention": ({"payment_log_retention_days": 10}, "payment_log_retention_days", "1, 3, 5, 7, 14"),
    "audit logs kept 60 days": ({"payment_audit_log_retention_days": 60}, "payment_audit_log_retention_days",
                                "at least 90 days (PCI DSS v4.0 10.5.1"),
    "audit retention CloudWatch refuses": ({"payment_audit_log_retention_days": 100}, "payment_audit_log_retention_days",
                                           "90, 120, 150, 180, 365"),
    "audit retention not a number": ({"payment_audit_log_retention_days": "a year"}, "payment_audit_log_retention_days",
                                     "at least 90"),
    "backups kept no day": ({"payment_backup_retention_days": 0}, "payment_backup_retention_days", "at least 1"),
    "audit bucket name too long": ({"payment_name_prefix": "dev-payment-" + "x" * 18}, "payment_name_prefix",
                                   "must be 3 to 63 lowercase letters"),
    "audit bucket name in upper case": ({"payment_name_prefix": "Dev-payment"}, "payment_name_prefix",
                                        "use a lowercase prefix of at most 29 characters"),
    "WAF rate limit below AWS's": ({"payment_waf_rate_limit": 9}, "payment_waf_rate_limit", "from 10 to 2000000000"),
    "WAF rate limit above AWS's": ({"payment_waf_rate_limit": 2000000001}, "payment_waf_rate_limit", "from 10 to"),
    "container port zero": ({"payment_container_port": 0}, "payment_container_port", "from 1 to 65535"),
    "container port too high": ({"payment_container_port": 70000}, "payment_container_port", "from 1 to 65535"),
    "container port is the DB port": ({"payment_container_port": 5432}, "payment_container_port", "payment_db_port"),
    "DB port below Aurora's": ({"payment_db_port": 1024}, "payment_db_port", "from 1150 to 65535"),
    "DB name with a dash": ({"payment_db_name": "pay-ments"}, "payment_db_name", "1 to 63 letters"),
    "DB name too long": ({"payment_db_name": "p" * 64}, "payment_db_name", "1 to 63 letters"),
    "DB name a digit first": ({"payment_db_name": "1payments"}, "payment_db_name", "starting with a letter"),
    "DB name reserved": ({"payment_db_name": "Select"}, "payment_db_name", "reserves"),
    "DB name not a string": ({"payment_db_name": 42}, "payment_db_name", "1 to 63 letters"),
    "user name too long": ({"payment_db_username": "payment_administrator"}, "payment_db_username", "1 to 16"),
    "user name reserved word": ({"payment_db_username": "user"}, "payment_db_username", "reserves"),
    "user name RDS's own": ({"payment_db_username": "rdsadmin"}, "payment_db_username", "reserves"),
    "user name pg_ prefix": ({"payment_db_username": "pg_admin"}, "payment_db_username", "reserves"),
    "image tag with a colon": ({"payment_image_tag": "v1:2"}, "payment_image_tag", "OCI"),
    "image tag a dot first": ({"payment_image_tag": ".hidden"}, "payment_image_tag", "OCI"),
    "image tag too long": ({"payment_image_tag": "a" * 129}, "payment_image_tag", "OCI"),
    "repository upper case": ({"payment_ecr_repository": "Payment"}, "payment_ecr_repository", "RepositoryName"),
    "repository too short": ({"payment_ecr_repository": "p"}, "payment_ecr_repository", "2 to 256"),
    "repository not a string": ({"payment_ecr_repository": None}, "payment_ecr_repository", "2 to 256"),
    "container name with a dot": ({"payment_container_name": "payment.processor"}, "payment_container_name", "255"),
    "health check without CMD": ({"payment_container_health_check_command": ["curl", "-f", "x"]},
                                 "payment_container_health_check_command", "CMD-SHELL"),
    "health check CMD alone": ({"payment_container_health_check_command": ["CMD"]},
                               "payment_container_health_check_command", "CMD-SHELL"),
    "health check a string": ({"payment_container_health_check_command": "curl -f x"},
                              "payment_container_health_check_command", "CMD-SHELL"),
    "certificate not an ARN": ({"payment_alb_certificate_arn": "my-cert"}, "payment_alb_certificate_arn", "ACM"),
    "HTTPS required without a certificate": ({"payment_require_https": True}, "payment_alb_certificate_arn",
                                             "dev serves only HTTPS"),
    "certificate of another region": (
        {"payment_alb_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"},
        "payment_alb_certificate_arn", "own region (eu-west-1)"),
    "tag key aws:": ({"payment_tags": {"aws:owner": "me"}}, "payment_tags", "aws:owner"),
    "tag value too long": ({"payment_tags": {"Owner": "x" * 257}}, "payment_tags", "Owner"),
    "tag with a bad character": ({"payment_tags": {"Owner": "a#b"}}, "payment_tags", "Owner"),
    "tags not a dict": ({"payment_tags": ["Owner"]}, "payment_tags", "Owner"),
    "forward path without /": ({"payment_forward_paths": ["api/*"]}, "payment_forward_paths", "starting with /"),
    "forward path with a space": ({"payment_forward_paths": ["/api/ v1"]}, "payment_forward_paths", "ALB path"),
    "no forward path": ({"payment_forward_paths": []}, "payment_forward_paths", "ALB path"),
    "forward paths a string": ({"payment_forward_paths": "/api/*"}, "payment_forward_paths", "ALB path"),
    "rollout timeout zero": ({"payment_rollout_timeout": 0}, "payment_rollout_timeout", "seconds"),
    "monitoring interval AWS does not offer": ({"payment_db_monitoring_interval": 45}, "payment_db_monitoring_interval",
                                               "1, 5, 10, 15, 30, 60"),
    "monitoring interval not a number": ({"payment_db_monitoring_interval": "often"}, "payment_db_monitoring_interval",
                                         "or not at all (0)"),
    "protected not a boolean": ({"payment_protected": "yes please"}, "payment_protected", "true or false"),
    "protected without alert addresses": ({"payment_protected": True, "payment_alert_emails": []},
                                          "payment_alert_emails", "must reach someone"),
    "alert address without a domain": ({"payment_alert_emails": ["oncall"]}, "payment_alert_emails",
                                       "name@example.com"),
    "alert address with a space": ({"payment_alert_emails": ["on call@example.com"]}, "payment_alert_emails",
                                   "name@example.com"),
    "alert addresses not a list": ({"payment_alert_emails": "oncall@example.com"}, "payment_alert_emails",
                                   "a list of addresses"),
    "VPC too small for an ALB": ({"payment_vpc_cidr": "10.0.0.0/24", "payment_max_count": 1, "payment_min_count": 1,
                                  "payment_desired_count": 1}, "payment_vpc_cidr", "/23 or larger VPC."),
    "VPC too small for a rollout": ({"payment_vpc_cidr": "10.0.0.0/23", "payment_max_count": 12}, "payment_vpc_cidr",
                                    "/22 or larger VPC, or lower payment_max_count"),
}


@pytest.mark.parametrize("changes,variable,rule", BAD.values(), ids=list(BAD))
def test_each_rule_refuses_with_the_variable_the_value_the_rule_and_the_fix(changes, variable, rule):
    [problem] = preflight.problems(settings(**changes))
    assert problem.startswith(f"{variable} is "), problem
    assert rule in problem and " Fix: " in problem


GOOD = {
    "audit logs kept 90 days, the fewest": {"payment_audit_log_retention_days": 90},
    "audit logs kept 10 years": {"payment_audit_log_retention_days": "3653"},
    "WAF rate limits at AWS's bounds": {"payment_waf_rate_limit": 10},
    "backups kept a day": {"payment_backup_retention_days": "1"},
    "largest Fargate size": {"payment_task_cpu": 16384, "payment_task_memory": 122880},
    "smallest Fargate size": {"payment_task_cpu": "256", "payment_task_memory": "512"},
    "certificate of the region": {
        "payment_alb_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"},
    "no certificate": {"payment_alb_certificate_arn": None},
    "a health check": {"payment_container_health_check_command": ["CMD-SHELL", "curl -f http://localhost:8080/health"]},
    "a /23 VPC with the default task counts": {"payment_vpc_cidr": "10.0.0.0/23"},
    "unicode tags": {"payment_tags": {"Équipe": "paiements @ Paris", "Empty": ""}},
    "longest names": {"payment_db_name": "p" * 63, "payment_db_username": "u" * 16, "payment_image_tag": "_" * 128},
    "forward paths with every allowed character": {"payment_forward_paths": ["/a-Z_0.9$~\"'@:+&/*?", "/" + "x" * 127]},
    "the longest prefix the audit bucket's name allows": {"payment_name_prefix": "dev-payment-" + "x" * 17},
    "monitoring off": {"payment_db_monitoring_interval": 0},
    "protected from the command line": {"payment_protected": "true", "payment_alert_emails": ["oncall@example.com"]},
    "protected with an alert address": {"payment_protected": True, "payment_alert_emails": ["oncall@example.com"]},
    "alert addresses in a dev": {"payment_alert_emails": ["a@example.com", "b.c+payments@mail.example.co.uk"]},
    "repository with a namespace": {"payment_ecr_repository": "payments/processor"},
    "region of another partition": {"payment_aws_region": "cn-north-1",
                                    "payment_alb_certificate_arn": "arn:aws-cn:acm:cn-north-1:123456789012:certificate/"
                                                                   "12345678-1234-1234-1234-123456789012"},
}


@pytest.mark.parametrize("changes", GOOD.values(), ids=list(GOOD))
def test_values_aws_accepts_pass(changes):
    assert preflight.problems(settings(**changes)) == []


def test_a_region_without_a_service_the_platform_needs(monkeypatch):
    # Every region botocore knows offers them all today; a new region may not at first.
    original = botocore.session.Session.get_available_regions

    def regions(session, service, partition="aws", **kwargs):
        found = original(session, service, partition, **kwargs)
        return [r for r in found if r != "eu-west-1"] if service == "ecs" else found

    monkeypatch.setattr(botocore.session.Session, "get_available_regions", regions)
    [problem] = preflight.problems(settings())
    assert problem.startswith('payment_aws_region is "eu-west-1": AWS offers no ecs endpoint there')


def test_a_malformed_cidr_is_left_to_validate_cidrs():
    assert preflight.problems(settings(payment_vpc_cidr="10.0.0/16")) == []
    assert preflight.problems(settings(payment_vpc_cidr="10.0.0.0/8")) == []


def test_every_problem_is_listed_in_rule_order():
    found = preflight.problems(settings(payment_task_cpu=1, payment_db_port=1, payment_image_tag=""))
    assert [problem.split(" ")[0] for problem in found] == ["payment_task_cpu", "payment_db_port", "payment_image_tag"]


def test_log_retention_values_are_botocores_documented_ones():
    doc = botocore.session.get_session().get_service_model("logs").shape_for("Days").documentation
    listed = doc.split("Possible values are:")[1].split(".")[0]
    assert tuple(int(n) for n in re.findall(r"[0-9]+", listed)) == preflight.LOG_RETENTION_DAYS


def test_the_subnet_rule_knows_the_addresses_aws_reserves():
    # A /23 VPC has /27 subnets: 32 - 5 = 27 addresses; 2 x 10 tasks + 4 endpoints + 2 instances = 26 fit, 28 do not.
    assert preflight.check_subnet_room(settings(payment_vpc_cidr="10.0.0.0/23")) is None
    assert "hold 27 addresses, and one may need 28" in preflight.check_subnet_room(
        settings(payment_vpc_cidr="10.0.0.0/23", payment_max_count=11))


ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def details(region="eu-west-1", zones=None, services=("ecr.api", "ecr.dkr", "logs", "secretsmanager")):
    return [{"service_name": f"com.amazonaws.{region}.{service}", "availability_zones": zones or ZONES}
            for service in services]


def options(*zones):
    return [{"engine_version": "16.8", "availability_zones": [{"name": zone} for zone in zones]}]


def zones_for(service_details, db_options, **changes):
    return usable_zones.FilterModule().filters()["usable_zones"](settings(**changes), ZONES + ["eu-west-1d"],
                                                                 service_details, db_options)


def test_zones_offering_everything_are_chosen_by_name():
    assert zones_for(details(), options(*ZONES, "eu-west-1d")) == {"zones": ZONES, "problems": []}
    chosen = zones_for(details(zones=["eu-west-1b", "eu-west-1c", "eu-west-1d"]), options(*ZONES, "eu-west-1d"),
                       payment_az_count=2)
    assert chosen == {"zones": ["eu-west-1b", "eu-west-1c"], "problems": []}


def test_too_few_zones_name_what_the_others_lack():
    result = zones_for(details(zones=["eu-west-1a", "eu-west-1b"]), options(*ZONES))
    assert result["zones"] == ["eu-west-1a", "eu-west-1b"]
    [problem] = result["problems"]
    assert problem.startswith('payment_az_count is 3: only 2 availability zones of eu-west-1 offer db.t3.medium')
    assert "eu-west-1c (ecr.api)" in problem and "Fix: set payment_az_count to at most 2" in problem
    [problem] = zones_for(details(), options("eu-west-1a"))["problems"]
    assert "(eu-west-1a)." in problem and "lack" not in problem


def test_a_class_aws_does_not_offer():
    result = zones_for(details(), [], payment_db_engine_version="16.8", payment_db_instance_class="db.m1.small")
    assert result["zones"] == []
    assert result["problems"][0].startswith('payment_db_instance_class is "db.m1.small": Aurora PostgreSQL 16.8 does not')


def test_an_endpoint_service_aws_does_not_offer():
    [problem] = zones_for(details(services=("ecr.api",)), options(*ZONES),
                          payment_interface_endpoint_services=["ecr.api", "nosuch"])["problems"]
    assert "offers no interface endpoint service nosuch in eu-west-1" in problem
    # Another region's service is not this region's.
    [problem] = zones_for(details(region="us-east-1"), options(*ZONES))["problems"]
    assert "offers no interface endpoint service ecr.api, ecr.dkr, logs, secretsmanager in eu-west-1" in problem


@pytest.mark.parametrize("pin,live,expected", [
    ("16", "", "16.8"),             # no cluster: AWS's default minor
    ("16", "16.14", "16.14"),       # any minor of a pinned major is converged
    ("16.8", "16.9", "16.9"),       # AWS upgraded past the pin: kept, no downgrade
    ("16.10", "16.9", "16.10"),     # older than the pin: upgraded
    ("16.10", "16.10", "16.10"),
    ("17", "16.14", "16.8"),        # another major: the new version
])
def test_engine_version_keeps_a_newer_minor_of_the_pinned_major(pin, live, expected):
    new = "16.10" if pin == "16.10" else "16.8"
    assert engine_version.FilterModule().filters()["engine_version"](pin, live, new) == expected


def test_setting_problems_filter_needs_botocore(monkeypatch):
    problems = setting_problems.FilterModule().filters()["setting_problems"]
    assert problems(settings()) == []
    # Loaded as if botocore were not installed: the filter says what to install, not an ImportError.
    monkeypatch.setitem(sys.modules, "botocore.session", None)
    try:
        importlib.reload(preflight)
        assert preflight.HAS_BOTOCORE is False
        with pytest.raises(AnsibleFilterError, match="setting_problems requires the Python library botocore"):
            problems(settings())
    finally:
        monkeypatch.undo()
        importlib.reload(preflight)
    assert preflight.HAS_BOTOCORE is True


# ---- the HTTPS edge (edge_problems): what ACM and DescribeSSLPolicies say ------------------------------------------

NOW = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.timezone.utc)
STAGING = {"payment_environment": "staging", "payment_aws_region": "us-west-2",
           "payment_alb_certificate_arn": certificate_of("us-west-2"),
           "payment_alb_ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}
POLICIES = [{"name": "ELBSecurityPolicy-TLS13-1-2-2021-06", "ssl_protocols": ["TLSv1.3", "TLSv1.2"]},
            {"name": "ELBSecurityPolicy-TLS13-1-3-2021-06", "ssl_protocols": ["TLSv1.3"]},
            {"name": "ELBSecurityPolicy-TLS-1-2-2017-01", "ssl_protocols": ["TLSv1.2"]},
            {"name": "ELBSecurityPolicy-2016-08", "ssl_protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"]},
            {"name": "Nothing", "ssl_protocols": []}]


def issued(**changes):
    return [dict({"certificate_arn": certificate_of("us-west-2"), "status": "ISSUED",
                  "not_after": "2027-12-02T12:00:00+00:00"}, **changes)]


def test_an_issued_certificate_and_a_tls12_policy_pass():
    assert preflight.edge_problems(STAGING, issued(), POLICIES, now=NOW) == []
    assert preflight.edge_problems(STAGING, issued(not_after="2027-12-02T12:00:00"), POLICIES, now=NOW) == []
    assert preflight.edge_problems(STAGING, issued(not_after=None), POLICIES, now=NOW) == []
    # The real clock when none is given.
    assert preflight.edge_problems(STAGING, issued(not_after="2999-01-01T00:00:00+00:00"), POLICIES) == []


def test_a_certificate_acm_does_not_hold():
    [problem] = preflight.edge_problems(STAGING, [], POLICIES, acm_error="No certificate exists in this region.", now=NOW)
    assert problem.startswith(f'payment_alb_certificate_arn is "{certificate_of("us-west-2")}": ACM in us-west-2 has '
                              "no such certificate (ACM: No certificate exists in this region). Fix: ")
    assert "in inventories/staging (group or host vars)" in problem and "demo_certificates.py" in problem
    [problem] = preflight.edge_problems(STAGING, [], POLICIES, now=NOW)
    assert "has no such certificate. Fix: " in problem


def test_a_certificate_not_issued_or_expired():
    [problem] = preflight.edge_problems(STAGING, issued(status="PENDING_VALIDATION"), POLICIES, now=NOW)
    assert "its status is PENDING_VALIDATION; a load balancer can only use an ISSUED certificate." in problem
    [problem] = preflight.edge_problems(STAGING, issued(not_after="2026-12-01T00:00:00+00:00"), POLICIES, now=NOW)
    assert "it expired on 2026-12-01T00:00:00+00:00. Fix: renew or re-import it" in problem


def test_a_policy_allowing_older_tls_or_unknown():
    weak = dict(STAGING, payment_alb_ssl_policy="ELBSecurityPolicy-2016-08")
    [problem] = preflight.edge_problems(weak, issued(), POLICIES, now=NOW)
    assert problem == (
        'payment_alb_ssl_policy is "ELBSecurityPolicy-2016-08": it allows TLSv1, TLSv1.1, TLSv1.2; the HTTPS listener '
        "must allow TLS 1.2 and later only. Fix: use one whose protocols are TLS 1.2 and 1.3 only, e.g. "
        "ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06, ELBSecurityPolicy-TLS-1-2-2017-01.")
    [problem] = preflight.edge_problems(dict(STAGING, payment_alb_ssl_policy="Nothing"), issued(), POLICIES, now=NOW)
    assert "it allows no protocol; the HTTPS listener must allow TLS 1.2 and later only." in problem
    [problem] = preflight.edge_problems(dict(STAGING, payment_alb_ssl_policy="Made-Up"), issued(), [], now=NOW)
    assert "AWS offers no such security policy for application load balancers in us-west-2" in problem
    assert problem.endswith("e.g. ELBSecurityPolicy-TLS13-1-2-2021-06.")


def test_edge_problems_filter():
    problems = edge_problems.FilterModule().filters()["edge_problems"]
    assert problems(STAGING, issued(), POLICIES) == []
    assert len(problems(STAGING, [], [], "gone")) == 2


def test_the_audit_bucket_rule_leaves_wrong_types_to_the_others():
    assert preflight.check_audit_bucket_name(settings(payment_name_prefix=None)) is None
