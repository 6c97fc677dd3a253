# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Post-deploy verification of one payment environment: every check, from what the read-only AWS modules returned.

Used by the filter payments.platform.verify_report (plugins/filter/verify_report.py), which documents the input.
A check is {"check", "status", "detail", "fix"}: status "pass", "warn" (a state AWS legitimately shows for a while
after a deploy, such as a deployment still in progress; it does not fail the run) or "fail" (definitely wrong).
"""
from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.payments.platform.plugins.plugin_utils import audit, endpoints, kms, naming, waf
from ansible_collections.payments.platform.plugins.plugin_utils.reachability import (
    analyse,
    internet_gateway_route,
    route_table_of,
)

PASS, WARN, FAIL = "pass", "warn", "fail"
ANYWHERE = "0.0.0.0/0"
# Route targets a private subnet may have besides the VPC's local route: gateway endpoints (S3) only.
ENDPOINT_GATEWAY_PREFIX = "vpce-"
# Endpoint states that settle by themselves right after a deploy.
ENDPOINT_SETTLING_STATES = ("pending", "pendingacceptance")
# Target health states that settle by themselves (registration, deregistration, health checks disabled).
TARGET_SETTLING_STATES = ("initial", "draining", "unavailable")
ROUTE_TARGET_KEYS = (
    "gateway_id", "nat_gateway_id", "transit_gateway_id", "network_interface_id", "instance_id",
    "vpc_peering_connection_id", "egress_only_internet_gateway_id", "carrier_gateway_id", "local_gateway_id",
    "core_network_arn",
)
REQUIRED_EXPECTED = (
    "name_prefix", "environment", "region", "zone_name", "az_count", "container_name", "scratch_path", "container_port",
    "db_port", "min_count", "max_count", "cpu_threshold", "forward_paths", "endpoint_services",
    "allowed_wildcard_actions", "flows", "deploy_command", "rollout_timeout", "waf_rate_limit", "now", "protected",
    "db_monitoring_interval", "db_auto_minor_version_upgrade", "require_https", "backup_retention_days", "alert_emails",
    "alert_event_categories", "account_id", "audit_log_retention_days",
)
# The services that publish to the alert topic: CloudWatch alarms and RDS event notifications.
ALERT_PUBLISHERS = ("cloudwatch.amazonaws.com", "events.rds.amazonaws.com")
# ListSubscriptionsByTopic names a subscription its recipient has not confirmed yet by this instead of an ARN.
PENDING_SUBSCRIPTION = "PendingConfirmation"
# An HTTPS listener's security policy may allow these protocols only (what AWS's DescribeSSLPolicies lists for it).
TLS_PROTOCOLS_ALLOWED = frozenset({"TLSv1.2", "TLSv1.3"})


def check(name, status, detail, fix=""):
    return {"check": name, "status": status, "detail": detail, "fix": fix if status != PASS else ""}


def _list(value):
    """AWS policy fields and similar: a single value or a list, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _dns(name):
    """A DNS name as Route 53 and the other services compare it: lower case, no trailing dot."""
    return (name or "").strip().lower().rstrip(".")


class Reads:
    """The registered results of the role's read tasks, with what failed or was skipped."""

    def __init__(self, reads):
        self.raw = reads

    def get(self, name):
        """(result dict, problem): problem is None when the read succeeded."""
        result = self.raw.get(name)
        if not isinstance(result, Mapping):
            return {}, "it was not read"
        if result.get("skipped"):
            return {}, "it was not read (%s)" % (result.get("skip_reason") or "skipped")
        if result.get("failed"):
            return {}, "reading it failed: %s" % (result.get("msg") or "no message")
        return result, None


class Environment:
    """Everything the checks need, picked out of the reads once."""

    def __init__(self, reads, expected):
        self.reads = Reads(reads)
        self.x = expected
        self.names = n = naming.resource_names(expected["name_prefix"])
        self.deploy = expected["deploy_command"]

        vpcs, self.vpc_problem = self.reads.get("vpc")
        self.vpcs = vpcs.get("vpcs") or []
        self.vpc = self.vpcs[0] if len(self.vpcs) == 1 else None

        subnets, self.subnets_problem = self.reads.get("subnets")
        self.subnets = subnets.get("subnets") or []
        self.tier_subnets = {tier: self._tier(tier) for tier in ("public", "private")}

        tables, self.route_tables_problem = self.reads.get("route_tables")
        self.route_tables = tables.get("route_tables") or []

        groups, self.groups_problem = self.reads.get("security_groups")
        self.groups = groups.get("security_groups") or []
        self.group_ids = {g.get("group_name"): g.get("group_id") for g in self.groups}

        found, self.endpoints_problem = self.reads.get("endpoints")
        # AWS lists deleted endpoints for a while; they are no longer part of the environment.
        self.endpoints = [e for e in found.get("vpc_endpoints") or []
                          if (e.get("state") or "").lower() != "deleted"]

        clusters, self.cluster_problem = self.reads.get("db_cluster")
        self.cluster = _first(clusters.get("clusters"), "db_cluster_identifier", n["db_cluster"])
        if self.cluster is None and self.cluster_problem is None:
            self.cluster_problem = "there is no DB cluster %s" % n["db_cluster"]

        instances, self.instances_problem = self.reads.get("db_instances")
        self.instances = [i for i in instances.get("instances") or [] if isinstance(i, Mapping)]

        lbs, self.lb_problem = self.reads.get("load_balancer")
        self.lb = _first(lbs.get("load_balancers"), "load_balancer_name", n["load_balancer"])
        if self.lb is None and self.lb_problem is None:
            self.lb_problem = "there is no load balancer %s" % n["load_balancer"]

        tgs, self.tg_problem = self.reads.get("target_group")
        self.tg = _first(tgs.get("target_groups"), "target_group_name", n["target_group"])
        if self.tg is None and self.tg_problem is None:
            self.tg_problem = "there is no target group %s" % n["target_group"]

        services, self.service_problem = self.reads.get("service")
        self.service = _first(services.get("services"), "serviceName", n["ecs_service"])
        if self.service is None and self.service_problem is None:
            reasons = [f.get("reason") for f in services.get("services_not_running") or [] if f.get("reason")]
            self.service_problem = "there is no service %s in %s%s" % (
                n["ecs_service"], n["ecs_cluster"], " (%s)" % ", ".join(reasons) if reasons else "")
        self.primary = None
        if self.service is not None:
            self.primary = _first(self.service.get("deployments"), "status", "PRIMARY")

        task, self.task_problem = self.reads.get("task_definition")
        self.task = task if task.get("task_definition_arn") else None
        if self.task is None and self.task_problem is None:
            self.task_problem = "there is no active revision of the task definition family %s" % n["task_family"]
        self.container = None
        if self.task is not None:
            self.container = _first(task.get("container_definitions"), "name", expected["container_name"])
            if self.container is None:
                self.task_problem = "the task definition %s has no container %s" % (
                    _revision(task["task_definition_arn"]), expected["container_name"])

        scaling, self.scaling_problem = self.reads.get("scaling")
        self.scalable_target = scaling.get("scalable_target") or None
        self.scaling_policies = scaling.get("policies") or []

        roles, self.role_problem = self.reads.get("execution_role")
        self.role = _first(roles.get("iam_roles"), "role_name", n["task_execution_role"])
        if self.role is None and self.role_problem is None:
            self.role_problem = "there is no IAM role %s" % n["task_execution_role"]
        policies, self.policies_problem = self.reads.get("execution_policies")
        self.inline_policies = policies.get("policies") or []

        zones, self.zone_problem = self.reads.get("zones")
        self.zone = None
        for zone in zones.get("HostedZones") or zones.get("hosted_zones") or []:
            config = zone.get("Config") or zone.get("config") or {}
            if _dns(zone.get("Name") or zone.get("name")) == _dns(expected["zone_name"]) and (
                    config.get("PrivateZone") or config.get("private_zone")):
                self.zone = zone
        if self.zone is None and self.zone_problem is None:
            self.zone_problem = "there is no private hosted zone %s" % expected["zone_name"]
        records, self.records_problem = self.reads.get("records")
        self.records = records.get("resource_record_sets") or []

        self.secret = reads.get("secret") if isinstance(reads.get("secret"), Mapping) else {}

        acl, self.web_acl_problem = self.reads.get("web_acl")
        self.web_acl = acl if acl.get("arn") else None
        if self.web_acl is None and self.web_acl_problem is None:
            self.web_acl_problem = "there is no web ACL %s" % n["web_acl"]
        attached, self.attached_problem = self.reads.get("web_acl_resources")
        self.web_acl_resources = attached.get("resource_arns") or []

        topics, self.topic_problem = self.reads.get("alert_topics")
        self.topic = None
        for topic in topics.get("sns_topics") or []:
            if isinstance(topic, Mapping) and (topic.get("topic_arn") or "").split(":")[-1] == n["alert_topic"]:
                self.topic = topic
        if self.topic is None and self.topic_problem is None:
            self.topic_problem = "there is no SNS topic %s" % n["alert_topic"]
        alarms, self.alarms_problem = self.reads.get("alarms")
        self.alarms = {a.get("alarm_name"): a for a in alarms.get("metric_alarms") or [] if isinstance(a, Mapping)}
        events, self.events_problem = self.reads.get("event_subscriptions")
        self.event_subscriptions = {e.get("cust_subscription_id"): e for e in events.get("subscriptions") or []
                                    if isinstance(e, Mapping)}
        # The audit trail: its bucket (a global name, with the account), the VPC's flow log, the DB's connection log.
        self.audit_bucket_name = naming.resource_names(
            expected["name_prefix"], expected["account_id"], expected["region"]).get("audit_bucket")
        buckets, self.audit_bucket_problem = self.reads.get("audit_bucket")
        self.audit_bucket = _first(buckets.get("buckets"), "name", self.audit_bucket_name)
        if self.audit_bucket_name is None:
            self.audit_bucket_problem = "the account was not read (the audit bucket's name carries it)"
        elif self.audit_bucket is None and self.audit_bucket_problem is None:
            self.audit_bucket_problem = "there is no audit log bucket %s" % self.audit_bucket_name
        flow_logs, self.flow_logs_problem = self.reads.get("flow_logs")
        self.flow_logs = flow_logs.get("flow_logs") or []
        groups, self.db_parameters_problem = self.reads.get("db_parameters")
        group = (groups.get("db_cluster_parameter_groups") or [{}])[0]
        self.db_parameters = {p.get("parameter_name"): p.get("parameter_value") for p in group.get("db_parameters") or []}

    def _tier(self, tier):
        """The tier's subnets in AZ order (the order of their names)."""
        order = {name: index for index, name in enumerate(self.names["subnets"][tier])}
        found = {order[_name(subnet)]: subnet for subnet in self.subnets if _name(subnet) in order}
        return [found[index] for index in sorted(found)]

    def missing_subnets(self, tier):
        names = set(_name(s) for s in self.tier_subnets[tier])
        wanted = self.names["subnets"][tier][:int(self.x["az_count"])]
        return [name for name in wanted if name not in names]

    def secret_arn(self):
        """The secret ARN the container's secrets refer to (the first seven fields of valueFrom), or None."""
        for item in (self.container or {}).get("secrets") or []:
            value = item.get("value_from") or item.get("valueFrom") or ""
            if value.startswith("arn:"):
                return ":".join(value.split(":")[:7])
        return None

    def service_target_group_arn(self):
        for item in (self.service or {}).get("loadBalancers") or []:
            if item.get("containerName") == self.x["container_name"]:
                return item.get("targetGroupArn")
        return None


