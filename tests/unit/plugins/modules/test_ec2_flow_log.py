# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ec2_flow_log: a VPC flow log to S3, created, kept, replaced and deleted."""

import pytest

from ansible_collections.payments.platform.plugins.modules import ec2_flow_log as module

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import REGION

NAME = "dev-payment-flow-logs"
BUCKET = "dev-payment-audit-logs"
# In-process moto looks the whole ARN up as a bucket name, so these tests deliver to the bucket itself.
DESTINATION = f"arn:aws:s3:::{BUCKET}"


@pytest.fixture
def vpc(aws):
    aws("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return aws("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def present(vpc, **extra):
    return dict({"name": NAME, "resource_id": vpc, "log_destination": DESTINATION, "tags": {"Environment": "dev"}}, **extra)


def flow_logs(aws):
    return aws("ec2").describe_flow_logs(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["FlowLogs"]


def test_creates_then_is_a_no_op(aws, api, run_module, vpc):
    first = run_module(module, present(vpc))
    second = run_module(module, present(vpc))

    assert first["changed"] is True and first["flow_log_id"].startswith("fl-")
    (flow_log,) = flow_logs(aws)
    assert flow_log["ResourceId"] == vpc and flow_log["TrafficType"] == "ALL"
    assert flow_log["LogDestinationType"] == "s3" and flow_log["LogDestination"] == DESTINATION
    assert {t["Key"]: t["Value"] for t in flow_log["Tags"]} == {"Name": NAME, "Environment": "dev"}
    assert first["diff"]["before"] == {} and first["diff"]["after"]["LogDestination"] == DESTINATION
    assert second["changed"] is False and second["flow_log_id"] == first["flow_log_id"]
    assert api.operations.count("CreateFlowLogs") == 1  # the second run only read


def test_replaces_a_flow_log_of_another_traffic_type(aws, api, run_module, vpc):
    old = run_module(module, present(vpc, traffic_type="REJECT"))["flow_log_id"]
    before = len(api.writes)

    result = run_module(module, present(vpc))

    assert result["changed"] is True and result["flow_log_id"] != old
    assert [(fl["FlowLogId"], fl["TrafficType"]) for fl in flow_logs(aws)] == [(result["flow_log_id"], "ALL")]
    # Same VPC and destination: EC2 refuses the new one as the same flow log (FlowLogAlreadyExists), so the old one
    # goes first.
    assert api.writes[before:] == ["CreateFlowLogs", "DeleteFlowLogs", "CreateFlowLogs"]


def test_a_new_destination_is_capturing_before_the_old_flow_log_goes(aws, api, run_module, vpc):
    old = run_module(module, present(vpc))["flow_log_id"]
    aws("s3").create_bucket(Bucket="dev-payment-audit-logs-2", CreateBucketConfiguration={"LocationConstraint": REGION})
    before = len(api.writes)

    result = run_module(module, present(vpc, log_destination="arn:aws:s3:::dev-payment-audit-logs-2"))

    assert result["changed"] is True and result["flow_log_id"] != old
    assert [fl["FlowLogId"] for fl in flow_logs(aws)] == [result["flow_log_id"]]
    assert api.writes[before:] == ["CreateFlowLogs", "DeleteFlowLogs"], "no gap in the audit trail"
    assert api.params_of("DeleteFlowLogs") == [{"FlowLogIds": [old]}]


def test_a_flow_log_of_another_name_with_the_same_configuration_fails(aws, run_module, vpc):
    aws("ec2").create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                                LogDestination=DESTINATION)

    result = run_module(module, present(vpc))

    assert result["failed"] is True and result["msg"].startswith(f"Could not create flow log {NAME}")
    assert "FlowLogAlreadyExists" in result["msg"] or result.get("error", {}).get("code") == "FlowLogAlreadyExists"


def test_updates_tags_in_place(aws, api, run_module, vpc):
    first = run_module(module, present(vpc, tags={"Environment": "dev", "Old": "x"}))

    result = run_module(module, present(vpc, tags={"Environment": "staging"}))

    assert result["changed"] is True and result["flow_log_id"] == first["flow_log_id"]
    assert {t["Key"]: t["Value"] for t in flow_logs(aws)[0]["Tags"]} == {"Name": NAME, "Environment": "staging"}
    assert api.operations.count("CreateFlowLogs") == 1


def test_check_mode_writes_nothing(aws, api, run_module, vpc):
    result = run_module(module, present(vpc), check_mode=True)

    assert result["changed"] is True and result["flow_log_id"] == ""
    assert api.writes == [] and flow_logs(aws) == []


def test_absent_deletes_then_is_a_no_op(aws, run_module, vpc):
    run_module(module, present(vpc))

    first = run_module(module, {"name": NAME, "state": "absent"})
    second = run_module(module, {"name": NAME, "state": "absent"})

    assert first["changed"] is True and first["diff"]["after"] == {}
    assert flow_logs(aws) == []
    assert second["changed"] is False


def test_present_needs_the_vpc_and_destination(aws, run_module, vpc):
    result = run_module(module, {"name": NAME})
    assert result["failed"] is True and "resource_id" in result["msg"]


def test_a_refused_vpc_fails_with_aws_message(aws, run_module, vpc):
    result = run_module(module, present("vpc-00000000000000000"))
    assert result["failed"] is True and result["msg"].startswith(f"Could not create flow log {NAME}")


def test_unsuccessful_items_fail(aws, run_module, vpc):
    result = run_module(module, present(vpc, log_destination="arn:aws:s3:::no-such-bucket"))
    assert result["failed"] is True and result["msg"] == f"Could not create flow log {NAME}: LogDestination: no-such-bucket does not exist."


@pytest.mark.parametrize("operation, verb, args", [
    ("DescribeFlowLogs", "read", {"name": NAME, "state": "absent"}),
    ("DeleteFlowLogs", "delete", {"name": NAME, "state": "absent"}),
    ("CreateTags", "tag", None),
    ("DeleteTags", "untag", None),
])
def test_errors_fail(aws, api, run_module, vpc, operation, verb, args):
    run_module(module, present(vpc, tags={"Old": "x"}))
    api.fail(operation, message="not allowed")
    result = run_module(module, args or present(vpc, tags={"New": "y"} if verb == "tag" else {}))
    assert result["failed"] is True and result["msg"].startswith(f"Could not {verb} flow log {NAME}")


def test_runs_as_a_script(aws, run_module, vpc):
    result = run_module(module, {"name": NAME, "state": "absent"}, as_script=True)
    assert result["changed"] is False


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(module), {"name": NAME, "state": "absent"})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
