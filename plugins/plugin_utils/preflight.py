# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pre-flight's rules: each setting AWS would refuse, or that would break the platform, as data and checks.

Every rule names where it comes from. Where botocore's bundled data knows the answer (regions, name patterns,
lengths), the rule reads it from there; where only AWS's documentation tells, the data is here, once, with the
page it comes from. What only the account knows (availability zones, orderable DB classes, endpoint services)
is read by the pre-flight tasks and judged by `zone_problems`.
"""
from __future__ import annotations

import datetime
import difflib
import functools
import json
import math
import re
import unicodedata

try:
    import botocore.session

    HAS_BOTOCORE = True
except ImportError:  # reported by the filter when it is called, not at load time
    HAS_BOTOCORE = False

from ansible_collections.payments.platform.plugins.plugin_utils import cidr, naming

BOTOCORE_MISSING = "{0} requires the Python library botocore (it comes with boto3, in requirements.txt)"

# The AWS services an environment uses in its own region (botocore service names); Route 53 and IAM are global.
REGIONAL_SERVICES = ("ec2", "ecs", "elbv2", "rds", "ecr", "logs", "secretsmanager", "application-autoscaling",
                     "cloudwatch")

# Fargate task sizes: CPU units -> the memory values (MiB) Fargate offers with them (Amazon ECS Developer Guide,
# "Task CPU and memory"; 8192 and 16384 need Linux platform 1.4.0, which LATEST is).
FARGATE_TASK_SIZES = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}

# CloudWatch Logs PutRetentionPolicy: the only values AWS accepts (API reference; botocore's `Days` shape
# documents the same list, which the unit tests compare with this one).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)

# The shortest audit-log retention: PCI DSS v4.0 requirement 10.5.1 keeps audit logs 12 months, the last 3 of them
# immediately available; CloudWatch Logs keeps them available for as long as it keeps them.
AUDIT_LOG_MIN_DAYS = 90

# CreateDBCluster Port: "Valid Values: 1150-65535" (RDS API reference).
DB_PORT_RANGE = (1150, 65535)
# A TCP port; ECS PortMapping containerPort and the ALB target group port.
PORT_RANGE = (1, 65535)

# Aurora PostgreSQL DatabaseName: 1 to 63 alphanumeric characters, a letter first, then letters, underscores or
# digits, not a word the engine reserves (RDS API reference, CreateDBInstance DBName).
DB_NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
# MasterUsername: 1 to 16 letters, digits or underscores, a letter first, not a reserved word (RDS API reference,
# CreateDBInstance MasterUsername; the Aurora User Guide's "Understanding PostgreSQL roles" gives the same 16).
DB_USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
# PostgreSQL's keywords that cannot be a bare name: RESERVED_KEYWORD and TYPE_FUNC_NAME_KEYWORD entries of
# src/include/parser/kwlist.h (PostgreSQL 18; the "reserved" words of the manual's "SQL Key Words" appendix).
POSTGRESQL_RESERVED_WORDS = frozenset("""
    all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation
    column concurrently constraint create cross current_catalog current_date current_role current_schema current_time
    current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign
    freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading left
    like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing
    primary references returning right select session_user similar some symmetric system_user table tablesample
    then to trailing true union unique user using variadic verbose when where window with
