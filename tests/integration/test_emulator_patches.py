# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's runtime patches (tests/emulator.py) against AWS's rules, with boto3 alone, in regions the
platform does not use: ECR replication and lifecycle policies, ECS deployments that run (or fail) as AWS's
would, and load balancer redirects stored with every component. Each test fails without its patch."""

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

    ecs, _arn = start(aws, config, image, "no-endpoints")
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


# RDS Aurora PostgreSQL data (AWS's release calendar and instance class table, tests/emulator.py): what the pre-flight
# reads, and the refusals of a run that skipped it.
AURORA = "aurora-postgresql"


def code_of(call, **kwargs):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_engine_versions_give_each_majors_default_and_known_versions_only(aws):
    rds = aws("rds", region=REGION)
    for major, default in (("13", "13.23"), ("14", "14.23"), ("15", "15.18"), ("16", "16.14"), ("17", "17.10")):
        [version] = rds.describe_db_engine_versions(Engine=AURORA, DBParameterGroupFamily=f"{AURORA}{major}",
                                                    DefaultOnly=True)["DBEngineVersions"]
        assert (version["EngineVersion"], version["MajorEngineVersion"], version["DBParameterGroupFamily"],
                version["Status"]) == (default, major, f"{AURORA}{major}", "available")
    [engine_default] = rds.describe_db_engine_versions(Engine=AURORA, DefaultOnly=True)["DBEngineVersions"]
    assert engine_default["EngineVersion"] == "17.10"
    [found] = rds.describe_db_engine_versions(Engine=AURORA, EngineVersion="16.8")["DBEngineVersions"]
    assert found["EngineVersion"] == "16.8"
    assert [v["EngineVersion"] for v in found["ValidUpgradeTarget"]] == ["16.9", "16.10", "16.11", "16.13", "16.14"]
    assert rds.describe_db_engine_versions(Engine=AURORA, EngineVersion="16.6")["DBEngineVersions"] == [], \
        "16.6's standard support ended in May 2026"
    assert rds.describe_db_engine_versions(Engine=AURORA, EngineVersion="16.99")["DBEngineVersions"] == []
    assert rds.describe_db_engine_versions(Engine="mysql")["DBEngineVersions"] == []
    pages = rds.get_paginator("describe_db_engine_versions").paginate(Engine=AURORA, PaginationConfig={"PageSize": 20})
    versions = [v["EngineVersion"] for page in pages for v in page["DBEngineVersions"]]
    assert len(versions) == len(set(versions)) > 20 and "17.4" not in versions, "17.4's support ended 30 November 2026"


def test_orderable_options_are_the_request_regions_and_filtered_by_class(aws):
    for region, zones in (("us-west-2", {"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"}),
                          ("eu-west-1", {"eu-west-1a", "eu-west-1b", "eu-west-1c"})):
        rds = aws("rds", region=region)
        [option] = rds.describe_orderable_db_instance_options(Engine=AURORA, EngineVersion="16.8",
                                                              DBInstanceClass="db.r5.large")["OrderableDBInstanceOptions"]
        assert (option["DBInstanceClass"], option["EngineVersion"]) == ("db.r5.large", "16.8")
        assert {z["Name"] for z in option["AvailabilityZones"]} == zones
    east = aws("rds", region="us-east-1")
    [new] = east.describe_orderable_db_instance_options(Engine=AURORA, EngineVersion="17.10",
                                                        DBInstanceClass="db.r8g.large")["OrderableDBInstanceOptions"]
    assert "us-east-1e" not in {z["Name"] for z in new["AvailabilityZones"]}, "us-east-1e lacks the newer classes"
    [old] = east.describe_orderable_db_instance_options(Engine=AURORA, EngineVersion="16.8",
                                                        DBInstanceClass="db.t3.medium")["OrderableDBInstanceOptions"]
    assert "us-east-1e" in {z["Name"] for z in old["AvailabilityZones"]}
    rds = aws("rds", region=REGION)
    every = rds.describe_orderable_db_instance_options(Engine=AURORA, EngineVersion="16.8")["OrderableDBInstanceOptions"]
    assert {"db.t3.medium", "db.t4g.medium", "db.r5.xlarge", "db.r6g.large", "db.r7g.large", "db.r8g.large",
            "db.serverless"} <= {o["DBInstanceClass"] for o in every}
    for unknown in ({"EngineVersion": "16.8", "DBInstanceClass": "db.m1.small"},
                    {"EngineVersion": "16.6", "DBInstanceClass": "db.r5.large"},
                    {"EngineVersion": "13.9", "DBInstanceClass": "db.r8g.large"},
                    {"EngineVersion": "16.8", "Vpc": False}):
        assert rds.describe_orderable_db_instance_options(Engine=AURORA, **unknown)["OrderableDBInstanceOptions"] == []


def test_vpc_endpoint_services_are_the_request_regions(aws):
    for region in ("eu-west-1", "us-west-2", "us-east-1"):
        ec2 = aws("ec2", region=region)
        names = [f"com.amazonaws.{region}.{s}" for s in ("ecr.api", "ecr.dkr", "logs", "secretsmanager")]
        details = ec2.describe_vpc_endpoint_services(ServiceNames=names)["ServiceDetails"]
        assert [d["ServiceName"] for d in details] == names
        zones = {z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
        assert all(set(d["AvailabilityZones"]) == zones for d in details)
        assert code_of(ec2.describe_vpc_endpoint_services, ServiceNames=[f"com.amazonaws.{region}.nope"])[0] == \
            "InvalidServiceName"


def test_a_version_or_class_aws_does_not_offer_is_refused(aws):
    rds = aws("rds", region=REGION)
    cluster = {"Engine": AURORA, "MasterUsername": "payments", "MasterUserPassword": "not-a-secret-1"}
    for version in ("16.99", "16.6", "16"):
        assert code_of(rds.create_db_cluster, DBClusterIdentifier="refused", EngineVersion=version, **cluster) == (
            "InvalidParameterCombination", f"Cannot find version {version} for aurora-postgresql")
    rds.create_db_cluster(DBClusterIdentifier="default-version", **cluster)
    rds.create_db_cluster(DBClusterIdentifier="offered", EngineVersion="16.8", **cluster)
    try:
        [created] = rds.describe_db_clusters(DBClusterIdentifier="default-version")["DBClusters"]
        assert created["EngineVersion"] == "17.10", "no EngineVersion: the engine's default"
        assert code_of(rds.create_db_instance, DBInstanceIdentifier="too-small", DBClusterIdentifier="offered",
                       Engine=AURORA, DBInstanceClass="db.m1.small") == (
            "InvalidParameterCombination",
            "RDS does not support creating a DB instance with the following combination: DBInstanceClass=db.m1.small, "
            "Engine=aurora-postgresql, EngineVersion=16.8, LicenseModel=postgresql-license. For supported combinations "
            "of instance class and database engine version, see the documentation.")
        for klass in ("db.t3.medium", "db.r5.large", "db.r5.xlarge"):
            name = f"ok-{klass.replace('.', '-')}"
            rds.create_db_instance(DBInstanceIdentifier=name, DBClusterIdentifier="offered", Engine=AURORA,
                                   DBInstanceClass=klass)
            rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
    finally:
        for name in ("default-version", "offered"):
            rds.delete_db_cluster(DBClusterIdentifier=name, SkipFinalSnapshot=True)


def test_a_web_acl_lists_the_load_balancers_it_is_attached_to(aws):
    wafv2 = aws("wafv2", region=REGION)
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "patch"}
    acl = wafv2.create_web_acl(Name="patch", Scope="REGIONAL", DefaultAction={"Allow": {}},
                               VisibilityConfig=visibility)["Summary"]
    alb = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/app/patch/0123456789abcdef"
    api = f"arn:aws:apigateway:{REGION}::/restapis/abc/stages/prod"
    try:
        assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == []
        for resource in (alb, api):
            wafv2.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=resource)
        assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == [alb]
        assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="API_GATEWAY")["ResourceArns"] == [api]
        wafv2.disassociate_web_acl(ResourceArn=alb)
        assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == []
        assert code_of(wafv2.list_resources_for_web_acl, WebACLArn=acl["ARN"] + "-gone")[0] == \
            "WAFNonexistentItemException"
        # Still attached to the API: AWS refuses to delete it.
        assert code_of(wafv2.delete_web_acl, Name="patch", Scope="REGIONAL", Id=acl["Id"],
                       LockToken=acl["LockToken"])[0] == "WAFAssociatedItemException"
    finally:
        wafv2.disassociate_web_acl(ResourceArn=api)
        wafv2.delete_web_acl(Name="patch", Scope="REGIONAL", Id=acl["Id"], LockToken=acl["LockToken"])


def test_a_deleted_load_balancer_leaves_its_web_acl(aws):
    ec2, elb, wafv2 = aws("ec2", region=REGION), aws("elbv2", region=REGION), aws("wafv2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.77.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for n, zone in enumerate(zones)]
    alb = elb.create_load_balancer(Name="patch-alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "patch"}
    acl = wafv2.create_web_acl(Name="patch-gone", Scope="REGIONAL", DefaultAction={"Allow": {}},
                               VisibilityConfig=visibility)["Summary"]
    wafv2.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=alb)
    elb.delete_load_balancer(LoadBalancerArn=alb)
    try:
        assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == []
    finally:
        wafv2.delete_web_acl(Name="patch-gone", Scope="REGIONAL", Id=acl["Id"], LockToken=acl["LockToken"])


def test_a_redirect_keeps_every_component_it_was_not_given(aws):
    # AWS stores the components a redirect leaves out with the value they keep (#{...}); one given stays as given.
    ec2, elbv2 = aws("ec2", region=REGION), aws("elbv2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.98.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.98.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(zones)]
    lb = elbv2.create_load_balancer(Name="emulator-redirect", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    try:
        partial = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        listener = elbv2.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                         DefaultActions=[partial])["Listeners"][0]
        [stored] = elbv2.describe_listeners(ListenerArns=[listener["ListenerArn"]])["Listeners"][0]["DefaultActions"]
        assert stored["RedirectConfig"] == {"Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}",
                                            "Query": "#{query}", "StatusCode": "HTTP_301"}
        given = {"Type": "redirect", "RedirectConfig": {"Host": "example.com", "Path": "/new/#{path}",
                                                        "StatusCode": "HTTP_302"}}
        elbv2.create_rule(ListenerArn=listener["ListenerArn"], Priority=5, Actions=[given],
                          Conditions=[{"Field": "path-pattern", "Values": ["/old/*"]}])
        [rule] = [r for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not r["IsDefault"]]
        assert rule["Actions"][0]["RedirectConfig"] == {"Protocol": "#{protocol}", "Port": "#{port}", "Host": "example.com",
                                                        "Path": "/new/#{path}", "Query": "#{query}", "StatusCode": "HTTP_302"}
    finally:
        elbv2.delete_load_balancer(LoadBalancerArn=lb)
        for subnet in subnets:
            ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)


def test_an_rds_event_subscription_changes_in_place_as_aws_documents(aws, emulator):
    rds = aws("rds", region=REGION)
    topic = "arn:aws:sns:%s:123456789012:patch-alerts" % REGION
    rds.create_event_subscription(SubscriptionName="patch-events", SnsTopicArn=topic, SourceType="db-cluster",
                                  SourceIds=["a"], EventCategories=["failure"], Enabled=True)
    try:
        modified = rds.modify_event_subscription(SubscriptionName="patch-events", SourceType="db-instance",
                                                 EventCategories=["failure", "failover"], Enabled=False)["EventSubscription"]
        assert (modified["SourceType"], modified["EventCategoriesList"], modified["Enabled"], modified["SnsTopicArn"]) == (
            "db-instance", ["failure", "failover"], False, topic), "what is not given is kept"
        rds.add_source_identifier_to_subscription(SubscriptionName="patch-events", SourceIdentifier="b")
        rds.add_source_identifier_to_subscription(SubscriptionName="patch-events", SourceIdentifier="b")
        after = rds.remove_source_identifier_from_subscription(SubscriptionName="patch-events", SourceIdentifier="a")
        assert after["EventSubscription"]["SourceIdsList"] == ["b"]
        with pytest.raises(rds.exceptions.SubscriptionNotFoundFault):
            rds.modify_event_subscription(SubscriptionName="missing", Enabled=True)
    finally:
        rds.delete_event_subscription(SubscriptionName="patch-events")


def test_a_flow_log_may_deliver_to_a_folder_of_an_existing_bucket_only(aws):
    ec2, s3 = aws("ec2", region=REGION), aws("s3", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    s3.create_bucket(Bucket="patch-flow-logs", CreateBucketConfiguration={"LocationConstraint": REGION})
    try:
        created = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                                       LogDestination="arn:aws:s3:::patch-flow-logs/flow/")
        assert created["Unsuccessful"] == []
        (flow_log,) = ec2.describe_flow_logs(FlowLogIds=created["FlowLogIds"])["FlowLogs"]
        assert flow_log["LogDestination"] == "arn:aws:s3:::patch-flow-logs/flow/"
        refused = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                       LogDestinationType="s3", LogDestination="arn:aws:s3:::no-such-bucket/flow/")
        assert refused["FlowLogIds"] == [] and len(refused["Unsuccessful"]) == 1
    finally:
        ec2.delete_flow_logs(FlowLogIds=created["FlowLogIds"])
        s3.delete_bucket(Bucket="patch-flow-logs")
        ec2.delete_vpc(VpcId=vpc)


def test_a_new_load_balancer_has_the_attributes_aws_always_returns(aws):
    ec2, elb = aws("ec2", region=REGION), aws("elbv2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.79.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.79.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for n, zone in enumerate(zones)]
    alb = elb.create_load_balancer(Name="patch-attributes", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    try:
        attributes = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(LoadBalancerArn=alb)["Attributes"]}
        assert attributes["access_logs.s3.enabled"] == "false", "off until turned on"
        assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "false"
        assert attributes["load_balancing.cross_zone.enabled"] == "true"
    finally:
        elb.delete_load_balancer(LoadBalancerArn=alb)
        for subnet in subnets:
            ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)


def test_turning_access_logs_on_writes_elbs_test_file_and_a_versioned_bucket_must_be_emptied(aws):
    ec2, elb, s3 = aws("ec2", region=REGION), aws("elbv2", region=REGION), aws("s3", region=REGION)
    account = aws("sts", region=REGION).get_caller_identity()["Account"]
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.80.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for n, zone in enumerate(zones)]
    alb = elb.create_load_balancer(Name="patch-access-logs", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    s3.create_bucket(Bucket="patch-access-logs", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="patch-access-logs", VersioningConfiguration={"Status": "Enabled"})

    def keys():
        return [o["Key"] for o in s3.list_objects_v2(Bucket="patch-access-logs").get("Contents", [])]

    def turn_on(prefix):
        elb.modify_load_balancer_attributes(LoadBalancerArn=alb, Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "patch-access-logs"},
            {"Key": "access_logs.s3.prefix", "Value": prefix}])

    try:
        assert keys() == []
        turn_on("alb")
        assert keys() == [f"alb/AWSLogs/{account}/ELBAccessLogTestFile"]
        turn_on("alb")  # unchanged settings: no new test file
        assert len(s3.list_object_versions(Bucket="patch-access-logs")["Versions"]) == 1
        turn_on("")  # moved to the bucket's root
        assert sorted(keys()) == [f"AWSLogs/{account}/ELBAccessLogTestFile", f"alb/AWSLogs/{account}/ELBAccessLogTestFile"]
        # moto's own rule, as S3's: a bucket must be empty to be deleted, and in a versioned one a deleted object
        # leaves its versions and a delete marker, which count.
        for key in keys():
            s3.delete_object(Bucket="patch-access-logs", Key=key)
        assert keys() == []
        assert code_of(s3.delete_bucket, Bucket="patch-access-logs")[0] == "BucketNotEmpty"
    finally:
        elb.delete_load_balancer(LoadBalancerArn=alb)
        listed = s3.list_object_versions(Bucket="patch-access-logs")
        for version in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
            s3.delete_object(Bucket="patch-access-logs", Key=version["Key"], VersionId=version["VersionId"])
        s3.delete_bucket(Bucket="patch-access-logs")
        for subnet in subnets:
            ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)


def test_a_bucket_policy_statement_whose_condition_does_not_match_does_not_apply(aws):
    s3 = aws("s3", region=REGION)
    s3.create_bucket(Bucket="patch-policy", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="patch-policy", VersioningConfiguration={"Status": "Enabled"})
    arn = "arn:aws:s3:::patch-policy"

    def policy(*statements):
        s3.put_bucket_policy(Bucket="patch-policy", Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))

    def delete_all():
        listed = s3.list_object_versions(Bucket="patch-policy")
        return s3.delete_objects(Bucket="patch-policy", Delete={"Objects": [
            {"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed.get("Versions", [])]})

    try:
        # The audit bucket's TLS guard: over HTTPS (every AWS call) it does not match, so the owner may delete.
        policy({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        s3.put_object(Bucket="patch-policy", Key="log", Body=b"x")
        deleted = delete_all()
        assert deleted.get("Errors", []) == [] and [d["Key"] for d in deleted["Deleted"]] == ["log"]
        # A statement without a condition still applies as moto evaluates it.
        policy({"Sid": "DenyDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": f"{arn}/*"})
        s3.put_object(Bucket="patch-policy", Key="log", Body=b"x")
        assert [e["Code"] for e in delete_all()["Errors"]] == ["AccessDenied"]
    finally:
        s3.delete_bucket_policy(Bucket="patch-policy")
        delete_all()
        s3.delete_bucket(Bucket="patch-policy")


def test_reset_policy_gives_a_gateway_endpoint_the_default_policy_back(aws):
    ec2 = aws("ec2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    narrow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                      "Resource": "arn:aws:s3:::some-bucket/*"}]}
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                                       RouteTableIds=[table], PolicyDocument=json.dumps(narrow))["VpcEndpoint"]

    def policy():
        [found] = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["VpcEndpoints"]
        return json.loads(found["PolicyDocument"])

    try:
        assert policy() == narrow
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], ResetPolicy=True)
        # AWS's default: full access to the service.
        assert policy()["Statement"] == [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], PolicyDocument=json.dumps(narrow))
        assert policy() == narrow, "a policy document is stored as given"
    finally:
        ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
        ec2.delete_route_table(RouteTableId=table)
        ec2.delete_vpc(VpcId=vpc)
