# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The VPC endpoints' policies (issue 17, locked-down access paths), read back with boto3: the S3 gateway endpoint
reaches only ECR's image layers and the environment's own bucket, the interface endpoints serve only the account's
principals. A policy put back to AWS's default by hand is predicted by --check, set back by the deploy, and a re-run
then writes nothing."""

import json

import pytest

from conftest import ENV_REGIONS, run_playbook, writes

ENVS = list(ENV_REGIONS)
INTERFACE_SERVICES = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
ENV = "dev"


def account_of(aws, env):
    return aws("sts", env).get_caller_identity()["Account"]


def policies(aws, env):
    """{short service name: (endpoint id, parsed policy)} of the environment's VPC endpoints."""
    ec2, region = aws("ec2", env), ENV_REGIONS[env]
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-vpc"]}])["Vpcs"]
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["VpcEndpoints"]
    prefix = f"com.amazonaws.{region}."
    return {e["ServiceName"][len(prefix):]: (e["VpcEndpointId"], json.loads(e["PolicyDocument"]))
            for e in found if e["State"].lower() != "deleted"}


def only_the_account(statement, account):
    return statement.get("Condition", {}).get("StringEquals", {}).get("aws:PrincipalAccount") == account


@pytest.mark.parametrize("env", ENVS)
def test_the_s3_endpoint_reaches_only_ecrs_layers_and_the_environments_bucket(platform, aws, env):
    region, account = ENV_REGIONS[env], account_of(aws, env)
    dummy, policy = policies(aws, env)["s3"]
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert set(by_sid) == {"EcrImageLayers", "TheEnvironmentsBuckets"}
    layers = by_sid["EcrImageLayers"]
    # The ECR User Guide's minimum: read the layers from AWS's bucket of the region (Fargate itself fetches them).
    assert (layers["Effect"], layers["Principal"], layers["Action"], layers["Resource"]) == (
        "Allow", "*", "s3:GetObject", f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*")
    assert "Condition" not in layers
    own = by_sid["TheEnvironmentsBuckets"]
    bucket = f"arn:aws:s3:::{env}-payment-audit-logs-{account}-{region}"
    assert own["Effect"] == "Allow" and sorted(own["Resource"]) == [bucket, bucket + "/*"]
    assert only_the_account(own, account) and own["Condition"]["StringEquals"]["aws:ResourceAccount"] == account
    # Nothing else: no other bucket, no Deny that a wider Allow would need.
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])


@pytest.mark.parametrize("env", ENVS)
def test_the_interface_endpoints_serve_only_the_accounts_principals(platform, aws, env):
    account, found = account_of(aws, env), policies(aws, env)
    assert sorted(found) == sorted(["s3"] + INTERFACE_SERVICES)
    for service in INTERFACE_SERVICES:
        dummy, policy = found[service]
        [statement] = policy["Statement"]
        assert (statement["Effect"], statement["Principal"], statement["Action"], statement["Resource"]) == (
            "Allow", "*", "*", "*"), service
        assert only_the_account(statement, account), service


def test_the_endpoints_were_created_with_their_policies(platform):
    created = platform.bodies("CreateVpcEndpoint")
    assert len(created) == 3 * (1 + len(INTERFACE_SERVICES))
    assert all("PolicyDocument=" in body for body in created), "each endpoint got its policy at creation"
    assert platform.bodies("ModifyVpcEndpoint") == [], "no policy had to be set afterwards"
    assert "ModifyVpcEndpoint" not in writes(platform.rerun_calls)


@pytest.fixture
def drifted(platform, aws):
    """dev's S3 endpoint reset to AWS's default policy and its Secrets Manager endpoint opened to everyone, by hand;
    put back afterwards whatever the test did."""
    ec2, before = aws("ec2", ENV), policies(aws, ENV)
    s3_id, ecr_id = before["s3"][0], before["secretsmanager"][0]
    ec2.modify_vpc_endpoint(VpcEndpointId=s3_id, ResetPolicy=True)
    ec2.modify_vpc_endpoint(VpcEndpointId=ecr_id, PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}))
    yield before
    for endpoint_id, policy in before.values():
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument=json.dumps(policy))


def test_a_policy_changed_by_hand_is_predicted_then_set_back_and_the_rerun_writes_nothing(drifted, emulator, aws):
    drifted_now = policies(aws, ENV)
    assert drifted_now["s3"][1]["Statement"] == [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]

    emulator.start_recording()
    check = run_playbook("site.yml", ENV, check=True)
    check_calls = emulator.stop_recording()
    assert not check.failed, check.output[-4000:]
    assert "ModifyVpcEndpoint" not in check_calls and policies(aws, ENV) == drifted_now, "check mode writes nothing"
    # It predicts the fix: the policy task changes, with the two endpoints in its diff.
    task = check.output.split("Keep the endpoint policies", 1)[1].split("TASK [", 1)[0]
    assert "changed: [dev-payment]" in task and drifted["s3"][0] in task and drifted["secretsmanager"][0] in task, task

    emulator.start_recording()
    fix = run_playbook("site.yml", ENV)
    fix_calls = emulator.stop_recording()
    assert not fix.failed, fix.output[-4000:]
    assert fix_calls.count("ModifyVpcEndpoint") == 2 and writes(fix_calls) == ["ModifyVpcEndpoint"] * 2, writes(fix_calls)
    assert policies(aws, ENV) == drifted, "both policies are the deploy's again"
    assert fix.changed == 1, fix.output[-3000:]

    emulator.start_recording()
    rerun = run_playbook("site.yml", ENV)
    rerun_calls = emulator.stop_recording()
    assert not rerun.failed and rerun.changed == 0, rerun.output[-3000:]
    assert writes(rerun_calls) == []
