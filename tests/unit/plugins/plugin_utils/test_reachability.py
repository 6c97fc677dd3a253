# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.reachability import FilterModule, reachability
from ansible_collections.payments.platform.plugins.plugin_utils.reachability import (
    admits_port,
    analyse,
    find_input_problems,
    holds_public_addresses,
    route_table_of,
)

VPC = "vpc-0d1e"
ALB, ECS, DB, ENDPOINTS = "sg-0a1b", "sg-0e2c", "sg-0d3b", "sg-0e4p"
PUBLIC = ["subnet-0pub1", "subnet-0pub2"]
PRIVATE = ["subnet-0prv1", "subnet-0prv2"]
IGW = "igw-0123"


def rule(port, cidrs=(), groups=(), protocol="tcp", to_port=None, ipv6=(), prefix_lists=()):
    """One ip_permissions item as amazon.aws.ec2_security_group_info returns it."""
    item = {
        "ip_protocol": protocol,
        "ip_ranges": [{"cidr_ip": c, "description": "x"} for c in cidrs],
        "ipv6_ranges": [{"cidr_ipv6": c} for c in ipv6],
        "prefix_list_ids": [{"prefix_list_id": p} for p in prefix_lists],
        "user_id_group_pairs": [{"group_id": g, "user_id": "123456789012"} for g in groups],
    }
    if protocol != "-1":
        item["from_port"], item["to_port"] = port, port if to_port is None else to_port
    return item


def group(group_id, name, ingress, egress):
    return {"group_id": group_id, "group_name": name, "vpc_id": VPC, "description": "Payment platform dev-payment",
            "owner_id": "123456789012", "ip_permissions": ingress, "ip_permissions_egress": egress,
            "tags": {"Name": name}}


def three_tier_groups():
    """What roles/vpc creates: each tier accepts traffic only from the tier in front of it."""
    return [
        group(ALB, "dev-payment-alb-sg", [rule(80, ["0.0.0.0/0"]), rule(443, ["0.0.0.0/0"])],
              [rule(8080, groups=[ECS])]),
        group(ECS, "dev-payment-ecs-sg", [rule(8080, groups=[ALB])],
              [rule(5432, groups=[DB]), rule(443, ["0.0.0.0/0"])]),
        group(DB, "dev-payment-db-sg", [rule(5432, groups=[ECS])], []),
        group(ENDPOINTS, "dev-payment-endpoints-sg", [rule(443, ["10.0.0.0/16"])], []),
    ]


def association(table_id, subnet_id=None, main=False):
    return {"route_table_association_id": "rtbassoc-%s" % (subnet_id or "main"), "route_table_id": table_id,
            "subnet_id": subnet_id, "main": main, "association_state": {"state": "associated"}}


