# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every name of an environment's resources, once: the contract's names table (`{env}-payment-{resource}`).

Roles, inspect, verify, the teardown and the reports ask for a name here (through the filter
payments.platform.resource_names) instead of building it from the prefix themselves.
"""
from __future__ import annotations

# The subnet layout has at most 8 AZs (plugin_utils/cidr.py); names exist for each.
MAX_AZS = 8
# The service's alarms, by the metric they watch.
ALARMS = ("service-cpu-high", "alb-5xx", "target-5xx", "unhealthy-targets", "db-cpu-high")
# Writer first: Aurora makes the first instance of a cluster its writer.
DB_INSTANCE_COUNT = 2


def resource_names(prefix, account=None, region=None):
    """Every resource name of the environment whose names start with `prefix` (`{env}-payment`).

    With the environment's `account` and `region` also its global names: `audit_bucket` (S3 bucket names are global,
    so the account and region make it unique; at most 63 characters, which the pre-flight checks).
    """
    names = {
        "vpc": f"{prefix}-vpc",
        "subnets": {tier: [f"{prefix}-{tier}-{n}" for n in range(1, MAX_AZS + 1)] for tier in ("public", "private")},
        "internet_gateway": f"{prefix}-igw",
        "route_tables": {tier: f"{prefix}-{tier}-rt" for tier in ("public", "private")},
        "security_groups": {tier: f"{prefix}-{tier}-sg" for tier in ("alb", "ecs", "db", "endpoints")},
        "db_subnet_group": f"{prefix}-db-subnets",
        "db_parameter_group": f"{prefix}-db-params",
        "db_cluster": f"{prefix}-db-cluster",
        "db_instances": [f"{prefix}-db-{n}" for n in range(1, DB_INSTANCE_COUNT + 1)],
        "db_secret": f"{prefix}-db-credentials",
        # A protected environment's teardown names its final snapshot {this}-<UTC timestamp YYYYMMDDHHMMSS>.
        "db_final_snapshot_prefix": f"{prefix}-db-final",
        "db_monitoring_role": f"{prefix}-rds-monitoring-role",
        "load_balancer": f"{prefix}-alb",
        "target_group": f"{prefix}-tg",
        "ecs_cluster": f"{prefix}-cluster",
        "task_family": f"{prefix}-task",
        "ecs_service": f"{prefix}-service",
        "log_group": f"/ecs/{prefix}-service",
        "task_execution_role": f"{prefix}-task-execution-role",
        "task_execution_policy": f"{prefix}-task-execution-policy",
        "task_role": f"{prefix}-task-role",
        "scaling_policy": f"{prefix}-scaling-policy",
        "alarms": {alarm: f"{prefix}-{alarm}" for alarm in ALARMS},
        "web_acl": f"{prefix}-waf",
        # AWS WAF logs only to a log group whose name starts with aws-waf-logs- (WAF Developer Guide).
        "waf_log_group": f"aws-waf-logs-{prefix}-waf",
        # The environment's customer-managed KMS key, by its alias.
        "kms_alias": f"alias/{prefix}",
        "backup_vault": f"{prefix}-backup-vault",
        "backup_plan": f"{prefix}-backup-plan",
        "backup_selection": f"{prefix}-db-cluster",
        "backup_role": f"{prefix}-backup-role",
        "alert_topic": f"{prefix}-alerts",
        # AWS allows one source type per RDS event subscription: one for the cluster, one for its instances.
        "db_event_subscriptions": {source: f"{prefix}-{source}-events" for source in ("db-cluster", "db-instance")},
        "flow_log": f"{prefix}-flow-logs",
        # The log group RDS exports an Aurora PostgreSQL cluster's log to: /aws/rds/cluster/<cluster>/postgresql.
        "db_log_group": f"/aws/rds/cluster/{prefix}-db-cluster/postgresql",
    }
    # Every log group of the environment: the key policy lets CloudWatch Logs use the key for these alone.
    names["log_groups"] = [names["log_group"], names["waf_log_group"], names["db_log_group"]]
    if account and region:
        names["audit_bucket"] = f"{prefix}-audit-logs-{account}-{region}"
    return names


def endpoint_service(region, service):
    """AWS's name of a VPC endpoint service of `region`: ecr.api -> com.amazonaws.<region>.ecr.api."""
    return f"com.amazonaws.{region}.{service}"
