# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Outputs and comparison reports match what AWS holds; a hand-made change shows as drift."""

import json

import pytest

from conftest import ENV_REGIONS, REPO, run_playbook, writes

REPORTS = REPO / "reports"
ENVS = list(ENV_REGIONS)
OUTPUT_KEYS = {
    "vpcId", "publicSubnetIds", "privateSubnetIds", "ecsClusterArn", "albDnsName",
    "dbEndpoint", "dbSecretArn", "privateZoneId", "ecrRepositoryUrl",
}


@pytest.mark.parametrize("env", ENVS)
def test_outputs_are_read_from_aws(platform, aws, env):
    outputs = json.loads((REPORTS / f"outputs-{env}.json").read_text())
    assert set(outputs) == OUTPUT_KEYS
    ec2 = aws("ec2", env)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-vpc"]}])["Vpcs"][0]
    assert outputs["vpcId"] == vpc["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    for tier, key in (("public", "publicSubnetIds"), ("private", "privateSubnetIds")):
        expected = {s["SubnetId"] for s in subnets if f"-{tier}-" in {t["Key"]: t["Value"] for t in s["Tags"]}["Name"]}
        assert set(outputs[key]) == expected and len(expected) == 3
    cluster = aws("ecs", env).describe_clusters(clusters=[f"{env}-payment-cluster"])["clusters"][0]
    assert outputs["ecsClusterArn"] == cluster["clusterArn"]
    alb = aws("elbv2", env).describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"][0]
    assert outputs["albDnsName"] == alb["DNSName"]
    db = aws("rds", env).describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"][0]
    assert outputs["dbEndpoint"] == db["Endpoint"]
    secret = aws("secretsmanager", env).describe_secret(SecretId=f"{env}-payment-db-credentials")
    assert outputs["dbSecretArn"] == secret["ARN"]
    zones = aws("route53", env).list_hosted_zones_by_name(DNSName=f"{env}.payment.internal")["HostedZones"]
    assert outputs["privateZoneId"] == zones[0]["Id"].split("/")[-1]
    # The copy of the shared repository in the environment's own region, which its tasks pull from.
    repo = aws("ecr", env).describe_repositories(repositoryNames=["payment-processor"])["repositories"][0]
    assert outputs["ecrRepositoryUrl"] == repo["repositoryUri"] and f".{ENV_REGIONS[env]}." in repo["repositoryUri"]


@pytest.mark.parametrize("env", ENVS)
def test_environment_report(platform, aws, env):
    report = json.loads((REPORTS / f"comparison-report-{env}.json").read_text())
    assert report["environment"] == env
    assert report["timestamp"].endswith("Z") and "T" in report["timestamp"]
    threshold = {"dev": 50, "staging": 70, "prod": 70}[env]
    assert float(report["configuration"]["scaling_cpu_threshold"]) == threshold
    assert report["configuration"]["db_instance_count"] == 2
    # The tag the inventory names, and the digest the service runs (read from its task definition).
    ecs = aws("ecs", env)
    service = ecs.describe_services(cluster=f"{env}-payment-cluster", services=[f"{env}-payment-service"])["services"][0]
    image = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]["containerDefinitions"][0]["image"]
    assert report["configuration"]["image_tag"] == "latest"
    assert report["configuration"]["image_digest"] == image.split("@")[1]
    assert report["drift"] == {}


def test_no_password_in_any_report(platform, aws):
    for env in ENVS:
        secret = json.loads(aws("secretsmanager", env).get_secret_value(SecretId=f"{env}-payment-db-credentials")["SecretString"])
        for path in REPORTS.glob("*"):
            assert secret["password"] not in path.read_text(), f"{env}'s password is in {path.name}"


def test_comparison_shows_differences_and_drift(platform, emulator, aws):
    scaling = aws("application-autoscaling", "staging")
    resource = "service/staging-payment-cluster/staging-payment-service"
    policy = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"][0]
    config = policy["TargetTrackingScalingPolicyConfiguration"]

    def set_target(value):
        scaling.put_scaling_policy(
            PolicyName=policy["PolicyName"], ServiceNamespace="ecs", ResourceId=resource,
            ScalableDimension=policy["ScalableDimension"], PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=config | {"TargetValue": value},
        )

    set_target(85.0)  # changed by hand, as in the console
    try:
        emulator.start_recording()
        run = run_playbook("playbooks/compare.yml", "dev", "staging", "prod")
        calls = emulator.stop_recording()
    finally:
        set_target(config["TargetValue"])
    assert not run.failed, run.output[-3000:]
    assert writes(calls) == [], "compare.yml must only read"
    report = json.loads((REPORTS / "comparison-report.json").read_text())
    settings = {s["setting"]: s for s in report["settings"]}
    assert settings["scaling_cpu_threshold"]["drift"] == {"dev": False, "staging": True, "prod": False}
    assert settings["scaling_cpu_threshold"]["differs"] is True
    assert settings["vpc_cidr"]["differs"] is True and settings["task_cpu"]["differs"] is False
    assert report["drift"] == [{"environment": "staging", "setting": "scaling_cpu_threshold", "configured": 70, "live": 85.0}]
    markdown = (REPORTS / "comparison-report.md").read_text()
    assert "| `scaling_cpu_threshold` |" in markdown and "drift" in markdown


def test_deploy_does_not_read_again_what_its_roles_returned(platform):
    """The outputs step takes the zone and the scaling target from the roles that just applied them: in the
    converged re-run the zone is never looked up by name, the scaling target is read once per environment."""
    assert platform.rerun_calls.count("DescribeScalableTargets") == len(ENVS)
    assert [c for c in platform.rerun_calls if c.startswith("GET /2013-04-01/hostedzonesbyname")] == []