def _first(items, key, value):
    for item in items or []:
        if isinstance(item, Mapping) and item.get(key) == value:
            return item
    return None


def _name(resource):
    return (resource.get("tags") or {}).get("Name") or resource.get("id") or "?"


def _revision(task_definition_arn):
    """family:revision of a task definition ARN."""
    return (task_definition_arn or "").split("/")[-1]


def _route_target(route):
    for key in ROUTE_TARGET_KEYS:
        if route.get(key):
            return route[key]
    return "nothing"


def _route_destination(route):
    return (route.get("destination_cidr_block") or route.get("destination_ipv6_cidr_block")
            or route.get("destination_prefix_list_id") or "?")


def _join(items):
    return ", ".join(items)


def _read_failure(name, what, problem, fix=None):
    return check(name, FAIL, "could not read %s: %s" % (what, problem),
                 fix or "Check the AWS credentials and permissions, then run verify again.")


# ---- network ------------------------------------------------------------------------------------------------

def vpc_check(env):
    name = env.names["vpc"]
    if env.vpc_problem:
        return _read_failure("network: vpc", "the VPC %s" % name, env.vpc_problem,
                             "Check the AWS credentials and region (%s), then run verify again." % env.x["region"])
    if not env.vpcs:
        return check("network: vpc", FAIL, "there is no VPC tagged Name=%s in %s: the environment is not deployed"
                     % (name, env.x["region"]), "Deploy it: %s" % env.deploy)
    if env.vpc is None:
        return check("network: vpc", FAIL, "%d VPCs are tagged Name=%s: %s" % (
            len(env.vpcs), name, _join(v.get("id", "?") for v in env.vpcs)),
            "Delete the VPC that is not the environment's (or remove its Name tag), then run verify again.")
    return check("network: vpc", PASS, "%s %s" % (env.vpc.get("id"), env.vpc.get("cidr_block")))


def public_routing_check(env):
    name = "routing: public subnets"
    for what, problem in (("the subnets", env.subnets_problem), ("the route tables", env.route_tables_problem)):
        if problem:
            return _read_failure(name, what, problem)
    problems, routes = [], {}
    missing = env.missing_subnets("public")
    if missing:
        problems.append("missing subnet(s) %s" % _join(missing))
    for subnet in env.tier_subnets["public"]:
        table = route_table_of(subnet["id"], env.vpc["id"], env.route_tables)
        gateway = internet_gateway_route(table) if table is not None else None
        if gateway is None:
            problems.append("%s (%s) uses %s, which has no active %s route to an internet gateway" % (
                _name(subnet), subnet["id"], table["route_table_id"] if table else "no route table", ANYWHERE))
        else:
            routes.setdefault((table["route_table_id"], gateway), []).append(_name(subnet))
    if problems:
        return check(name, FAIL, "; ".join(problems),
                     "Re-run the deploy (%s): the vpc role creates the public subnets and routes %s from %s "
                     "to %s." % (env.deploy, ANYWHERE, env.names["route_tables"]["public"],
                                 env.names["internet_gateway"]))
    return check(name, PASS, "; ".join("%s use %s, which routes %s to %s" % (_join(names), table_id, ANYWHERE, gateway)
                                       for (table_id, gateway), names in sorted(routes.items())))


def private_routing_check(env):
    name = "routing: private subnets"
    for what, problem in (("the subnets", env.subnets_problem), ("the route tables", env.route_tables_problem)):
        if problem:
            return _read_failure(name, what, problem)
    problems, fixes, tables = [], [], {}
    missing = env.missing_subnets("private")
    if missing:
        problems.append("missing subnet(s) %s" % _join(missing))
        fixes.append("Re-run the deploy (%s): the vpc role creates the private subnets." % env.deploy)
    for subnet in env.tier_subnets["private"]:
        table = route_table_of(subnet["id"], env.vpc["id"], env.route_tables)
        if table is None:
            problems.append("%s (%s) has no route table" % (_name(subnet), subnet["id"]))
            continue
        tables.setdefault(table["route_table_id"], (table, []))[1].append(_name(subnet))
    for table_id, (table, subnet_names) in sorted(tables.items()):
        for route in table.get("routes") or []:
            target = _route_target(route)
            if target == "local" or (target.startswith(ENDPOINT_GATEWAY_PREFIX) and route.get("state") != "blackhole"):
                continue
            destination = _route_destination(route)
            problems.append("%s (used by %s) routes %s to %s%s" % (
                table_id, _join(subnet_names), destination, target,
                " (blackhole)" if route.get("state") == "blackhole" else ""))
            option = "--destination-prefix-list-id" if destination.startswith("pl-") else (
                "--destination-ipv6-cidr-block" if ":" in destination else "--destination-cidr-block")
            fixes.append("aws ec2 delete-route --region %s --route-table-id %s %s %s" % (
                env.x["region"], table_id, option, destination))
    if problems:
        return check(name, FAIL, "; ".join(problems),
                     "Private subnets reach AWS only through the VPC endpoints and must have no other route; the "
                     "deploy does not purge extra routes of the private table, so delete them: %s" % " ; ".join(fixes))
    return check(name, PASS, "%d private subnets use %s with only the local and VPC endpoint routes" % (
        len(env.tier_subnets["private"]), _join(sorted(tables)) or "no table"))


def local_route_check(env):
    name = "routing: local route"
    for what, problem in (("the subnets", env.subnets_problem), ("the route tables", env.route_tables_problem)):
        if problem:
            return _read_failure(name, what, problem)
    cidr = env.vpc.get("cidr_block")
    problems, tables = [], set()
    for subnet in env.tier_subnets["public"] + env.tier_subnets["private"]:
        table = route_table_of(subnet["id"], env.vpc["id"], env.route_tables)
        if table is None:
            problems.append("%s has no route table" % _name(subnet))
            continue
        local = [r for r in table.get("routes") or []
                 if r.get("destination_cidr_block") == cidr and r.get("gateway_id") == "local"
                 and r.get("state", "active") == "active"]
        if not local and table["route_table_id"] not in tables:
            problems.append("%s (used by %s) has no active local route for %s" % (
                table["route_table_id"], _name(subnet), cidr))
        tables.add(table["route_table_id"])
    if problems:
        return check(name, FAIL, "; ".join(sorted(set(problems))),
                     "Point the VPC CIDR back at the VPC itself: aws ec2 replace-route --region %s --route-table-id "
                     "<table> --destination-cidr-block %s --local-target" % (env.x["region"], cidr))
    return check(name, PASS, "%s route %s locally" % (_join(sorted(tables)), cidr))


def endpoints_check(env):
    name = "routing: vpc endpoints"
    if env.endpoints_problem:
        return _read_failure(name, "the VPC endpoints", env.endpoints_problem)
    by_service = {}
    for endpoint in env.endpoints:
        by_service.setdefault(endpoint.get("service_name"), []).append(endpoint)
    private_tables = set()
    for subnet in env.tier_subnets["private"]:
        table = route_table_of(subnet["id"], env.vpc["id"], env.route_tables)
        if table is not None:
            private_tables.add(table["route_table_id"])
    failures, settling, fixes = [], [], []
    wanted = [naming.endpoint_service(env.x["region"], s) for s in env.x["endpoint_services"]]
    missing = [name for name in wanted if name not in by_service]
    if missing:
        failures.append("missing endpoint(s) %s" % _join(missing))
        fixes.append("re-run the deploy (%s): the vpc role creates them" % env.deploy)
    for endpoint in env.endpoints:
        state = (endpoint.get("state") or "").lower()
        label = "%s (%s) is %s" % (
            endpoint.get("vpc_endpoint_id"), endpoint.get("service_name"), state or "in no state")
        if state in ENDPOINT_SETTLING_STATES:
            settling.append(label)
        elif state != "available":
            failures.append(label)
            fixes.append("delete %s (aws ec2 delete-vpc-endpoints --region %s --vpc-endpoint-ids %s) and re-run the "
                         "deploy" % (endpoint.get("vpc_endpoint_id"), env.x["region"], endpoint.get("vpc_endpoint_id")))
        if (endpoint.get("vpc_endpoint_type") or "").lower() == "gateway":
            unrouted = sorted(private_tables - set(endpoint.get("route_table_ids") or []))
            if unrouted:
                failures.append("gateway endpoint %s (%s) is not in the private route table(s) %s" % (
                    endpoint.get("vpc_endpoint_id"), endpoint.get("service_name"), _join(unrouted)))
                fixes.append("re-run the deploy (%s): the vpc role attaches the S3 endpoint to the private route "
                             "table" % env.deploy)
    if failures:
        return check(name, FAIL, "; ".join(failures + settling), "; ".join(dict.fromkeys(fixes)).capitalize() + ".")
    if settling:
        return check(name, WARN, "; ".join(settling) + " (new endpoints become available within minutes)",
                     "Run verify again in a few minutes; an endpoint that stays pending needs a look in the VPC "
                     "console.")
    prefix = naming.endpoint_service(env.x["region"], "")
    return check(name, PASS, "%d endpoints available: %s" % (
        len(env.endpoints), _join(sorted(s[len(prefix):] if s.startswith(prefix) else s for s in by_service))))


