# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ec2_flow_log_info: flow logs by name or resource, read only."""

import pytest

from ansible_collections.payments.platform.plugins.modules import ec2_flow_log_info as module

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import REGION

BUCKET = "dev-payment-audit-logs"


@pytest.fixture
def vpcs(aws):
    ec2 = aws("ec2")
    aws("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    ids = [ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"] for cidr in ("10.0.0.0/16", "10.1.0.0/16")]
    for vpc, name in zip(ids, ("dev-payment-flow-logs", "other")):
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                             LogDestination=f"arn:aws:s3:::{BUCKET}",
                             TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": name}]}])
    return ids


def test_reads_by_name(aws, api, run_module, vpcs):
    result = run_module(module, {"name": "dev-payment-flow-logs"})
    (flow_log,) = result["flow_logs"]
    assert result["changed"] is False and api.writes == []
    assert flow_log["resource_id"] == vpcs[0] and flow_log["traffic_type"] == "ALL"
    assert flow_log["log_destination"] == f"arn:aws:s3:::{BUCKET}" and flow_log["tags"] == {"Name": "dev-payment-flow-logs"}


def test_reads_by_resource(aws, run_module, vpcs):
    result = run_module(module, {"resource_id": vpcs[1]})
    assert [fl["tags"]["Name"] for fl in result["flow_logs"]] == ["other"]


def test_needs_a_name_or_resource(aws, run_module, vpcs):
    result = run_module(module, {})
    assert result["failed"] is True and "name, resource_id" in result["msg"]


def test_read_errors_fail(aws, api, run_module, vpcs):
    api.fail("DescribeFlowLogs", message="not allowed")
    result = run_module(module, {"name": "x"})
    assert result["failed"] is True and result["msg"].startswith("Could not read the flow logs")


def test_runs_as_a_script(aws, run_module, vpcs):
    result = run_module(module, {"name": "none"}, as_script=True)
    assert result["flow_logs"] == []


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(module), {"name": "x"})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
