# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.subnet_plan: the public/private subnet CIDRs of a VPC."""
from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import cidr

DOCUMENTATION = r"""
name: subnet_plan
author: payments platform team
version_added: "1.0.0"
short_description: Compute the public and private subnet CIDRs of a payment VPC
description:
  - Splits the VPC CIDR into 16 equal slots (VPC prefix + 4).
    The public subnet of AZ i (0-based) is slot i, the private subnet of AZ i is slot 8 + i.
  - So at most 8 AZs are supported, and existing subnets never renumber when the AZ count grows.
  - The VPC CIDR and AZ count are validated exactly like P(payments.platform.validate_cidrs#filter) does
    (canonical IPv4 CIDR, prefix /16 to /24, AZ count 1 to 8).
  - Requires the Python library netaddr.
positional: az_count
options:
  _input:
    description: The VPC CIDR (C(payment_vpc_cidr)), for example C(10.0.0.0/16).
    type: str
    required: true
  az_count:
    description: Number of availability zones (C(payment_az_count)), 1 to 8.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Subnets for three AZs
  ansible.builtin.debug:
    msg: "{{ '10.0.0.0/16' | payments.platform.subnet_plan(3) }}"
  # => {"public": ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
  #     "private": ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"]}

- name: Private subnet of the second AZ
  ansible.builtin.set_fact:
    app_subnet_cidr: "{{ (payment_vpc_cidr | payments.platform.subnet_plan(payment_az_count)).private[1] }}"
"""

RETURN = r"""
_value:
  description: Dict with C(public) and C(private), each a list of C(az_count) CIDR strings, index i being AZ i.
  type: dict
  contains:
    public:
      description: Public subnet CIDRs, one per AZ.
      type: list
      elements: str
    private:
      description: Private subnet CIDRs, one per AZ.
      type: list
      elements: str
"""


def subnet_plan(vpc_cidr, az_count):
    """Jinja wrapper around the shared layout rule; same validation as validate_cidrs."""
    if not cidr.HAS_NETADDR:
        raise AnsibleFilterError(cidr.NETADDR_MISSING.format("payments.platform.subnet_plan"))
    net, problems = cidr.check_environment("this environment", vpc_cidr, az_count)
    if problems:
        raise AnsibleFilterError("subnet_plan: " + "\n".join(problems))
    return cidr.layout(net, az_count)


class FilterModule:
    def filters(self):
        return {"subnet_plan": subnet_plan}
