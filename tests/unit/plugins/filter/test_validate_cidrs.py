# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import importlib
import sys

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter import validate_cidrs as vc
from ansible_collections.payments.platform.plugins.filter.validate_cidrs import (
    FilterModule,
    find_cidr_problems,
    validate_cidrs,
)
from ansible_collections.payments.platform.plugins.plugin_utils import cidr


def env(cidr_value="10.0.0.0/16", az_count=3):
    return {"cidr": cidr_value, "az_count": az_count}


def test_valid_environments_return_sorted_names():
    envs = {"staging": env("10.1.0.0/16"), "dev": env("10.0.0.0/16", 1), "prod": env("10.2.0.0/24", 8)}
    foreign = [{"id": "vpc-1", "name": "default", "cidr": "172.31.0.0/16"}]
    assert validate_cidrs(envs, foreign) == ["dev", "prod", "staging"]
    assert find_cidr_problems(envs) == []


def test_filter_module_exposes_filter():
    assert FilterModule().filters() == {"validate_cidrs": validate_cidrs}


@pytest.mark.parametrize("bad", ["10.0.0/16", "10.0.0.0", "10.0.0.0/33", "abc", "10.0.0.0/016",
                                 " 10.0.0.0/16", "::/0", "300.0.0.0/16", 16, None])
def test_malformed_cidr(bad):
    problems = find_cidr_problems({"dev": env(bad)})
    assert problems == [
        "payment_vpc_cidr for dev is %r: not an IPv4 CIDR with an explicit prefix. "
        "Fix: set payment_vpc_cidr to a network like '10.0.0.0/16'." % (bad,)
    ]


def test_host_bits_set():
    assert find_cidr_problems({"staging": env("10.0.5.0/16")}) == [
        "payment_vpc_cidr for staging is '10.0.5.0/16': host bits are set, AWS would store it as "
        "10.0.0.0/16 and the VPC would be created again on every run. "
        "Fix: set payment_vpc_cidr to '10.0.0.0/16'."
    ]


def test_prefix_too_large():
    (problem,) = find_cidr_problems({"dev": env("10.0.0.0/8")})
    assert problem.startswith("payment_vpc_cidr for dev is '10.0.0.0/8': prefix /8 is too large")
    assert problem.endswith("Fix: use a prefix between /16 and /24, e.g. '10.0.0.0/16'.")


@pytest.mark.parametrize("bad, fix", [("10.0.0.0/25", "10.0.0.0/24"), ("10.9.8.0/28", "10.9.8.0/24")])
def test_prefix_too_small_for_layout(bad, fix):
    (problem,) = find_cidr_problems({"dev": env(bad)})
    assert problem.startswith("payment_vpc_cidr for dev is %r: prefix /%s is too small" % (bad, bad[-2:]))
    assert "needs /24 or larger" in problem
    assert problem.endswith("e.g. '%s'." % fix)


@pytest.mark.parametrize("prefix", [16, 20, 24])
def test_prefix_bounds_accepted(prefix):
    assert find_cidr_problems({"dev": env("10.0.0.0/%d" % prefix)}) == []


@pytest.mark.parametrize("bad", [0, 9, -1, True, False, "3", 2.0, None])
def test_bad_az_count(bad):
    (problem,) = find_cidr_problems({"dev": env(az_count=bad)})
    assert problem.startswith("payment_az_count for dev is %r: it must be an integer from 1 to 8" % (bad,))
    assert "Fix: set payment_az_count" in problem


def test_checks_run_in_order_and_all_are_reported():
    # host bits, then prefix, then az_count, all for the same environment
    problems = find_cidr_problems({"dev": env("10.1.0.0/8", 0)})
    assert len(problems) == 3
    assert problems[0].startswith("payment_vpc_cidr for dev is '10.1.0.0/8': host bits are set")
    assert problems[1].startswith("payment_vpc_cidr for dev is '10.1.0.0/8': prefix /8 is too large")
    assert problems[2].startswith("payment_az_count for dev is 0: it must be an integer")


def test_malformed_cidr_still_checks_az_count():
    problems = find_cidr_problems({"dev": env("abc", 9)})
    assert len(problems) == 2
    assert problems[0].startswith("payment_vpc_cidr for dev is 'abc'")
    assert problems[1].startswith("payment_az_count for dev is 9")


def test_environments_not_a_dict():
    (problem,) = find_cidr_problems(["10.0.0.0/16"])
    assert problem.startswith("validate_cidrs expects a dict of environment name")


