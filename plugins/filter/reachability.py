# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.reachability: which network paths security groups and routes allow."""
from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils.reachability import analyse, find_input_problems

DOCUMENTATION = r"""
name: reachability
author: payments platform team
version_added: "1.0.0"
short_description: Check which TCP paths the security groups and route tables of a payment VPC allow
description:
  - A small reachability analysis in the spirit of AWS Reachability Analyzer, for the post-deploy verification.
    It reads only security groups and route tables (what C(amazon.aws.ec2_security_group_info) and
    C(amazon.aws.ec2_vpc_route_table_info) return) and decides, per expected flow, whether the path is allowed.
  - Flows are TCP. A rule with protocol C(-1) admits every port; port ranges are inclusive.
    Network ACLs, IPv6 and prefix-list rules do not allow a flow (prefix lists are not resolved).
  - From the special node C(internet) to node X the flow is allowed when an ingress rule of X's security group
    admits the port from a CIDR holding public addresses (C(0.0.0.0/0) is the internet; a CIDR inside
    10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 127.0.0.0/8 or 169.254.0.0/16 does not admit the
    internet) and every subnet of X is associated with a route table (its own, else the VPC's main table)
    with an active C(0.0.0.0/0) route to an internet gateway (C(igw-...)).
  - From node A to node B the flow is allowed when an egress rule of A's security group admits the port to B's
    security group or to any CIDR, and an ingress rule of B's security group admits the port from A's
    security group or from C(0.0.0.0/0). Subnet CIDRs are not known here, so any other ingress CIDR does not
    count as admitting A (it may still admit A in AWS; the C(only_from) check reports such rules).
  - An C(only_from) flow checks exclusivity, that nothing but the listed nodes reaches the target on the port.
    It is met when every ingress rule of the target's security group admitting the port has as its source a
    security group of one of the listed nodes. Every other source (CIDR, IPv6 range, prefix list, other
    security group) is reported. When no rule admits the port at all, the check is met (nothing reaches it).
  - Every verdict has a reason that names the rules that decide it, or the rule that is missing.
positional: flows, security_groups, route_tables
options:
  _input:
    description:
      - Dict of node name to C(group_id) (the node's security group id) and C(subnet_ids) (non-empty list of
        the subnet ids the node lives in).
      - The name C(internet) is reserved for the internet and needs no entry.
    type: dict
    required: true
  flows:
    description:
      - The flows to check, each either C(from), C(to), C(port) and C(expect) (V(allow) or V(deny)),
        or C(to), C(port) and C(only_from) (a non-empty list of node names).
      - C(from) may be C(internet); C(to) and the C(only_from) names must be nodes.
    type: list
    elements: dict
    required: true
  security_groups:
    description:
      - The C(security_groups) returned by C(amazon.aws.ec2_security_group_info); must hold every node's group.
    type: list
    elements: dict
    required: true
  route_tables:
    description:
      - The C(route_tables) returned by C(amazon.aws.ec2_vpc_route_table_info) for the VPC.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Read the security groups and route tables of the VPC
  amazon.aws.ec2_security_group_info:
    filters: {vpc-id: "{{ payment_vpc_id }}"}
  register: sg_info

- name: Read the route tables
  amazon.aws.ec2_vpc_route_table_info:
    filters: {vpc-id: "{{ payment_vpc_id }}"}
  register: rt_info

- name: Check the three tiers' network paths
  ansible.builtin.set_fact:
    payment_reachability: >-
      {{ nodes | payments.platform.reachability(flows, sg_info.security_groups, rt_info.route_tables) }}
  vars:
    nodes:
      alb: {group_id: "{{ payment_alb_sg_id }}", subnet_ids: "{{ payment_public_subnet_ids }}"}
      ecs: {group_id: "{{ payment_ecs_sg_id }}", subnet_ids: "{{ payment_private_subnet_ids }}"}
      db: {group_id: "{{ payment_db_sg_id }}", subnet_ids: "{{ payment_private_subnet_ids }}"}
    flows:
      - {from: internet, to: alb, port: 443, expect: allow}
      - {from: alb, to: ecs, port: 8080, expect: allow}
      - {from: ecs, to: db, port: 5432, expect: allow}
      - {from: internet, to: ecs, port: 8080, expect: deny}
      - {from: internet, to: db, port: 5432, expect: deny}
      - {to: db, port: 5432, only_from: [ecs]}
  # payment_reachability[0] =>
  #   {"flow": "internet -> alb:443", "expected": "allow", "actual": "allow", "ok": true,
  #    "reason": "dev-payment-alb-sg ingress tcp 443 from 0.0.0.0/0; subnets subnet-0a, subnet-0b
  #               route 0.0.0.0/0 to igw-0123"}

- name: Fail with the reasons of every unexpected path
  ansible.builtin.assert:
    that: payment_reachability | rejectattr('ok') | list | length == 0
    fail_msg: "{{ payment_reachability | rejectattr('ok') | map(attribute='reason') | list }}"
"""

RETURN = r"""
_value:
  description: One verdict per flow, in the order of O(flows).
  type: list
  elements: dict
  contains:
    flow:
      description: The flow, for example C(internet -> alb:443), or C(only ecs -> db:5432) for an exclusivity check.
      type: str
    expected:
      description: V(allow) or V(deny), or C(only from ecs) for an exclusivity check.
      type: str
    actual:
      description:
        - V(allow) or V(deny); for an exclusivity check C(only from ecs) when it is met,
          else C(also from) and the other sources.
      type: str
    ok:
      description: Whether the actual outcome is the expected one.
      type: bool
    reason:
      description: The rules that decide the outcome, or the rule that is missing.
      type: str
"""


def reachability(nodes, flows, security_groups, route_tables):
    """Jinja wrapper: raise with every input problem, else return the verdicts."""
    problems = find_input_problems(nodes, flows, security_groups, route_tables)
    if problems:
        raise AnsibleFilterError(
            "reachability: bad input (%d problem(s)):\n%s" % (len(problems), "\n".join(problems)))
    return analyse(nodes, flows, security_groups, route_tables)


class FilterModule:
    def filters(self):
        return {"reachability": reachability}
