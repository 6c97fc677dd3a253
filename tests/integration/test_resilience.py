# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles survive AWS's timing: on an emulator of its own in rehearsal mode (tests/rehearsal.py: an Aurora
instance is creating ~10 AWS minutes, interface endpoints pending ~2, network interfaces outlive their owners,
deletes are refused while AWS is still busy...), the deploy's first tiers (network, database, load balancer) and
their waits, then playbooks/teardown.yml. Same roles, same code as on AWS; only the poll delays are shortened.

The tests share one dev environment and run in file order: a deploy that runs out of time and resumes, a converged
re-run, a teardown that runs out of time and resumes, a second teardown, and a deploy right after a teardown."""

import json
import subprocess

import pytest

from conftest import ANSIBLE_PLAYBOOK, REPO, Emulator, Run, aws_clients, emulator_environment, writes

SCALE = 6.0  # emulator seconds per AWS minute: a cluster is creating 24 s, an instance 60 s (deleting 30 s)
PLAYBOOK = "tests/integration/playbooks/resilience.yml"
TEARDOWN = "playbooks/teardown.yml"
# AWS's budgets stay the roles' defaults (40 min...); only the polls come closer together.
FAST = {"rds_wait_delay": 1, "rds_delete_delay": 1, "vpc_endpoint_wait_delay": 1, "vpc_delete_delay": 1,
        "alb_delete_delay": 1, "ecs_delete_delay": 1}
CONFIRM = {"payment_teardown_confirm": "dev"}
PREFIX = "dev-payment"


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    emulator = Emulator(tmp_path_factory.mktemp("resilience"), rehearsal=SCALE)
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def aws(rehearsal):
    clients = aws_clients(rehearsal.url)
    return lambda service: clients(service, "dev")


def play(emulator, playbook, **extra_vars):
    """Run `playbook` for dev against the rehearsal emulator (not the session one)."""
    cmd = [ANSIBLE_PLAYBOOK, playbook, "-i", "inventories/dev", "-e", json.dumps(FAST | extra_vars)]
    env = emulator_environment(emulator.url) | {"ANSIBLE_NOCOLOR": "1"}
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800, env=env, check=False)
    return Run(proc.returncode, proc.stdout + proc.stderr)


def recorded(emulator, run_it):
    emulator.start_recording()
    run = run_it()
    return run, emulator.stop_recording()


def leftovers(aws):
    """What AWS still holds of dev's network, database and load balancer, network interfaces included."""
    ec2, rds, elb = aws("ec2"), aws("rds"), aws("elbv2")
    left = {
        "vpcs": ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"],
        # Every interface of the region: AWS's own (load balancer, endpoints, database) linger after their owners.
        "network interfaces": ec2.describe_network_interfaces()["NetworkInterfaces"],
        "endpoints": [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["State"].lower() != "deleted"],
        "security groups": ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-*"]}])["SecurityGroups"],
        "subnets": ec2.describe_subnets(Filters=[{"Name": "tag:Environment", "Values": ["dev"]}])["Subnets"],
        "internet gateways": ec2.describe_internet_gateways(Filters=[{"Name": "tag:Environment", "Values": ["dev"]}])["InternetGateways"],
        "db clusters": rds.describe_db_clusters()["DBClusters"],
        "db instances": rds.describe_db_instances()["DBInstances"],
        "db subnet groups": [g for g in rds.describe_db_subnet_groups()["DBSubnetGroups"] if g["DBSubnetGroupName"].startswith(PREFIX)],
        "secrets": aws("secretsmanager").list_secrets(IncludePlannedDeletion=True)["SecretList"],
        "load balancers": elb.describe_load_balancers()["LoadBalancers"],
        "target groups": elb.describe_target_groups()["TargetGroups"],
        "ecs clusters": [c for c in aws("ecs").describe_clusters(clusters=[f"{PREFIX}-cluster"])["clusters"] if c["status"] != "INACTIVE"],
    }
    return {kind: found for kind, found in left.items() if found}


