# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit trail of every environment, read back from the emulator with boto3: the audit bucket (encryption,
public access, ownership, versioning, policy, lifecycle), the ALB's access logs and the VPC's flow log into it, and
the database's connection logging with its exported log group; a converged re-run writes none of them."""

import json

import pytest

from conftest import ENV_REGIONS, contract_tags, tags_of, writes

ENVS = list(ENV_REGIONS)
ACCOUNT = "123456789012"  # moto's
# Elastic Load Balancing's log delivery accounts of the three regions (plugins/plugin_utils/audit.py, from AWS's docs).
ELB_ACCOUNTS = {"eu-west-1": "156460612806", "us-west-2": "797873946194", "us-east-1": "127311923021"}


def bucket_of(env):
    return f"{env}-payment-audit-logs-{ACCOUNT}-{ENV_REGIONS[env]}"


@pytest.mark.parametrize("env", ENVS)
def test_the_audit_bucket_is_encrypted_private_versioned_and_expires_after_the_retention(platform, aws, env):
    s3, bucket = aws("s3", env), bucket_of(env)
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] in (ENV_REGIONS[env], None)
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}, "SSE-S3: all ALB logs support"
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    [lifecycle] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Status"] == "Enabled" and lifecycle["Expiration"] == {"Days": 365}
    assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 365
    assert tags_of({"Tags": s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}) == dict(contract_tags(env), Name=bucket)


@pytest.mark.parametrize("env", ENVS)
def test_the_bucket_policy_admits_only_the_delivering_services_over_tls(platform, aws, env):
    region, bucket = ENV_REGIONS[env], bucket_of(env)
    policy = json.loads(aws("s3", env).get_bucket_policy(Bucket=bucket)["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert set(statements) == {"AlbAccessLogDelivery", "FlowLogDeliveryWrite", "FlowLogDeliveryCheck", "DenyInsecureTransport"}
    alb = statements["AlbAccessLogDelivery"]
    assert alb["Principal"] == {"AWS": f"arn:aws:iam::{ELB_ACCOUNTS[region]}:root"}
    assert alb["Resource"] == f"arn:aws:s3:::{bucket}/alb/AWSLogs/{ACCOUNT}/*"
    flow = statements["FlowLogDeliveryWrite"]
    assert flow["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert flow["Resource"] == f"arn:aws:s3:::{bucket}/flow/AWSLogs/{ACCOUNT}/*"
    assert flow["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control"}
    assert flow["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:logs:{region}:{ACCOUNT}:*"}
    deny = statements["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert all(s["Effect"] == "Deny" or s["Principal"] != "*" for s in policy["Statement"]), "nobody else"


@pytest.mark.parametrize("env", ENVS)
def test_the_load_balancer_writes_its_access_logs_to_the_bucket(platform, aws, env):
    elb = aws("elbv2", env)
    [alb] = elb.describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"]
    attributes = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(
        LoadBalancerArn=alb["LoadBalancerArn"])["Attributes"]}
    assert (attributes["access_logs.s3.enabled"], attributes["access_logs.s3.bucket"],
            attributes["access_logs.s3.prefix"]) == ("true", bucket_of(env), "alb")


@pytest.mark.parametrize("env", ENVS)
def test_the_vpc_flow_log_captures_all_traffic_into_the_bucket(platform, aws, env):
    ec2 = aws("ec2", env)
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-vpc"]}])["Vpcs"]
    [flow_log] = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    assert flow_log["TrafficType"] == "ALL", "accepted and rejected"
    assert flow_log["LogDestinationType"] == "s3"
    assert flow_log["LogDestination"] == f"arn:aws:s3:::{bucket_of(env)}/flow/"
    assert tags_of(flow_log) == dict(contract_tags(env), Name=f"{env}-payment-flow-logs")


@pytest.mark.parametrize("env", ENVS)
def test_the_database_logs_connections_to_a_log_group_kept_the_audit_retention(platform, aws, env):
    rds = aws("rds", env)
    parameters = {p["ParameterName"]: p["ParameterValue"] for p in rds.describe_db_cluster_parameters(
        DBClusterParameterGroupName=f"{env}-payment-db-params", Source="user")["Parameters"]}
    assert parameters["log_connections"] == parameters["log_disconnections"] == "1"
    [cluster] = rds.describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"]
    assert cluster["EnabledCloudwatchLogsExports"] == ["postgresql"]
    name = f"/aws/rds/cluster/{env}-payment-db-cluster/postgresql"
    [group] = aws("logs", env).describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 365, "payment_audit_log_retention_days"


def test_a_converged_rerun_writes_nothing(platform):
    assert writes(platform.rerun_calls) == [], "the audit trail included"
