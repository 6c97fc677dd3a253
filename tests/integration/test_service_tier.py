# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The service tier (roles ecr, alb, ecs, monitoring, route53) of dev and staging (the registry of all three),
read back from AWS from the shared deployment (staging proves its own region's registry copy and threshold).

The absent paths are proven by the teardown tests (tests/integration/test_zz_teardown.py).
"""

import json
import re
from pathlib import Path

import pytest

from conftest import ENV_REGIONS, REPOSITORY, contract_tags, push_image, run_playbook, tags_of, writes

ENVS = ["dev", "staging"]
HOME = "dev"
THRESHOLDS = {"dev": 50, "staging": 70}
PORT = 8080
HTTPS_PREFIX = "staging-https"
HTTPS_PLAYBOOK = str(Path(__file__).parent / "playbooks" / "alb_https.yml")


def task_definition_arns(aws, env):
    return aws("ecs", env).list_task_definitions(familyPrefix=f"{env}-payment-task")["taskDefinitionArns"]


@pytest.fixture(scope="module")
def service_tier(platform):
    return platform


def ecs_tags(resource):
    return {t["key"]: t["value"] for t in resource.get("tags") or []}


def subnet_ids(aws, env, tier):
    subnets = aws("ec2", env).describe_subnets(
        Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-{tier}-*"]}]
    )["Subnets"]
    return {s["SubnetId"] for s in subnets}


def group_id(aws, env, kind):
    return aws("ec2", env).describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{env}-payment-{kind}-sg"]}]
    )["SecurityGroups"][0]["GroupId"]


def secret_arn(aws, env):
    return aws("secretsmanager", env).describe_secret(SecretId=f"{env}-payment-db-credentials")["ARN"]


def repository(aws):
    return aws("ecr", HOME).describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]


def alb(aws, env):
    return aws("elbv2", env).describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"][0]


def target_group(aws, env):
    return aws("elbv2", env).describe_target_groups(Names=[f"{env}-payment-tg"])["TargetGroups"][0]


def service(aws, env):
    return aws("ecs", env).describe_services(
        cluster=f"{env}-payment-cluster", services=[f"{env}-payment-service"], include=["TAGS"]
    )["services"][0]


def private_zone(aws, env):
    zones = [
        z for z in aws("route53", env).list_hosted_zones()["HostedZones"]
        if z["Name"] == f"{env}.payment.internal." and z["Config"]["PrivateZone"]
    ]
    return zones[0] if zones else None


# --- idempotence ------------------------------------------------------------------------------


def test_rerun_changes_nothing(service_tier, aws):
    assert not service_tier.rerun.failed, service_tier.rerun.output[-5000:]
    assert service_tier.rerun.changed == 0, service_tier.rerun.output[-8000:]
    assert "RegisterTaskDefinition" not in service_tier.rerun_calls
    assert writes(service_tier.rerun_calls) == []
    for env in ENVS:
        assert task_definition_arns(aws, env) == [service(aws, env)["taskDefinition"]], "one revision, the service's"


def test_check_mode_on_the_converged_environment_reports_no_change(service_tier):
    assert not service_tier.check.failed, service_tier.check.output[-5000:]
    assert service_tier.check.changed == 0, service_tier.check.output[-8000:]


# --- shared ECR -------------------------------------------------------------------------------

ALL_ENVS = ["dev", "staging", "prod"]
REGISTRY_WRITES = {"CreateRepository", "PutLifecyclePolicy", "PutImageScanningConfiguration", "PutImageTagMutability",
                   "TagResource", "PutReplicationConfiguration"}


def image_of(aws, env):
    service_definition = service(aws, env)["taskDefinition"]
    return aws("ecs", env).describe_task_definition(taskDefinition=service_definition)["taskDefinition"][
        "containerDefinitions"][0]["image"]


def test_first_deploy_without_an_image_stops_after_the_registry(service_tier):
    run = service_tier.no_image
    assert run.failed
    text = " ".join(run.output.split())
    for env in ALL_ENVS:
        uri = f"123456789012.dkr.ecr.{ENV_REGIONS[env]}.amazonaws.com/{REPOSITORY}"
        assert f"The image tag 'latest' (payment_image_tag) is not in {uri}" in text, run.output[-3000:]
    assert f"docker push 123456789012.dkr.ecr.{ENV_REGIONS[HOME]}.amazonaws.com/{REPOSITORY}:latest" in text
    written = writes(service_tier.no_image_calls)
    assert "CreateRepository" in written
    assert set(written) <= REGISTRY_WRITES, "nothing but the registry is written"


def test_one_repository_replicated_to_every_region_with_the_same_settings(service_tier, aws):
    home = repository(aws)
    home_policy = aws("ecr", HOME).get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"]
    rules = json.loads(home_policy)["rules"]
    assert [(r["selection"]["tagStatus"], r["selection"].get("tagPrefixList"), r["selection"]["countNumber"]) for r in rules] == [
        ("tagged", ["deployed-"], 9999), ("any", None, 10)]
    replication = aws("ecr", HOME).describe_registry()["replicationConfiguration"]["rules"]
    assert [sorted(d["region"] for d in r["destinations"]) for r in replication] == [["us-east-1", "us-west-2"]]
    assert replication[0]["repositoryFilters"] == [{"filter": REPOSITORY, "filterType": "PREFIX_MATCH"}]
    for env in ALL_ENVS:
        ecr = aws("ecr", env)
        [repo] = ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"]
        assert repo["imageScanningConfiguration"]["scanOnPush"] is True
        assert repo["imageTagMutability"] == "MUTABLE"
        assert repo["encryptionConfiguration"]["encryptionType"] == "AES256"
        assert ecr.get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"] == home_policy
        assert tags_of(ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"]), "tags") == contract_tags(HOME) | {
            "Environment": "shared"}
        # Each environment runs its own region's copy, by digest, and marks it deployed-<env> there.
        image = image_of(aws, env)
        assert re.fullmatch(re.escape(repo["repositoryUri"]) + r"@sha256:[0-9a-f]{64}", image), image
        digest = image.split("@")[1]
        [details] = ecr.describe_images(repositoryName=REPOSITORY, imageIds=[{"imageDigest": digest}])["imageDetails"]
        assert {"latest", f"deployed-{env}"} <= set(details["imageTags"])
    assert home["repositoryUri"].startswith("123456789012.dkr.ecr.eu-west-1.")


def test_every_rollout_completed_with_the_desired_tasks_running(service_tier, aws):
    for env in ALL_ENVS:
        svc = service(aws, env)
        [deployment] = svc["deployments"]
        assert (deployment["status"], deployment["rolloutState"]) == ("PRIMARY", "COMPLETED")
        assert deployment["taskDefinition"] == svc["taskDefinition"]
        assert svc["runningCount"] == svc["desiredCount"] == 2


def test_ten_new_dev_images_do_not_expire_what_prod_runs(service_tier, aws, emulator):
    running = image_of(aws, "prod").split("@")[1]
    oldest = push_image(emulator.url, ENV_REGIONS[HOME], "feature-0", label="feature-0")
    for n in range(1, 11):
        push_image(emulator.url, ENV_REGIONS[HOME], f"feature-{n}", label=f"feature-{n}")
    for env in ALL_ENVS:
        digests = {i["imageDigest"] for i in aws("ecr", env).describe_images(repositoryName=REPOSITORY)["imageDetails"]}
        assert oldest not in digests, "the count rule expires what is beyond the last 10 images"
        assert image_of(aws, env).split("@")[1] in digests, f"{env}'s image must never expire"
    assert running in {i["imageDigest"] for i in aws("ecr", "prod").describe_images(repositoryName=REPOSITORY)["imageDetails"]}


# --- load balancer ----------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_load_balancer_and_target_group(service_tier, aws, env):
    elbv2 = aws("elbv2", env)
    lb, tg = alb(aws, env), target_group(aws, env)
    assert lb["Scheme"] == "internet-facing" and lb["Type"] == "application"
    assert {z["SubnetId"] for z in lb["AvailabilityZones"]} == subnet_ids(aws, env, "public")
    assert lb["SecurityGroups"] == [group_id(aws, env, "alb")]
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
    assert attributes["deletion_protection.enabled"] == "false"
    assert attributes["load_balancing.cross_zone.enabled"] == "true"
    assert (tg["TargetType"], tg["Protocol"], tg["Port"]) == ("ip", "HTTP", PORT)
    assert (tg["HealthCheckPath"], tg["HealthCheckProtocol"], tg["Matcher"]["HttpCode"]) == ("/health", "HTTP", "200")
    assert (tg["HealthyThresholdCount"], tg["UnhealthyThresholdCount"], tg["HealthCheckIntervalSeconds"]) == (2, 3, 30)
    tags = {d["ResourceArn"]: tags_of(d) for d in elbv2.describe_tags(ResourceArns=[lb["LoadBalancerArn"], tg["TargetGroupArn"]])["TagDescriptions"]}
    assert tags[lb["LoadBalancerArn"]] == contract_tags(env) | {"Name": f"{env}-payment-alb"}
    assert tags[tg["TargetGroupArn"]] == contract_tags(env) | {"Name": f"{env}-payment-tg"}


@pytest.mark.parametrize("env", ENVS)
def test_listener_forwards_only_the_payment_paths(service_tier, aws, env):
    elbv2 = aws("elbv2", env)
    listeners = elbv2.describe_listeners(LoadBalancerArn=alb(aws, env)["LoadBalancerArn"])["Listeners"]
    # dev serves plain HTTP; staging (like prod) HTTPS on 443, its port 80 only redirecting (test_edge.py).
    serving = (80, "HTTP") if env == "dev" else (443, "HTTPS")
    [listener] = [item for item in listeners if (item["Port"], item["Protocol"]) == serving]
    assert len(listeners) == (1 if env == "dev" else 2)
    default = listener["DefaultActions"]
    assert [(a["Type"], a["FixedResponseConfig"]["StatusCode"]) for a in default] == [("fixed-response", "404")]
    rules = [r for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not r["IsDefault"]]
    tg_arn = target_group(aws, env)["TargetGroupArn"]
    assert sorted(
        (c["Values"][0], a["Type"], a.get("TargetGroupArn")) for r in rules for c in r["Conditions"] for a in r["Actions"]
    ) == [("/api/*", "forward", tg_arn), ("/webhook/*", "forward", tg_arn)]


# --- ECS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_cluster_and_log_group(service_tier, aws, env):
    cluster = aws("ecs", env).describe_clusters(clusters=[f"{env}-payment-cluster"], include=["SETTINGS", "TAGS"])["clusters"][0]
    assert cluster["status"] == "ACTIVE"
    assert {s["name"]: s["value"] for s in cluster["settings"]}["containerInsights"] == "enabled"
    assert sorted(cluster["capacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]
    assert ecs_tags(cluster) == contract_tags(env) | {"Name": f"{env}-payment-cluster"}
    logs = aws("logs", env)
    name = f"/ecs/{env}-payment-service"
    groups = [g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name]
    assert groups and groups[0]["retentionInDays"] == 7
    assert logs.list_tags_log_group(logGroupName=name)["tags"] == contract_tags(env) | {"Name": name}


def statements(document):
    return [
        dict(s, Action=[s["Action"]] if isinstance(s["Action"], str) else s["Action"],
             Resource=[s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
        for s in document["Statement"]
    ]


@pytest.mark.parametrize("env", ENVS)
def test_iam_roles_are_least_privilege(service_tier, aws, env):
    iam = aws("iam", env)
    region = ENV_REGIONS[env]
    for kind in ("task-execution", "task"):
        name = f"{env}-payment-{kind}-role"
        role = iam.get_role(RoleName=name)["Role"]
        trust = role["AssumeRolePolicyDocument"]["Statement"]
        assert [(s["Effect"], s["Principal"], s["Action"]) for s in trust] == [
            ("Allow", {"Service": "ecs-tasks.amazonaws.com"}, "sts:AssumeRole")
        ]
        # The confused-deputy guard on both roles: only ECS tasks of this account and region.
        assert trust[0]["Condition"] == {
            "StringEquals": {"aws:SourceAccount": "123456789012"},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{region}:123456789012:*"},
        }, name
        assert tags_of(role) == contract_tags(env) | {"Name": name}
        assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
        assert iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"] == []

    task_role = f"{env}-payment-task-role"
    assert iam.list_role_policies(RoleName=task_role)["PolicyNames"] == [], "the app needs no AWS permission"

    execution_role = f"{env}-payment-task-execution-role"
    names = iam.list_role_policies(RoleName=execution_role)["PolicyNames"]
    assert names == [f"{env}-payment-task-execution-policy"]
    document = iam.get_role_policy(RoleName=execution_role, PolicyName=names[0])["PolicyDocument"]
    granted = {}
    for statement in statements(document):
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            assert "*" not in action, f"wildcard action {action}"
            granted[action] = statement["Resource"]
    # The one AWS-mandated exception: GetAuthorizationToken has no resource-level permission.
    wildcard = [s for s in statements(document) if "*" in s["Resource"]]
    assert [s["Action"] for s in wildcard] == [["ecr:GetAuthorizationToken"]]
    repo_arn = aws("ecr", env).describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]["repositoryArn"]
    assert f":{region}:" in repo_arn, "tasks pull the copy in their own region"
    log_group = f"arn:aws:logs:{region}:123456789012:log-group:/ecs/{env}-payment-service:*"
    assert granted == {
        "ecr:GetAuthorizationToken": ["*"],
        "ecr:BatchCheckLayerAvailability": [repo_arn],
        "ecr:BatchGetImage": [repo_arn],
        "ecr:GetDownloadUrlForLayer": [repo_arn],
        "logs:CreateLogStream": [log_group],
        "logs:PutLogEvents": [log_group],
        "secretsmanager:GetSecretValue": [secret_arn(aws, env)],
        # The secret is encrypted with the environment's key (decrypted only through Secrets Manager: test_kms.py).
        "kms:Decrypt": [aws("kms", env).describe_key(KeyId=f"alias/{env}-payment")["KeyMetadata"]["Arn"]],
    }


@pytest.mark.parametrize("env", ENVS)
def test_task_definition_injects_the_secret(service_tier, aws, env):
    ecs = aws("ecs", env)
    described = ecs.describe_task_definition(taskDefinition=f"{env}-payment-task", include=["TAGS"])
    td = described["taskDefinition"]
    assert td["requiresCompatibilities"] == ["FARGATE"] and td["networkMode"] == "awsvpc"
    assert (td["cpu"], td["memory"]) == ("512", "1024")
    assert td["executionRoleArn"].endswith(f":role/{env}-payment-task-execution-role")
    assert td["taskRoleArn"].endswith(f":role/{env}-payment-task-role")
    assert ecs_tags(described) == contract_tags(env) | {"Name": f"{env}-payment-task"}
    [container] = td["containerDefinitions"]
    assert container["name"] == "payment-processor" and container["essential"] is True
    assert container["portMappings"] == [{"containerPort": PORT, "hostPort": PORT, "protocol": "tcp"}]
    assert container["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": f"/ecs/{env}-payment-service",
            "awslogs-region": ENV_REGIONS[env],
            "awslogs-stream-prefix": "ecs",
        },
    }
    arn = secret_arn(aws, env)
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets == {
        "DB_HOST": f"{arn}:host::",
        "DB_PORT": f"{arn}:port::",
        "DB_NAME": f"{arn}:dbname::",
        "DB_USERNAME": f"{arn}:username::",
        "DB_PASSWORD": f"{arn}:password::",
    }
    assert not container.get("environment"), "no credential in plain environment"
    assert "healthCheck" not in container, "no container health check needs a tool the image may lack"
    # Read-only root filesystem; /tmp is the one writable path, a task volume.
    assert container["readonlyRootFilesystem"] is True
    assert container["mountPoints"] == [{"sourceVolume": "scratch", "containerPath": "/tmp", "readOnly": False}]
    assert [volume["name"] for volume in td["volumes"]] == ["scratch"]


@pytest.mark.parametrize("env", ENVS)
def test_service_runs_privately_behind_the_target_group(service_tier, aws, env):
    svc = service(aws, env)
    assert svc["status"] == "ACTIVE" and svc["launchType"] == "FARGATE"
    assert svc["desiredCount"] == 2
    network = svc["networkConfiguration"]["awsvpcConfiguration"]
    assert set(network["subnets"]) == subnet_ids(aws, env, "private")
    assert network["securityGroups"] == [group_id(aws, env, "ecs")]
    assert network["assignPublicIp"] == "DISABLED"
    assert svc["loadBalancers"] == [
        {"targetGroupArn": target_group(aws, env)["TargetGroupArn"], "containerName": "payment-processor", "containerPort": PORT}
    ]
    assert svc["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert svc["healthCheckGracePeriodSeconds"] == 60
    assert svc["propagateTags"] == "SERVICE"
    assert ecs_tags(svc) == contract_tags(env) | {"Name": f"{env}-payment-service"}


@pytest.mark.parametrize("env", ENVS)
def test_auto_scaling_tracks_the_environment_threshold(service_tier, aws, env):
    scaling = aws("application-autoscaling", env)
    resource = f"service/{env}-payment-cluster/{env}-payment-service"
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert [(t["ResourceId"], t["ScalableDimension"], t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [
        (resource, "ecs:service:DesiredCount", 2, 10)
    ]
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
    assert [(p["PolicyName"], p["PolicyType"]) for p in policies] == [(f"{env}-payment-scaling-policy", "TargetTrackingScaling")]
    config = policies[0]["TargetTrackingScalingPolicyConfiguration"]
    assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert config["TargetValue"] == THRESHOLDS[env]


# --- alarms and DNS -----------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_alarms(service_tier, aws, env):
    cloudwatch = aws("cloudwatch", env)
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNamePrefix=f"{env}-payment-")["MetricAlarms"]}
    prefix = f"{env}-payment-"
    lb_suffix = alb(aws, env)["LoadBalancerArn"].split(":loadbalancer/")[1]
    tg_suffix = target_group(aws, env)["TargetGroupArn"].split(":")[-1]
    expected = {
        "service-cpu-high": ("AWS/ECS", "CPUUtilization", {"ClusterName": f"{prefix}cluster", "ServiceName": f"{prefix}service"}),
        "alb-5xx": ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", {"LoadBalancer": lb_suffix}),
        "target-5xx": ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {"LoadBalancer": lb_suffix, "TargetGroup": tg_suffix}),
        "unhealthy-targets": ("AWS/ApplicationELB", "UnHealthyHostCount", {"LoadBalancer": lb_suffix, "TargetGroup": tg_suffix}),
        "db-cpu-high": ("AWS/RDS", "CPUUtilization", {"DBClusterIdentifier": f"{prefix}db-cluster"}),
    }
    assert set(alarms) == {prefix + name for name in expected}
    for name, (namespace, metric, dimensions) in expected.items():
        alarm = alarms[prefix + name]
        assert (alarm["Namespace"], alarm["MetricName"]) == (namespace, metric)
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == dimensions
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert tags_of(cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])) == contract_tags(env)


@pytest.mark.parametrize("env", ENVS)
def test_private_zone_and_records(service_tier, aws, env):
    route53 = aws("route53", env)
    zone = private_zone(aws, env)
    assert zone is not None
    zone_id = zone["Id"].split("/")[-1]
    vpc_id = aws("ec2", env).describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-vpc"]}])["Vpcs"][0]["VpcId"]
    assert route53.get_hosted_zone(Id=zone_id)["VPCs"] == [{"VPCRegion": ENV_REGIONS[env], "VPCId": vpc_id}]
    tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)["ResourceTagSet"]["Tags"]
    assert tags_of({"Tags": tags}) == contract_tags(env) | {"Name": f"{env}.payment.internal"}

    records = {
        (r["Name"], r["Type"]): r
        for r in route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        if r["Type"] not in ("SOA", "NS")
    }
    db = aws("rds", env).describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"][0]
    domain = f"{env}.payment.internal."
    assert set(records) == {(f"db.{domain}", "CNAME"), (f"db-ro.{domain}", "CNAME"), (f"api.{domain}", "A")}
    assert records[(f"db.{domain}", "CNAME")]["ResourceRecords"] == [{"Value": db["Endpoint"]}]
    assert records[(f"db-ro.{domain}", "CNAME")]["ResourceRecords"] == [{"Value": db["ReaderEndpoint"]}]
    target = records[(f"api.{domain}", "A")]["AliasTarget"]
    lb = alb(aws, env)
    assert (target["DNSName"].rstrip("."), target["HostedZoneId"]) == (lb["DNSName"].lower(), lb["CanonicalHostedZoneId"])


# --- changes to AWS: HTTPS variant, absent path, then "deploy dev first" ----------------------------


def test_certificate_moves_the_rules_to_https_and_port_80_redirects(service_tier, aws):
    env = "staging"
    certificate = aws("acm", env).request_certificate(DomainName="payments.example.com")["CertificateArn"]
    network = {
        "alb_vpc_id": alb(aws, env)["VpcId"],
        "alb_subnet_ids": sorted(subnet_ids(aws, env, "public")),
        "alb_security_group_ids": [group_id(aws, env, "alb")],
        "alb_certificate_arn": certificate,
    }
    # A second load balancer (prefix staging-https) in staging's network, so the shared platform stays as it is.
    network["alb_name_prefix"] = HTTPS_PREFIX
    first = run_playbook(HTTPS_PLAYBOOK, env, extra_vars=network)
    assert not first.failed, first.output[-5000:]
    again = run_playbook(HTTPS_PLAYBOOK, env, extra_vars=network)
    assert again.changed == 0, again.output[-5000:]
    try:
        assert_https_only(aws, env, certificate)
    finally:
        removed = run_playbook(HTTPS_PLAYBOOK, env, extra_vars={"alb_name_prefix": HTTPS_PREFIX, "alb_https_entry_point": "absent"})
        assert not removed.failed, removed.output[-3000:]


def assert_https_only(aws, env, certificate):

    elbv2 = aws("elbv2", env)
    https_alb = elbv2.describe_load_balancers(Names=[f"{HTTPS_PREFIX}-alb"])["LoadBalancers"][0]
    listeners = {
        listener["Port"]: listener
        for listener in elbv2.describe_listeners(LoadBalancerArn=https_alb["LoadBalancerArn"])["Listeners"]
    }
    assert set(listeners) == {80, 443}
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert [c["CertificateArn"] for c in https["Certificates"]] == [certificate]
    assert [a["FixedResponseConfig"]["StatusCode"] for a in https["DefaultActions"]] == ["404"]
    tg_arn = elbv2.describe_target_groups(Names=[f"{HTTPS_PREFIX}-tg"])["TargetGroups"][0]["TargetGroupArn"]
    https_rules = [r for r in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if not r["IsDefault"]]
    assert sorted((r["Conditions"][0]["Values"][0], r["Actions"][0].get("TargetGroupArn")) for r in https_rules) == [
        ("/api/*", tg_arn), ("/webhook/*", tg_arn)
    ]
    http = listeners[80]
    assert [(a["Type"], a["RedirectConfig"]["Protocol"], a["RedirectConfig"]["Port"]) for a in http["DefaultActions"]] == [
        ("redirect", "HTTPS", "443")
    ]
    assert [r for r in elbv2.describe_rules(ListenerArn=http["ListenerArn"])["Rules"] if not r["IsDefault"]] == [], (
        "no rule may bypass the redirect"
    )


def test_staging_before_dev_fails_before_any_write(emulator):
    # A repository dev has not created (yet): staging must stop before changing anything.
    emulator.start_recording()
    run = run_playbook("site.yml", "staging", extra_vars={"payment_ecr_repository": "not-created-by-dev"})
    calls = emulator.stop_recording()
    assert run.failed
    assert "deploy dev first" in " ".join(run.output.split()), run.output[-3000:]
    assert "DescribeRepositories" in calls
    assert writes(calls) == []


def test_an_image_of_another_region_fails_the_deploy_with_the_pull_error(service_tier, aws):
    # The bug this platform once had: staging's task definition naming dev's region's copy. Without NAT a
    # Fargate task cannot reach another region's registry: the rollout fails, the circuit breaker rolls back.
    before = service(aws, "staging")["taskDefinition"]
    [repo] = aws("ecr", "staging").describe_repositories(repositoryNames=[REPOSITORY])["repositories"]
    digest = image_of(aws, "staging").split("@")[1]
    forced = {"repository_url": repo["repositoryUri"], "repository_arn": repo["repositoryArn"], "image_tag": "latest",
              "image_digest": digest, "image_tags": ["latest"], "image": f"{repository(aws)['repositoryUri']}@{digest}"}
    run = run_playbook("site.yml", "staging", extra_vars={"ecr_outputs": forced})
    assert run.failed
    text = " ".join(run.output.split())
    assert "The rollout of staging-payment-service" in text and "CannotPullContainerError" in text, run.output[-4000:]
    assert service(aws, "staging")["taskDefinition"] == before, "rolled back to the revision that worked"

    # Put back what the test changed: a normal deploy rolls out a working revision again.
    restored = run_playbook("site.yml", "staging")
    assert not restored.failed, restored.output[-4000:]
    now = service(aws, "staging")["taskDefinition"]
    assert service(aws, "staging")["deployments"][0]["rolloutState"] == "COMPLETED"
    for arn in task_definition_arns(aws, "staging"):
        if arn != now:
            aws("ecs", "staging").deregister_task_definition(taskDefinition=arn)