""".split())
# Role names RDS or PostgreSQL keep for themselves: RDS's own administrator (Aurora User Guide, "Understanding
# PostgreSQL roles") and the pg_ prefix of PostgreSQL's predefined roles (PostgreSQL manual, CREATE ROLE).
RESERVED_ROLE_NAMES = frozenset({"rdsadmin"})
RESERVED_ROLE_PREFIX = "pg_"

# An image tag as the OCI distribution spec defines it (what docker push and ECR accept): a word character, then
# up to 127 word characters, dots or dashes.
IMAGE_TAG_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
# ECS ContainerDefinition name: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens".
CONTAINER_NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,255}")
# ECS HealthCheck command: the array starts with CMD or CMD-SHELL (ECS API reference).
HEALTH_CHECK_KINDS = ("CMD", "CMD-SHELL")
# An ACM certificate: arn:<partition>:acm:<region>:<account>:certificate/<id> (ACM User Guide, ARN format).
ACM_ARN_PATTERN = re.compile(r"arn:(?P<partition>[a-z-]+):acm:(?P<region>[a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}")
# An HTTPS listener's security policy may allow these protocols only (TLS 1.2 and later); which protocols a policy
# allows is AWS's own data, read from ELBv2 DescribeSSLPolicies (its SslProtocols), never assumed from a name.
TLS_PROTOCOLS_ALLOWED = frozenset({"TLSv1.2", "TLSv1.3"})
# ACM: a load balancer can use only a certificate that is ISSUED (ACM User Guide, "Certificate status").
ACM_USABLE_STATUS = "ISSUED"
# Tag keys and values every service of the platform accepts (botocore: ECS and ELBv2 TagKey/TagValue patterns;
# EC2 and RDS refuse keys starting aws:, RDS also rds:).
TAG_CHARACTERS = "_.:/=+-@"
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256
TAG_RESERVED_PREFIXES = ("aws:", "rds:")

# An ALB path pattern: up to 128 characters of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & and the wildcards * and ?
# (ELB User Guide, "Path conditions"); the platform's start with /.
PATH_PATTERN = re.compile(r"/[A-Za-z0-9_\-.$/~\"'@:+&*?]{0,127}")

# CreateDBInstance MonitoringInterval: "Valid Values: 0 | 1 | 5 | 10 | 15 | 30 | 60" seconds (RDS API reference);
# 0 turns Enhanced Monitoring off.
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)

# Addresses AWS reserves in every subnet: the first four and the last (VPC User Guide, "Subnet CIDR blocks").
SUBNET_RESERVED_ADDRESSES = 5
# An ALB needs subnets of at least /27 with at least 8 free addresses (ELB User Guide, "Subnets for your load
# balancer"). The public subnets hold only the load balancer.
ALB_MAX_SUBNET_PREFIX = 27
ALB_FREE_ADDRESSES = 8
# ECS deployment maximumPercent: during a rollout up to twice the tasks run, each with its own network interface.
ROLLOUT_FACTOR = 2

# An SNS email subscription's endpoint is one email address (SNS API reference, Subscribe Endpoint: "For the email
# protocol, use an email address"): a local part, one @, a domain with a dot, no spaces.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


@functools.lru_cache(maxsize=None)
def _session():
    """One botocore session: its endpoint and service data load once."""
    return botocore.session.get_session()


def _problem(variable, value, rule, fix):
    return f"{variable} is {json.dumps(value)}: {rule} Fix: {fix}"


def _int(value):
    """The integer a setting holds (an -e value arrives as a string), or None."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _in_range(settings, variable, bounds, why, example):
    value = _int(settings[variable])
    if value is None or not bounds[0] <= value <= bounds[1]:
        return _problem(variable, settings[variable], f"{why}, from {bounds[0]} to {bounds[1]}.",
                        f"set {variable} to a number in that range, e.g. {example}.")
    return None


def check_region(settings):
    """The region must be one of an AWS partition, offering every regional service of the platform (botocore's
    endpoint data)."""
    region = settings["payment_aws_region"]
    session = _session()
    partitions = {partition: set(session.get_available_regions("ec2", partition))
                  for partition in session.get_available_partitions()}
    partition = next((name for name, regions in partitions.items() if region in regions), None)
    if partition is None:
        known = sorted(set().union(*partitions.values()))
        close = difflib.get_close_matches(str(region), known, n=3) or ["eu-west-1"]
        return _problem("payment_aws_region", region,
                        "it is not a region of any AWS partition (botocore's endpoint data lists "
                        f"{len(known)} regions).", f"use a region name, e.g. {' or '.join(close)}.")
    missing = [service for service in REGIONAL_SERVICES if region not in session.get_available_regions(service, partition)]
    if missing:
        return _problem("payment_aws_region", region,
                        f"AWS offers no {', '.join(missing)} endpoint there (botocore's endpoint data), and the "
                        "platform needs each.", "choose a region that offers them, e.g. eu-west-1.")
    return None