def endpoint_policies_check(env):
    """Each endpoint holds the platform's policy (filter vpc_endpoint_policies), not AWS's full-access default."""
    name = "vpc: endpoint policies"
    fix = ("Re-run the deploy (%s): the vpc role sets each endpoint's policy back (payments.platform."
           "vpc_endpoint_policies)." % env.deploy)
    if env.endpoints_problem:
        return _read_failure(name, "the VPC endpoints", env.endpoints_problem)
    if not env.x["account_id"]:
        return check(name, FAIL, "the account was not read (the policies name it)",
                     "Check the AWS credentials, then run verify again.")
    wanted = endpoints.endpoint_policies({"id": env.x["account_id"], "partition": env.x.get("partition") or "aws"},
                                         env.x["name_prefix"], env.x["region"], env.x["endpoint_services"])
    problems, held = [], []
    for service, policy in wanted.items():
        for endpoint in env.endpoints:
            if endpoint.get("service_name") != naming.endpoint_service(env.x["region"], service):
                continue
            label = "%s (%s)" % (endpoint.get("vpc_endpoint_id"), service)
            try:
                live = json.loads(endpoint.get("policy_document") or "")
            except ValueError:
                problems.append("%s has no readable policy" % label)
                continue
            if not compare_policies(live, policy):
                held.append(service)
            elif not compare_policies(live, endpoints.DEFAULT_POLICY):
                problems.append("%s has AWS's default policy (full access for any principal)" % label)
            else:
                problems.append("%s has a policy other than the platform's" % label)
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    # A missing endpoint is the routing check's failure.
    return check(name, PASS, "%s: s3 to ECR's layer bucket and %s only; the interface endpoints to principals of %s "
                 "only" % (_join(held) or "no endpoint", env.audit_bucket_name, env.x["account_id"]))


def default_group_check(env):
    """The VPC's default security group allows nothing (AWS Security Hub control EC2.2)."""
    name = "network: default security group"
    if env.groups_problem:
        return _read_failure(name, "the security groups", env.groups_problem)
    group = _first(env.groups, "group_name", "default")
    if group is None:
        return check(name, FAIL, "the VPC has no default security group (AWS creates one with every VPC)",
                     "Re-run the deploy (%s)." % env.deploy)
    rules = ["%d %s" % (len(group.get(key) or []), label)
             for key, label in (("ip_permissions", "inbound"), ("ip_permissions_egress", "outbound")) if group.get(key)]
    if rules:
        return check(name, FAIL, "the default group %s keeps %s rule(s): whatever is launched into the VPC without a "
                     "group of its own gets that access" % (group.get("group_id"), " and ".join(rules)),
                     "Re-run the deploy (%s): the vpc role empties it." % env.deploy)
    return check(name, PASS, "%s allows nothing in or out" % group.get("group_id"))


