# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's rehearsal mode (tests/rehearsal.py): AWS's waits and refusals on a compressed clock.

Each test would fail without the patch it names; the last ones prove that without --rehearsal the emulator
behaves as before. Both emulators are this module's own (boto3 straight at them, no playbook)."""

import time

import pytest
from botocore.exceptions import ClientError

import rehearsal as r
from conftest import Emulator, aws_clients

SCALE = 0.5  # emulator seconds per AWS minute: a DB instance is `creating` 5 s
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def aws(tmp_path_factory):
    """boto3 clients against an emulator in rehearsal mode: aws('ec2')."""
    emulator = Emulator(tmp_path_factory.mktemp("rehearsal"), rehearsal=SCALE)
    clients = aws_clients(emulator.url)
    yield lambda service: clients(service, region=REGION)
    emulator.stop()


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """boto3 clients against an emulator started without --rehearsal."""
    emulator = Emulator(tmp_path_factory.mktemp("plain"))
    clients = aws_clients(emulator.url)
    yield lambda service: clients(service, region=REGION)
    emulator.stop()


def wait_for(read, aws_minutes, what):
    """Poll `read` until it returns something true; at most the AWS duration plus a margin."""
    deadline = time.monotonic() + aws_minutes * SCALE + 15
    while not (value := read()):
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)
    return value


