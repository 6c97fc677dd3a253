"""The emulator's runtime patches (tests/emulator.py) against AWS's rules, with boto3 alone, in regions the
platform does not use: ECR replication and lifecycle policies, and ECS deployments that run (or fail) as AWS's
would. Each test fails without its patch."""

import json

import pytest

from conftest import push_image

REGION, REPLICA = "ap-southeast-2", "ap-northeast-1"


@pytest.fixture
def ecr(aws):
    def client(region=REGION):
        return aws("ecr", region=region)

    yield client
    for region in (REGION, REPLICA):
        for repository in client(region).describe_repositories()["repositories"]:
            client(region).delete_repository(repositoryName=repository["repositoryName"], force=True)
    client().put_replication_configuration(replicationConfiguration={"rules": []})


def digests(client, repository):
    return {i["imageDigest"] for i in client.describe_images(repositoryName=repository)["imageDetails"]}


def test_a_push_is_replicated_to_the_rules_regions_only_for_the_repositories_it_selects(ecr, emulator):
    ecr().put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": REPLICA, "registryId": "123456789012"}],
        "repositoryFilters": [{"filter": "payment-processor", "filterType": "PREFIX_MATCH"}]}]})
    ecr().create_repository(repositoryName="payment-processor")
    ecr().create_repository(repositoryName="unrelated")

    digest = push_image(emulator.url, REGION, "v1")
    ecr().put_image(repositoryName="unrelated", imageTag="v1", imageManifest=json.dumps(
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "layers": []}))

    [copy] = ecr(REPLICA).describe_images(repositoryName="payment-processor")["imageDetails"]
    assert (copy["imageDigest"], copy["imageTags"]) == (digest, ["v1"])
    assert [r["repositoryName"] for r in ecr(REPLICA).describe_repositories()["repositories"]] == ["payment-processor"]


def test_the_lifecycle_policy_expires_beyond_the_count_but_never_a_protected_tag(ecr, emulator):
    ecr().create_repository(repositoryName="payment-processor")
    ecr().put_lifecycle_policy(repositoryName="payment-processor", lifecyclePolicyText=json.dumps({"rules": [
        {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["deployed-"],
                                          "countType": "imageCountMoreThan", "countNumber": 9999}, "action": {"type": "expire"}},
        {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2},
         "action": {"type": "expire"}}]}))
    running = push_image(emulator.url, REGION, "deployed-prod", label="running")
    oldest = push_image(emulator.url, REGION, "v1", label="v1")
    newer = {push_image(emulator.url, REGION, f"v{n}", label=f"v{n}") for n in (2, 3)}

    assert digests(ecr(), "payment-processor") == newer | {running}, "v1 expired; the deployed image never does"
    assert oldest not in digests(ecr(), "payment-processor")


@pytest.fixture
def network(aws):
    """A VPC with one private subnet and no route out, as the platform's; endpoints are added by the test."""
    ec2 = aws("ec2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.99.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="emulator-test", Description="test", VpcId=vpc)["GroupId"]
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]

    def endpoints(*services):
        for service in services:
            kind = "Gateway" if service == "s3" else "Interface"
            ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{service}", VpcEndpointType=kind,
                                    **({"RouteTableIds": [table]} if kind == "Gateway" else {"SubnetIds": [subnet]}))

    return {"subnets": [subnet], "securityGroups": [group]}, endpoints


def start(aws, config, image, name):
    ecs = aws("ecs", region=REGION)
    ecs.create_cluster(clusterName="emulator-test")
    arn = ecs.register_task_definition(family=name, containerDefinitions=[{"name": "app", "image": image, "memory": 512}],
                                       networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                                       )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="emulator-test", serviceName=name, taskDefinition=arn, desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": config},
                       deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    return ecs, arn


def describe(ecs, name):
    return ecs.describe_services(cluster="emulator-test", services=[name])["services"][0]


def test_a_deployment_completes_only_when_its_tasks_can_pull_the_image(aws, ecr, emulator, network):
    config, endpoints = network
    ecr().create_repository(repositoryName="payment-processor")
    digest = push_image(emulator.url, REGION, "v1")
    image = f"123456789012.dkr.ecr.{REGION}.amazonaws.com/payment-processor@{digest}"

    ecs, _ = start(aws, config, image, "no-endpoints")
    service = describe(ecs, "no-endpoints")
    assert service["deployments"][0]["rolloutState"] == "FAILED" and service["runningCount"] == 0
    assert "ResourceInitializationError" in " ".join(e["message"] for e in service["events"])

    endpoints("ecr.api", "ecr.dkr", "s3")
    ecs, first = start(aws, config, image, "with-endpoints")
    service = describe(ecs, "with-endpoints")
    assert [(d["rolloutState"], d["taskDefinition"]) for d in service["deployments"]] == [("COMPLETED", first)]
    assert service["runningCount"] == 2

    # Another region's copy: no route there, so the circuit breaker fails it and rolls back to what worked.
    foreign = ecs.register_task_definition(
        family="with-endpoints", containerDefinitions=[{"name": "app", "image": image.replace(REGION, REPLICA), "memory": 512}],
        networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512")["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="emulator-test", service="with-endpoints", taskDefinition=foreign)
    service = describe(ecs, "with-endpoints")
    assert "CannotPullContainerError" in " ".join(e["message"] for e in service["events"])
    assert service["taskDefinition"] == first
    assert describe(ecs, "with-endpoints")["deployments"][0]["rolloutState"] == "COMPLETED"
    [cluster] = ecs.describe_clusters(clusters=["emulator-test"])["clusters"]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (2, 0), "the cluster counts what runs"
    for name in ("no-endpoints", "with-endpoints"):
        ecs.delete_service(cluster="emulator-test", service=name, force=True)
    [cluster] = ecs.describe_clusters(clusters=["emulator-test"])["clusters"]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (0, 0)