def placement_check(env):
    """The tiers sit in the subnets and behind the security groups the reachability checks assume."""
    name = "network: placement"
    groups = env.names["security_groups"]
    sg = {tier: env.group_ids.get(groups[tier]) for tier in ("alb", "ecs", "db")}
    public = set(s["id"] for s in env.tier_subnets["public"])
    private = set(s["id"] for s in env.tier_subnets["private"])
    problems = []

    def compare(what, actual, wanted, wanted_label):
        if set(actual) != set(wanted):
            problems.append("%s %s, expected %s" % (what, _join(sorted(actual)) or "none", wanted_label))

    if env.lb is None:
        problems.append("load balancer: %s" % env.lb_problem)
    else:
        compare("the load balancer's security groups are", env.lb.get("security_groups") or [],
                [sg["alb"]], groups["alb"])
        compare("the load balancer's subnets are", [z.get("subnet_id") for z in env.lb.get("availability_zones") or []],
                public, "the public subnets")
    if env.service is None:
        problems.append("service: %s" % env.service_problem)
    else:
        network = (env.service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        compare("the tasks' security groups are", network.get("securityGroups") or [], [sg["ecs"]],
                groups["ecs"])
        compare("the tasks' subnets are", network.get("subnets") or [], private, "the private subnets")
        if network.get("assignPublicIp") == "ENABLED":
            problems.append("the tasks get public IP addresses")
    if env.cluster is None:
        problems.append("database: %s" % env.cluster_problem)
    else:
        compare("the database's security groups are",
                [g.get("vpc_security_group_id") for g in env.cluster.get("vpc_security_groups") or []],
                [sg["db"]], groups["db"])
    if problems:
        return check(name, FAIL, "; ".join(problems),
                     "Re-run the deploy (%s): the alb, ecs and rds roles attach each tier to its own security group "
                     "and subnets." % env.deploy)
    return check(name, PASS, "load balancer in the public subnets behind %s, tasks in the private subnets "
                 "behind %s, database behind %s" % (groups["alb"], groups["ecs"], groups["db"]))


def reachability_checks(env):
    flows = env.x["flows"]
    names = ["reachability: %s" % _flow_label(flow) for flow in flows]
    problem = env.groups_problem or env.route_tables_problem or env.subnets_problem
    if problem:
        return [_read_failure(n, "the security groups, route tables and subnets", problem) for n in names]
    tiers = {"alb": "public", "ecs": "private", "db": "private"}
    nodes, absent = {}, {}
    for node, tier in tiers.items():
        group_name = env.names["security_groups"][node]
        subnet_ids = [s["id"] for s in env.tier_subnets[tier]]
        if group_name not in env.group_ids:
            absent[node] = "security group %s does not exist" % group_name
        elif not subnet_ids:
            absent[node] = "there are no %s subnets" % tier
        else:
            nodes[node] = {"group_id": env.group_ids[group_name], "subnet_ids": subnet_ids}
    results = []
    for name, flow in zip(names, flows):
        involved = [flow.get("to"), flow.get("from")] + _list(flow.get("only_from"))
        missing = [absent[n] for n in involved if n in absent]
        if missing:
            results.append(check(name, FAIL, "cannot evaluate: %s" % _join(missing),
                                 "Re-run the deploy (%s): the vpc role creates the security groups and subnets."
                                 % env.deploy))
            continue
        # Ports may come from the inventory as strings; the fix text is verify's, not the filter's.
        pure = {k: v for k, v in flow.items() if k in ("from", "to", "expect", "only_from")}
        pure["port"] = int(flow["port"])
        verdict = analyse(nodes, [pure], env.groups, env.route_tables)[0]
        status = PASS if verdict["ok"] else FAIL
        results.append(check(name, status, "%s (expected %s): %s" % (
            verdict["actual"], verdict["expected"], verdict["reason"]), flow.get("fix", "")))
    return results


def _flow_label(flow):
    if "only_from" in flow:
        return "only %s -> %s:%s" % (", ".join(_list(flow["only_from"])), flow.get("to"), flow.get("port"))
    return "%s -> %s:%s" % (flow.get("from"), flow.get("to"), flow.get("port"))


# ---- ECS ----------------------------------------------------------------------------------------------------

def service_check(env):
    name = "ecs: service"
    if env.service is None:
        return check(name, FAIL, env.service_problem, "Re-run the deploy (%s): the ecs role creates the service."
                     % env.deploy)
    status = env.service.get("status")
    detail = "%s, runs %s" % (status, _revision(env.service.get("taskDefinition")))
    if status != "ACTIVE":
        return check(name, FAIL, detail + " (only an ACTIVE service serves traffic)",
                     "An INACTIVE or DRAINING service is being deleted: re-run the deploy (%s) to create it again."
                     % env.deploy)
    return check(name, PASS, detail)


def _overdue(env):
    """How long the primary deployment has been rolling out, when that is longer than the deploy waits (None
    otherwise): past the deploy's rollout timeout, an IN_PROGRESS deployment is a failure, not a wait."""
    try:
        started, now = (datetime.fromisoformat(str(value).replace("Z", "+00:00"))
                        for value in (env.primary.get("createdAt"), env.x["now"]))
    except ValueError:
        return None
    # Times without a zone are UTC (AWS's and Ansible's now(utc=true) are).
    seconds = (now.replace(tzinfo=now.tzinfo or timezone.utc) - started.replace(tzinfo=started.tzinfo or timezone.utc)
               ).total_seconds()
    if seconds <= int(env.x["rollout_timeout"]):
        return None
    return "still IN_PROGRESS after %d minutes, longer than the deploy waits (payment_rollout_timeout, %s s)" % (
        seconds // 60, env.x["rollout_timeout"])


def deployment_check(env):
    name = "ecs: deployment"
    if env.service is None:
        return check(name, FAIL, env.service_problem, "Re-run the deploy (%s)." % env.deploy)
    if env.primary is None:
        return check(name, FAIL, "the service has no PRIMARY deployment", "Re-run the deploy (%s)." % env.deploy)
    rollout = env.primary.get("rolloutState")
    reason = env.primary.get("rolloutStateReason") or ""
    running = "%s of %s tasks running" % (env.primary.get("runningCount"), env.primary.get("desiredCount"))
    deployed = env.primary.get("taskDefinition")
    events = ("look at the service events (aws ecs describe-services --region %s --cluster %s --services "
              "%s) and the stopped tasks' stoppedReason"
              % (env.x["region"], env.names["ecs_cluster"], env.names["ecs_service"]))
    if env.task is not None and deployed != env.task["task_definition_arn"]:
        return check(name, FAIL, "the primary deployment runs %s, but the latest revision is %s (the circuit breaker "
                     "rolled the deployment back, or the deploy did not update the service)%s" % (
                         _revision(deployed), _revision(env.task["task_definition_arn"]),
                         ": " + reason if reason else ""),
                     "Find why the new revision's tasks failed (%s), fix it and deploy again." % events)
    detail = "primary deployment %s is %s (%s)" % (env.primary.get("id"), rollout or "in no rollout state", running)
    if rollout == "COMPLETED":
        return check(name, PASS, detail)
    if rollout == "FAILED":
        return check(name, FAIL, detail + (": " + reason if reason else ""),
                     "Find why the tasks failed (%s), fix it and deploy again." % events)
    if rollout == "IN_PROGRESS" and _overdue(env):
        return check(name, FAIL, detail + ": " + _overdue(env),
                     "Find why the tasks do not turn healthy (%s), fix it and deploy again." % events)
    if rollout == "IN_PROGRESS":
        return check(name, WARN, detail + ": not finished yet",
                     "Run verify again once the deployment completes (usually a few minutes); if it stays IN_PROGRESS, "
                     + events + ".")
    return check(name, WARN, detail + ": AWS reports no rollout state, so completion cannot be seen",
                 "Check the service in the ECS console.")


def running_check(env):
    name = "ecs: running tasks"
    if env.service is None:
        return check(name, FAIL, env.service_problem, "Re-run the deploy (%s)." % env.deploy)
    running, desired = env.service.get("runningCount"), env.service.get("desiredCount")
    pending = env.service.get("pendingCount")
    detail = "%s of %s desired tasks running, %s pending" % (running, desired, pending)
    if not desired or desired < int(env.x["min_count"]):
        return check(name, FAIL, detail + "; the desired count is below the minimum %s" % env.x["min_count"],
                     "Re-run the deploy (%s): the ecs role and its auto scaling keep at least %s tasks."
                     % (env.deploy, env.x["min_count"]))
    if running == desired:
        return check(name, PASS, detail)
    if env.primary is not None and env.primary.get("rolloutState") == "IN_PROGRESS" and not _overdue(env):
        return check(name, WARN, detail + " (the deployment is still starting tasks)",
                     "Run verify again once the deployment completes; tasks that never reach RUNNING show their "
                     "stoppedReason in aws ecs describe-tasks.")
    return check(name, FAIL, detail + " with no deployment in progress: tasks are stopping or cannot start",
                 "Read the stopped tasks' stoppedReason (aws ecs list-tasks --region %s --cluster %s "
                 "--desired-status STOPPED, then describe-tasks) and the logs in %s." % (
                     env.x["region"], env.names["ecs_cluster"], env.names["log_group"]))


def scalable_target_check(env):
    name = "ecs: scalable target"
    if env.scaling_problem:
        return _read_failure(name, "the scalable target", env.scaling_problem)
    target = env.scalable_target
    fix = "Re-run the deploy (%s): the ecs role registers the service with Application Auto Scaling between " \
          "payment_min_count and payment_max_count." % env.deploy
    resource = "service/%s/%s" % (env.names["ecs_cluster"], env.names["ecs_service"])
    if not target:
        return check(name, FAIL, "the service %s is not registered with Application Auto Scaling" % resource, fix)
    bounds = (target.get("min_capacity"), target.get("max_capacity"))
    wanted = (int(env.x["min_count"]), int(env.x["max_count"]))
    detail = "%s scales between %s and %s tasks" % (resource, bounds[0], bounds[1])
    if bounds != wanted:
        return check(name, FAIL, "%s, the inventory says %s and %s" % (detail, wanted[0], wanted[1]), fix)
    return check(name, PASS, detail)


def scaling_policy_check(env):
    name = "ecs: scaling policy"
    if env.scaling_problem:
        return _read_failure(name, "the scaling policies", env.scaling_problem)
    policy_name = env.names["scaling_policy"]
    threshold = float(env.x["cpu_threshold"])
    fix = ("Re-run the deploy (%s): the ecs role sets the policy's target value from payment_scaling_cpu_threshold "
           "(%s); change the inventory instead if the live value is the one you want." % (env.deploy,
                                                                                          env.x["cpu_threshold"]))
    policy = _first(env.scaling_policies, "policy_name", policy_name)
    if policy is None:
        return check(name, FAIL, "there is no scaling policy %s%s" % (
            policy_name, " (only %s)" % _join(p.get("policy_name", "?") for p in env.scaling_policies)
            if env.scaling_policies else ""), fix)
    config = policy.get("target_tracking_scaling_policy_configuration") or {}
    metric = (config.get("predefined_metric_specification") or {}).get("predefined_metric_type")
    value = config.get("target_value")
    detail = "%s %s on %s, target value %s" % (policy_name, policy.get("policy_type"), metric, value)
    problems = []
    if policy.get("policy_type") != "TargetTrackingScaling" or metric != "ECSServiceAverageCPUUtilization":
        problems.append("it must be target tracking on ECSServiceAverageCPUUtilization")
    if value is None or float(value) != threshold:
        problems.append("payment_scaling_cpu_threshold is %s" % env.x["cpu_threshold"])
    if problems:
        return check(name, FAIL, "%s; %s" % (detail, "; ".join(problems)), fix)
    return check(name, PASS, detail)


# ---- load balancer ------------------------------------------------------------------------------------------

def target_group_check(env):
    name = "alb: target group"
    tg_name, lb_name = env.names["target_group"], env.names["load_balancer"]
    fix = "Re-run the deploy (%s): the alb role creates %s and the ecs role attaches the service to it." % (
        env.deploy, tg_name)
    if env.tg is None:
        return check(name, FAIL, env.tg_problem, fix)
    problems = []
    arn = env.tg.get("target_group_arn")
    linked = env.service_target_group_arn()
    if env.service is None:
        problems.append("service: %s" % env.service_problem)
    elif linked != arn:
        problems.append("the service's container %s registers into %s, not %s" % (
            env.x["container_name"], linked or "no target group", tg_name))
    if env.lb is not None and env.lb.get("load_balancer_arn") not in (env.tg.get("load_balancer_arns") or []):
        problems.append("%s is not used by %s" % (tg_name, lb_name))
    if env.tg.get("port") != int(env.x["container_port"]) or env.tg.get("target_type") != "ip":
        problems.append("it sends to %s targets on port %s, expected ip targets on %s" % (
            env.tg.get("target_type"), env.tg.get("port"), env.x["container_port"]))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "%s (ip, port %s) used by %s and the service" % (
        tg_name, env.tg.get("port"), lb_name))


def waf_check(env):
    """The load balancer is behind the web ACL, with the rate limit and every managed rule group blocking."""
    name = "waf: web acl"
    acl_name = env.names["web_acl"]
    fix = ("Re-run the deploy (%s): the waf role creates %s with its rules (payment_waf_rate_limit) and attaches it "
           "to %s." % (env.deploy, acl_name, env.names["load_balancer"]))
    if env.web_acl is None:
        return check(name, FAIL, env.web_acl_problem, fix)
    if env.attached_problem:
        return _read_failure(name, "what the web ACL is attached to", env.attached_problem)
    rules = {r.get("name"): r for r in env.web_acl.get("rules") or []}
    problems = []
    if env.lb is not None and env.lb.get("load_balancer_arn") not in env.web_acl_resources:
        problems.append("%s is not attached to %s" % (acl_name, env.names["load_balancer"]))
    rate = rules.get(waf.RATE_RULE) or {}
    limit = ((rate.get("statement") or {}).get("rate_based_statement") or {}).get("limit")
    if "block" not in (rate.get("action") or {}) or limit != int(env.x["waf_rate_limit"]):
        problems.append("rule %s %s, payment_waf_rate_limit is %s" % (
            waf.RATE_RULE, "blocks above %s requests" % limit if "block" in (rate.get("action") or {}) and limit
            else "does not block", env.x["waf_rate_limit"]))
    # A managed group overridden to count only counts: it no longer blocks anything.
    off = [group for group in waf.MANAGED_RULE_GROUPS if "none" not in ((rules.get(group) or {}).get("override_action") or {})]
    if off:
        problems.append("%s %s not blocking" % (_join(off), "is" if len(off) == 1 else "are"))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "%s in front of %s: rate limit %s per IP in 5 minutes, %s" % (
        acl_name, env.names["load_balancer"], limit, _join(waf.MANAGED_RULE_GROUPS)))


def _rule_priority(rule):
    try:
        return int(rule.get("priority"))
    except (TypeError, ValueError):
        return float("inf")  # the default rule comes last


def _rule_paths(rule):
    paths = []
    for condition in rule.get("conditions") or []:
        if condition.get("field") == "path-pattern":
            paths += _list(condition.get("values")) + _list((condition.get("path_pattern_config") or {}).get("values"))
    return paths


def _forward_targets(rule):
    """The target groups a rule forwards to ([] for any other action)."""
    targets = []
    for action in rule.get("actions") or []:
        if action.get("type") == "forward":
            if action.get("target_group_arn"):
                targets.append(action["target_group_arn"])
            for item in (action.get("forward_config") or {}).get("target_groups") or []:
                targets.append(item.get("target_group_arn"))
    return sorted(set(targets))


def _serving_listeners(lb):
    """Listeners that answer requests themselves, not the HTTP listener that only redirects to HTTPS."""
    return [listener for listener in lb.get("listeners") or []
            if not all(a.get("type") == "redirect" for a in listener.get("default_actions") or [{}])]


def listener_rule_checks(env):
    results = []
    target = env.service_target_group_arn() or (env.tg or {}).get("target_group_arn")
    fix = ("Re-run the deploy (%s): the alb role owns the payment listener's rules and forwards each payment path "
           "to the service's target group." % env.deploy)
    for path in env.x["forward_paths"]:
        name = "alb: rule %s" % path
        if env.lb is None:
            results.append(check(name, FAIL, env.lb_problem, fix))
            continue
        if target is None:
            results.append(check(name, FAIL, "the service's target group is unknown: %s" % (
                env.service_problem or env.tg_problem or "the service has no load balancer"), fix))
            continue
        listeners = _serving_listeners(env.lb)
        if not listeners:
            results.append(check(name, FAIL, "%s has no listener that serves requests" % env.names["load_balancer"], fix))
            continue
        problems, good = [], []
        for listener in listeners:
            label = "%s:%s" % (listener.get("protocol"), listener.get("port"))
            matching = sorted((r for r in listener.get("rules") or [] if path in _rule_paths(r)), key=_rule_priority)
            if not matching:
                problems.append("%s has no rule for %s" % (label, path))
                continue
            rule, targets = matching[0], _forward_targets(matching[0])
            if targets != [target]:
                problems.append("%s rule %s sends %s to %s, not the service's target group %s" % (
                    label, rule.get("priority"), path, _join(_tg_name(t) for t in targets) or
                    _join(a.get("type", "?") for a in rule.get("actions") or []) or "nothing",
                    _tg_name(target)))
            else:
                good.append("%s rule %s forwards %s to %s" % (label, rule.get("priority"), path, _tg_name(target)))
        if problems:
            results.append(check(name, FAIL, "; ".join(problems), fix))
        else:
            results.append(check(name, PASS, "; ".join(good)))
    return results


