"""Teardown: guarded, complete, repeatable, fine on a half-deployed environment, and followed by a
fresh deploy. Runs last (it deletes the shared platform)."""

import os
import signal
import subprocess
import time

import pytest

from conftest import ANSIBLE_PLAYBOOK, ENV_REGIONS, HOME_REGION, REPO, push_image, run_playbook

ENVS = list(ENV_REGIONS)


# What one complete environment holds (3 AZs), by kind: an interrupted deploy run again must hold exactly this.
COMPLETE = {
    "vpcs": 1, "subnets": 6, "security groups": 4, "endpoints": 5, "internet gateways": 1, "route tables": 2,
    "db clusters": 1, "db instances": 2, "db subnet groups": 1, "db parameter groups": 1, "secrets": 1,
    "ecs clusters": 1, "task definitions": 1, "load balancers": 1, "target groups": 1, "iam roles": 2,
    "log groups": 1, "alarms": 5, "scalable targets": 1, "hosted zones": 1,
}


def leftovers(aws, env):
    """Every resource of `env` that AWS still holds, by kind."""
    p = f"{env}-payment"
    ec2, left = aws("ec2", env), {}
    left["vpcs"] = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [env]}])["Vpcs"]
    left["subnets"] = ec2.describe_subnets(Filters=[{"Name": "tag:Environment", "Values": [env]}])["Subnets"]
    left["security groups"] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{p}-*"]}])["SecurityGroups"]
    left["endpoints"] = [
        e for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "tag:Environment", "Values": [env]}])["VpcEndpoints"]
        if e["State"].lower() != "deleted"
    ]
    left["internet gateways"] = ec2.describe_internet_gateways(Filters=[{"Name": "tag:Environment", "Values": [env]}])["InternetGateways"]
    left["route tables"] = ec2.describe_route_tables(Filters=[{"Name": "tag:Environment", "Values": [env]}])["RouteTables"]
    rds = aws("rds", env)
    left["db clusters"] = [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"].startswith(p)]
    left["db instances"] = [i for i in rds.describe_db_instances()["DBInstances"] if i["DBInstanceIdentifier"].startswith(p)]
    left["db subnet groups"] = [g for g in rds.describe_db_subnet_groups()["DBSubnetGroups"] if g["DBSubnetGroupName"].startswith(p)]
    left["db parameter groups"] = [
        g for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"] if g["DBClusterParameterGroupName"].startswith(p)
    ]
    left["secrets"] = [s for s in aws("secretsmanager", env).list_secrets(IncludePlannedDeletion=True)["SecretList"] if s["Name"].startswith(p)]
    ecs = aws("ecs", env)
    left["ecs clusters"] = [c for c in ecs.describe_clusters(clusters=[f"{p}-cluster"])["clusters"] if c["status"] != "INACTIVE"]
    left["task definitions"] = ecs.list_task_definitions(familyPrefix=f"{p}-task", status="ACTIVE")["taskDefinitionArns"]
    elb = aws("elbv2", env)
    left["load balancers"] = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"].startswith(p)]
    left["target groups"] = [tg for tg in elb.describe_target_groups()["TargetGroups"] if tg["TargetGroupName"].startswith(p)]
    left["iam roles"] = [r for r in aws("iam", env).list_roles()["Roles"] if r["RoleName"].startswith(p)]
    left["log groups"] = aws("logs", env).describe_log_groups(logGroupNamePrefix=f"/ecs/{p}")["logGroups"]
    left["alarms"] = aws("cloudwatch", env).describe_alarms(AlarmNamePrefix=p)["MetricAlarms"]
    left["scalable targets"] = aws("application-autoscaling", env).describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    left["hosted zones"] = aws("route53", env).list_hosted_zones_by_name(DNSName=f"{env}.payment.internal")["HostedZones"]
    left["hosted zones"] = [z for z in left["hosted zones"] if z["Name"] == f"{env}.payment.internal."]
    return {kind: found for kind, found in left.items() if found}


def shared_repository(aws):
    """The shared repository's copies (home region and replicas) and the home registry's replication rules."""
    copies = [r for env in ENVS for r in aws("ecr", env).describe_repositories()["repositories"]]
    return copies + aws("ecr", "dev").describe_registry()["replicationConfiguration"]["rules"]


@pytest.mark.parametrize("confirm", [None, "prod"])
def test_teardown_refuses_without_the_right_confirmation(platform, emulator, confirm):
    emulator.start_recording()
    run = run_playbook("playbooks/teardown.yml", "dev", extra_vars={"payment_teardown_confirm": confirm} if confirm else None)
    calls = emulator.stop_recording()
    assert run.failed and "payment_teardown_confirm" in run.output
    assert calls == [], "not even a read before the confirmation"


def test_teardown_of_every_environment_leaves_nothing(platform, emulator, aws):
    # staging alone: the shared repository stays, and the run says why.
    run = run_playbook("playbooks/teardown.yml", "staging", extra_vars={"payment_teardown_confirm": "staging"})
    assert not run.failed, run.output[-4000:]
    assert "Kept the shared ECR repository" in run.output
    assert leftovers(aws, "staging") == {}
    assert shared_repository(aws)

    # dev and prod in one run: the last environments, so the shared repository goes too.
    run = run_playbook("playbooks/teardown.yml", "dev", "prod", extra_vars={"payment_teardown_confirm": "{{ payment_environment }}"})
    assert not run.failed, run.output[-4000:]
    for env in ENVS:
        assert leftovers(aws, env) == {}, env
    assert shared_repository(aws) == []

    again = run_playbook("playbooks/teardown.yml", "dev", extra_vars={"payment_teardown_confirm": "dev"})
    assert not again.failed and again.changed == 0, again.output[-3000:]


def test_interrupted_deploy_converges_when_run_again_then_tears_down_and_deploys_afresh(emulator, aws):
    # SIGINT a deploy of dev part-way (after the network tier has started), as a person would with Ctrl-C.
    # The shared registry went with the last environment: as on a new account, the first run creates it and stops
    # for want of an image, which is then pushed.
    assert run_playbook("site.yml", "dev").failed
    push_image(emulator.url, HOME_REGION, "latest")
    deploy = subprocess.Popen(
        [ANSIBLE_PLAYBOOK, "site.yml", "-i", "inventories/dev"], cwd=REPO, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env=dict(os.environ, ANSIBLE_NOCOLOR="1"), start_new_session=True,
    )
    deadline = time.time() + 300
    for line in deploy.stdout:
        if "Create one public and one private subnet" in line or time.time() > deadline:
            break
    os.killpg(deploy.pid, signal.SIGINT)
    deploy.communicate(timeout=120)
    assert 0 < sum(map(len, leftovers(aws, "dev").values())) < sum(COMPLETE.values()), "dev should be part-deployed"

    again = run_playbook("site.yml", "dev")
    assert not again.failed, again.output[-4000:]
    assert {kind: len(found) for kind, found in leftovers(aws, "dev").items()} == COMPLETE, "nothing duplicated"

    run = run_playbook("playbooks/teardown.yml", "dev", extra_vars={"payment_teardown_confirm": "dev"})
    assert not run.failed, run.output[-4000:]
    assert leftovers(aws, "dev") == {}

    fresh = run_playbook("site.yml", "dev")
    assert not fresh.failed, fresh.output[-4000:]
    assert {kind: len(found) for kind, found in leftovers(aws, "dev").items()} == COMPLETE