def test_deploy_that_runs_out_of_time_says_what_is_pending_and_resumes(rehearsal, aws, tmp_path):
    # A new cluster is creating for 24 s here; a 1 s budget runs out (as 40 min could on a bad day on AWS). This run
    # asks for another backup window than the role's default, so the next run has a change to make.
    network = tmp_path / "network.json"
    short = play(rehearsal, PLAYBOOK, rds_wait_timeout=1, rds_backup_window="00:00-01:00", resilience_outputs=str(network))
    assert short.failed
    assert f"The database cluster {PREFIX}-db-cluster is still creating after 1 s (rds_wait_timeout)" in short.output
    assert "run the deploy again, it resumes" in short.output

    # Run again while the cluster is still creating: AWS refuses ModifyDBCluster meanwhile and rds_cluster would
    # not wait (it changed nothing yet), so the present path waits first; then the deploy's waits hold until the
    # instances, created without waiting, and the endpoints are available.
    # (Straight at the data tier, so that it meets the cluster still creating.)
    resumed = play(rehearsal, PLAYBOOK, resilience_vpc_outputs=json.loads(network.read_text()))
    assert not resumed.failed, resumed.output[-4000:]
    assert "FAILED - RETRYING: [dev-payment]: Wait until the cluster is available (before changing it)" in resumed.output
    assert "FAILED - RETRYING: [dev-payment]: Wait until the writer and the reader are available" in resumed.output
    rds, ec2 = aws("rds"), aws("ec2")
    [cluster] = rds.describe_db_clusters()["DBClusters"]
    assert (cluster["Status"], cluster["PreferredBackupWindow"]) == ("available", "02:00-03:00")
    instances = rds.describe_db_instances()["DBInstances"]
    assert sorted((i["DBInstanceIdentifier"], i["DBInstanceStatus"]) for i in instances) == [
        (f"{PREFIX}-db-1", "available"), (f"{PREFIX}-db-2", "available")]
    endpoints = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert len(endpoints) == 5 and {e["State"] for e in endpoints} == {"available"}


def test_converged_rerun_waits_without_writing(rehearsal):
    run, calls = recorded(rehearsal, lambda: play(rehearsal, PLAYBOOK))
    assert not run.failed, run.output[-4000:]
    assert run.changed == 0, run.output[-4000:]
    assert writes(calls) == []


def test_teardown_that_runs_out_of_time_names_what_is_left_then_resumes_and_leaves_nothing(rehearsal, aws):
    ec2, ecs = aws("ec2"), aws("ecs")
    private = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-private-*"]}])["Subnets"]
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-ecs-sg"]}])["SecurityGroups"][0]
    # The service tier as far as teardown sees it (the ecs role's present path needs the whole deploy): a
    # cluster and a Fargate service in the private subnets, which AWS drains before DeleteCluster is accepted.
    ecs.create_cluster(clusterName=f"{PREFIX}-cluster")
    task = ecs.register_task_definition(
        family=f"{PREFIX}-task", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "payment-processor", "image": "nginx", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster=f"{PREFIX}-cluster", serviceName=f"{PREFIX}-service", taskDefinition=task, desiredCount=1,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
            "subnets": [s["SubnetId"] for s in private], "securityGroups": [group["GroupId"]]}},
    )
    # A detached interface no AWS service manages (left by hand): it would block its subnet for ever.
    ec2.create_network_interface(SubnetId=private[0]["SubnetId"], Description="left by hand")

    # The DB instances are deleting for 30 s here: a 1 s budget runs out, and the run says what is left.
    short = play(rehearsal, TEARDOWN, rds_delete_timeout=1, **CONFIRM)
    assert short.failed
    assert "The teardown of the data tier stopped at 'Wait until the instances are gone'" in short.output
    assert f"instance {PREFIX}-db-1 (deleting)" in short.output and f"instance {PREFIX}-db-2 (deleting)" in short.output
    assert "run the teardown again, it resumes" in short.output

    resumed = play(rehearsal, TEARDOWN, **CONFIRM)
    assert not resumed.failed, resumed.output[-4000:]
    assert leftovers(aws) == {}

    again, calls = recorded(rehearsal, lambda: play(rehearsal, TEARDOWN, **CONFIRM))
    assert not again.failed and again.changed == 0, again.output[-3000:]
    assert writes(calls) == []


def test_deploy_right_after_a_teardown(rehearsal, aws):
    # The teardown ended only once the secret's name could be used again.
    run = play(rehearsal, PLAYBOOK)
    assert not run.failed, run.output[-4000:]
    assert [s["Name"] for s in aws("secretsmanager").list_secrets()["SecretList"]] == [f"{PREFIX}-db-credentials"]
