# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.resource_names: the contract's names table (../shared/CONTRACT.md), once."""

from ansible_collections.payments.platform.plugins.filter.resource_names import FilterModule

names = FilterModule().filters()["resource_names"]


def test_the_contracts_names():
    dev = names("dev-payment")
    assert dev["vpc"] == "dev-payment-vpc"
    assert dev["subnets"]["public"][:3] == ["dev-payment-public-1", "dev-payment-public-2", "dev-payment-public-3"]
    assert dev["subnets"]["private"][0] == "dev-payment-private-1" and len(dev["subnets"]["private"]) == 8
    assert dev["internet_gateway"] == "dev-payment-igw"
    assert dev["route_tables"] == {"public": "dev-payment-public-rt", "private": "dev-payment-private-rt"}
    assert dev["security_groups"] == {"alb": "dev-payment-alb-sg", "ecs": "dev-payment-ecs-sg",
                                      "db": "dev-payment-db-sg", "endpoints": "dev-payment-endpoints-sg"}
    assert (dev["db_subnet_group"], dev["db_parameter_group"], dev["db_cluster"], dev["db_secret"]) == (
        "dev-payment-db-subnets", "dev-payment-db-params", "dev-payment-db-cluster", "dev-payment-db-credentials")
    assert dev["db_instances"] == ["dev-payment-db-1", "dev-payment-db-2"]
    assert (dev["load_balancer"], dev["target_group"]) == ("dev-payment-alb", "dev-payment-tg")
    assert (dev["ecs_cluster"], dev["task_family"], dev["ecs_service"]) == (
        "dev-payment-cluster", "dev-payment-task", "dev-payment-service")
    assert dev["log_group"] == "/ecs/dev-payment-service"
    assert (dev["task_execution_role"], dev["task_role"], dev["scaling_policy"]) == (
        "dev-payment-task-execution-role", "dev-payment-task-role", "dev-payment-scaling-policy")
    assert dev["task_execution_policy"] == "dev-payment-task-execution-policy"
    assert sorted(dev["alarms"].values()) == ["dev-payment-alb-5xx", "dev-payment-db-cpu-high",
                                              "dev-payment-service-cpu-high", "dev-payment-target-5xx",
                                              "dev-payment-unhealthy-targets"]
    assert (dev["web_acl"], dev["waf_log_group"]) == ("dev-payment-waf", "aws-waf-logs-dev-payment-waf")
    assert dev["kms_alias"] == "alias/dev-payment"
    assert (dev["backup_vault"], dev["backup_plan"], dev["backup_selection"], dev["backup_role"]) == (
        "dev-payment-backup-vault", "dev-payment-backup-plan", "dev-payment-db-cluster", "dev-payment-backup-role")
    assert dev["log_groups"] == [dev["log_group"], dev["waf_log_group"], dev["db_log_group"]]
    assert dev["alert_topic"] == "dev-payment-alerts"
    assert dev["db_event_subscriptions"] == {"db-cluster": "dev-payment-db-cluster-events",
                                             "db-instance": "dev-payment-db-instance-events"}
    assert dev["flow_log"] == "dev-payment-flow-logs"
    assert dev["db_log_group"] == "/aws/rds/cluster/dev-payment-db-cluster/postgresql"
    assert "audit_bucket" not in dev  # a global name: only with the account and region


def test_the_audit_bucket_is_named_by_account_and_region():
    staging = names("staging-payment", "123456789012", "us-west-2")
    assert staging["audit_bucket"] == "staging-payment-audit-logs-123456789012-us-west-2"
    assert len(staging["audit_bucket"]) <= 63


def test_every_name_starts_with_the_prefix():
    def leaves(value):
        if isinstance(value, dict):
            return [leaf for item in value.values() for leaf in leaves(item)]
        return [leaf for item in value for leaf in leaves(item)] if isinstance(value, list) else [value]

    # AWS fixes the start of four: /ecs/ by convention, aws-waf-logs- for WAF's log groups, alias/ for a key's alias
    # and /aws/rds/cluster/ for the log group RDS exports the database's log to.
    assert all((name.removeprefix("/ecs/").removeprefix("aws-waf-logs-").removeprefix("alias/")
                .removeprefix("/aws/rds/cluster/") + "-").startswith("prod-payment-")
               for name in leaves(names("prod-payment", "123456789012", "us-east-1")))