def _at_least(settings, variable, minimum, rule, fix):
    value = _int(settings[variable])
    if value is None or value < minimum:
        return _problem(variable, settings[variable], rule, fix)
    return None


def check_az_count(settings):
    return _at_least(settings, "payment_az_count", 2,
                     "the ALB and the Aurora writer and reader need at least 2 availability zones.", "set it to 2 or 3.")


def check_cpu_threshold(settings):
    return _in_range(settings, "payment_scaling_cpu_threshold", (1, 100),
                     "it is the average CPU percentage target tracking keeps the service at", 70)


def check_task_counts(settings):
    counts = {name: _int(settings[name]) for name in ("payment_min_count", "payment_desired_count", "payment_max_count")}
    low, desired, high = counts.values()
    if None in counts.values() or low < 0 or high < 1 or not low <= desired <= high:
        return _problem("payment_desired_count", settings["payment_desired_count"],
                        f"it must lie between payment_min_count ({settings['payment_min_count']}, at least 0) and "
                        f"payment_max_count ({settings['payment_max_count']}, at least 1).",
                        "order the three task counts, e.g. 2 / 2 / 10.")
    return None


def check_task_size(settings):
    cpu, memory = _int(settings["payment_task_cpu"]), _int(settings["payment_task_memory"])
    if cpu not in FARGATE_TASK_SIZES:
        return _problem("payment_task_cpu", settings["payment_task_cpu"],
                        f"Fargate offers {', '.join(map(str, FARGATE_TASK_SIZES))} CPU units.",
                        "set payment_task_cpu to one of them, e.g. 512.")
    offered = FARGATE_TASK_SIZES[cpu]
    if memory not in offered:
        listed = ", ".join(map(str, offered)) if len(offered) <= 4 else (
            f"{offered[0]} to {offered[-1]} in steps of {offered[1] - offered[0]}")
        return _problem("payment_task_memory", settings["payment_task_memory"],
                        f"with {cpu} CPU units Fargate offers {listed} MiB.",
                        f"set payment_task_memory to one of them, e.g. {offered[1]}.")
    return None


def check_log_retention(settings):
    value = _int(settings["payment_log_retention_days"])
    if value not in LOG_RETENTION_DAYS:
        return _problem("payment_log_retention_days", settings["payment_log_retention_days"],
                        f"CloudWatch Logs accepts only {', '.join(map(str, LOG_RETENTION_DAYS))} days.",
                        "set it to one of them, e.g. 7, 30 or 365.")
    return None


def check_audit_log_retention(settings):
    value = _int(settings["payment_audit_log_retention_days"])
    if value not in LOG_RETENTION_DAYS or value < AUDIT_LOG_MIN_DAYS:
        kept = [days for days in LOG_RETENTION_DAYS if days >= AUDIT_LOG_MIN_DAYS]
        return _problem("payment_audit_log_retention_days", settings["payment_audit_log_retention_days"],
                        f"audit logs are kept at least {AUDIT_LOG_MIN_DAYS} days (PCI DSS v4.0 10.5.1: 3 months "
                        f"immediately available), in a value CloudWatch Logs accepts: {', '.join(map(str, kept))}.",
                        "set it to one of them, e.g. 365 (the 12 months PCI DSS asks for).")
    return None


# S3 bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit
# (Amazon S3 User Guide, "General purpose bucket naming rules"). An account ID is always 12 digits.
S3_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ACCOUNT_ID_SAMPLE = "123456789012"


