# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The live state of one environment (the inspect role's `inspect_live`), built from what its reads returned.

Used by the filter live_state. Every value that could not be read is None: a resource missing from the reads
is an empty dict, a read that was skipped is a result without its key.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

# The keys of `reads`, each what one read of the inspect role found (see the filter's documentation).
# All are dicts but zone_id, the private zone's id ("" when there is none).
READS = (
    "vpc", "subnets", "db_cluster", "db_instances", "load_balancer", "service", "task", "scaling", "log_group",
    "web_acl", "waf_log_group", "kms_key", "backup_plan", "alert_topic", "flow_logs", "ecr",
)


def find_problems(reads):
    """Human-readable problems with `reads` (empty list if all is well): a typo in a key would silently read as
    a missing resource."""
    fix = "Fix: pass a dict with some of the keys %s, each a dict as its read returned it (zone_id a string)." % (
        ", ".join(READS + ("zone_id",)))
    if not isinstance(reads, Mapping):
        return ["live_state expects a dict of the inspect role's reads, got %r. %s" % (reads, fix)]
    problems = []
    for name, value in reads.items():
        if name == "zone_id":
            if value is not None and not isinstance(value, str):
                problems.append("reads.zone_id is %r: it must be the zone's id, a string (\"\" for none). %s"
                                % (value, fix))
        elif name not in READS:
            problems.append("reads has the unknown key %r. %s" % (name, fix))
        elif value is not None and not isinstance(value, Mapping):
            problems.append("reads.%s is %r: it must be a dict. %s" % (name, value, fix))
    return problems