def _https_fix(env):
    return ("Set payment_alb_certificate_arn to an ISSUED ACM certificate of %s in inventories/%s (group or host vars), "
            "then re-run the deploy (%s): the alb role serves the payment paths on HTTPS 443 with "
            "payment_alb_ssl_policy (TLS 1.2 and later) and makes port 80 redirect to it."
            % (env.x["region"], env.x["environment"], env.deploy))


def _https_listeners(lb):
    return [listener for listener in lb.get("listeners") or [] if listener.get("protocol") == "HTTPS"]


def _required(value):
    return value in (True, "true", "True", "yes", 1)


def https_check(env):
    """The payment listener is HTTPS on 443 with a certificate and a TLS 1.2+ policy (by AWS's own data), where the
    environment requires HTTPS; elsewhere plain HTTP passes (the deploy's summary warns about it)."""
    name = "alb: https"
    fix = _https_fix(env)
    if env.lb is None:
        return check(name, FAIL, env.lb_problem, fix)
    lb_name = env.names["load_balancer"]
    listeners = _https_listeners(env.lb)
    if not listeners:
        if _required(env.x["require_https"]):
            return check(name, FAIL, "%s has no HTTPS listener, and %s serves only HTTPS" % (lb_name, env.x["environment"]),
                         fix)
        return check(name, PASS, "%s serves plain HTTP (%s does not require HTTPS)" % (lb_name, env.x["environment"]))
    read, problem = env.reads.get("ssl_policies")
    policies = {policy.get("name"): policy.get("ssl_protocols") or [] for policy in read.get("ssl_policies") or []}
    problems, good = [], []
    for listener in listeners:
        label = "HTTPS:%s" % listener.get("port")
        policy = listener.get("ssl_policy")
        if listener.get("port") != 443:
            problems.append("%s is not on port 443" % label)
        if not listener.get("certificates"):
            problems.append("%s has no certificate" % label)
        if problem:
            problems.append("its security policy %s: %s" % (policy, problem))
        elif policy not in policies:
            problems.append("%s uses %s, a security policy AWS does not list" % (label, policy))
        elif not policies[policy] or not set(policies[policy]) <= TLS_PROTOCOLS_ALLOWED:
            problems.append("%s uses %s, which allows %s (TLS 1.2 and later only)" % (
                label, policy, _join(sorted(policies[policy])) or "no protocol"))
        else:
            good.append("%s with %s (%s)" % (label, policy, _join(sorted(policies[policy]))))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "; ".join(good))


def http_redirect_check(env):
    """With HTTPS, every HTTP listener is port 80 redirecting to HTTPS 443 (permanently), with no rule bypassing it."""
    name = "alb: http redirect"
    fix = _https_fix(env)
    if env.lb is None:
        return check(name, FAIL, env.lb_problem, fix)
    lb_name = env.names["load_balancer"]
    if not _https_listeners(env.lb):
        if _required(env.x["require_https"]):
            return check(name, FAIL, "%s has no HTTPS listener to redirect to" % lb_name, fix)
        return check(name, PASS, "%s has no HTTPS listener: port 80 serves HTTP itself" % lb_name)
    http = [listener for listener in env.lb.get("listeners") or [] if listener.get("protocol") == "HTTP"]
    if not http:
        return check(name, FAIL, "%s has no HTTP listener on port 80 redirecting to HTTPS" % lb_name, fix)
    problems = []
    for listener in http:
        label = "HTTP:%s" % listener.get("port")
        actions = listener.get("default_actions") or []
        configs = [a.get("redirect_config") or {} for a in actions if a.get("type") == "redirect"]
        if listener.get("port") != 80:
            problems.append("%s serves HTTP beside port 80" % label)
        if len(actions) != 1 or len(configs) != 1:
            problems.append("%s does not redirect (its default action: %s)" % (
                label, _join(a.get("type", "?") for a in actions) or "none"))
        elif (configs[0].get("protocol"), str(configs[0].get("port")), configs[0].get("status_code")) != (
                "HTTPS", "443", "HTTP_301"):
            problems.append("%s redirects to %s:%s with %s, not HTTPS:443 with HTTP_301" % (
                label, configs[0].get("protocol"), configs[0].get("port"), configs[0].get("status_code")))
        bypass = [r for r in listener.get("rules") or [] if not r.get("is_default") and r.get("priority") != "default"]
        if bypass:
            problems.append("%s has rules that bypass the redirect (priority %s)" % (
                label, _join(str(r.get("priority")) for r in bypass)))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "HTTP:80 redirects to HTTPS:443 (HTTP_301), no rule bypasses it")


def _tg_name(arn):
    """targetgroup/<name>/<id> -> <name>."""
    parts = (arn or "").split("/")
    return parts[-2] if len(parts) >= 3 else arn


def target_health_check(env):
    name = "alb: target health"
    if env.tg is None:
        return check(name, FAIL, env.tg_problem, "Re-run the deploy (%s)." % env.deploy)
    targets = env.tg.get("targets_health_description") or []
    if not targets:
        return check(name, WARN, "no targets registered in %s yet (ECS registers each task's IP address once it "
                     "starts)" % env.names["target_group"],
                     "Run verify again once the service's tasks are RUNNING; if targets never appear, see the "
                     "'ecs: running tasks' check.")
    reports, states = [], []
    for item in targets:
        health = item.get("target_health") or {}
        state = health.get("state") or "unknown"
        where = "%s:%s" % ((item.get("target") or {}).get("id"), (item.get("target") or {}).get("port"))
        why = health.get("reason") or ""
        reports.append("%s %s%s" % (where, state, " (%s)" % why if why else ""))
        states.append(state)
    detail = "; ".join(reports)
    if any(s not in ("healthy",) + TARGET_SETTLING_STATES for s in states):
        return check(name, FAIL, detail,
                     "Unhealthy targets fail the health check on %s: check that the container answers 200 there on "
                     "port %s, that %s may reach %s on that port, and read the logs in %s."
                     % ("/health", env.x["container_port"], env.names["security_groups"]["alb"],
                        env.names["security_groups"]["ecs"], env.names["log_group"]))
    if any(s in TARGET_SETTLING_STATES for s in states):
        return check(name, WARN, detail, "Targets in initial state pass their health checks within a few minutes; "
                     "run verify again.")
    return check(name, PASS, detail)


# ---- DNS ----------------------------------------------------------------------------------------------------

def dns_checks(env):
    zone = env.x["zone_name"]
    wanted = [
        ("db", "the writer endpoint", (env.cluster or {}).get("endpoint"), env.cluster_problem),
        ("db-ro", "the reader endpoint", (env.cluster or {}).get("reader_endpoint"), env.cluster_problem),
        ("api", "the load balancer", (env.lb or {}).get("dns_name"), env.lb_problem),
    ]
    fix = ("Re-run the deploy (%s): the route53 role points db., db-ro. and api. at the cluster's current endpoints "
           "and the load balancer." % env.deploy)
    results = []
    for label, what, value, problem in wanted:
        name = "dns: %s.%s" % (label, zone)
        record_name = "%s.%s" % (label, zone)
        if env.zone is None:
            results.append(check(name, FAIL, env.zone_problem, fix))
            continue
        if env.records_problem:
            results.append(_read_failure(name, "the records of %s" % zone, env.records_problem))
            continue
        if not value:
            results.append(check(name, FAIL, "cannot compare with %s: %s" % (what, problem), fix))
            continue
        records = [r for r in env.records
                   if _dns(r.get("name")) == _dns(record_name) and r.get("type") in ("A", "CNAME")]
        if not records:
            results.append(check(name, FAIL, "there is no A or CNAME record %s" % record_name, fix))
            continue
        targets = []
        for record in records:
            alias = record.get("alias_target") or {}
            if alias:
                targets.append(_dns(alias.get("dns_name")))
            targets += [_dns(r.get("value")) for r in record.get("resource_records") or []]
        plain = [t[len("dualstack."):] if t.startswith("dualstack.") else t for t in targets]
        if plain != [_dns(value)]:
            results.append(check(name, FAIL, "%s points at %s, but %s is %s (stale record)" % (
                record_name, _join(targets) or "nothing", what, _dns(value)), fix))
        else:
            results.append(check(name, PASS, "%s -> %s (%s)" % (record_name, targets[0], what)))
    return results


# ---- secrets and IAM ----------------------------------------------------------------------------------------

def _secret_arn_pattern(env):
    return re.compile(r"^arn:[\w-]+:secretsmanager:%s:\d{12}:secret:%s-[A-Za-z0-9]{6}$" % (
        re.escape(env.x["region"]), re.escape(env.names["db_secret"])))


def task_secrets_check(env):
    name = "secrets: task definition"
    fix = ("Re-run the deploy (%s): the ecs role injects the DB credentials from %s by its full ARN."
           % (env.deploy, env.names["db_secret"]))
    if env.container is None:
        return check(name, FAIL, env.task_problem, fix)
    secrets = env.container.get("secrets") or []
    if not secrets:
        return check(name, FAIL, "container %s gets no secret from Secrets Manager" % env.x["container_name"], fix)
    problems, arns = [], []
    pattern = _secret_arn_pattern(env)
    for item in secrets:
        value = item.get("value_from") or item.get("valueFrom") or ""
        arn = ":".join(value.split(":")[:7])
        if not pattern.match(arn):
            problems.append("%s comes from %s, not from the ARN of %s in %s" % (
                item.get("name"), value or "nowhere", env.names["db_secret"], env.x["region"]))
        arns.append(arn)
    if len(set(arns)) > 1:
        problems.append("the variables come from %d different secrets" % len(set(arns)))
    exposed = [e.get("name") for e in env.container.get("environment") or []
               if re.search(r"PASSWORD|SECRET", e.get("name") or "", re.I)]
    if exposed:
        problems.append("plain environment variable(s) %s look like credentials" % _join(exposed))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "%s injects %s from %s" % (
        _revision(env.task["task_definition_arn"]), _join(sorted(s.get("name", "?") for s in secrets)), arns[0]))


