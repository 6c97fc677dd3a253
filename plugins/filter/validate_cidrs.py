# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.validate_cidrs: fail fast on bad VPC CIDRs / AZ counts."""
from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import cidr

DOCUMENTATION = r"""
name: validate_cidrs
author: payments platform team
version_added: "1.0.0"
short_description: Validate the VPC CIDRs and AZ counts of all payment environments
description:
  - Checks every environment's C(payment_vpc_cidr) and C(payment_az_count) before anything is created in AWS.
  - Per environment, in this order, it refuses a malformed CIDR, a CIDR with host bits set
    (AWS would normalise it and the VPC would be created again on every run), a prefix outside /16../24
    (the subnet layout splits the VPC into 16 slots and AWS's smallest subnet is /28),
    and an AZ count that is not an integer from 1 to 8 (the most the subnet layout has room for).
  - The platform needs at least 2 AZs (the ALB and Aurora each span two); the pre-flight refuses fewer with
    P(payments.platform.setting_problems#filter) and checks the upper bound against the zones the region offers
    (P(payments.platform.usable_zones#filter)), so C(payment_az_count) may be 2 to 8 in all.
  - It then refuses environments whose CIDRs overlap each other or overlap VPCs already in the region.
  - On any problem it fails with one message listing every problem, each naming the variable,
    the environment, the bad value, the rule broken and the fix.
  - Requires the Python library netaddr.
positional: foreign_vpcs
options:
  _input:
    description:
      - Dict of environment name to its settings, C(cidr) (the C(payment_vpc_cidr))
        and C(az_count) (the C(payment_az_count)).
    type: dict
    required: true
  foreign_vpcs:
    description:
      - VPCs already in the target region that this collection does not manage.
      - Each item is a VPC as M(amazon.aws.ec2_vpc_net_info) returns it (every associated CIDR block counts), or a
        dict with C(id), C(name) (the Name tag or an empty string) and C(cidr), one item per CIDR block.
    type: list
    elements: dict
    required: false
    default: []
"""

EXAMPLES = r"""
- name: Refuse bad or overlapping VPC ranges before creating anything
  ansible.builtin.assert:
    that: environments | payments.platform.validate_cidrs(existing_vpcs) | length > 0
  vars:
    environments:
      dev: {cidr: 10.0.0.0/16, az_count: 3}
      staging: {cidr: 10.1.0.0/16, az_count: 3}
    existing_vpcs:
      - {id: vpc-0abc, name: default, cidr: 172.31.0.0/16}

- name: Show the environments that were checked
  ansible.builtin.debug:
    msg: "{{ {'dev': {'cidr': '10.0.0.0/16', 'az_count': 2}} | payments.platform.validate_cidrs }}"
  # => ['dev']
"""

RETURN = r"""
_value:
  description:
    - Sorted list of the environment names that were checked.
    - The filter raises an error instead of returning when there is any problem.
  type: list
  elements: str
"""


def _blocks(vpc):
    """[(vpc as {id, name}, CIDR block)] of a foreign VPC given as {id, name, cidr}, or as
    amazon.aws.ec2_vpc_net_info returns it (every associated block, the Name tag as it is)."""
    if "cidr" in vpc:
        return [(vpc, vpc["cidr"])]
    found = {"id": vpc.get("id"), "name": (vpc.get("tags") or {}).get("Name", "")}
    blocks = [association.get("cidr_block") for association in vpc.get("cidr_block_association_set") or []
              if (association.get("cidr_block_state") or {}).get("state", "associated") == "associated"]
    return [(found, block) for block in blocks or [vpc.get("cidr_block")]]


def find_cidr_problems(environments, foreign_vpcs=None):
    """Return human-readable problems (empty list if all is well). Needs netaddr."""
    if not isinstance(environments, Mapping):
        return [
            "validate_cidrs expects a dict of environment name -> {cidr, az_count}, got %r. "
            "Fix: pass e.g. {'dev': {'cidr': '10.0.0.0/16', 'az_count': 3}}." % (environments,)
        ]
    problems = []
    nets = {}  # env -> canonical network, for the overlap checks
    for env in sorted(environments):
        conf = environments[env]
        if not isinstance(conf, Mapping):
            problems.append(
                "settings for %s are %r: expected a dict with cidr (payment_vpc_cidr) and "
                "az_count (payment_az_count). Fix: pass {'cidr': ..., 'az_count': ...}." % (env, conf)
            )
            continue
        net, env_problems = cidr.check_environment(env, conf.get("cidr"), conf.get("az_count"))
        problems.extend(env_problems)
        if net is not None:
            nets[env] = net

    # AWS only returns valid blocks; an unparseable one cannot be compared, so skip it.
    foreign = [(vpc, cidr.parse_cidr(block)) for given in foreign_vpcs or [] for vpc, block in _blocks(given)]
    foreign = [(vpc, net.cidr) for vpc, net in foreign if net is not None]
    taken = list(nets.values()) + [net for _vpc, net in foreign]

    def fix(net, advice):
        free = cidr.suggest_free(net, taken)
        if free is None:
            return "Fix: %s." % advice
        taken.append(free)  # never suggest the same range twice
        return "Fix: %s, e.g. payment_vpc_cidr: '%s'." % (advice, free)

    names = sorted(nets)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if cidr.overlaps(nets[first], nets[second]):
                problems.append(
                    "payment_vpc_cidr of %s (%s) overlaps %s (%s). %s"
                    % (second, nets[second], first, nets[first],
                       fix(nets[second], "give each environment its own range"))
                )
    for env in names:
        for vpc, net in foreign:
            if cidr.overlaps(nets[env], net):
                name = "'%s'" % vpc["name"] if vpc.get("name") else "no Name tag"
                problems.append(
                    "payment_vpc_cidr of %s (%s) overlaps existing VPC %s (%s, %s) that this "
                    "collection does not manage. %s"
                    % (env, nets[env], vpc.get("id"), name, net,
                       fix(nets[env], "move %s to a range not used in this region" % env))
                )
    return problems


def validate_cidrs(environments, foreign_vpcs=None):
    """Jinja wrapper: raise with every problem, else return the checked env names."""
    if not cidr.HAS_NETADDR:
        raise AnsibleFilterError(cidr.NETADDR_MISSING.format("payments.platform.validate_cidrs"))
    problems = find_cidr_problems(environments, foreign_vpcs)
    if problems:
        raise AnsibleFilterError(
            "payment_vpc_cidr / payment_az_count check failed (%d problem(s)):\n%s"
            % (len(problems), "\n".join(problems))
        )
    return sorted(environments)


class FilterModule:
    def filters(self):
        return {"validate_cidrs": validate_cidrs}