def test_environment_settings_not_a_dict():
    problems = find_cidr_problems({"dev": "10.0.0.0/16", "prod": env()})
    assert problems == [
        "settings for dev are '10.0.0.0/16': expected a dict with cidr (payment_vpc_cidr) and "
        "az_count (payment_az_count). Fix: pass {'cidr': ..., 'az_count': ...}."
    ]


def test_overlap_reported_once_per_pair_with_free_suggestion():
    envs = {"dev": env("10.0.0.0/16"), "prod": env("10.1.0.0/16"), "staging": env("10.0.0.0/16")}
    assert find_cidr_problems(envs) == [
        "payment_vpc_cidr of staging (10.0.0.0/16) overlaps dev (10.0.0.0/16). "
        "Fix: give each environment its own range, e.g. payment_vpc_cidr: '10.2.0.0/16'."
    ]


def test_overlap_of_different_sizes_and_distinct_suggestions():
    envs = {"a": env("10.0.0.0/16"), "b": env("10.0.4.0/24"), "c": env("10.0.0.0/20")}
    problems = find_cidr_problems(envs)
    assert [p.split(". Fix", maxsplit=1)[0] for p in problems] == [
        "payment_vpc_cidr of b (10.0.4.0/24) overlaps a (10.0.0.0/16)",
        "payment_vpc_cidr of c (10.0.0.0/20) overlaps a (10.0.0.0/16)",
        "payment_vpc_cidr of c (10.0.0.0/20) overlaps b (10.0.4.0/24)",
    ]
    suggestions = [p.split("payment_vpc_cidr: ")[1].rstrip(".") for p in problems]
    assert suggestions == ["'10.1.0.0/24'", "'10.1.16.0/20'", "'10.1.32.0/20'"]


def test_overlap_uses_canonical_form_of_host_bit_cidrs():
    problems = find_cidr_problems({"dev": env("10.0.0.0/16"), "qa": env("10.0.9.0/16")})
    assert problems[1].startswith("payment_vpc_cidr of qa (10.0.0.0/16) overlaps dev (10.0.0.0/16).")


def test_overlap_suggests_another_private_block_when_home_block_is_full():
    (problem,) = find_cidr_problems({"dev": env("192.168.0.0/16"), "qa": env("192.168.0.0/16")})
    assert problem == (
        "payment_vpc_cidr of qa (192.168.0.0/16) overlaps dev (192.168.0.0/16). "
        "Fix: give each environment its own range, e.g. payment_vpc_cidr: '10.0.0.0/16'."
    )


def test_overlap_without_any_free_range_has_plain_fix():
    foreign = [{"id": "vpc-%d" % i, "name": "", "cidr": c}
               for i, c in enumerate(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])]
    problems = find_cidr_problems({"dev": env("192.168.0.0/16"), "qa": env("192.168.0.0/16")}, foreign)
    assert problems[0] == (
        "payment_vpc_cidr of qa (192.168.0.0/16) overlaps dev (192.168.0.0/16). "
        "Fix: give each environment its own range."
    )


def test_overlap_outside_private_ranges_suggests_in_same_slash8():
    (problem,) = find_cidr_problems({"dev": env("100.64.0.0/16"), "qa": env("100.64.0.0/16")})
    assert problem.endswith("e.g. payment_vpc_cidr: '100.0.0.0/16'.")


def test_foreign_vpc_overlap():
    foreign = [
        {"id": "vpc-111", "name": "legacy", "cidr": "172.31.0.0/16"},
        {"id": "vpc-222", "name": "", "cidr": "10.0.0.0/8"},
        {"id": "vpc-333", "cidr": "10.50.0.0/16"},
        {"id": "vpc-444", "name": "odd", "cidr": "not-a-cidr"},  # cannot overlap anything
    ]
    problems = find_cidr_problems({"dev": env("172.31.0.0/16"), "prod": env("10.50.0.0/16")}, foreign)
    assert [p.split(" that ", maxsplit=1)[0] for p in problems] == [
        "payment_vpc_cidr of dev (172.31.0.0/16) overlaps existing VPC vpc-111 ('legacy', 172.31.0.0/16)",
        "payment_vpc_cidr of prod (10.50.0.0/16) overlaps existing VPC vpc-222 (no Name tag, 10.0.0.0/8)",
        "payment_vpc_cidr of prod (10.50.0.0/16) overlaps existing VPC vpc-333 (no Name tag, 10.50.0.0/16)",
    ]
    assert problems[0].endswith(
        "Fix: move dev to a range not used in this region, e.g. payment_vpc_cidr: '172.16.0.0/16'."
    )
    # all of 10/8 is taken by vpc-222, so the suggestion comes from the next free private block
    assert problems[1].endswith(
        "Fix: move prod to a range not used in this region, e.g. payment_vpc_cidr: '172.17.0.0/16'."
    )


