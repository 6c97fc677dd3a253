# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.subnet_plan import FilterModule, subnet_plan
from ansible_collections.payments.platform.plugins.filter.validate_cidrs import find_cidr_problems
from ansible_collections.payments.platform.plugins.plugin_utils import cidr


def test_documented_example():
    assert subnet_plan("10.0.0.0/16", 3) == {
        "public": ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
        "private": ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
    }


def test_smallest_vpc_with_most_azs_uses_all_16_slots_of_slash28():
    plan = subnet_plan("192.168.7.0/24", 8)
    assert plan["public"][0] == "192.168.7.0/28"
    assert plan["public"][-1] == "192.168.7.112/28"
    assert plan["private"][0] == "192.168.7.128/28"
    assert plan["private"][-1] == "192.168.7.240/28"
    assert len(set(plan["public"] + plan["private"])) == 16


def test_subnets_never_renumber_when_az_count_grows():
    plans = [subnet_plan("10.20.0.0/16", n) for n in range(1, 9)]
    for smaller, bigger in zip(plans, plans[1:]):
        assert bigger["public"][:-1] == smaller["public"]
        assert bigger["private"][:-1] == smaller["private"]


def test_filter_module_exposes_filter():
    assert FilterModule().filters() == {"subnet_plan": subnet_plan}


@pytest.mark.parametrize("vpc, azs, expected", [
    ("10.0.5.0/16", 3, "host bits are set, AWS would store it as 10.0.0.0/16"),
    ("10.0.0/16", 3, "not an IPv4 CIDR"),
    ("10.0.0.0/25", 3, "prefix /25 is too small"),
    ("10.0.0.0/12", 3, "prefix /12 is too large"),
    ("10.0.0.0/16", 0, "payment_az_count for this environment is 0"),
    ("10.0.0.0/16", 9, "payment_az_count for this environment is 9"),
    ("10.0.0.0/16", "3", "payment_az_count for this environment is '3'"),
])
def test_invalid_input_raises(vpc, azs, expected):
    with pytest.raises(AnsibleFilterError) as err:
        subnet_plan(vpc, azs)
    assert str(err.value).startswith("subnet_plan: ")
    assert expected in str(err.value)


@pytest.mark.parametrize("vpc, azs", [
    ("10.0.0.0/16", 3), ("10.0.5.0/16", 3), ("10.0.0.0/15", 2), ("10.0.0.0/24", 8),
    ("10.0.0.0/25", 1), ("10.0.0.0/16", 9), ("10.0.0.0/16", True), ("abc", 2),
])
def test_same_validation_as_validate_cidrs(vpc, azs):
    refused = bool(find_cidr_problems({"x": {"cidr": vpc, "az_count": azs}}))
    try:
        subnet_plan(vpc, azs)
        raised = False
    except AnsibleFilterError:
        raised = True
    assert raised == refused


def test_missing_netaddr_gives_clear_error(monkeypatch):
    monkeypatch.setattr(cidr, "HAS_NETADDR", False)
    with pytest.raises(AnsibleFilterError, match=r"payments\.platform\.subnet_plan requires the Python library netaddr"):
        subnet_plan("10.0.0.0/16", 3)
