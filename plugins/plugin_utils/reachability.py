# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which network paths security groups and routes allow: the analysis behind the filter payments.platform.reachability
and the post-deploy checks (plugin_utils/verification.py)."""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping

INTERNET = "internet"
ANYWHERE = "0.0.0.0/0"
TCP_PROTOCOLS = ("tcp", "6")
ALL_PROTOCOLS = "-1"
# Addresses that are not on the internet: a rule whose CIDR lies inside one of these does not admit it.
NON_PUBLIC_BLOCKS = tuple(
    ipaddress.ip_network(block)
    for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16")
)


# ---- rules ----------------------------------------------------------------------------------------------

def admits_port(permission, port):
    """Whether one ip_permissions item covers TCP `port`."""
    protocol = str(permission.get("ip_protocol"))
    if protocol == ALL_PROTOCOLS:
        return True
    if protocol not in TCP_PROTOCOLS:
        return False
    return permission.get("from_port", 0) <= port <= permission.get("to_port", 65535)


def holds_public_addresses(cidr):
    """Whether an IPv4 CIDR contains any internet address (False for malformed ones)."""
    try:
        network = ipaddress.IPv4Network(cidr, strict=False)
    except ValueError:
        return False
    return not any(network.subnet_of(block) for block in NON_PUBLIC_BLOCKS)


def describe_rule(group, direction, permission, peer):
    """e.g. 'dev-payment-alb-sg ingress tcp 80-443 from 0.0.0.0/0'."""
    if str(permission.get("ip_protocol")) == ALL_PROTOCOLS:
        what = "all traffic"
    else:
        first, last = permission.get("from_port", 0), permission.get("to_port", 65535)
        what = "tcp %s" % (first if first == last else "%s-%s" % (first, last))
    return "%s %s %s %s %s" % (_name(group), direction, what, "from" if direction == "ingress" else "to", peer)


def _name(group):
    return group.get("group_name") or group["group_id"]


def _sources(permission, groups):
    """(kind, value, label) for every peer of a rule: kind is 'cidr', 'group' or 'other'."""
    for item in permission.get("ip_ranges") or []:
        yield "cidr", item.get("cidr_ip"), item.get("cidr_ip")
    for item in permission.get("user_id_group_pairs") or []:
        group_id = item.get("group_id")
        yield "group", group_id, _name(groups[group_id]) if group_id in groups else group_id
    for item in permission.get("ipv6_ranges") or []:
        yield "other", item.get("cidr_ipv6"), item.get("cidr_ipv6")
    for item in permission.get("prefix_list_ids") or []:
        yield "other", item.get("prefix_list_id"), item.get("prefix_list_id")


def _first_match(group, direction, port, groups, accepts):
    """Description of the first rule of `group` in `direction` admitting `port` from/to a peer accepted, or None."""
    key = "ip_permissions" if direction == "ingress" else "ip_permissions_egress"
    for permission in group.get(key) or []:
        if not admits_port(permission, port):
            continue
        for kind, value, label in _sources(permission, groups):
            if accepts(kind, value):
                return describe_rule(group, direction, permission, label)
    return None


# ---- routes ---------------------------------------------------------------------------------------------

def route_table_of(subnet_id, vpc_id, route_tables):
    """The route table a subnet uses: its explicit association, else the VPC's main table, else None."""
    for table in route_tables:
        if any(a.get("subnet_id") == subnet_id for a in table.get("associations") or []):
            return table
    for table in route_tables:
        in_vpc = vpc_id is None or table.get("vpc_id") in (None, vpc_id)
        if in_vpc and any(a.get("main") for a in table.get("associations") or []):
            return table
    return None


def internet_gateway_route(table):
    """The igw id of the table's active 0.0.0.0/0 route to an internet gateway, or None."""
    for route in table.get("routes") or []:
        gateway = route.get("gateway_id") or ""
        if (route.get("destination_cidr_block") == ANYWHERE and gateway.startswith("igw-")
                and route.get("state", "active") != "blackhole"):
            return gateway
    return None


# ---- flows ----------------------------------------------------------------------------------------------