def test_env_overlaps_come_before_foreign_overlaps():
    foreign = [{"id": "vpc-1", "name": "x", "cidr": "10.0.0.0/16"}]
    problems = find_cidr_problems({"dev": env(), "qa": env()}, foreign)
    assert [p.split(")")[1].split(" (")[0] for p in problems] == [
        " overlaps dev", " overlaps existing VPC vpc-1", " overlaps existing VPC vpc-1",
    ]


def test_filter_raises_with_all_problems():
    with pytest.raises(AnsibleFilterError) as err:
        validate_cidrs({"dev": env("10.0.5.0/16"), "qa": env(az_count=0)})
    lines = str(err.value).split("\n")
    assert lines[0] == "payment_vpc_cidr / payment_az_count check failed (3 problem(s)):"
    assert lines[1].startswith("payment_vpc_cidr for dev is '10.0.5.0/16': host bits are set")
    assert lines[2].startswith("payment_az_count for qa is 0")
    assert lines[3].startswith("payment_vpc_cidr of qa (10.0.0.0/16) overlaps dev (10.0.0.0/16)")


@pytest.fixture
def no_netaddr(monkeypatch):
    """Reload the shared helpers as if netaddr were not installed, then restore them."""
    monkeypatch.setitem(sys.modules, "netaddr", None)  # makes 'import netaddr' raise ImportError
    importlib.reload(cidr)
    yield
    monkeypatch.undo()
    importlib.reload(cidr)


def test_missing_netaddr_gives_clear_error(no_netaddr):
    assert cidr.HAS_NETADDR is False
    with pytest.raises(AnsibleFilterError, match=r"payments\.platform\.validate_cidrs requires the Python "
                       r"library netaddr: pip install netaddr \(it is in requirements\.txt\)"):
        vc.validate_cidrs({"dev": env()})


def test_netaddr_restored_after_reload():
    assert cidr.HAS_NETADDR is True
    assert validate_cidrs({"dev": env()}) == ["dev"]


@pytest.mark.parametrize("foreign_cidr, overlapping", [
    ("10.0.0.0/32", True),  # shares only the env's first address
    ("10.0.255.255/32", True),  # shares only the env's last address
    ("9.255.255.255/32", False),  # adjacent below
    ("10.1.0.0/16", False),  # adjacent above
])
def test_overlap_boundaries(foreign_cidr, overlapping):
    foreign = [{"id": "vpc-9", "name": "edge", "cidr": foreign_cidr}]
    problems = find_cidr_problems({"dev": env("10.0.0.0/16")}, foreign)
    assert bool(problems) is overlapping


def test_foreign_vpcs_as_ec2_vpc_net_info_returns_them():
    # Every associated block counts (a secondary one too), a disassociated one does not, and a Name tag with quotes
    # and backslashes is only text in the message.
    vpc = {"id": "vpc-9", "cidr_block": "172.31.0.0/16", "tags": {"Name": 'leg"acy\\net'},
           "cidr_block_association_set": [
               {"cidr_block": "172.31.0.0/16", "cidr_block_state": {"state": "associated"}},
               {"cidr_block": "10.0.128.0/17", "cidr_block_state": {"state": "associated"}},
               {"cidr_block": "10.9.0.0/16", "cidr_block_state": {"state": "disassociated"}}]}
    problems = find_cidr_problems({"dev": env(), "qa": env("10.9.0.0/16")}, [vpc])
    assert len(problems) == 1
    assert "dev (10.0.0.0/16) overlaps existing VPC vpc-9 ('leg\"acy\\net', 10.0.128.0/17)" in problems[0]


def test_a_foreign_vpc_without_tags_or_associations_uses_its_primary_block():
    problems = find_cidr_problems({"dev": env()}, [{"id": "vpc-8", "cidr_block": "10.0.0.0/24"}])
    assert "vpc-8 (no Name tag, 10.0.0.0/24)" in problems[0]