def secret_host_check(env):
    name = "secrets: secret host"
    fix = ("Re-run the deploy (%s): the rds role records the cluster's writer endpoint as the secret's host."
           % env.deploy)
    arn = env.secret_arn()
    if arn is None:
        return check(name, FAIL, "the task definition names no DB secret: %s" % (
            env.task_problem or "its container takes no secret by ARN"), fix)
    if not env.secret.get("read"):
        return check(name, FAIL, "the secret was not read", fix)
    host = env.secret.get("host")
    if not host:
        return check(name, FAIL, "no secret with a host key at %s (deleted, or the key is missing)" % arn, fix)
    if env.cluster is None:
        return check(name, FAIL, "cannot compare with the writer endpoint: %s" % env.cluster_problem, fix)
    writer = env.cluster.get("endpoint")
    if _dns(host) != _dns(writer):
        return check(name, FAIL, "the secret's host is %s, but the writer endpoint is %s (stale)" % (host, writer), fix)
    return check(name, PASS, "the secret's host is the writer endpoint %s" % writer)


def _flag(value):
    """A boolean as AWS's APIs give it: a bool (RDS) or the string "true"/"false" (ELBv2 attributes)."""
    return value is True or str(value).lower() == "true"


def _protection_fix(env, what):
    protected = bool(env.x["protected"])
    return ("Re-run the deploy (%s): it sets %s's deletion protection to the environment's class (payment_protected is "
            "%s)." % (env.deploy, what, "true" if protected else "false"))


def db_protection_check(env):
    name = "rds: deletion protection"
    fix = _protection_fix(env, "the cluster")
    if env.cluster is None:
        return check(name, FAIL, env.cluster_problem, fix)
    wanted, live = bool(env.x["protected"]), _flag(env.cluster.get("deletion_protection"))
    if live != wanted:
        return check(name, FAIL, "the cluster's deletion protection is %s, but the environment is %s" % (
            "on" if live else "off", "protected" if wanted else "not protected"), fix)
    return check(name, PASS, "deletion protection is %s, as the environment's class wants" % ("on" if live else "off"))


def alb_protection_check(env):
    name = "alb: deletion protection"
    fix = _protection_fix(env, "the load balancer")
    if env.lb is None:
        return check(name, FAIL, env.lb_problem, fix)
    if "deletion_protection_enabled" not in env.lb:
        return check(name, FAIL, "the load balancer's attributes were not read", fix)
    wanted, live = bool(env.x["protected"]), _flag(env.lb["deletion_protection_enabled"])
    if live != wanted:
        return check(name, FAIL, "the load balancer's deletion protection is %s, but the environment is %s" % (
            "on" if live else "off", "protected" if wanted else "not protected"), fix)
    return check(name, PASS, "deletion protection is %s, as the environment's class wants" % ("on" if live else "off"))


def monitoring_check(env):
    name = "rds: enhanced monitoring"
    interval, auto = int(env.x["db_monitoring_interval"]), bool(env.x["db_auto_minor_version_upgrade"])
    role = env.names["db_monitoring_role"]
    fix = ("Re-run the deploy (%s): the rds role sets Enhanced Monitoring every %d s through the role %s and automatic "
           "minor version upgrades %s (on with a major payment_db_engine_version, off with a pinned minor)."
           % (env.deploy, interval, role, "on" if auto else "off"))
    if env.instances_problem or not env.instances:
        return check(name, FAIL, env.instances_problem or "the cluster has no instance", fix)
    problems = []
    for instance in sorted(env.instances, key=lambda i: i.get("db_instance_identifier") or ""):
        ident = instance.get("db_instance_identifier")
        live = instance.get("monitoring_interval") or 0
        arn = instance.get("monitoring_role_arn") or ""
        if live != interval:
            problems.append("%s samples every %s s, not %d" % (ident, live, interval))
        if interval and not arn.endswith(":role/" + role):
            problems.append("%s monitors through %s, not the role %s" % (ident, arn or "no role", role))
        if bool(instance.get("auto_minor_version_upgrade")) != auto:
            problems.append("%s has automatic minor version upgrades %s" % (
                ident, "on" if instance.get("auto_minor_version_upgrade") else "off"))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "%d instances: every %d s through %s, automatic minor upgrades %s" % (
        len(env.instances), interval, role, "on" if auto else "off"))


def _log_groups(env):
    """(log groups by name, problem) from the looped read of each of the environment's log groups."""
    looped, problem = env.reads.get("log_groups")
    groups = {}
    for result in looped.get("results") or []:
        if isinstance(result, Mapping) and result.get("failed"):
            problem = problem or "reading %s failed: %s" % (result.get("item"), result.get("msg") or "no message")
        for group in (result.get("log_groups") or []) if isinstance(result, Mapping) else []:
            groups[group.get("log_group_name")] = group
    return groups, problem


def kms_check(env):
    """The environment's key: enabled, rotating, with exactly its policy, and encrypting the cluster and the logs."""
    name = "kms: encryption"
    alias = env.names["kms_alias"]
    fix = ("Re-run the deploy (%s): the kms role keeps %s enabled, rotating and with its key policy, and the roles "
           "encrypt the database, its secret and the log groups with it when they create them." % (env.deploy, alias))
    keys, problem = env.reads.get("kms_key")
    if problem:
        return _read_failure(name, "the key " + alias, problem)
    key = (keys.get("kms_keys") or [None])[0]
    if not isinstance(key, Mapping):
        return check(name, FAIL, "there is no key %s" % alias, fix)
    arn = key.get("key_arn") or ""
    problems, fixes = [], [fix]
    if key.get("key_state") != "Enabled":
        problems.append("%s is %s" % (alias, key.get("key_state")))
    if not key.get("enable_key_rotation"):
        problems.append("automatic rotation of %s is off" % alias)
    # The account and partition are the key's own (arn:<partition>:kms:<region>:<account>:key/<id>).
    fields = arn.split(":")
    wanted = kms.key_policy({"partition": fields[1], "id": fields[4]}, env.x["region"], env.names["log_groups"]) \
        if len(fields) > 4 else None
    live = [json.loads(p) if isinstance(p, str) else p for p in key.get("key_policies") or []]
    if wanted is not None and live != [wanted]:
        problems.append("the key policy of %s is not the platform's (filter payments.platform.kms_key_policy)" % alias)
    if env.cluster is None:
        problems.append(env.cluster_problem)
    elif env.cluster.get("kms_key_id") != arn:
        problems.append("the cluster is encrypted with %s, not %s" % (env.cluster.get("kms_key_id") or "no key", alias))
        fixes.append("AWS cannot change a cluster's key: the pre-flight explains the replacement")
    groups, groups_problem = _log_groups(env)
    if groups_problem:
        return _read_failure(name, "the log groups", groups_problem)
    for group_name in env.names["log_groups"]:
        group = groups.get(group_name)
        if group is None:
            problems.append("there is no log group %s" % group_name)
        elif group.get("kms_key_id") != arn:
            problems.append("the log group %s is encrypted with %s" % (group_name, group.get("kms_key_id") or "no key of its own"))
            # CloudWatch Logs encrypts a log group with the key given at its creation only; one created earlier is
            # associated by hand.
            fixes.append("aws logs associate-kms-key --log-group-name %s --kms-key-id %s" % (group_name, arn))
    if problems:
        return check(name, FAIL, "; ".join(problems), "; ".join(fixes) + ".")
    return check(name, PASS, "%s (enabled, rotating, with its key policy) encrypts the cluster and %s" % (
        alias, _join(env.names["log_groups"])))


def _tags_select(conditions, tags):
    """Whether a backup selection's StringEquals conditions (aws:ResourceTag/<key>) all hold for `tags`."""
    equals = (conditions or {}).get("string_equals") or []
    return bool(equals) and all(
        str(c.get("condition_key", "")).startswith("aws:ResourceTag/")
        and tags.get(str(c["condition_key"])[len("aws:ResourceTag/"):]) == c.get("condition_value") for c in equals)


def backup_check(env):
    """A protected environment's cluster is backed up daily by AWS Backup, into a vault its own key encrypts."""
    name = "backup: plan"
    n, days = env.names, int(env.x["backup_retention_days"])
    if not env.x["protected"]:
        return check(name, PASS, "%s is not protected: the cluster's own automated backups only" % env.x["environment"])
    fix = ("Re-run the deploy (%s): the backup role keeps the vault %s (the environment's key), the plan %s (daily, kept "
           "payment_backup_retention_days = %d days) and its selection %s of the cluster by tag."
           % (env.deploy, n["backup_vault"], n["backup_plan"], days, n["backup_selection"]))
    problems = []
    plans, problem = env.reads.get("backup_plan")
    if problem:
        return _read_failure(name, "the backup plan", problem)
    plan = (plans.get("backup_plans") or [None])[0]
    if not isinstance(plan, Mapping):
        return check(name, FAIL, "there is no backup plan %s" % n["backup_plan"], fix)
    rules = (plan.get("backup_plan") or {}).get("rules") or []
    if not any(r.get("target_backup_vault_name") == n["backup_vault"]
               and (r.get("lifecycle") or {}).get("delete_after_days") == days for r in rules):
        problems.append("no rule of %s backs up into %s for %d days" % (n["backup_plan"], n["backup_vault"], days))
    vaults, problem = env.reads.get("backup_vault")
    vault = (vaults.get("backup_vaults") or [None])[0]
    keys, dummy = env.reads.get("kms_key")
    key_arn = ((keys.get("kms_keys") or [{}])[0] or {}).get("key_arn")
    if problem or not isinstance(vault, Mapping):
        problems.append("there is no backup vault %s" % n["backup_vault"])
    elif not key_arn or vault.get("encryption_key_arn") != key_arn:
        problems.append("the vault %s is encrypted with %s, not %s" % (
            n["backup_vault"], vault.get("encryption_key_arn") or "no key", n["kms_alias"]))
    selections, problem = env.reads.get("backup_selection")
    selection = (selections.get("backup_selections") or [None])[0]
    if problem or not isinstance(selection, Mapping):
        problems.append("there is no selection %s in %s" % (n["backup_selection"], n["backup_plan"]))
    elif env.cluster is not None:
        arn, tags = env.cluster.get("db_cluster_arn") or "", env.cluster.get("tags") or {}
        if not any(fnmatch.fnmatchcase(arn, r) for r in selection.get("resources") or []) \
                or not _tags_select(selection.get("conditions"), tags):
            problems.append("the selection %s does not select the cluster %s by its tags" % (
                n["backup_selection"], n["db_cluster"]))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "%s backs the cluster up daily into %s (%s), kept %d days" % (
        n["backup_plan"], n["backup_vault"], n["kms_alias"], days))