def _from_internet(flow, node, group, route_tables, groups):
    port = flow["port"]
    ingress = _first_match(group, "ingress", port, groups,
                           lambda kind, value: kind == "cidr" and holds_public_addresses(value))
    if ingress is None:
        sg_part = "no ingress rule of %s admits tcp %s from the internet (%s)" % (_name(group), port, ANYWHERE)
    else:
        sg_part = ingress

    routed, unrouted = [], []
    for subnet_id in node["subnet_ids"]:
        table = route_table_of(subnet_id, group.get("vpc_id"), route_tables)
        gateway = internet_gateway_route(table) if table is not None else None
        if gateway is None:
            where = table.get("route_table_id") if table is not None else "no route table"
            unrouted.append("%s (%s)" % (subnet_id, where))
        else:
            routed.append((subnet_id, gateway))
    if unrouted:
        route_part = "subnets %s have no route %s to an internet gateway" % (", ".join(unrouted), ANYWHERE)
    else:
        gateways = sorted(set(gateway for _subnet, gateway in routed))
        route_part = "subnets %s route %s to %s" % (
            ", ".join(subnet for subnet, _gateway in routed), ANYWHERE, ", ".join(gateways))

    allowed = ingress is not None and not unrouted
    return allowed, "%s; %s" % (sg_part, route_part)


def _between(flow, source_group, target_group, groups):
    port = flow["port"]
    source_id, target_id = source_group["group_id"], target_group["group_id"]
    egress = _first_match(
        source_group, "egress", port, groups,
        lambda kind, value: (kind == "group" and value == target_id) or kind == "cidr")
    ingress = _first_match(
        target_group, "ingress", port, groups,
        lambda kind, value: (kind == "group" and value == source_id) or (kind == "cidr" and value == ANYWHERE))
    parts = []
    if egress is None:
        parts.append("no egress rule of %s admits tcp %s to %s" % (_name(source_group), port, _name(target_group)))
    if ingress is None:
        parts.append(
            "no ingress rule of %s admits tcp %s from %s" % (_name(target_group), port, _name(source_group)))
    if parts:
        return False, "; ".join(parts)
    return True, "%s; %s" % (egress, ingress)


def _exclusive(flow, nodes, groups):
    port = flow["port"]
    target = groups[nodes[flow["to"]]["group_id"]]
    allowed_ids = [nodes[name]["group_id"] for name in flow["only_from"]]
    allowed_names = " or ".join(_name(groups[group_id]) for group_id in dict.fromkeys(allowed_ids))
    admitting, offending, others = [], [], []
    for permission in target.get("ip_permissions") or []:
        if not admits_port(permission, port):
            continue
        for kind, value, label in _sources(permission, groups):
            rule = describe_rule(target, "ingress", permission, label)
            if kind == "group" and value in allowed_ids:
                admitting.append(rule)
            else:
                offending.append("%s is not from %s" % (rule, allowed_names))
                others.append(label)
    expected = "only from %s" % ", ".join(flow["only_from"])
    if offending:
        return expected, "also from %s" % ", ".join(dict.fromkeys(others)), False, "; ".join(offending)
    if admitting:
        return expected, expected, True, "; ".join(admitting)
    return expected, expected, True, "no ingress rule of %s admits tcp %s at all" % (_name(target), port)


def analyse(nodes, flows, security_groups, route_tables):
    """One verdict per flow (see RETURN). Input must be valid (see find_input_problems)."""
    groups = {group["group_id"]: group for group in security_groups}
    verdicts = []
    for flow in flows:
        if "only_from" in flow:
            expected, actual, ok, reason = _exclusive(flow, nodes, groups)
            verdicts.append({
                "flow": "only %s -> %s:%s" % (", ".join(flow["only_from"]), flow["to"], flow["port"]),
                "expected": expected, "actual": actual, "ok": ok, "reason": reason,
            })
            continue
        target_node = nodes[flow["to"]]
        target = groups[target_node["group_id"]]
        if flow["from"] == INTERNET:
            allowed, reason = _from_internet(flow, target_node, target, route_tables, groups)
        else:
            allowed, reason = _between(flow, groups[nodes[flow["from"]]["group_id"]], target, groups)
        actual = "allow" if allowed else "deny"
        verdicts.append({
            "flow": "%s -> %s:%s" % (flow["from"], flow["to"], flow["port"]),
            "expected": flow["expect"], "actual": actual, "ok": actual == flow["expect"], "reason": reason,
        })
    return verdicts


# ---- input checks ---------------------------------------------------------------------------------------