def refused(call, **kwargs):
    """The error code AWS answers `call` with (the call must fail)."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"]


def network(ec2, prefix):
    """A VPC `prefix`.0.0/16 with two subnets and a security group."""
    vpc = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{i}.0/24", AvailabilityZone=f"{REGION}{az}")
               ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName=f"sg-{prefix}", Description="test", VpcId=vpc)["GroupId"]
    return vpc, subnets, group


def interfaces(ec2, vpc):
    return ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]


def aurora(rds, ec2, prefix):
    """An Aurora PostgreSQL cluster with one instance in a new network; (cluster, instance, vpc, group)."""
    vpc, subnets, group = network(ec2, prefix)
    rds.create_db_subnet_group(DBSubnetGroupName=f"db-{prefix}", DBSubnetGroupDescription="test", SubnetIds=subnets)
    cluster, instance = f"cluster-{prefix.replace('.', '-')}", f"instance-{prefix.replace('.', '-')}"
    rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-postgresql", MasterUsername="payments",
                          MasterUserPassword="not-a-secret-1", DBSubnetGroupName=f"db-{prefix}", VpcSecurityGroupIds=[group])
    rds.create_db_instance(DBInstanceIdentifier=instance, DBClusterIdentifier=cluster, Engine="aurora-postgresql",
                           DBInstanceClass="db.t3.medium")
    return cluster, instance, vpc, group


def cluster_status(rds, cluster):
    found = rds.describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": [cluster]}])["DBClusters"]
    return found[0]["Status"] if found else None


def instance_status(rds, instance):
    found = rds.describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [instance]}])["DBInstances"]
    return found[0]["DBInstanceStatus"] if found else None


def test_rds_creates_slowly_and_refuses_modifications_meanwhile(aws):
    rds, ec2 = aws("rds"), aws("ec2")
    started = time.monotonic()
    cluster, instance, _vpc, _group = aurora(rds, ec2, "10.11")
    assert cluster_status(rds, cluster) == "creating"
    assert instance_status(rds, instance) == "creating"  # accepted into a creating cluster, as on AWS
    assert refused(rds.modify_db_cluster, DBClusterIdentifier=cluster, BackupRetentionPeriod=3) == "InvalidDBClusterStateFault"
    assert refused(rds.modify_db_instance, DBInstanceIdentifier=instance, PromotionTier=3) == "InvalidDBInstanceState"
    wait_for(lambda: cluster_status(rds, cluster) == "available", r.RDS_CLUSTER_CREATING, "the cluster")
    assert instance_status(rds, instance) == "creating"
    rds.modify_db_cluster(DBClusterIdentifier=cluster, BackupRetentionPeriod=3)
    wait_for(lambda: instance_status(rds, instance) == "available", r.RDS_INSTANCE_CREATING, "the instance")
    assert time.monotonic() - started >= 0.9 * r.RDS_INSTANCE_CREATING * SCALE
    rds.modify_db_instance(DBInstanceIdentifier=instance, PromotionTier=3)


def test_rds_deletes_in_order_and_keeps_its_network_interface_until_gone(aws):
    rds, ec2 = aws("rds"), aws("ec2")
    cluster, instance, vpc, group = aurora(rds, ec2, "10.12")
    [eni] = interfaces(ec2, vpc)
    assert (eni["Description"], eni["RequesterManaged"]) == ("RDSNetworkInterface", True)
    assert [g["GroupId"] for g in eni["Groups"]] == [group]
    assert refused(rds.delete_db_cluster, DBClusterIdentifier=cluster, SkipFinalSnapshot=True) == "InvalidDBClusterStateFault"
    assert rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)["DBInstance"]["DBInstanceStatus"] == "deleting"
    assert instance_status(rds, instance) == "deleting"
    assert refused(rds.delete_db_instance, DBInstanceIdentifier=instance, SkipFinalSnapshot=True) == "InvalidDBInstanceState"
    rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)  # every member is deleting now
    assert cluster_status(rds, cluster) == "deleting"
    assert refused(rds.create_db_instance, DBInstanceIdentifier="late", DBClusterIdentifier=cluster,
                   Engine="aurora-postgresql", DBInstanceClass="db.t3.medium") == "InvalidDBClusterStateFault"
    assert refused(ec2.delete_security_group, GroupId=group) == "DependencyViolation"
    wait_for(lambda: cluster_status(rds, cluster) is None, r.RDS_CLUSTER_DELETING, "the cluster to go")
    wait_for(lambda: instance_status(rds, instance) is None, r.RDS_INSTANCE_DELETING, "the instance to go")
    assert interfaces(ec2, vpc) == []
    ec2.delete_security_group(GroupId=group)


def snapshot_of(rds, snapshot):
    return rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot)["DBClusterSnapshots"][0]


def test_a_cluster_snapshot_is_creating_a_while_and_cannot_be_deleted_meanwhile(aws):
    rds, ec2 = aws("rds"), aws("ec2")
    cluster, _instance, _vpc, _group = aurora(rds, ec2, "10.14")
    wait_for(lambda: cluster_status(rds, cluster) == "available", r.RDS_CLUSTER_CREATING, "the cluster")
    started = time.monotonic()
    created = rds.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier="final-1")
    assert created["DBClusterSnapshot"]["Status"] == "creating"
    first = snapshot_of(rds, "final-1")
    assert first["Status"] == "creating" and 0 <= first["PercentProgress"] < 100
    assert refused(rds.delete_db_cluster_snapshot, DBClusterSnapshotIdentifier="final-1") == "InvalidDBClusterSnapshotStateFault"
    wait_for(lambda: snapshot_of(rds, "final-1")["Status"] == "available", r.RDS_CLUSTER_SNAPSHOT_CREATING, "the snapshot")
    assert time.monotonic() - started >= 0.9 * r.RDS_CLUSTER_SNAPSHOT_CREATING * SCALE
    assert snapshot_of(rds, "final-1")["PercentProgress"] == 100
    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="final-1")
    assert rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"] == []


def test_load_balancer_provisions_and_its_interfaces_outlive_it(aws):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc, subnets, group = network(ec2, "10.13")
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    lb = elbv2.create_load_balancer(Name="rehearsal-web", Subnets=subnets, SecurityGroups=[group])["LoadBalancers"][0]
    arn = lb["LoadBalancerArn"]
    assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "provisioning"
    enis = interfaces(ec2, vpc)
    assert sorted(e["SubnetId"] for e in enis) == sorted(subnets)
    assert {e["Description"] for e in enis} == {f"ELB app/rehearsal-web/{arn.rsplit('/', 1)[-1]}"}
    assert all(e["RequesterManaged"] and e["Association"]["PublicIp"] for e in enis)
    assert all([g["GroupId"] for g in e["Groups"]] == [group] for e in enis)
    assert refused(ec2.delete_security_group, GroupId=group) == "DependencyViolation"
    assert refused(ec2.delete_subnet, SubnetId=subnets[0]) == "DependencyViolation"
    assert refused(ec2.detach_internet_gateway, InternetGatewayId=gateway, VpcId=vpc) == "DependencyViolation"
    wait_for(lambda: elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "active",
             r.ALB_PROVISIONING, "the load balancer")
    group_arn = elbv2.create_target_group(Name="rehearsal-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                          TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}])
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert refused(elbv2.delete_target_group, TargetGroupArn=group_arn) == "ResourceInUse"
    assert len(interfaces(ec2, vpc)) == 2
    assert refused(ec2.detach_internet_gateway, InternetGatewayId=gateway, VpcId=vpc) == "DependencyViolation"
    wait_for(lambda: interfaces(ec2, vpc) == [], r.ALB_INTERFACES_LINGER, "the interfaces to go")
    elbv2.delete_target_group(TargetGroupArn=group_arn)
    ec2.detach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnets[0])


def test_interface_endpoint_pends_deletes_slowly_and_stays_listed(aws):
    ec2 = aws("ec2")
    vpc, subnets, group = network(ec2, "10.14")
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.ecr.api",
                                       SubnetIds=subnets, SecurityGroupIds=[group])["VpcEndpoint"]["VpcEndpointId"]
    gateway = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway",
                                      ServiceName=f"com.amazonaws.{REGION}.s3")["VpcEndpoint"]["VpcEndpointId"]

    def state(vpce=endpoint):
        found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]
        return next((e["State"] for e in found if e["VpcEndpointId"] == vpce), None)

    def listed(wanted):
        return [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(
            Filters=[{"Name": "vpc-endpoint-state", "Values": [wanted]}, {"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]]

    assert (state(), state(gateway)) == ("pending", "available")
    assert listed("pending") == [endpoint]
    enis = interfaces(ec2, vpc)
    assert {e["Description"] for e in enis} == {f"VPC Endpoint Interface {endpoint}"}
    assert {e["InterfaceType"] for e in enis} == {"vpc_endpoint"} and len(enis) == 2
    assert all([g["GroupId"] for g in e["Groups"]] == [group] for e in enis)
    wait_for(lambda: state() == "available", r.ENDPOINT_PENDING, "the endpoint")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])
    assert state() == "deleting" and listed("deleting") == [endpoint]
    assert len(interfaces(ec2, vpc)) == 2
    assert refused(ec2.delete_security_group, GroupId=group) == "DependencyViolation"
    wait_for(lambda: state() == "deleted", r.ENDPOINT_DELETING, "the endpoint to be deleted")
    assert listed("deleted") == [endpoint] and interfaces(ec2, vpc) == []
    ec2.delete_security_group(GroupId=group)
    wait_for(lambda: state() is None, r.ENDPOINT_DELETED_LISTED, "the deleted endpoint to go")


def test_delete_vpc_refused_while_anything_remains(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.15.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="leftover", Description="test", VpcId=vpc)["GroupId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Gateway",
                                       ServiceName=f"com.amazonaws.{REGION}.s3")["VpcEndpoint"]["VpcEndpointId"]
    for remove in (lambda: ec2.delete_security_group(GroupId=group),
                   lambda: ec2.detach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc),
                   lambda: ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])):
        assert refused(ec2.delete_vpc, VpcId=vpc) == "DependencyViolation"
        remove()
    ec2.delete_vpc(VpcId=vpc)


def test_ecs_tasks_have_interfaces_and_a_deleted_service_drains(aws):
    ec2, ecs = aws("ec2"), aws("ecs")
    vpc, subnets, group = network(ec2, "10.16")
    ecs.create_cluster(clusterName="rehearsal")
    ecs.register_task_definition(family="rehearsal", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
    ecs.create_service(cluster="rehearsal", serviceName="web", taskDefinition="rehearsal", desiredCount=0, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}})
    ecs.update_service(cluster="rehearsal", service="web", desiredCount=2)  # moto: 2 running tasks
    enis = interfaces(ec2, vpc)
    assert len(enis) == 2 and all(e["Description"].startswith(f"arn:aws:ecs:{REGION}:") for e in enis)
    assert all(":attachment/" in e["Description"] and [g["GroupId"] for g in e["Groups"]] == [group] for e in enis)
    assert refused(ecs.delete_cluster, cluster="rehearsal") == "ClusterContainsServicesException"
    ecs.update_service(cluster="rehearsal", service="web", desiredCount=1)
    assert len(interfaces(ec2, vpc)) == 2  # the stopped task's interface lingers
    wait_for(lambda: len(interfaces(ec2, vpc)) == 1, r.ECS_TASK_INTERFACES_LINGER, "the stopped task's interface to go")
    assert ecs.delete_service(cluster="rehearsal", service="web", force=True)["service"]["status"] == "DRAINING"
    assert refused(ecs.delete_cluster, cluster="rehearsal") == "ClusterContainsTasksException"
    assert refused(ec2.delete_security_group, GroupId=group) == "DependencyViolation"
    wait_for(lambda: ecs.describe_services(cluster="rehearsal", services=["web"])["services"][0]["status"] == "INACTIVE",
             r.ECS_SERVICE_DRAINING, "the service to be inactive")
    wait_for(lambda: interfaces(ec2, vpc) == [], r.ECS_TASK_INTERFACES_LINGER, "the task interfaces to go")
    ecs.delete_cluster(cluster="rehearsal")
    ec2.delete_security_group(GroupId=group)


def test_force_deleted_secret_name_is_reserved_a_while(aws):
    secrets = aws("secretsmanager")
    secrets.create_secret(Name="rehearsal/db", SecretString="{}")
    secrets.delete_secret(SecretId="rehearsal/db", ForceDeleteWithoutRecovery=True)
    with pytest.raises(ClientError) as caught:
        secrets.create_secret(Name="rehearsal/db", SecretString="{}")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "already scheduled for deletion" in caught.value.response["Error"]["Message"]

    def recreated():
        try:
            return secrets.create_secret(Name="rehearsal/db", SecretString="{}")
        except ClientError:
            return None

    wait_for(recreated, r.SECRET_NAME_RESERVED, "the name to be free")


def test_without_rehearsal_nothing_waits_or_lingers(plain):
    rds, ec2, elbv2, ecs, secrets = (plain(s) for s in ("rds", "ec2", "elbv2", "ecs", "secretsmanager"))
    cluster, instance, vpc, group = aurora(rds, ec2, "10.21")
    assert (cluster_status(rds, cluster), instance_status(rds, instance)) == ("available", "available")
    rds.modify_db_instance(DBInstanceIdentifier=instance, PromotionTier=3)
    snapshot = rds.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier="plain-final")
    assert snapshot["DBClusterSnapshot"]["Status"] == "available"
    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="plain-final")
    rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)
    rds.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
    assert (cluster_status(rds, cluster), instance_status(rds, instance)) == (None, None)

    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    lb = elbv2.create_load_balancer(Name="plain-web", Subnets=subnets, SecurityGroups=[group])["LoadBalancers"][0]
    assert elbv2.describe_load_balancers()["LoadBalancers"][0]["State"]["Code"] == "active"
    group_arn = elbv2.create_target_group(Name="plain-tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}])
    assert interfaces(ec2, vpc) == []
    ec2.delete_security_group(GroupId=group)  # moto: the load balancer holds nothing
    elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    elbv2.delete_target_group(TargetGroupArn=group_arn)

    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.ecr.api",
                                       SubnetIds=subnets)["VpcEndpoint"]
    assert endpoint["State"] == "available" and interfaces(ec2, vpc)[0]["Description"] == ""
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"][0]["State"] == "deleted" and interfaces(ec2, vpc) == []
    for subnet in subnets:
        ec2.delete_subnet(SubnetId=subnet)

    ecs.create_cluster(clusterName="plain")
    ecs.create_service(cluster="plain", serviceName="web", desiredCount=0)
    ecs.delete_cluster(cluster="plain")  # moto refuses nothing
    secrets.create_secret(Name="plain/db", SecretString="{}")
    secrets.delete_secret(SecretId="plain/db", ForceDeleteWithoutRecovery=True)
    secrets.create_secret(Name="plain/db", SecretString="{}")