def check_audit_bucket_name(settings):
    prefix, region = settings["payment_name_prefix"], settings["payment_aws_region"]
    if not isinstance(prefix, str) or not isinstance(region, str):
        return None  # the other rules name what is wrong with them
    name = naming.resource_names(prefix, ACCOUNT_ID_SAMPLE, region)["audit_bucket"]
    if not S3_BUCKET_NAME.match(name):
        room = 63 - (len(name) - len(prefix))
        return _problem("payment_name_prefix", prefix,
                        f"the audit log bucket's name {name.replace(ACCOUNT_ID_SAMPLE, '<account>')} must be 3 to 63 "
                        "lowercase letters, digits, dots and hyphens (S3 bucket naming rules; the account ID and "
                        "region are part of it, since S3 names are global).",
                        f"use a lowercase prefix of at most {room} characters, e.g. the default "
                        "'{{ payment_environment }}-payment'.")
    return None


def check_waf_rate_limit(settings):
    # WAFv2 RateBasedStatement Limit, from botocore's service model (the API reference gives the same range).
    shape = _session().get_service_model("wafv2").shape_for("RateLimit").metadata
    return _in_range(settings, "payment_waf_rate_limit", (shape["min"], shape["max"]),
                     "AWS WAF counts requests per IP address in 5 minutes", 2000)


def check_backup_retention(settings):
    # AWS Backup Lifecycle DeleteAfterDays (AWS Backup API Reference): a recovery point is kept at least a day.
    return _at_least(settings, "payment_backup_retention_days", 1,
                     "AWS Backup deletes each recovery point this many days after it was taken (DeleteAfterDays), "
                     "at least 1.", "set it to a number of days, e.g. 35.")


def check_container_port(settings):
    problem = _in_range(settings, "payment_container_port", PORT_RANGE, "it is a TCP port", 8080)
    if problem is None and _int(settings["payment_container_port"]) == _int(settings["payment_db_port"]):
        # One port in both directions would make the tasks' ingress rule from the ALB admit the database port.
        return _problem("payment_container_port", settings["payment_container_port"],
                        "it is also payment_db_port; the security groups keep the service's port and the "
                        "database's apart.", "give the container another port, e.g. 8080.")
    return problem


def check_db_port(settings):
    return _in_range(settings, "payment_db_port", DB_PORT_RANGE, "Aurora accepts cluster ports", 5432)


def _identifier(variable, value, pattern, shape, reserved):
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return _problem(variable, value, f"RDS accepts {shape}.", "use e.g. payments.")
    if reserved(value.lower()):
        return _problem(variable, value, "it is a name PostgreSQL or RDS reserves.",
                        "choose another name, e.g. payments.")
    return None


def check_db_name(settings):
    return _identifier("payment_db_name", settings["payment_db_name"], DB_NAME_PATTERN,
                       "1 to 63 letters, digits or underscores, starting with a letter",
                       POSTGRESQL_RESERVED_WORDS.__contains__)


def check_db_username(settings):
    return _identifier("payment_db_username", settings["payment_db_username"], DB_USERNAME_PATTERN,
                       "1 to 16 letters, digits or underscores, starting with a letter",
                       lambda name: name in POSTGRESQL_RESERVED_WORDS or name in RESERVED_ROLE_NAMES
                       or name.startswith(RESERVED_ROLE_PREFIX))


def check_image_tag(settings):
    value = settings["payment_image_tag"]
    if not isinstance(value, str) or not IMAGE_TAG_PATTERN.fullmatch(value):
        return _problem("payment_image_tag", value,
                        "an image tag is 1 to 128 letters, digits, underscores, dots or dashes, not starting with "
                        "a dot or dash (OCI distribution spec; ECR and docker push refuse others).",
                        "use a tag like 1.4.2 or latest.")
    return None