def _node_problems(nodes, group_ids):
    """Problems with the nodes; group_ids is None when security_groups is unusable (reported already)."""
    if not isinstance(nodes, Mapping):
        return ["nodes must be a dict of node name to {group_id, subnet_ids}, got %r. Fix: pass e.g. "
                "{'alb': {'group_id': 'sg-0abc', 'subnet_ids': ['subnet-0a', 'subnet-0b']}}." % (nodes,)]
    problems = []
    if INTERNET in nodes:
        problems.append("node name %r is reserved for the internet and needs no entry. Fix: remove it from "
                        "the nodes, or rename the node." % INTERNET)
    for name, node in nodes.items():
        if not isinstance(node, Mapping):
            problems.append("node %s is %r: it must be a dict with group_id and subnet_ids." % (name, node))
            continue
        group_id = node.get("group_id")
        if not isinstance(group_id, str) or not group_id:
            problems.append("node %s has group_id %r: it must be the id of its security group, e.g. 'sg-0abc'."
                            % (name, group_id))
        elif group_ids is not None and group_id not in group_ids:
            problems.append(
                "node %s's security group %s is not in security_groups. Fix: read the groups with "
                "amazon.aws.ec2_security_group_info filtered by the node's VPC and pass its security_groups."
                % (name, group_id))
        subnets = node.get("subnet_ids")
        if not isinstance(subnets, list) or not subnets or not all(isinstance(s, str) for s in subnets):
            problems.append("node %s has subnet_ids %r: it must be a non-empty list of subnet ids, "
                            "e.g. ['subnet-0a', 'subnet-0b']." % (name, subnets))
    return problems


def _flow_problems(index, flow, nodes):
    shapes = ("Fix: use {'from': 'internet', 'to': 'alb', 'port': 443, 'expect': 'allow'} "
              "or {'to': 'db', 'port': 5432, 'only_from': ['ecs']}.")
    if not isinstance(flow, Mapping):
        return ["flow %d is %r, not a dict. %s" % (index, flow, shapes)]
    problems = []
    label = "flow %d (%s)" % (index, ", ".join("%s=%s" % item for item in flow.items()))
    known = sorted(nodes) if isinstance(nodes, Mapping) else None  # None: nodes unusable, reported already

    def check_node(role, name, internet_ok):
        if name == INTERNET and internet_ok:
            return
        if name == INTERNET:
            problems.append("%s: %s cannot be internet, only from can (paths from the internet in). %s"
                            % (label, role, shapes))
        elif known is not None and name not in known:
            problems.append("%s: %s %r is not a node; the nodes are %s. Fix: use one of them or add the node."
                            % (label, role, name, ", ".join(known + [INTERNET] if internet_ok else known)))

    port = flow.get("port")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        problems.append("%s: port %r must be an integer from 1 to 65535. %s" % (label, port, shapes))
    check_node("to", flow.get("to"), False)
    if "only_from" in flow:
        sources = flow["only_from"]
        if not isinstance(sources, list) or not sources:
            problems.append("%s: only_from %r must be a non-empty list of node names. %s" % (label, sources, shapes))
        else:
            for name in sources:
                check_node("only_from", name, False)
        extra = [key for key in ("from", "expect") if key in flow]
        if extra:
            problems.append("%s: %s do not go with only_from. %s" % (label, " and ".join(extra), shapes))
    else:
        check_node("from", flow.get("from"), True)
        if flow.get("expect") not in ("allow", "deny"):
            problems.append("%s: expect %r must be 'allow' or 'deny'. %s" % (label, flow.get("expect"), shapes))
    return problems


def find_input_problems(nodes, flows, security_groups, route_tables):
    """Human-readable problems with the filter's arguments (empty list if all is well)."""
    problems = []
    if not isinstance(security_groups, list) or not all(
            isinstance(g, Mapping) and g.get("group_id") for g in security_groups):
        problems.append("security_groups must be the security_groups list of amazon.aws.ec2_security_group_info "
                        "(dicts with group_id), got %r." % (security_groups,))
        group_ids = None
    else:
        group_ids = set(g["group_id"] for g in security_groups)
    if not isinstance(route_tables, list) or not all(isinstance(t, Mapping) for t in route_tables):
        problems.append("route_tables must be the route_tables list of amazon.aws.ec2_vpc_route_table_info, "
                        "got %r." % (route_tables,))
    problems += _node_problems(nodes, group_ids)
    if not isinstance(flows, list):
        problems.append("flows must be a list of flow dicts, got %r. Fix: pass e.g. "
                        "[{'from': 'internet', 'to': 'alb', 'port': 443, 'expect': 'allow'}]." % (flows,))
    else:
        for index, flow in enumerate(flows):
            problems += _flow_problems(index, flow, nodes)
    return problems