def _publishers(policy):
    """The services an SNS topic policy lets sns:Publish, each only with the aws:SourceAccount condition."""
    found = set()
    try:
        document = json.loads(policy) if isinstance(policy, str) else (policy or {})
    except ValueError:
        return found
    for statement in _list(document.get("Statement")):
        actions = _list(statement.get("Action"))
        if statement.get("Effect") != "Allow" or not ({"sns:Publish", "sns:*", "*"} & set(actions)):
            continue
        conditions = [test.get("aws:SourceAccount") for test in (statement.get("Condition") or {}).values()
                      if isinstance(test, Mapping)]
        if any(conditions):
            found.update(_list((statement.get("Principal") or {}).get("Service")))
    return found


def alert_topic_check(env):
    """The topic exists, is encrypted, lets CloudWatch and RDS publish, has every address subscribed, and every alarm's
    alarm and OK actions point at it."""
    name = "alerts: topic"
    topic = env.names["alert_topic"]
    fix = ("Re-run the deploy (%s): the alerts role creates %s (encrypted, its access policy, one email subscription per "
           "payment_alert_emails address) and the monitoring role points every alarm's alarm and OK actions at it."
           % (env.deploy, topic))
    if env.topic is None:
        return check(name, FAIL, env.topic_problem, fix)
    if env.alarms_problem:
        return _read_failure(name, "the alarms", env.alarms_problem)
    arn, problems = env.topic.get("topic_arn"), []
    if not env.topic.get("kms_master_key_id"):
        problems.append("%s is not encrypted" % topic)
    missing_publishers = [s for s in ALERT_PUBLISHERS if s not in _publishers(env.topic.get("policy"))]
    if missing_publishers:
        problems.append("its policy does not let %s publish (with aws:SourceAccount)" % _join(missing_publishers))
    subscriptions = {(s.get("endpoint") or "").lower(): s for s in env.topic.get("subscriptions") or []
                     if s.get("protocol") == "email"}
    wanted = [address.lower() for address in env.x["alert_emails"]]
    unsubscribed = [address for address in wanted if address not in subscriptions]
    if unsubscribed:
        problems.append("%s %s not subscribed" % (_join(unsubscribed), "is" if len(unsubscribed) == 1 else "are"))
    for alarm in sorted(env.names["alarms"].values()):
        found = env.alarms.get(alarm)
        if found is None:
            problems.append("there is no alarm %s" % alarm)
        elif arn not in (found.get("alarm_actions") or []) or arn not in (found.get("ok_actions") or []):
            problems.append("the alarm %s does not notify %s when it fires and recovers" % (alarm, topic))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    pending = [address for address in wanted if subscriptions[address].get("subscription_arn") == PENDING_SUBSCRIPTION]
    detail = "%s encrypted with %s; %d alarms notify it; %s" % (
        topic, env.topic["kms_master_key_id"], len(env.names["alarms"]),
        "subscribers: %s" % _join(wanted) if wanted else "no subscriber (payment_alert_emails is empty)")
    if pending:
        return check(name, WARN, "%s; %s not confirmed yet" % (detail, _join(pending)),
                     "Each address gets a mail from AWS Notifications: its recipient confirms the subscription with "
                     "the link in it (until then, alerts do not reach them).")
    return check(name, PASS, detail)


def event_subscription_check(env):
    """The cluster's and the instances' events of the expected categories go to the alert topic."""
    name = "rds: event subscription"
    fix = ("Re-run the deploy (%s): the alerts role subscribes the cluster (%s) and its instances (%s) to the "
           "categories %s, sent to %s." % (
               env.deploy, env.names["db_event_subscriptions"]["db-cluster"],
               env.names["db_event_subscriptions"]["db-instance"],
               _join(env.x["alert_event_categories"]), env.names["alert_topic"]))
    if env.events_problem:
        return _read_failure(name, "the RDS event subscriptions", env.events_problem)
    if env.topic is None or env.cluster is None:
        return check(name, FAIL, env.topic_problem or env.cluster_problem, fix)
    sources = {"db-cluster": [env.cluster.get("db_cluster_identifier")],
               "db-instance": sorted(i.get("db_instance_identifier") for i in env.instances)}
    problems = []
    for source_type, subscription_name in env.names["db_event_subscriptions"].items():
        found = env.event_subscriptions.get(subscription_name)
        if found is None:
            problems.append("there is no event subscription %s" % subscription_name)
            continue
        missing = sorted(set(env.x["alert_event_categories"]) - set(found.get("event_categories_list") or []))
        if not found.get("enabled"):
            problems.append("%s is disabled" % subscription_name)
        if found.get("sns_topic_arn") != env.topic.get("topic_arn"):
            problems.append("%s sends to %s" % (subscription_name, found.get("sns_topic_arn")))
        if found.get("source_type") != source_type or sorted(found.get("source_ids_list") or []) != sources[source_type]:
            problems.append("%s covers %s %s, not %s" % (
                subscription_name, found.get("source_type"),
                _join(sorted(found.get("source_ids_list") or [])) or "none", _join(sources[source_type])))
        if missing:
            problems.append("%s leaves out %s" % (subscription_name, _join(missing)))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "%s and its %d instances send %s events to %s" % (
        sources["db-cluster"][0], len(sources["db-instance"]), _join(env.x["alert_event_categories"]),
        env.names["alert_topic"]))


def _statements(document):
    if not isinstance(document, Mapping):
        return []
    return [s for s in _list(document.get("Statement")) if isinstance(s, Mapping)]


def _grants(actions, wanted):
    """Whether any action pattern (IAM wildcards, case-insensitive) covers the action `wanted`."""
    return any(fnmatch.fnmatchcase(wanted.lower(), str(a).lower()) for a in actions)


def execution_role_check(env):
    name = "iam: execution role"
    role_name = env.names["task_execution_role"]
    policy_name = env.names["task_execution_policy"]
    fix = ["Re-run the deploy (%s): the ecs role rewrites the inline policy %s and detaches managed policies"
           % (env.deploy, policy_name)]
    problems = []
    if env.task is None:
        problems.append("task definition: %s" % env.task_problem)
    elif not re.search(r":role/(.*/)?%s$" % re.escape(role_name), env.task.get("execution_role_arn") or ""):
        problems.append("the task definition's execution role is %s, not %s" % (
            env.task.get("execution_role_arn") or "none", role_name))
    if env.role is None:
        return check(name, FAIL, "; ".join(problems + [env.role_problem]), fix[0] + ".")
    if env.policies_problem:
        return _read_failure(name, "the role's inline policies", env.policies_problem)
    for policy in env.role.get("managed_policies") or []:
        problems.append("managed policy %s is attached (the platform attaches none)" % (
            policy.get("policy_name") or policy.get("policy_arn")))
    secret_arn = env.secret_arn()
    allowed = set(a.lower() for a in env.x["allowed_wildcard_actions"])
    secret_grants = []
    for policy in env.inline_policies:
        pname = policy.get("policy_name")
        bad_in_policy = False
        for index, statement in enumerate(_statements(policy.get("policy_document"))):
            if statement.get("Effect") != "Allow":
                continue
            label = "%s statement %s" % (pname, statement.get("Sid") or index)
            if "NotAction" in statement or "NotResource" in statement:
                problems.append("%s allows with NotAction/NotResource, which grants everything not listed" % label)
                bad_in_policy = True
                continue
            actions = [str(a) for a in _list(statement.get("Action"))]
            resources = [str(r) for r in _list(statement.get("Resource"))]
            wild_actions = [a for a in actions if a == "*" or a.endswith(":*")]
            if wild_actions:
                problems.append("%s allows Action %s" % (label, _join(wild_actions)))
                bad_in_policy = True
            wide_open = "*" in resources and not set(a.lower() for a in actions) <= allowed
            if wide_open:
                problems.append("%s allows %s on Resource *" % (label, _join(actions)))
                bad_in_policy = True
            if secret_arn and _grants(actions, "secretsmanager:GetSecretValue"):
                others = [r for r in resources if r != secret_arn and not (wide_open and r == "*")]
                if others:
                    problems.append("%s grants secretsmanager:GetSecretValue on %s, beyond the DB secret" % (
                        label, _join(others)))
                    bad_in_policy = True
                secret_grants += [r for r in resources if secret_arn and fnmatch.fnmatchcase(secret_arn, r)]
        if bad_in_policy and pname != policy_name:
            fix.append("delete the inline policy %s (aws iam delete-role-policy --role-name %s --policy-name %s)" % (
                pname, role_name, pname))
    if secret_arn is None:
        problems.append("the task definition names no DB secret to compare the grant with")
    elif not secret_grants:
        problems.append("nothing grants secretsmanager:GetSecretValue on %s, so ECS cannot inject the DB credentials"
                        % secret_arn)
    problems += _trust_problems(env.role)
    if problems:
        return check(name, FAIL, "; ".join(problems), "; ".join(fix) + ".")
    return check(name, PASS, "%s reads only %s; its one wildcard resource is for %s; only ECS tasks of its account "
                 "may assume it" % (role_name, secret_arn, _join(env.x["allowed_wildcard_actions"])))


def _trust_problems(role):
    """A trust statement letting ECS tasks assume the role without aws:SourceAccount = the role's own account.

    Without it, ECS acting for another account could be made to assume the role (the confused deputy, as AWS's IAM
    User Guide calls it); the condition is what AWS recommends for every service principal.
    """
    account = (role.get("arn") or "").split(":")[4:5]
    problems = []
    for index, statement in enumerate(_statements(role.get("assume_role_policy_document"))):
        services = _list((statement.get("Principal") or {}).get("Service")) if isinstance(
            statement.get("Principal"), Mapping) else []
        if statement.get("Effect") != "Allow" or "ecs-tasks.amazonaws.com" not in services:
            continue
        source = ((statement.get("Condition") or {}).get("StringEquals") or {}).get("aws:SourceAccount")
        if _list(source) != account:
            problems.append("its trust policy (statement %s) lets ecs-tasks.amazonaws.com assume it for any account "
                            "(no aws:SourceAccount condition naming %s)" % (statement.get("Sid") or index,
                                                                            _join(account) or "its account"))
    return problems