def route_tables():
    local = {"destination_cidr_block": "10.0.0.0/16", "gateway_id": "local", "state": "active"}
    return [
        {"route_table_id": "rtb-0main", "id": "rtb-0main", "vpc_id": VPC, "tags": {},
         "associations": [association("rtb-0main", main=True)], "routes": [local]},
        {"route_table_id": "rtb-0pub", "id": "rtb-0pub", "vpc_id": VPC, "tags": {"Name": "dev-payment-public-rt"},
         "associations": [association("rtb-0pub", s) for s in PUBLIC],
         "routes": [local, {"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW, "state": "active"}]},
        {"route_table_id": "rtb-0prv", "id": "rtb-0prv", "vpc_id": VPC, "tags": {"Name": "dev-payment-private-rt"},
         "associations": [association("rtb-0prv", s) for s in PRIVATE],
         "routes": [local, {"destination_prefix_list_id": "pl-63a5400a", "gateway_id": "vpce-0s3",
                            "state": "active"}]},
    ]


NODES = {
    "alb": {"group_id": ALB, "subnet_ids": PUBLIC},
    "ecs": {"group_id": ECS, "subnet_ids": PRIVATE},
    "db": {"group_id": DB, "subnet_ids": PRIVATE},
    "endpoints": {"group_id": ENDPOINTS, "subnet_ids": PRIVATE},
}

FLOWS = [
    {"from": "internet", "to": "alb", "port": 443, "expect": "allow"},
    {"from": "alb", "to": "ecs", "port": 8080, "expect": "allow"},
    {"from": "ecs", "to": "db", "port": 5432, "expect": "allow"},
    {"from": "internet", "to": "ecs", "port": 8080, "expect": "deny"},
    {"from": "internet", "to": "db", "port": 5432, "expect": "deny"},
    {"to": "db", "port": 5432, "only_from": ["ecs"]},
]


def groups_by_name(groups):
    return {g["group_name"].split("-")[2]: g for g in groups}


def verdicts(groups=None, tables=None, flows=None):
    return reachability(NODES, FLOWS if flows is None else flows, groups or three_tier_groups(), tables or route_tables())


def by_flow(results):
    return {v["flow"]: v for v in results}


def test_correct_three_tier_setup_passes_every_flow_with_reasons():
    assert verdicts() == [
        {"flow": "internet -> alb:443", "expected": "allow", "actual": "allow", "ok": True,
         "reason": "dev-payment-alb-sg ingress tcp 443 from 0.0.0.0/0; "
                   "subnets subnet-0pub1, subnet-0pub2 route 0.0.0.0/0 to igw-0123"},
        {"flow": "alb -> ecs:8080", "expected": "allow", "actual": "allow", "ok": True,
         "reason": "dev-payment-alb-sg egress tcp 8080 to dev-payment-ecs-sg; "
                   "dev-payment-ecs-sg ingress tcp 8080 from dev-payment-alb-sg"},
        {"flow": "ecs -> db:5432", "expected": "allow", "actual": "allow", "ok": True,
         "reason": "dev-payment-ecs-sg egress tcp 5432 to dev-payment-db-sg; "
                   "dev-payment-db-sg ingress tcp 5432 from dev-payment-ecs-sg"},
        {"flow": "internet -> ecs:8080", "expected": "deny", "actual": "deny", "ok": True,
         "reason": "no ingress rule of dev-payment-ecs-sg admits tcp 8080 from the internet (0.0.0.0/0); "
                   "subnets subnet-0prv1 (rtb-0prv), subnet-0prv2 (rtb-0prv) have no route 0.0.0.0/0 "
                   "to an internet gateway"},
        {"flow": "internet -> db:5432", "expected": "deny", "actual": "deny", "ok": True,
         "reason": "no ingress rule of dev-payment-db-sg admits tcp 5432 from the internet (0.0.0.0/0); "
                   "subnets subnet-0prv1 (rtb-0prv), subnet-0prv2 (rtb-0prv) have no route 0.0.0.0/0 "
                   "to an internet gateway"},
        {"flow": "only ecs -> db:5432", "expected": "only from ecs", "actual": "only from ecs", "ok": True,
         "reason": "dev-payment-db-sg ingress tcp 5432 from dev-payment-ecs-sg"},
    ]


def test_filter_module_exposes_filter():
    assert FilterModule().filters() == {"reachability": reachability}


def test_db_opened_to_the_internet_breaks_exclusivity_but_private_routes_still_deny():
    groups = three_tier_groups()
    groups_by_name(groups)["db"]["ip_permissions"].append(rule(5432, ["0.0.0.0/0"]))
    results = by_flow(verdicts(groups))
    # the private subnets have no internet route, so the internet still cannot reach the DB ...
    internet = results["internet -> db:5432"]
    assert (internet["actual"], internet["ok"]) == ("deny", True)
    assert internet["reason"].startswith("dev-payment-db-sg ingress tcp 5432 from 0.0.0.0/0; subnets subnet-0prv1")
    # ... but the rule is exactly what the exclusivity check is there to catch
    only = results["only ecs -> db:5432"]
    assert only["ok"] is False
    assert only["actual"] == "also from 0.0.0.0/0"
    assert only["reason"] == "dev-payment-db-sg ingress tcp 5432 from 0.0.0.0/0 is not from dev-payment-ecs-sg"
    assert results["ecs -> db:5432"]["ok"] is True


def test_db_opened_to_the_internet_with_a_public_route_is_reachable():
    groups = three_tier_groups()
    groups_by_name(groups)["db"]["ip_permissions"] = [rule(0, ["0.0.0.0/0"], protocol="-1")]
    tables = route_tables()
    tables[2]["routes"].append({"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW, "state": "active"})
    internet = by_flow(verdicts(groups, tables))["internet -> db:5432"]
    assert internet == {
        "flow": "internet -> db:5432", "expected": "deny", "actual": "allow", "ok": False,
        "reason": "dev-payment-db-sg ingress all traffic from 0.0.0.0/0; "
                  "subnets subnet-0prv1, subnet-0prv2 route 0.0.0.0/0 to igw-0123",
    }


def test_db_rule_removed_denies_ecs():
    groups = three_tier_groups()
    groups_by_name(groups)["db"]["ip_permissions"] = []
    results = by_flow(verdicts(groups))
    assert results["ecs -> db:5432"] == {
        "flow": "ecs -> db:5432", "expected": "allow", "actual": "deny", "ok": False,
        "reason": "no ingress rule of dev-payment-db-sg admits tcp 5432 from dev-payment-ecs-sg",
    }
    # nothing reaches the DB at all: exclusive, vacuously
    only = results["only ecs -> db:5432"]
    assert (only["ok"], only["reason"]) == (True, "no ingress rule of dev-payment-db-sg admits tcp 5432 at all")


def test_alb_egress_missing_denies_alb_to_ecs():
    groups = three_tier_groups()
    groups_by_name(groups)["alb"]["ip_permissions_egress"] = []
    result = by_flow(verdicts(groups))["alb -> ecs:8080"]
    assert (result["actual"], result["ok"]) == ("deny", False)
    assert result["reason"] == "no egress rule of dev-payment-alb-sg admits tcp 8080 to dev-payment-ecs-sg"


def test_both_sides_missing_are_both_named():
    groups = three_tier_groups()
    groups_by_name(groups)["alb"]["ip_permissions_egress"] = [rule(9090, groups=[ECS])]
    groups_by_name(groups)["ecs"]["ip_permissions"] = [rule(8081, groups=[ALB])]
    assert by_flow(verdicts(groups))["alb -> ecs:8080"]["reason"] == (
        "no egress rule of dev-payment-alb-sg admits tcp 8080 to dev-payment-ecs-sg; "
        "no ingress rule of dev-payment-ecs-sg admits tcp 8080 from dev-payment-alb-sg"
    )


def test_ecs_subnets_with_an_igw_route_alone_are_still_protected_by_the_security_group():
    tables = route_tables()
    tables[2]["routes"].append({"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW, "state": "active"})
    result = by_flow(verdicts(tables=tables))["internet -> ecs:8080"]
    assert (result["actual"], result["ok"]) == ("deny", True)
    assert result["reason"] == (
        "no ingress rule of dev-payment-ecs-sg admits tcp 8080 from the internet (0.0.0.0/0); "
        "subnets subnet-0prv1, subnet-0prv2 route 0.0.0.0/0 to igw-0123"
    )


def test_ecs_subnets_with_an_igw_route_and_an_open_group_are_reachable():
    tables = route_tables()
    tables[2]["routes"].append({"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW, "state": "active"})
    groups = three_tier_groups()
    groups_by_name(groups)["ecs"]["ip_permissions"].append(rule(8000, ["0.0.0.0/0"], to_port=9000))
    result = by_flow(verdicts(groups, tables))["internet -> ecs:8080"]
    assert (result["actual"], result["ok"]) == ("allow", False)
    assert result["reason"].startswith("dev-payment-ecs-sg ingress tcp 8000-9000 from 0.0.0.0/0; subnets")


def test_open_group_in_private_subnets_names_the_missing_route():
    groups = three_tier_groups()
    groups_by_name(groups)["ecs"]["ip_permissions"].append(rule(8080, ["0.0.0.0/0"]))
    result = by_flow(verdicts(groups))["internet -> ecs:8080"]
    assert (result["actual"], result["ok"]) == ("deny", True)
    assert result["reason"] == (
        "dev-payment-ecs-sg ingress tcp 8080 from 0.0.0.0/0; subnets subnet-0prv1 (rtb-0prv), "
        "subnet-0prv2 (rtb-0prv) have no route 0.0.0.0/0 to an internet gateway"
    )


def test_alb_subnet_falling_back_to_main_table_without_igw_is_unreachable():
    tables = route_tables()
    tables[1]["associations"] = [association("rtb-0pub", PUBLIC[0])]  # PUBLIC[1] lost its association
    result = by_flow(verdicts(tables=tables))["internet -> alb:443"]
    assert (result["actual"], result["ok"]) == ("deny", False)
    assert result["reason"] == (
        "dev-payment-alb-sg ingress tcp 443 from 0.0.0.0/0; "
        "subnets subnet-0pub2 (rtb-0main) have no route 0.0.0.0/0 to an internet gateway"
    )


def test_subnet_without_any_route_table_is_unreachable():
    tables = [t for t in route_tables() if t["route_table_id"] == "rtb-0prv"]  # no public, no main table
    result = by_flow(verdicts(tables=tables))["internet -> alb:443"]
    assert result["actual"] == "deny"
    assert result["reason"].endswith(
        "subnets subnet-0pub1 (no route table), subnet-0pub2 (no route table) have no route 0.0.0.0/0 "
        "to an internet gateway")


def test_blackhole_igw_route_does_not_count():
    tables = route_tables()
    tables[1]["routes"][1]["state"] = "blackhole"
    assert by_flow(verdicts(tables=tables))["internet -> alb:443"]["actual"] == "deny"


def test_main_table_of_the_vpc_with_igw_route_makes_subnet_public():
    tables = route_tables()
    tables[1]["associations"] = []
    tables[0]["routes"].append({"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-0main"})
    result = by_flow(verdicts(tables=tables))["internet -> alb:443"]
    assert result["actual"] == "allow"
    assert result["reason"].endswith("subnets subnet-0pub1, subnet-0pub2 route 0.0.0.0/0 to igw-0main")


def test_route_table_of_picks_main_table_of_the_right_vpc():
    other = {"route_table_id": "rtb-0other", "vpc_id": "vpc-0other", "associations": [association("x", main=True)]}
    legacy = {"route_table_id": "rtb-0nov", "associations": [association("y", main=True)]}  # no vpc_id
    mine = {"route_table_id": "rtb-0mine", "vpc_id": VPC, "associations": [association("z", main=True)]}
    assert route_table_of("subnet-1", VPC, [other, mine])["route_table_id"] == "rtb-0mine"
    assert route_table_of("subnet-1", VPC, [other, legacy])["route_table_id"] == "rtb-0nov"
    assert route_table_of("subnet-1", None, [other, mine])["route_table_id"] == "rtb-0other"
    assert route_table_of("subnet-1", VPC, [other]) is None


def test_internet_through_a_partial_public_cidr_counts_rfc1918_does_not():
    groups = three_tier_groups()
    groups_by_name(groups)["alb"]["ip_permissions"] = [rule(443, ["10.0.0.0/8", "203.0.113.0/24"])]
    result = by_flow(verdicts(groups))["internet -> alb:443"]
    assert result["actual"] == "allow"
    assert result["reason"].startswith("dev-payment-alb-sg ingress tcp 443 from 203.0.113.0/24;")
    groups_by_name(groups)["alb"]["ip_permissions"] = [rule(443, ["10.0.0.0/8", "192.168.1.0/24"])]
    result = by_flow(verdicts(groups))["internet -> alb:443"]
    assert result["actual"] == "deny"
    assert result["reason"].startswith("no ingress rule of dev-payment-alb-sg admits tcp 443 from the internet")


@pytest.mark.parametrize("cidr, public", [
    ("0.0.0.0/0", True), ("203.0.113.7/32", True), ("8.0.0.0/7", True), ("10.0.0.0/16", False),
    ("172.16.0.0/12", False), ("192.168.0.0/16", False), ("100.64.0.0/10", False), ("169.254.169.254/32", False),
    ("127.0.0.1/32", False), ("10.0.0.5/16", False), ("not-a-cidr", False), (None, False),
])
def test_holds_public_addresses(cidr, public):
    assert holds_public_addresses(cidr) is public


@pytest.mark.parametrize("permission, port, admitted", [
    ({"ip_protocol": "-1"}, 5432, True),
    ({"ip_protocol": "tcp", "from_port": 80, "to_port": 443}, 80, True),
    ({"ip_protocol": "tcp", "from_port": 80, "to_port": 443}, 443, True),
    ({"ip_protocol": "tcp", "from_port": 80, "to_port": 443}, 444, False),
    ({"ip_protocol": "tcp", "from_port": 80, "to_port": 443}, 79, False),
    ({"ip_protocol": "6", "from_port": 5432, "to_port": 5432}, 5432, True),
    ({"ip_protocol": "udp", "from_port": 0, "to_port": 65535}, 53, False),
    ({"ip_protocol": "icmp", "from_port": -1, "to_port": -1}, 443, False),
])
def test_admits_port(permission, port, admitted):
    assert admits_port(permission, port) is admitted


def test_egress_to_any_cidr_counts_and_ingress_from_anywhere_counts():
    groups = three_tier_groups()
    groups_by_name(groups)["ecs"]["ip_permissions_egress"] = [rule(0, ["10.0.0.0/16"], protocol="-1")]
    groups_by_name(groups)["db"]["ip_permissions"] = [rule(5432, ["0.0.0.0/0"])]
    assert by_flow(verdicts(groups))["ecs -> db:5432"]["reason"] == (
        "dev-payment-ecs-sg egress all traffic to 10.0.0.0/16; dev-payment-db-sg ingress tcp 5432 from 0.0.0.0/0"
    )


def test_ingress_from_a_vpc_cidr_does_not_count_between_nodes():
    # subnet CIDRs are not known to the filter, so only 0.0.0.0/0 proves that ecs is admitted
    result = by_flow(verdicts(flows=[{"from": "ecs", "to": "endpoints", "port": 443, "expect": "allow"}]))
    assert result["ecs -> endpoints:443"]["actual"] == "deny"
    assert result["ecs -> endpoints:443"]["reason"] == (
        "no ingress rule of dev-payment-endpoints-sg admits tcp 443 from dev-payment-ecs-sg"
    )


def test_ipv6_and_prefix_list_rules_do_not_allow_but_break_exclusivity():
    groups = three_tier_groups()
    db = groups_by_name(groups)["db"]
    db["ip_permissions"] = [
        rule(5432, groups=[ECS, ALB, "sg-0gone"], ipv6=["::/0"], prefix_lists=["pl-0corp"]),
        rule(22, ["0.0.0.0/0"]),  # another port: not relevant for 5432
    ]
    groups_by_name(groups)["ecs"]["ip_permissions_egress"] = [rule(5432, ipv6=["::/0"], prefix_lists=["pl-0db"])]
    results = by_flow(verdicts(groups))
    assert results["ecs -> db:5432"]["reason"] == (
        "no egress rule of dev-payment-ecs-sg admits tcp 5432 to dev-payment-db-sg"
    )
    only = results["only ecs -> db:5432"]
    assert only["actual"] == "also from dev-payment-alb-sg, sg-0gone, ::/0, pl-0corp"
    assert only["reason"] == "; ".join(
        "dev-payment-db-sg ingress tcp 5432 from %s is not from dev-payment-ecs-sg" % source
        for source in ("dev-payment-alb-sg", "sg-0gone", "::/0", "pl-0corp")
    )


def test_only_from_several_nodes_sharing_a_group():
    nodes = dict(NODES, worker={"group_id": ECS, "subnet_ids": PRIVATE}, ecs2={"group_id": ALB, "subnet_ids": PUBLIC})
    groups = three_tier_groups()
    groups_by_name(groups)["db"]["ip_permissions"].append(rule(5432, ["10.0.0.0/16"]))
    (result,) = reachability(nodes, [{"to": "db", "port": 5432, "only_from": ["ecs", "worker", "ecs2"]}],
                             groups, route_tables())
    assert result["flow"] == "only ecs, worker, ecs2 -> db:5432"
    assert result["expected"] == "only from ecs, worker, ecs2"
    assert result["reason"] == (
        "dev-payment-db-sg ingress tcp 5432 from 10.0.0.0/16 is not from dev-payment-ecs-sg or dev-payment-alb-sg"
    )


def test_group_without_name_is_named_by_id_and_missing_rule_lists_are_tolerated():
    groups = [{"group_id": ALB, "ip_permissions": [rule(443, ["0.0.0.0/0"])]}, {"group_id": DB}]
    results = analyse({"alb": {"group_id": ALB, "subnet_ids": PUBLIC}, "db": {"group_id": DB, "subnet_ids": PRIVATE}},
                      [{"from": "internet", "to": "alb", "port": 443, "expect": "allow"},
                       {"from": "alb", "to": "db", "port": 443, "expect": "deny"},
                       {"to": "db", "port": 443, "only_from": ["alb"]}],
                      groups, [{"route_table_id": "rtb-1", "associations": [{"main": True}],
                                "routes": [{"destination_cidr_block": "0.0.0.0/0", "gateway_id": IGW}]}])
    assert [r["ok"] for r in results] == [True, True, True]
    assert results[0]["reason"].startswith("%s ingress tcp 443 from 0.0.0.0/0" % ALB)
    assert results[1]["reason"] == (
        "no egress rule of %s admits tcp 443 to %s; no ingress rule of %s admits tcp 443 from %s" % (ALB, DB, DB, ALB)
    )


def test_input_is_not_modified():
    groups, tables = three_tier_groups(), route_tables()
    before = copy.deepcopy((NODES, FLOWS, groups, tables))
    reachability(NODES, FLOWS, groups, tables)
    assert (NODES, FLOWS, groups, tables) == before


# ---- bad input -----------------------------------------------------------------------------------------

def problems(nodes=None, flows=None, groups=None, tables=None):
    return find_input_problems(NODES if nodes is None else nodes, FLOWS if flows is None else flows,
                               three_tier_groups() if groups is None else groups,
                               route_tables() if tables is None else tables)


def test_valid_input_has_no_problems():
    assert problems() == []


def test_filter_raises_with_every_problem():
    with pytest.raises(AnsibleFilterError) as err:
        reachability(NODES, [{"from": "internet", "to": "dbb", "port": 5432, "expect": "deny"},
                             {"from": "alb", "to": "ecs", "port": "8080", "expect": "allow"}],
                     three_tier_groups(), route_tables())
    lines = str(err.value).split("\n")
    assert lines[0] == "reachability: bad input (2 problem(s)):"
    assert lines[1].startswith(
        "flow 0 (from=internet, to=dbb, port=5432, expect=deny): to 'dbb' is not a node; "
        "the nodes are alb, db, ecs, endpoints. Fix:")
    assert lines[2].startswith("flow 1 (from=alb, to=ecs, port=8080, expect=allow): port '8080' must be an integer")


def test_unknown_from_node_lists_internet_as_a_choice():
    (problem,) = problems(flows=[{"from": "internett", "to": "alb", "port": 443, "expect": "allow"}])
    assert "from 'internett' is not a node; the nodes are alb, db, ecs, endpoints, internet." in problem


@pytest.mark.parametrize("flow, message", [
    ({"from": "alb", "to": "internet", "port": 443, "expect": "allow"},
     "to cannot be internet, only from can (paths from the internet in)"),
    ({"to": "db", "port": 5432, "only_from": ["internet"]}, "only_from cannot be internet"),
    ({"to": "db", "port": 5432, "only_from": ["ecs", "ecss"]}, "only_from 'ecss' is not a node"),
    ({"to": "db", "port": 5432, "only_from": []}, "only_from [] must be a non-empty list of node names"),
    ({"to": "db", "port": 5432, "only_from": "ecs"}, "only_from 'ecs' must be a non-empty list"),
    ({"from": "ecs", "to": "db", "port": 5432, "only_from": ["ecs"], "expect": "allow"},
     "from and expect do not go with only_from"),
    ({"from": "ecs", "to": "db", "port": 5432, "expect": "allowed"}, "expect 'allowed' must be 'allow' or 'deny'"),
    ({"from": "ecs", "to": "db", "port": 5432}, "expect None must be 'allow' or 'deny'"),
    ({"from": "ecs", "to": "db", "port": 0, "expect": "allow"}, "port 0 must be an integer from 1 to 65535"),
    ({"from": "ecs", "to": "db", "port": 65536, "expect": "allow"}, "port 65536 must be"),
    ({"from": "ecs", "to": "db", "port": True, "expect": "allow"}, "port True must be"),
    ({"from": "ecs", "to": "db", "expect": "allow"}, "port None must be"),
])
def test_malformed_flow(flow, message):
    (problem,) = problems(flows=[flow])
    assert message in problem
    assert problem.startswith("flow 0 (")


def test_flow_not_a_dict_and_flows_not_a_list():
    (problem,) = problems(flows=["internet -> alb:443"])
    assert problem.startswith("flow 0 is 'internet -> alb:443', not a dict. Fix: use {'from': 'internet'")
    (problem,) = problems(flows={"from": "internet"})
    assert problem.startswith("flows must be a list of flow dicts")


def test_node_problems():
    nodes = {
        "internet": {"group_id": ALB, "subnet_ids": PUBLIC},
        "alb": "sg-0a1b",
        "ecs": {"group_id": "sg-0typo", "subnet_ids": PRIVATE},
        "db": {"subnet_ids": []},
        "cache": {"group_id": DB, "subnet_ids": [1]},
    }
    assert problems(nodes=nodes, flows=[]) == [
        "node name 'internet' is reserved for the internet and needs no entry. "
        "Fix: remove it from the nodes, or rename the node.",
        "node alb is 'sg-0a1b': it must be a dict with group_id and subnet_ids.",
        "node ecs's security group sg-0typo is not in security_groups. Fix: read the groups with "
        "amazon.aws.ec2_security_group_info filtered by the node's VPC and pass its security_groups.",
        "node db has group_id None: it must be the id of its security group, e.g. 'sg-0abc'.",
        "node db has subnet_ids []: it must be a non-empty list of subnet ids, e.g. ['subnet-0a', 'subnet-0b'].",
        "node cache has subnet_ids [1]: it must be a non-empty list of subnet ids, "
        "e.g. ['subnet-0a', 'subnet-0b'].",
    ]


def test_nodes_not_a_dict_is_reported_once():
    (problem,) = problems(nodes=["alb"])
    assert problem.startswith("nodes must be a dict of node name to {group_id, subnet_ids}, got ['alb'].")


@pytest.mark.parametrize("groups", [{"security_groups": []}, [{"group_name": "x"}], ["sg-0a1b"]])
def test_security_groups_unusable_is_reported_once(groups):
    (problem,) = problems(groups=groups)
    assert problem.startswith("security_groups must be the security_groups list of "
                              "amazon.aws.ec2_security_group_info (dicts with group_id), got ")


@pytest.mark.parametrize("tables", [{"route_tables": []}, ["rtb-1"]])
def test_route_tables_unusable(tables):
    (problem,) = problems(tables=tables)
    assert problem.startswith("route_tables must be the route_tables list of amazon.aws.ec2_vpc_route_table_info")