def check_repository_name(settings):
    value = settings["payment_ecr_repository"]
    shape = _session().get_service_model("ecr").shape_for("RepositoryName").metadata
    if not isinstance(value, str) or not shape["min"] <= len(value) <= shape["max"] or not re.fullmatch(
            shape["pattern"], value):
        return _problem("payment_ecr_repository", value,
                        f"ECR repository names are {shape['min']} to {shape['max']} lower-case letters and digits, "
                        "parts joined by '.', '_', '-' or '/' (botocore's RepositoryName pattern).",
                        "use e.g. payment-processor.")
    return None


def check_container_name(settings):
    value = settings["payment_container_name"]
    if not isinstance(value, str) or not CONTAINER_NAME_PATTERN.fullmatch(value):
        return _problem("payment_container_name", value,
                        "ECS accepts up to 255 letters, digits, underscores and hyphens.",
                        "use e.g. payment-processor.")
    return None


def check_health_check(settings):
    value = settings["payment_container_health_check_command"]
    if value == [] or (isinstance(value, list) and len(value) > 1 and value[0] in HEALTH_CHECK_KINDS
                       and all(isinstance(word, str) for word in value)):
        return None
    return _problem("payment_container_health_check_command", value,
                    "ECS runs a health check command given as a list starting with CMD or CMD-SHELL, then the "
                    "command.", "use [] for none, or e.g. [CMD-SHELL, 'curl -f http://localhost:8080/health || exit 1'].")


def check_certificate(settings):
    value = settings["payment_alb_certificate_arn"]
    if value in ("", None):
        if settings.get("payment_require_https") in (True, "true", "True", "yes"):
            environment, region = settings["payment_environment"], settings["payment_aws_region"]
            return _problem("payment_alb_certificate_arn", value,
                            f"{environment} serves only HTTPS (payment_require_https), so its load balancer needs an "
                            f"ACM certificate of {region}.",
                            f"request one in ACM in {region} for the environment's domain (DNS validation), or import "
                            f"one, and set payment_alb_certificate_arn to its ARN in inventories/{environment} (group or "
                            "host vars, never playbooks/group_vars/all.yml); on the emulator `make demo` "
                            "(scripts/demo_certificates.py) imports one.")
        return None
    match = ACM_ARN_PATTERN.fullmatch(value) if isinstance(value, str) else None
    region = settings["payment_aws_region"]
    if match is None:
        return _problem("payment_alb_certificate_arn", value,
                        "it is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>).",
                        "copy the certificate's ARN from ACM, or set it to '' for HTTP only.")
    if match["region"] != region:
        return _problem("payment_alb_certificate_arn", value,
                        f"the certificate is in {match['region']}; an ALB uses certificates of its own region "
                        f"({region}).", f"request or import the certificate in {region} and use that ARN.")
    return None


def _tag_text_ok(text, low, high):
    return isinstance(text, str) and low <= len(text) <= high and all(
        unicodedata.category(char)[0] in "LZN" or char in TAG_CHARACTERS for char in text)


def check_tags(settings):
    tags = settings["payment_tags"]
    bad = [key for key, value in tags.items()
           if not _tag_text_ok(key, 1, TAG_KEY_MAX) or key.lower().startswith(TAG_RESERVED_PREFIXES)
           or not _tag_text_ok(value, 0, TAG_VALUE_MAX)] if isinstance(tags, dict) else [tags]
    if bad:
        return _problem("payment_tags", tags,
                        f"{', '.join(map(str, bad))}: tag keys are 1 to {TAG_KEY_MAX} and values 0 to {TAG_VALUE_MAX} "
                        f"letters, digits, spaces or {TAG_CHARACTERS}, and keys may not start with aws: or rds:.",
                        "rename or drop those tags.")
    return None


def check_forward_paths(settings):
    paths = settings["payment_forward_paths"]
    if not isinstance(paths, list) or not paths or not all(
            isinstance(path, str) and PATH_PATTERN.fullmatch(path) for path in paths):
        return _problem("payment_forward_paths", paths,
                        "the load balancer forwards a list of path patterns, each starting with / and up to 128 "
                        "letters, digits, _ - . $ / ~ \" ' @ : + & or the wildcards * and ? (ALB path conditions).",
                        "use e.g. [/api/*, /webhook/*].")
    return None


