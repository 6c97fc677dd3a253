# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared, Ansible-free CIDR helpers for the payments.platform filters.

The subnet layout rule lives here and only here:
the VPC is split into 16 equal slots (prefix + 4); the public subnet of AZ i
is slot i and the private subnet of AZ i is slot 8 + i, so subnets never
renumber when az_count grows.
"""
from __future__ import annotations

import re

try:
    import netaddr

    HAS_NETADDR = True
except ImportError:  # reported by the filters when they are called, not at load time
    netaddr = None
    HAS_NETADDR = False

SLOT_BITS = 4  # 16 slots
PRIVATE_SLOT_OFFSET = 8  # private subnets start at slot 8
MAX_AZS = PRIVATE_SLOT_OFFSET  # public slots 0..7, private slots 8..15
AWS_MIN_VPC_PREFIX = 16  # AWS refuses VPC blocks larger than /16
AWS_MAX_SUBNET_PREFIX = 28  # AWS's smallest subnet is /28
MAX_VPC_PREFIX = AWS_MAX_SUBNET_PREFIX - SLOT_BITS  # /24

# RFC 1918 blocks, used to suggest a free range of the same size.
PRIVATE_BLOCKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")

# netaddr accepts '10.0.0.0' (as /32) and '10.0.0.0/016'; we want an explicit prefix.
_CIDR_RE = re.compile(r"[0-9.]+/[0-9]{1,2}")

NETADDR_MISSING = (
    "{0} requires the Python library netaddr: pip install netaddr "
    "(it is in requirements.txt)"
)


def parse_cidr(value):
    """Return an IPv4 netaddr.IPNetwork for 'a.b.c.d/n', or None if malformed."""
    if not isinstance(value, str) or not _CIDR_RE.fullmatch(value):
        return None
    try:
        return netaddr.IPNetwork(value, version=4)
    except (netaddr.AddrFormatError, ValueError):
        return None


def _resized(net, prefix):
    """Canonical network of the given prefix containing net's base address."""
    return netaddr.IPNetwork("%s/%d" % (net.ip, prefix)).cidr


def check_environment(env, cidr, az_count):
    """Validate one environment; return (canonical IPNetwork or None, [problems])."""
    problems = []
    net = parse_cidr(cidr)
    if net is None:
        problems.append(
            "payment_vpc_cidr for %s is %r: not an IPv4 CIDR with an explicit prefix. "
            "Fix: set payment_vpc_cidr to a network like '10.0.0.0/16'." % (env, cidr)
        )
    else:
        if net.ip != net.network:
            # AWS normalises the block, so a lookup by the configured value never matches.
            problems.append(
                "payment_vpc_cidr for %s is %r: host bits are set, AWS would store it as %s "
                "and the VPC would be created again on every run. "
                "Fix: set payment_vpc_cidr to '%s'." % (env, cidr, net.cidr, net.cidr)
            )
        if net.prefixlen < AWS_MIN_VPC_PREFIX:
            problems.append(
                "payment_vpc_cidr for %s is %r: prefix /%d is too large, AWS allows VPC blocks "
                "from /%d to /28. Fix: use a prefix between /%d and /%d, e.g. '%s'."
                % (env, cidr, net.prefixlen, AWS_MIN_VPC_PREFIX, AWS_MIN_VPC_PREFIX,
                   MAX_VPC_PREFIX, _resized(net, AWS_MIN_VPC_PREFIX))
            )
        elif net.prefixlen > MAX_VPC_PREFIX:
            problems.append(
                "payment_vpc_cidr for %s is %r: prefix /%d is too small, the subnet layout "
                "splits the VPC into %d slots (public subnets then private subnets, 2 per AZ) "
                "and AWS's smallest subnet is /%d, so the VPC needs /%d or larger. "
                "Fix: use a prefix between /%d and /%d, e.g. '%s'."
                % (env, cidr, net.prefixlen, 2 ** SLOT_BITS, AWS_MAX_SUBNET_PREFIX,
                   MAX_VPC_PREFIX, AWS_MIN_VPC_PREFIX, MAX_VPC_PREFIX,
                   _resized(net, MAX_VPC_PREFIX))
            )
        net = net.cidr  # AWS stores the canonical form; compare overlaps on that
    # bool is a subclass of int but 'true' is never a meaningful AZ count.
    if isinstance(az_count, bool) or not isinstance(az_count, int) or not 1 <= az_count <= MAX_AZS:
        problems.append(
            "payment_az_count for %s is %r: it must be an integer from 1 to %d "
            "(the subnet layout has %d public and %d private slots). "
            "Fix: set payment_az_count to a number like 3 (with -e, pass JSON: "
            "-e '{\"payment_az_count\": 3}')." % (env, az_count, MAX_AZS, MAX_AZS, MAX_AZS)
        )
    return net, problems


def overlaps(a, b):
    return a.first <= b.last and b.first <= a.last


def suggest_free(net, taken):
    """First block of net's size (clamped to /16../24) overlapping nothing taken, or None.

    Searched first in the RFC 1918 block holding net (else net's /8), then the other RFC 1918 blocks.
    """
    size = min(max(net.prefixlen, AWS_MIN_VPC_PREFIX), MAX_VPC_PREFIX)
    private = [netaddr.IPNetwork(b) for b in PRIVATE_BLOCKS]
    home = next((b for b in private if net in b), _resized(net, min(8, net.prefixlen)))
    for block in [home] + [b for b in private if b != home]:
        for candidate in block.subnet(size):
            if not any(overlaps(candidate, t) for t in taken):
                return candidate
    return None


def layout(net, az_count):
    """The layout rule: {'public': [...], 'private': [...]} as CIDR strings."""
    slots = list(net.subnet(net.prefixlen + SLOT_BITS))
    return {
        "public": [str(s) for s in slots[:az_count]],
        "private": [str(s) for s in slots[PRIVATE_SLOT_OFFSET:PRIVATE_SLOT_OFFSET + az_count]],
    }