def task_hardening_check(env):
    """The container's root filesystem is read-only; only a task volume at the scratch path is writable."""
    name = "ecs: task hardening"
    fix = ("Re-run the deploy (%s): the ecs role registers the container with a read-only root filesystem and a "
           "task volume at %s." % (env.deploy, env.x["scratch_path"]))
    if env.container is None:
        return check(name, FAIL, env.task_problem, fix)
    problems = []
    if env.container.get("readonly_root_filesystem") is not True:
        problems.append("container %s has a writable root filesystem" % env.x["container_name"])
    volumes = {v.get("name") for v in env.task.get("volumes") or []}
    scratch = [m for m in env.container.get("mount_points") or [] if m.get("container_path") == env.x["scratch_path"]
               and m.get("source_volume") in volumes and not m.get("read_only")]
    if not scratch:
        problems.append("nothing writable is mounted at %s (applications and libraries write temporary files there)"
                        % env.x["scratch_path"])
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "root filesystem read-only; %s writable on the task volume %s" % (
        env.x["scratch_path"], scratch[0]["source_volume"]))


# ---- all together -------------------------------------------------------------------------------------------

def _audit_fix(env, what):
    return ("Re-run the deploy (%s): the audit_logs role %s (payment_audit_log_retention_days is %s)." % (
        env.deploy, what, env.x["audit_log_retention_days"]))


def _bucket_problems(env, bucket):
    problems = []
    rules = ((bucket.get("bucket_encryption") or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    algorithms = [(r.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") for r in rules]
    # ALB access logs support SSE-S3 only: a KMS key would stop their delivery.
    if algorithms != ["AES256"]:
        problems.append("its default encryption is %s, not SSE-S3 (AES256)" % (_join(map(str, algorithms)) or "off"))
    block = (bucket.get("public_access_block") or {}).get("PublicAccessBlockConfiguration") or {}
    off = [key for key in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
           if block.get(key) is not True]
    if off:
        problems.append("public access is not blocked (%s off)" % _join(off))
    policy_text = (bucket.get("bucket_policy") or {}).get("Policy")
    try:
        policy = json.loads(policy_text) if policy_text else {}
    except ValueError:
        policy = {}
    wanted = audit.allowed_principals(audit.bucket_policy(env.audit_bucket_name, env.x["account_id"], env.x["region"]))
    allowed = audit.allowed_principals(policy)
    if allowed != wanted:
        problems.append("its policy admits %s, not only %s" % (_join(allowed) or "nobody", _join(wanted)))
    if not any(st.get("Effect") == "Deny" and ((st.get("Condition") or {}).get("Bool") or {}).get("aws:SecureTransport")
               in ("false", False) for st in policy.get("Statement") or []):
        problems.append("its policy does not deny requests without TLS")
    days = [((r.get("Expiration") or {}).get("Days")) for r in (bucket.get("bucket_lifecycle_configuration") or {}).get(
        "Rules") or [] if r.get("Status") == "Enabled"]
    if days != [int(env.x["audit_log_retention_days"])]:
        problems.append("its objects expire after %s days, not %s" % (
            _join(map(str, days)) or "no", env.x["audit_log_retention_days"]))
    return problems


def audit_bucket_check(env):
    """The audit log bucket: SSE-S3, no public access, only the delivering services may write, expiry = retention."""
    name = "audit: bucket"
    fix = _audit_fix(env, "creates %s encrypted (SSE-S3), with public access blocked, the policy admitting only the "
                          "delivering services and the lifecycle expiring logs after the retention" % env.audit_bucket_name)
    if env.audit_bucket is None:
        return check(name, FAIL, env.audit_bucket_problem, fix)
    problems = _bucket_problems(env, env.audit_bucket)
    if problems:
        return check(name, FAIL, "%s: %s" % (env.audit_bucket_name, "; ".join(problems)), fix)
    return check(name, PASS, "%s: SSE-S3, public access blocked, written only by %s, logs expire after %s days" % (
        env.audit_bucket_name, _join(audit.allowed_principals(json.loads(env.audit_bucket["bucket_policy"]["Policy"]))),
        env.x["audit_log_retention_days"]))


def alb_access_logs_check(env):
    name = "alb: access logs"
    fix = ("Re-run the deploy (%s): the alb role turns access logs on into %s (prefix %s/), after the audit_logs role "
           "has created the bucket and its policy." % (env.deploy, env.audit_bucket_name, audit.ALB_PREFIX))
    if env.lb is None:
        return check(name, FAIL, env.lb_problem, fix)
    if "access_logs_s3_enabled" not in env.lb:
        return check(name, FAIL, "the load balancer's attributes were not read", fix)
    live = (_flag(env.lb["access_logs_s3_enabled"]), env.lb.get("access_logs_s3_bucket"), env.lb.get("access_logs_s3_prefix"))
    if live != (True, env.audit_bucket_name, audit.ALB_PREFIX):
        return check(name, FAIL, "access logs are %s" % (
            "off" if not live[0] else "written to %s/%s" % (live[1], live[2])), fix)
    return check(name, PASS, "access logs go to s3://%s/%s/" % live[1:])


def flow_logs_check(env):
    name = "vpc: flow logs"
    destination = "arn:aws:s3:::%s/%s/" % (env.audit_bucket_name, audit.FLOW_PREFIX)
    fix = _audit_fix(env, "creates the flow log %s of all the VPC's traffic into %s" % (env.names["flow_log"], destination))
    if env.flow_logs_problem:
        return _read_failure(name, "the flow logs", env.flow_logs_problem)
    vpc_id = env.vpc.get("id")
    good = [fl for fl in env.flow_logs if fl.get("resource_id") == vpc_id and fl.get("traffic_type") == "ALL"
            and fl.get("log_destination_type") == "s3" and fl.get("log_destination") == destination]
    if not good:
        found = _join(["%s (%s, %s traffic, to %s)" % (
            fl.get("flow_log_id"), fl.get("resource_id"), fl.get("traffic_type"), fl.get("log_destination"))
            for fl in env.flow_logs])
        return check(name, FAIL, "no flow log captures all of %s's traffic into %s%s" % (
            vpc_id, destination, "; found %s" % found if found else ""), fix)
    return check(name, PASS, "%s captures all of %s's traffic (every subnet) into %s" % (
        good[0].get("flow_log_id"), vpc_id, destination))


def db_connection_logging_check(env):
    name = "rds: connection logging"
    fix = ("Re-run the deploy (%s): the rds role sets log_connections and log_disconnections to 1 in %s, exports the "
           "postgresql log and keeps %s payment_audit_log_retention_days (%s)." % (
               env.deploy, env.names["db_parameter_group"], env.names["db_log_group"], env.x["audit_log_retention_days"]))
    if env.db_parameters_problem:
        return _read_failure(name, "the cluster parameter group", env.db_parameters_problem)
    groups, groups_problem = _log_groups(env)
    if groups_problem:
        return _read_failure(name, "the log groups", groups_problem)
    if env.cluster is None:
        return check(name, FAIL, env.cluster_problem, fix)
    db_log_group = groups.get(env.names["db_log_group"])
    problems = ["%s is %s" % (p, env.db_parameters.get(p) or "unset") for p in ("log_connections", "log_disconnections")
                if str(env.db_parameters.get(p)) != "1"]
    if "postgresql" not in _list(env.cluster.get("enabled_cloudwatch_logs_exports")):
        problems.append("the cluster does not export its postgresql log")
    retention = (db_log_group or {}).get("retention_in_days")
    if retention != int(env.x["audit_log_retention_days"]):
        problems.append("%s %s" % (env.names["db_log_group"], "keeps logs %s days" % retention if retention else
                                   ("keeps logs forever" if db_log_group else "does not exist")))
    if problems:
        return check(name, FAIL, "; ".join(problems), fix)
    return check(name, PASS, "log_connections and log_disconnections on; the postgresql log goes to %s, kept %s days" % (
        env.names["db_log_group"], retention))


def find_input_problems(reads, expected):
    problems = []
    if not isinstance(reads, Mapping):
        problems.append("the input must be a dict of read name to the registered result, got %r." % (reads,))
    if not isinstance(expected, Mapping):
        problems.append("expected must be a dict, got %r." % (expected,))
    else:
        missing = [key for key in REQUIRED_EXPECTED if key not in expected]
        if missing:
            problems.append("expected lacks %s. Fix: pass every key the filter documents." % _join(missing))
    return problems


def evaluate(reads, expected):
    """Every check of one environment, in a fixed order (see the filter's documentation)."""
    env = Environment(reads, expected)
    first = vpc_check(env)
    if first["status"] != PASS:
        return [first]
    return (
        [first, public_routing_check(env), private_routing_check(env), local_route_check(env), endpoints_check(env),
         endpoint_policies_check(env), default_group_check(env), placement_check(env)]
        + reachability_checks(env)
        + [service_check(env), deployment_check(env), running_check(env), scalable_target_check(env),
           scaling_policy_check(env), target_group_check(env)]
        + listener_rule_checks(env)
        + [https_check(env), http_redirect_check(env), target_health_check(env), waf_check(env)]
        + dns_checks(env)
        + [task_hardening_check(env), task_secrets_check(env), secret_host_check(env), execution_role_check(env),
           db_protection_check(env), monitoring_check(env), alb_protection_check(env), kms_check(env),
           backup_check(env), alert_topic_check(env), event_subscription_check(env), audit_bucket_check(env),
           alb_access_logs_check(env), flow_logs_check(env), db_connection_logging_check(env)]
    )


def summarize(checks):
    """Counts per status and the overall result: fail if any check failed, else warn if any warned, else pass."""
    counts = {status: sum(1 for c in checks if c["status"] == status) for status in (PASS, WARN, FAIL)}
    result = FAIL if counts[FAIL] else (WARN if counts[WARN] else PASS)
    return result, counts


def report(reads, expected):
    """The verification report of one environment: what verify-{env}.json holds."""
    checks = evaluate(reads, expected)
    result, counts = summarize(checks)
    return {"environment": expected["environment"], "region": expected["region"], "result": result,
            "summary": counts, "checks": checks}