def check_rollout_timeout(settings):
    return _at_least(settings, "payment_rollout_timeout", 1,
                     "it is how many seconds the deploy waits for the service's rollout.",
                     "set it to a positive number of seconds, e.g. 900.")


def check_monitoring_interval(settings):
    value = settings["payment_db_monitoring_interval"]
    if _int(value) not in MONITORING_INTERVALS:
        return _problem("payment_db_monitoring_interval", value,
                        f"RDS collects Enhanced Monitoring metrics every {', '.join(map(str, MONITORING_INTERVALS[1:]))} "
                        "seconds, or not at all (0).",
                        "set it to one of them, e.g. 60.")
    return None


def check_protected(settings):
    value = settings["payment_protected"]
    if not isinstance(value, bool) and str(value).lower() not in ("true", "false"):
        return _problem("payment_protected", value,
                        "it says whether deletion protection guards the environment's database and load balancer.",
                        "set it to true or false.")
    return None


def _truthy(value):
    return value is True or str(value).lower() in ("true", "yes", "1")


def check_alert_emails(settings):
    """Alarms and RDS events go to the environment's SNS topic; its email subscribers are the people they reach.
    A protected environment (payment_protected, prod by default) must reach someone."""
    value = settings.get("payment_alert_emails", [])
    if not isinstance(value, list) or not all(isinstance(a, str) and EMAIL_PATTERN.fullmatch(a) for a in value):
        return _problem("payment_alert_emails", value,
                        "it lists the email addresses the alert topic notifies (SNS email subscriptions take one "
                        "address each, like name@example.com).",
                        "set it to a list of addresses, e.g. [payments-oncall@example.com], or [] for none.")
    if not value and _truthy(settings["payment_protected"]):
        environment = settings["payment_environment"]
        return _problem("payment_alert_emails", value,
                        f"{environment} is protected (payment_protected), and its alarms and database events must "
                        "reach someone.",
                        f"set payment_alert_emails in inventories/{environment} to the on-call addresses, e.g. "
                        "[payments-oncall@example.com] (each confirms the subscription AWS mails them).")
    return None


def check_subnet_room(settings):
    """The layout's subnets must hold what AWS places in them: the ALB (public), and during a rollout every task,
    each interface endpoint and each DB instance (private), all in one subnet when the service's other zones fail."""
    net = cidr.parse_cidr(settings["payment_vpc_cidr"])
    high = _int(settings["payment_max_count"])
    if net is None or high is None or not cidr.AWS_MIN_VPC_PREFIX <= net.prefixlen <= cidr.MAX_VPC_PREFIX:
        return None  # validate_cidrs and check_task_counts name those problems
    subnet_prefix = net.prefixlen + cidr.SLOT_BITS
    usable = 2 ** (32 - subnet_prefix) - SUBNET_RESERVED_ADDRESSES
    endpoints = len(settings["payment_interface_endpoint_services"])
    instances = settings["payment_configuration"]["db_instance_count"]
    needed = ROLLOUT_FACTOR * high + endpoints + int(instances)
    if subnet_prefix > ALB_MAX_SUBNET_PREFIX:
        reason = (f"its subnets are /{subnet_prefix}, and an ALB needs subnets of /{ALB_MAX_SUBNET_PREFIX} or larger "
                  f"with {ALB_FREE_ADDRESSES} free addresses.")
    elif needed > usable:
        reason = (f"its private subnets (/{subnet_prefix}) hold {usable} addresses, and one may need {needed}: "
                  f"{ROLLOUT_FACTOR} x payment_max_count ({high}) tasks during a rollout, {endpoints} interface "
                  f"endpoints and {instances} DB instances.")
    else:
        return None
    # The largest VPC prefix whose subnets hold what one needs (AWS's 5 reserved addresses included) and an ALB.
    subnet_bits = max(math.ceil(math.log2(needed + SUBNET_RESERVED_ADDRESSES)), 32 - ALB_MAX_SUBNET_PREFIX)
    return _problem("payment_vpc_cidr", settings["payment_vpc_cidr"], reason,
                    f"use a /{32 - subnet_bits - cidr.SLOT_BITS} or larger VPC"
                    + (", or lower payment_max_count." if needed > usable else "."))


