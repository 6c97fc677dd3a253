# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The network tier of every environment, read back from AWS, against the contract."""

import ipaddress

import pytest

from conftest import ENV_REGIONS, contract_tags, tags_of, writes

CIDRS = {"dev": "10.0.0.0/16", "staging": "10.1.0.0/16", "prod": "10.2.0.0/16"}
ENVS = list(CIDRS)


def find_vpc(ec2, env):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-vpc"]}])["Vpcs"]
    assert len(vpcs) == 1, f"expected exactly one {env}-payment-vpc, found {len(vpcs)}"
    return vpcs[0]


def by_name(resources):
    return {tags_of(r)["Name"]: r for r in resources}


@pytest.mark.parametrize("env", ENVS)
def test_vpc_and_subnets(platform, aws, env):
    ec2 = aws("ec2", env)
    vpc = find_vpc(ec2, env)
    assert vpc["CidrBlock"] == CIDRS[env]
    assert tags_of(vpc) == contract_tags(env) | {"Name": f"{env}-payment-vpc"}
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)[attribute[0].upper() + attribute[1:]]["Value"]

    subnets = by_name(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"])
    expected = {f"{env}-payment-{tier}-{n}" for tier in ("public", "private") for n in (1, 2, 3)}
    assert set(subnets) == expected
    region_azs = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])[:3]
    vpc_net = ipaddress.ip_network(CIDRS[env])
    for tier in ("public", "private"):
        tier_subnets = [subnets[f"{env}-payment-{tier}-{n}"] for n in (1, 2, 3)]
        assert [s["AvailabilityZone"] for s in tier_subnets] == region_azs, "one subnet per AZ"
        for subnet in tier_subnets:
            assert ipaddress.ip_network(subnet["CidrBlock"]).subnet_of(vpc_net)
            assert not subnet["MapPublicIpOnLaunch"]
            assert contract_tags(env).items() <= tags_of(subnet).items()
    nets = [ipaddress.ip_network(s["CidrBlock"]) for s in subnets.values()]
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :]), "subnets overlap"


@pytest.mark.parametrize("env", ENVS)
def test_internet_gateway_and_routes(platform, aws, env):
    ec2 = aws("ec2", env)
    vpc_id = find_vpc(ec2, env)["VpcId"]
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    assert len(igws) == 1 and tags_of(igws[0]) == contract_tags(env) | {"Name": f"{env}-payment-igw"}
    subnets = by_name(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"])
    tables = by_name(
        ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id], }, {"Name": "tag:Project", "Values": ["payment-processing"]}])["RouteTables"]
    )
    assert set(tables) == {f"{env}-payment-public-rt", f"{env}-payment-private-rt"}
    for tier in ("public", "private"):
        table = tables[f"{env}-payment-{tier}-rt"]
        associated = {a["SubnetId"] for a in table["Associations"] if not a.get("Main")}
        assert associated == {subnets[f"{env}-payment-{tier}-{n}"]["SubnetId"] for n in (1, 2, 3)}
        assert contract_tags(env).items() <= tags_of(table).items()
    public_routes = {r.get("DestinationCidrBlock"): r.get("GatewayId") for r in tables[f"{env}-payment-public-rt"]["Routes"]}
    assert public_routes == {CIDRS[env]: "local", "0.0.0.0/0": igws[0]["InternetGatewayId"]}
    private = tables[f"{env}-payment-private-rt"]["Routes"]
    assert [r["DestinationCidrBlock"] for r in private if "DestinationCidrBlock" in r] == [CIDRS[env]], "no default route"
    assert [r["GatewayId"][:5] for r in private if "DestinationPrefixListId" in r] == ["vpce-"], "S3 gateway endpoint route"
    assert not ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]


def rules(permissions):
    """{(port, source)} where source is a CIDR or the Name of the referenced group."""
    return {
        (p.get("FromPort"), p.get("ToPort"), p.get("IpProtocol"), source)
        for p in permissions
        for source in [r["CidrIp"] for r in p.get("IpRanges", [])] + [g["GroupId"] for g in p.get("UserIdGroupPairs", [])]
    }


