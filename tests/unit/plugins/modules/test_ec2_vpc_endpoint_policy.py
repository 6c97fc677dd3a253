# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ec2_vpc_endpoint_policy: endpoint policies set where they differ, and only there."""

import json

import pytest

from ansible_collections.payments.platform.plugins.modules import ec2_vpc_endpoint_policy as module
from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION

ACCOUNT_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}]}
LAYERS = {"Version": "2012-10-17", "Statement": [
    {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"},
    {"Sid": "B", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}


@pytest.fixture
def endpoints(aws):
    """Two new endpoints (AWS's default policy): {'s3': id, 'logs': id}."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    s3 = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                                 RouteTableIds=[table])["VpcEndpoint"]["VpcEndpointId"]
    logs = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.logs", VpcEndpointType="Interface",
                                   SubnetIds=[subnet])["VpcEndpoint"]["VpcEndpointId"]
    return {"s3": s3, "logs": logs}


def policy_of(aws, endpoint_id):
    [endpoint] = aws("ec2").describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    return json.loads(endpoint["PolicyDocument"])


def args(endpoints, s3=None, logs=None):
    return {"endpoints": [{"vpc_endpoint_id": endpoints["s3"], "policy": s3 or LAYERS},
                          {"vpc_endpoint_id": endpoints["logs"], "policy": logs or ACCOUNT_ONLY}]}


def test_sets_every_policy_in_one_run_then_is_a_no_op(aws, api, run_module, endpoints):
    default = policy_of(aws, endpoints["s3"])
    first = run_module(module, args(endpoints))
    assert first["changed"] is True and api.writes == ["ModifyVpcEndpoint", "ModifyVpcEndpoint"]
    assert api.operations.count("DescribeVpcEndpoints") == 1
    assert policy_of(aws, endpoints["s3"]) == LAYERS and policy_of(aws, endpoints["logs"]) == ACCOUNT_ONLY
    assert first["diff"] == {"before": {endpoints["s3"]: default, endpoints["logs"]: default},
                             "after": {endpoints["s3"]: LAYERS, endpoints["logs"]: ACCOUNT_ONLY}}
    assert [e["changed"] for e in first["endpoints"]] == [True, True]

    # The same policies, differently written (statements reordered, a JSON string): nothing to do.
    again = args(endpoints, s3=dict(LAYERS, Statement=LAYERS["Statement"][::-1]), logs=json.dumps(ACCOUNT_ONLY, indent=4))
    api.calls.clear()
    second = run_module(module, again)
    assert second["changed"] is False and api.writes == []
    assert second["diff"] == {"before": {}, "after": {}}
    assert second["endpoints"] == [{"vpc_endpoint_id": endpoints["s3"], "changed": False, "policy": LAYERS},
                                   {"vpc_endpoint_id": endpoints["logs"], "changed": False, "policy": ACCOUNT_ONLY}]


def test_only_the_endpoint_that_differs_is_written(aws, api, run_module, endpoints):
    run_module(module, args(endpoints))
    aws("ec2").modify_vpc_endpoint(VpcEndpointId=endpoints["logs"], PolicyDocument=json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}))
    api.calls.clear()
    result = run_module(module, args(endpoints))
    assert result["changed"] is True and [e["changed"] for e in result["endpoints"]] == [False, True]
    assert api.params_of("ModifyVpcEndpoint") == [{"VpcEndpointId": endpoints["logs"],
                                                   "PolicyDocument": json.dumps(ACCOUNT_ONLY)}]
    assert policy_of(aws, endpoints["logs"]) == ACCOUNT_ONLY


def test_check_mode_predicts_and_writes_nothing(aws, api, run_module, endpoints):
    default = policy_of(aws, endpoints["logs"])
    result = run_module(module, args(endpoints), check_mode=True)
    assert result["changed"] is True and api.writes == []
    assert result["endpoints"][1] == {"vpc_endpoint_id": endpoints["logs"], "changed": True, "policy": ACCOUNT_ONLY}
    assert policy_of(aws, endpoints["logs"]) == default


def test_no_endpoint_is_no_call(api, run_module):
    result = run_module(module, {"endpoints": []})
    assert result["changed"] is False and result["endpoints"] == [] and api.calls == []


@pytest.mark.parametrize("operation, message", [("DescribeVpcEndpoints", "Could not read the VPC endpoints"),
                                                ("ModifyVpcEndpoint", "Could not set the policy of VPC endpoint")])
def test_errors_fail(api, run_module, endpoints, operation, message):
    api.fail(operation, message="not allowed")
    result = run_module(module, args(endpoints))
    assert result["failed"] is True and result["msg"].startswith(message)


def test_runs_as_a_script(run_module, endpoints):
    assert run_module(module, {"endpoints": []}, as_script=True)["changed"] is False


def test_without_boto3_fails_cleanly(run_module, no_boto):
    result = run_module(no_boto(module), {"endpoints": []})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]


def test_an_unknown_endpoint_fails(run_module, endpoints):
    result = run_module(module, {"endpoints": [{"vpc_endpoint_id": "vpce-0000000000000000f", "policy": ACCOUNT_ONLY}]})
    assert result["failed"] is True and "vpce-0000000000000000f" in result["msg"]