RULES = (
    check_region, check_az_count, check_cpu_threshold, check_task_counts, check_task_size, check_log_retention,
    check_audit_log_retention, check_audit_bucket_name, check_waf_rate_limit, check_backup_retention,
    check_container_port, check_db_port, check_db_name, check_db_username, check_image_tag, check_repository_name,
    check_container_name, check_health_check, check_certificate, check_tags, check_forward_paths, check_rollout_timeout,
    check_monitoring_interval, check_protected, check_alert_emails, check_subnet_room,
)


def problems(settings):
    """Every rule's problem with `settings` (the payment_* variables), in rule order; [] when all pass."""
    return [problem for problem in (rule(settings) for rule in RULES) if problem]


def _strong_policies(ssl_policies):
    # TLS 1.3 policies (AWS's recommended kind) first.
    return sorted((policy["name"] for policy in ssl_policies
                   if policy.get("ssl_protocols") and set(policy["ssl_protocols"]) <= TLS_PROTOCOLS_ALLOWED),
                  key=lambda name: ("TLS13" not in name, name))


def edge_problems(settings, certificates, ssl_policies, acm_error="", now=None):
    """The HTTPS listener's inputs as AWS knows them. `certificates`: what ACM (community.aws.acm_certificate_info,
    snake_cased) returned for payment_alb_certificate_arn, [] when it knows no such certificate (`acm_error` then
    holds ACM's answer); `ssl_policies`: DescribeSSLPolicies' policies (snake_cased). The certificate must exist in the
    environment's region, be ISSUED and not expired; the policy must be one AWS offers whose protocols are all TLS 1.2
    or later."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    arn, region = settings["payment_alb_certificate_arn"], settings["payment_aws_region"]
    environment, policy = settings["payment_environment"], settings["payment_alb_ssl_policy"]
    where = f"in inventories/{environment} (group or host vars)"
    found = []
    if not certificates:
        answer = f" (ACM: {str(acm_error).strip().rstrip('.')})" if acm_error else ""
        found.append(_problem("payment_alb_certificate_arn", arn,
                              f"ACM in {region} has no such certificate{answer}.",
                              f"set the ARN of a certificate ACM holds in {region} {where} (`aws acm list-certificates "
                              f"--region {region}`); on the emulator, run `make demo` or scripts/demo_certificates.py "
                              "again after a reset."))
    else:
        certificate = certificates[0]
        status = certificate.get("status")
        not_after = certificate.get("not_after")
        expiry = datetime.datetime.fromisoformat(str(not_after)) if not_after else None
        if expiry is not None and expiry.tzinfo is None:
            expiry = expiry.replace(tzinfo=datetime.timezone.utc)
        if status != ACM_USABLE_STATUS:
            found.append(_problem("payment_alb_certificate_arn", arn,
                                  f"its status is {status}; a load balancer can only use an {ACM_USABLE_STATUS} "
                                  "certificate.",
                                  "complete its validation (the DNS record ACM asks for) or request a new one, and set "
                                  f"its ARN {where}."))
        elif expiry is not None and expiry <= now:
            found.append(_problem("payment_alb_certificate_arn", arn,
                                  f"it expired on {expiry.isoformat()}.",
                                  f"renew or re-import it, or request a new one in {region}, and set its ARN {where}."))
    by_name = {candidate["name"]: candidate for candidate in ssl_policies}
    strong = _strong_policies(ssl_policies)
    if policy not in by_name or policy not in strong:
        allowed = (", ".join(sorted(by_name[policy].get("ssl_protocols") or [])) or "no protocol") if policy in by_name else None
        rule = (f"it allows {allowed}; the HTTPS listener must allow TLS 1.2 and later only." if allowed
                else f"AWS offers no such security policy for application load balancers in {region} "
                     "(DescribeSSLPolicies).")
        found.append(_problem("payment_alb_ssl_policy", policy, rule,
                              "use one whose protocols are TLS 1.2 and 1.3 only, e.g. "
                              f"{', '.join(strong[:4]) or 'ELBSecurityPolicy-TLS13-1-2-2021-06'}."))
    return found


def _version_key(version):
    return tuple(int(part) if part.isdigit() else 0 for part in str(version).split("."))


def engine_version(pin, live, new):
    """The engine version a cluster's run asks for. `pin` is what the settings pin: a major ('16') or a minor
    ('16.8'); `live` the version the cluster runs (empty when there is none); `new` the version a new cluster gets
    (the pin itself, or AWS's default minor of the pinned major).

    A live version of the pinned major that is not older than the pin is kept: AWS installs minor versions itself
    (automatic minor upgrades), and asking for an older one would be a downgrade, which AWS refuses."""
    pin, live = str(pin), str(live or "")
    if live and live.split(".", maxsplit=1)[0] == pin.split(".", maxsplit=1)[0] and ("." not in pin or _version_key(live) >= _version_key(pin)):
        return live
    return new


def zone_problems(settings, region_zones, service_details, db_options):
    """The availability zones to use and the problems with them: only zones that are available, offer every
    interface endpoint service and the DB instance class (AZ names map to different physical zones per account,
    so nothing is assumed from a name), the first payment_az_count of those by name.

    region_zones: zone names of DescribeAvailabilityZones; service_details: DescribeVpcEndpointServices' details
    (snake_cased) of the region's endpoint services; db_options: orderable DB instance options,
    each with availability_zones [{name}]."""
    count = _int(settings["payment_az_count"])
    region = settings["payment_aws_region"]
    klass = settings["payment_db_instance_class"]
    if not db_options:
        return [], [_problem("payment_db_instance_class", klass,
                             f"Aurora PostgreSQL {settings['payment_db_engine_version']} does not offer it in {region} "
                             "(DescribeOrderableDBInstanceOptions).",
                             "choose a class AWS offers there, e.g. db.t4g.medium, db.r6g.large or db.r7g.large.")]
    offered = {detail["service_name"]: detail["availability_zones"] for detail in service_details}
    services = {service: offered.get(naming.endpoint_service(region, service))
                for service in settings["payment_interface_endpoint_services"]}
    missing = [service for service, zones in services.items() if zones is None]
    if missing:
        return [], [_problem("payment_interface_endpoint_services", settings["payment_interface_endpoint_services"],
                             f"AWS offers no interface endpoint service {', '.join(missing)} in {region} "
                             "(DescribeVpcEndpointServices).", "use the services' short names, e.g. ecr.api or logs.")]
    usable = set(region_zones) & {zone["name"] for option in db_options for zone in option["availability_zones"]}
    lacking = []
    for service, zones in sorted(services.items()):
        lacking += [f"{zone} ({service})" for zone in sorted(usable - set(zones))]
        usable &= set(zones)
    zones = sorted(usable)[:count]
    if len(zones) < count:
        why = f"; the others lack {', '.join(lacking)}" if lacking else ""
        return zones, [_problem("payment_az_count", settings["payment_az_count"],
                                f"only {len(usable)} availability zones of {region} offer {klass} and every interface "
                                f"endpoint service ({', '.join(sorted(usable)) or 'none'}){why}.",
                                f"set payment_az_count to at most {len(usable)}, or choose another class or region.")]
    return zones, []