def _get(value, *path):
    """value[path[0]][path[1]]..., None as soon as a step is missing or not a dict."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _first(items):
    """The first item, else an empty dict (nothing to read from)."""
    return items[0] if items else {}


def _unique(items):
    """The distinct items in their first order, strings compared ignoring case (ansible.builtin.unique)."""
    found, seen = [], []
    for item in items:
        key = item.lower() if isinstance(item, str) else item
        if key not in seen:
            seen.append(key)
            found.append(item)
    return found


def _is_true(value):
    """ELB answers attributes as the strings "true"/"false"; the inventory or a module may give booleans."""
    return str(value).lower() == "true"


def _number(value):
    """ECS answers CPU units and MiB as strings ("256"): the reports show numbers (Jinja's int: 0 if not one)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return 0


def _joined(items):
    """Several values as one "a, b" string, None when there are none."""
    return ", ".join(str(item) for item in items) or None


def _protected(cluster, alb):
    """Deletion protection of the cluster and the load balancer: one value when they agree, else which has it."""
    guards = {
        "cluster": cluster.get("deletion_protection"),
        "load balancer": _is_true(alb["deletion_protection_enabled"]) if "deletion_protection_enabled" in alb else None,
    }
    known = {name: guard for name, guard in guards.items() if guard is not None}
    if not known:
        return None
    if len(_unique(known.values())) == 1:
        return next(iter(known.values()))
    return ", ".join(name for name, guard in known.items() if guard) + " only"


def _image_tag(configured, image_tags):
    """The configured tag when it still names the image that runs, else the running image's other tags."""
    if configured in image_tags:
        return configured
    return _joined(sorted((tag for tag in image_tags if not re.match("deployed-", tag)), key=str.lower))


def _secret_arn(secret_ref):
    """value_from is <secret ARN>:<json key>:<stage>:<version>; the ARN is its first seven fields."""
    if "value_from" not in secret_ref:
        return None
    return ":".join(secret_ref["value_from"].split(":")[:7])


def live_state(reads, region, container_name, image_tag, scaling_policy):
    """`inspect_live`: deployed, outputs and configuration (see the filter live_state's RETURN)."""
    zone_id = reads.get("zone_id")
    reads = {name: reads.get(name) or {} for name in READS}
    vpc = reads["vpc"]
    deployed = "id" in vpc
    # Sorted as Jinja's sort does by default, ignoring case.
    subnets = sorted(reads["subnets"].get("subnets") or [], key=lambda s: str(_get(s, "tags", "Name")).lower())
    cluster = reads["db_cluster"]
    instances = reads["db_instances"].get("instances") or []
    alb = reads["load_balancer"]
    https_listeners = [listener for listener in alb.get("listeners") or [] if listener.get("protocol") == "HTTPS"]
    service = reads["service"]
    task = reads["task"] if "container_definitions" in reads["task"] else {}
    container = _first([c for c in task.get("container_definitions") or [] if c.get("name") == container_name])
    secret_ref = _first(container.get("secrets") or [])
    target = reads["scaling"].get("scalable_target") or {}
    policy = _first([p for p in reads["scaling"].get("policies") or [] if p.get("policy_name") == scaling_policy])
    rate_rule = _first([rule for rule in reads["web_acl"].get("rules") or []
                        if isinstance(rule.get("statement"), Mapping) and "rate_based_statement" in rule["statement"]])
    image_tags = _get(reads["ecr"], "image", "image_tags") or []
    alert_topic = _get(reads["alert_topic"], "result", "sns_topic")
    alert_recipients = (len([s for s in alert_topic.get("subscriptions") or [] if s.get("protocol") == "email"])
                        if alert_topic else None)
    image = container.get("image") or ""
    key = reads["kms_key"]
    backup_rules = _get(reads["backup_plan"], "backup_plan", "rules") or []
    intervals = _unique(instance.get("monitoring_interval", 0) for instance in instances)
    subnet_ids = {
        tier: [s.get("id") for s in subnets if re.search(tier, str(_get(s, "tags", "Name")))]
        for tier in ("-public-", "-private-")
    }
    return {
        "deployed": deployed,
        "outputs": {
            "vpcId": vpc.get("id"),
            "publicSubnetIds": subnet_ids["-public-"],
            "privateSubnetIds": subnet_ids["-private-"],
            "ecsClusterArn": service.get("clusterArn"),
            "albDnsName": alb.get("dns_name"),
            "dbEndpoint": cluster.get("endpoint"),
            "dbSecretArn": _secret_arn(secret_ref),
            "privateZoneId": zone_id or None,
            "ecrRepositoryUrl": _get(reads["ecr"], "repository", "repository_uri"),
        },
        "configuration": {
            "region": region,
            "vpc_cidr": vpc.get("cidr_block"),
            "az_count": len(_unique(s.get("availability_zone") for s in subnets)) or None,
            "db_instance_class": _joined(_unique(i.get("db_instance_class") for i in instances)),
            "db_instance_count": len(instances) if deployed else None,
            # One interval when the instances agree, else all of them ("0, 60").
            "db_monitoring_interval": intervals[0] if len(intervals) == 1 else _joined(intervals),
            "protected": _protected(cluster, alb),
            "scaling_cpu_threshold": _get(policy, "target_tracking_scaling_policy_configuration", "target_value"),
            "task_cpu": _number(task["cpu"]) if "cpu" in task else None,
            "task_memory": _number(task["memory"]) if "memory" in task else None,
            "container_port": _get(_first(container.get("port_mappings") or []), "container_port"),
            "image_tag": _image_tag(image_tag, image_tags),
            "image_digest": image.split("@")[1] if "@" in image else None,
            "desired_count": service.get("desiredCount"),
            "min_count": target.get("min_capacity"),
            "max_count": target.get("max_capacity"),
            "log_retention_days": reads["log_group"].get("retention_in_days"),
            "waf_rate_limit": _get(rate_rule, "statement", "rate_based_statement", "limit"),
            "audit_log_retention_days": reads["waf_log_group"].get("retention_in_days"),
            # The database is encrypted with the environment's own key (an enabled one), not an AWS-managed one.
            "customer_managed_key": None if not cluster else (
                "key_arn" in key and key.get("key_state", "") == "Enabled" and cluster.get("kms_key_id", "") == key["key_arn"]),
            "backup_retention_days": _get(backup_rules[0], "lifecycle", "delete_after_days") if backup_rules else None,
            # The edge: an HTTPS listener and its security policy (None without one).
            "https": len(https_listeners) > 0 if "listeners" in alb else None,
            "tls_policy": https_listeners[0].get("ssl_policy") if https_listeners else None,
            # Alarms and database events reach someone: the alert topic's email subscribers (None without the topic).
            "alerts": alert_recipients > 0 if alert_topic else None,
            "alert_recipients": alert_recipients,
            # The audit trail: the load balancer's access logs on (with a bucket), and what the flow log captures.
            "alb_access_logs": (_is_true(alb["access_logs_s3_enabled"]) and len(alb.get("access_logs_s3_bucket") or "") > 0)
            if "access_logs_s3_enabled" in alb else None,
            "flow_logs": _joined(f.get("traffic_type") for f in reads["flow_logs"].get("flow_logs") or []),
        },
    }