@pytest.mark.parametrize("env", ENVS)
def test_security_groups_are_least_privilege(platform, aws, env):
    ec2 = aws("ec2", env)
    vpc_id = find_vpc(ec2, env)["VpcId"]
    groups = {
        g["GroupName"]: g
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
        if g["GroupName"] != "default"
    }
    name = {kind: f"{env}-payment-{kind}-sg" for kind in ("alb", "ecs", "db", "endpoints")}
    assert set(groups) == set(name.values())
    gid = {kind: groups[n]["GroupId"] for kind, n in name.items()}
    for kind, group_name in name.items():
        assert tags_of(groups[group_name]) == contract_tags(env) | {"Name": group_name}
    assert rules(groups[name["alb"]]["IpPermissions"]) == {(80, 80, "tcp", "0.0.0.0/0"), (443, 443, "tcp", "0.0.0.0/0")}
    assert rules(groups[name["alb"]]["IpPermissionsEgress"]) == {(8080, 8080, "tcp", gid["ecs"])}
    assert rules(groups[name["ecs"]]["IpPermissions"]) == {(8080, 8080, "tcp", gid["alb"])}
    assert rules(groups[name["ecs"]]["IpPermissionsEgress"]) == {(5432, 5432, "tcp", gid["db"]), (443, 443, "tcp", "0.0.0.0/0")}
    assert rules(groups[name["db"]]["IpPermissions"]) == {(5432, 5432, "tcp", gid["ecs"])}
    assert rules(groups[name["db"]]["IpPermissionsEgress"]) == set()
    assert rules(groups[name["endpoints"]]["IpPermissions"]) == {(443, 443, "tcp", CIDRS[env])}
    assert rules(groups[name["endpoints"]]["IpPermissionsEgress"]) == set()


@pytest.mark.parametrize("env", ENVS)
def test_the_default_security_group_allows_nothing(platform, aws, env):
    ec2 = aws("ec2", env)
    vpc_id = find_vpc(ec2, env)["VpcId"]
    [default] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                      {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    assert (default["IpPermissions"], default["IpPermissionsEgress"]) == ([], []), "AWS's default rules are revoked"
    assert tags_of(default) == contract_tags(env)


@pytest.mark.parametrize("env", ENVS)
def test_vpc_endpoints_replace_nat(platform, aws, env):
    ec2 = aws("ec2", env)
    vpc_id = find_vpc(ec2, env)["VpcId"]
    region = ENV_REGIONS[env]
    endpoints = {
        e["ServiceName"]: e
        for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    }
    services = {f"com.amazonaws.{region}.{s}" for s in ("s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager")}
    assert set(endpoints) == services
    private_subnets = {
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-private-*"]}])["Subnets"]
    }
    endpoints_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{env}-payment-endpoints-sg"]}])[
        "SecurityGroups"
    ][0]["GroupId"]
    private_rt = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-private-rt"]}])["RouteTables"][0]
    for service, endpoint in endpoints.items():
        assert contract_tags(env).items() <= tags_of(endpoint).items()
        if service.endswith(".s3"):
            assert endpoint["VpcEndpointType"] == "Gateway"
            assert endpoint["RouteTableIds"] == [private_rt["RouteTableId"]]
        else:
            assert endpoint["VpcEndpointType"] == "Interface"
            assert set(endpoint["SubnetIds"]) == private_subnets
            assert [g["GroupId"] for g in endpoint["Groups"]] == [endpoints_sg]


def test_rerun_changes_nothing_and_writes_nothing(platform):
    assert platform.rerun.changed == 0, platform.rerun.output[-3000:]
    assert platform.rerun_calls, "the request log recorded nothing: the write check below would prove nothing"
    assert writes(platform.rerun_calls) == []


def test_check_mode_on_converged_platform_predicts_no_change(platform):
    assert not platform.check.failed, platform.check.output[-3000:]
    assert platform.check.changed == 0, platform.check.output[-3000:]
