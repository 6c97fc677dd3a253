# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Post-deploy verification (playbooks/verify.yml) on the shared platform.

First every environment is verified as deployed: every check passes (the emulator runs deployments by AWS's
rules), except target health, which it cannot show (no target is ever registered): a warning, not a failure.
Then each breakage is made by hand with boto3 on dev, verify must fail naming exactly that check, with its fix,
and without a single write call; the breakage is then repaired exactly, so that the platform is healthy again for the tests after these.
"""

import copy
import json
from dataclasses import dataclass
from typing import Callable

import pytest

from conftest import ENV_REGIONS, run_playbook, writes

ENVS = ["dev", "staging", "prod"]
ENV = "dev"
PREFIX = f"{ENV}-payment"
# What moto cannot show: it registers no target. Real AWS shows the same for the first seconds after a deploy.
RUNTIME_CHECKS = {"alb: target health"}
CHECK_COUNT = 45


def verify(emulator, tmp_path, *envs):
    """Run verify.yml recorded; returns (run, reports by env, recorded API actions)."""
    emulator.start_recording()
    run = run_playbook("playbooks/verify.yml", *envs, extra_vars={"payment_report_dir": str(tmp_path)})
    calls = emulator.stop_recording()
    reports = {}
    for env in envs:
        path = tmp_path / f"verify-{env}.json"
        reports[env] = json.loads(path.read_text()) if path.exists() else None
    return run, reports, calls


def statuses(report):
    return {c["check"]: c["status"] for c in report["checks"]}


# --- a healthy platform ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def healthy(platform, emulator, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("verify")
    run, reports, calls = verify(emulator, tmp_path, *ENVS)
    return run, reports, calls, tmp_path


def test_every_environment_passes(healthy):
    run, reports, _calls, _tmp_path = healthy
    assert run.rc == 0, run.output[-6000:]
    for env in ENVS:
        report = reports[env]
        assert report["environment"] == env and report["region"] == ENV_REGIONS[env]
        assert len(report["checks"]) == CHECK_COUNT
        found = statuses(report)
        assert {c for c, s in found.items() if s not in ("pass", "warn")} == set(), report
        # Only the runtime facts warn; and they report what AWS returned instead of passing silently.
        assert {c for c, s in found.items() if s == "warn"} == RUNTIME_CHECKS, report
        details = {c["check"]: c["detail"] for c in report["checks"]}
        # The deploy waited for the rollout: verify sees it completed, every task running.
        assert "is COMPLETED (2 of 2 tasks running)" in details["ecs: deployment"]
        assert "2 of 2 desired tasks running" in details["ecs: running tasks"]
        assert "no targets registered" in details["alb: target health"]
        assert report["result"] == "warn" and report["summary"] == {"pass": CHECK_COUNT - 1, "warn": 1, "fail": 0}


def test_the_table_shows_every_check(healthy):
    run, reports, _calls, _tmp_path = healthy
    for env in ENVS:
        title = f"{env} ({ENV_REGIONS[env]}): WARN, {CHECK_COUNT} checks: {CHECK_COUNT - 1} pass, 1 warn, 0 fail"
        assert title in run.output
    assert "PASS  reachability: only ecs -> db:5432" in run.output
    assert "WARN  alb: target health" in run.output


def test_verification_only_reads(healthy):
    _run, _reports, calls, _tmp_path = healthy
    assert calls, "the request log recorded nothing: the write check below would prove nothing"
    assert writes(calls) == []
    assert "GetSecretValue" in calls, "the secret's host was read"


def test_reports_and_output_hold_no_secret_value(healthy, aws):
    run, _reports, _calls, tmp_path = healthy
    for env in ENVS:
        secret = json.loads(
            aws("secretsmanager", env).get_secret_value(SecretId=f"{env}-payment-db-credentials")["SecretString"])
        assert secret["password"] not in (tmp_path / f"verify-{env}.json").read_text()
        assert secret["password"] not in run.output


# --- breakages ------------------------------------------------------------------------------------------


def db_group_ids(aws):
    ec2 = aws("ec2", ENV)
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-db-sg", f"{PREFIX}-ecs-sg"]}])["SecurityGroups"]
    by_name = {g["GroupName"]: g for g in groups}
    return ec2, by_name[f"{PREFIX}-db-sg"], by_name[f"{PREFIX}-ecs-sg"]["GroupId"]


def remove_db_rule(aws):
    ec2, db, ecs_id = db_group_ids(aws)
    rule = next(p for p in db["IpPermissions"] if p.get("FromPort") == 5432
                and any(pair["GroupId"] == ecs_id for pair in p.get("UserIdGroupPairs", [])))
    rule = {k: rule[k] for k in ("IpProtocol", "FromPort", "ToPort", "UserIdGroupPairs")}
    ec2.revoke_security_group_ingress(GroupId=db["GroupId"], IpPermissions=[rule])
    return lambda: ec2.authorize_security_group_ingress(GroupId=db["GroupId"], IpPermissions=[rule])


def open_db_to_the_internet(aws):
    ec2, db, _ecs_group = db_group_ids(aws)
    rule = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ec2.authorize_security_group_ingress(GroupId=db["GroupId"], IpPermissions=[rule])
    return lambda: ec2.revoke_security_group_ingress(GroupId=db["GroupId"], IpPermissions=[rule])


def open_the_default_group(aws):
    # AWS's own default rule, put back by hand: anything launched into the VPC without a group may reach anything.
    ec2 = aws("ec2", ENV)
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"][0]["VpcId"]
    [group] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                    {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    rule = {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group["GroupId"]}]}
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[rule])
    return lambda: ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[rule])


def repoint_db_record(aws):
    route53 = aws("route53", ENV)
    zone = next(z for z in route53.list_hosted_zones()["HostedZones"]
                if z["Name"] == f"{ENV}.payment.internal." and z["Config"]["PrivateZone"])
    name = f"db.{ENV}.payment.internal."
    original = next(r for r in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
                    if r["Name"] == name and r["Type"] == "CNAME")
    stale = dict(original, ResourceRecords=[{"Value": "old-writer.cluster-0000.eu-west-1.rds.amazonaws.com"}])

    def upsert(record):
        route53.change_resource_record_sets(
            HostedZoneId=zone["Id"], ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]})

    upsert(stale)
    return lambda: upsert(original)


def widen_execution_role(aws):
    iam = aws("iam", ENV)
    role, policy = f"{PREFIX}-task-execution-role", f"{PREFIX}-task-execution-policy"
    original = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    wide = copy.deepcopy(original)
    for statement in wide["Statement"]:
        if statement.get("Sid") == "ReadThisEnvironmentsDbSecret":
            statement["Resource"] = "*"
    iam.put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(wide))
    return lambda: iam.put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(original))


def stop_key_rotation(aws):
    kms = aws("kms", ENV)
    key_id = kms.describe_key(KeyId=f"alias/{PREFIX}")["KeyMetadata"]["KeyId"]
    kms.disable_key_rotation(KeyId=key_id)
    return lambda: kms.enable_key_rotation(KeyId=key_id)


def shorten_prod_backups(aws):
    backup = aws("backup", "prod")
    [plan] = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == "prod-payment-backup-plan"]
    original = backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])["BackupPlan"]
    short = copy.deepcopy(original)
    for rule in short["Rules"]:
        rule.pop("RuleId", None)
        rule["Lifecycle"] = {"DeleteAfterDays": 7}
    backup.update_backup_plan(BackupPlanId=plan["BackupPlanId"], BackupPlan=short)
    for rule in original["Rules"]:
        rule.pop("RuleId", None)
    return lambda: backup.update_backup_plan(BackupPlanId=plan["BackupPlanId"], BackupPlan=original)


def trust_any_account(aws):
    # The trust policy without its confused-deputy condition: ECS acting for any account could assume the role.
    iam = aws("iam", ENV)
    role = f"{PREFIX}-task-execution-role"
    original = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    open_trust = copy.deepcopy(original)
    for statement in open_trust["Statement"]:
        statement.pop("Condition", None)
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(open_trust))
    return lambda: iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(original))


def detach_the_web_acl(aws):
    # The load balancer taken out from behind its web ACL, as a console click would.
    wafv2, elb = aws("wafv2", ENV), aws("elbv2", ENV)
    [acl] = [a for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == f"{PREFIX}-waf"]
    alb = elb.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
    wafv2.disassociate_web_acl(ResourceArn=alb)
    return lambda: wafv2.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=alb)


def change_scaling_target_value(aws):
    scaling = aws("application-autoscaling", ENV)
    resource = f"service/{PREFIX}-cluster/{PREFIX}-service"
    original = scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"][0]
    keys = ("PolicyName", "ServiceNamespace", "ResourceId", "ScalableDimension", "PolicyType")
    config = original["TargetTrackingScalingPolicyConfiguration"]

    def put(value):
        scaling.put_scaling_policy(**{k: original[k] for k in keys},
                                   TargetTrackingScalingPolicyConfiguration=dict(config, TargetValue=value))

    put(config["TargetValue"] + 25)
    return lambda: put(config["TargetValue"])


def roll_out_an_unpullable_image(aws):
    # A revision naming another region's copy of the image, rolled out by hand: tasks cannot pull it without NAT,
    # so the emulator (as AWS) fails the deployment and its circuit breaker rolls the service back.
    ecs = aws("ecs", ENV)
    service = {"cluster": f"{PREFIX}-cluster", "service": f"{PREFIX}-service"}
    running = ecs.describe_services(cluster=service["cluster"], services=[service["service"]])["services"][0]
    definition = ecs.describe_task_definition(taskDefinition=running["taskDefinition"])["taskDefinition"]
    container = dict(definition["containerDefinitions"][0])
    container["image"] = container["image"].replace(f".{ENV_REGIONS[ENV]}.", ".us-east-1.")
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory",
            "volumes")
    unpullable = ecs.register_task_definition(**{k: definition[k] for k in keep}, containerDefinitions=[container])
    ecs.update_service(**service, taskDefinition=unpullable["taskDefinition"]["taskDefinitionArn"])
    return lambda: ecs.deregister_task_definition(taskDefinition=unpullable["taskDefinition"]["taskDefinitionArn"])


def staging_listeners(aws):
    elbv2 = aws("elbv2", "staging")
    lb = elbv2.describe_load_balancers(Names=["staging-payment-alb"])["LoadBalancers"][0]
    return elbv2, {listener["Port"]: listener for listener in
                   elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]}


def forward_port_80(aws):
    # staging's port 80 serving the target group itself instead of redirecting to HTTPS.
    elbv2, listeners = staging_listeners(aws)
    target_group = elbv2.describe_target_groups(Names=["staging-payment-tg"])["TargetGroups"][0]["TargetGroupArn"]
    http = listeners[80]
    elbv2.modify_listener(ListenerArn=http["ListenerArn"], DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}])
    return lambda: elbv2.modify_listener(ListenerArn=http["ListenerArn"], DefaultActions=http["DefaultActions"])


def weaken_tls_policy(aws):
    # staging's HTTPS listener switched (by hand) to a policy that still allows TLS 1.0 and 1.1.
    elbv2, listeners = staging_listeners(aws)
    https = listeners[443]
    elbv2.modify_listener(ListenerArn=https["ListenerArn"], SslPolicy="ELBSecurityPolicy-2016-08")
    return lambda: elbv2.modify_listener(ListenerArn=https["ListenerArn"], SslPolicy=https["SslPolicy"])


def delete_the_flow_log(aws):
    ec2 = aws("ec2", ENV)
    [flow_log] = ec2.describe_flow_logs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-flow-logs"]}])["FlowLogs"]
    ec2.delete_flow_logs(FlowLogIds=[flow_log["FlowLogId"]])
    return lambda: ec2.create_flow_logs(
        ResourceIds=[flow_log["ResourceId"]], ResourceType="VPC", TrafficType=flow_log["TrafficType"],
        LogDestinationType="s3", LogDestination=flow_log["LogDestination"],
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": flow_log["Tags"]}])


def turn_off_access_logs(aws):
    elbv2 = aws("elbv2", ENV)
    arn = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0]["LoadBalancerArn"]

    def put(value):
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "access_logs.s3.enabled", "Value": value}])

    put("false")
    return lambda: put("true")


def unblock_public_access(aws):
    s3 = aws("s3", ENV)
    bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(f"{PREFIX}-audit-logs-"))
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    s3.delete_public_access_block(Bucket=bucket)
    return lambda: s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block)


def stop_logging_connections(aws):
    rds = aws("rds", ENV)

    def put(value):
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=f"{PREFIX}-db-params", Parameters=[
            {"ParameterName": "log_connections", "ParameterValue": value, "ApplyMethod": "pending-reboot"}])

    put("0")
    return lambda: put("1")


def reset_the_s3_endpoint_policy(aws):
    ec2 = aws("ec2", ENV)
    [endpoint] = ec2.describe_vpc_endpoints(Filters=[
        {"Name": "service-name", "Values": [f"com.amazonaws.{ENV_REGIONS[ENV]}.s3"]},
        {"Name": "tag:Name", "Values": [f"{PREFIX}-s3-endpoint"]}])["VpcEndpoints"]
    policy = endpoint["PolicyDocument"]
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], ResetPolicy=True)
    return lambda: ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], PolicyDocument=policy)


@dataclass
class Breakage:
    make: Callable
    check: str
    says: str
    env: str = ENV
    # Checks the same breakage fails as well (and rightly).
    also: tuple = ()


BREAKAGES = {
    "db rule removed": Breakage(remove_db_rule, "reachability: ecs -> db:5432",
                                f"no ingress rule of {PREFIX}-db-sg admits tcp 5432 from {PREFIX}-ecs-sg"),
    "db open to the internet": Breakage(open_db_to_the_internet, "reachability: only ecs -> db:5432",
                                        f"{PREFIX}-db-sg ingress tcp 5432 from 0.0.0.0/0 is not from {PREFIX}-ecs-sg"),
    "default group opened": Breakage(open_the_default_group, "network: default security group",
                                     "keeps 1 inbound rule(s)"),
    "db record stale": Breakage(repoint_db_record, f"dns: db.{ENV}.payment.internal",
                                "points at old-writer.cluster-0000.eu-west-1.rds.amazonaws.com"),
    "execution role widened": Breakage(widen_execution_role, "iam: execution role",
                                       "allows secretsmanager:GetSecretValue on Resource *"),
    "execution role trusted by any account": Breakage(trust_any_account, "iam: execution role",
                                                      "lets ecs-tasks.amazonaws.com assume it for any account"),
    "key rotation off": Breakage(stop_key_rotation, "kms: encryption", f"automatic rotation of alias/{PREFIX} is off"),
    "prod's backups kept a week": Breakage(shorten_prod_backups, "backup: plan",
                                           "no rule of prod-payment-backup-plan backs up into prod-payment-backup-vault "
                                           "for 35 days", "prod"),
    "web ACL detached": Breakage(detach_the_web_acl, "waf: web acl", f"{PREFIX}-waf is not attached to {PREFIX}-alb"),
    "scaling target value changed": Breakage(change_scaling_target_value, "ecs: scaling policy",
                                             "target value 75.0; payment_scaling_cpu_threshold is 50"),
    "rollout of an unpullable image": Breakage(roll_out_an_unpullable_image, "ecs: deployment",
                                               "the circuit breaker rolled the deployment back"),
    # A listener on 80 that serves requests is also one without the payment rules.
    "port 80 forwards instead of redirecting": Breakage(
        forward_port_80, "alb: http redirect", "HTTP:80 does not redirect (its default action: forward)", "staging",
        ("alb: rule /api/*", "alb: rule /webhook/*")),
    "TLS policy allowing TLS 1.0": Breakage(weaken_tls_policy, "alb: https",
                                            "uses ELBSecurityPolicy-2016-08, which allows TLSv1, TLSv1.1, TLSv1.2",
                                            "staging"),
    "flow log deleted": Breakage(delete_the_flow_log, "vpc: flow logs", "no flow log captures all of"),
    "access logs turned off": Breakage(turn_off_access_logs, "alb: access logs", "access logs are off"),
    "audit bucket's public access unblocked": Breakage(unblock_public_access, "audit: bucket", "public access is not blocked"),
    "S3 endpoint back to AWS's default policy": Breakage(reset_the_s3_endpoint_policy, "vpc: endpoint policies",
                                                         "(s3) has AWS's default policy (full access for any principal)"),
    "connections no longer logged": Breakage(stop_logging_connections, "rds: connection logging", "log_connections is 0"),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_verify_names_the_broken_check(healthy, emulator, aws, tmp_path, name):
    breakage = BREAKAGES[name]
    repair = breakage.make(aws)
    try:
        run, reports, calls = verify(emulator, tmp_path, breakage.env)
    finally:
        repair()
    assert run.rc != 0, run.output[-6000:]
    report = reports[breakage.env]
    failed = {c["check"]: c for c in report["checks"] if c["status"] == "fail"}
    assert set(failed) == {breakage.check, *breakage.also}, report
    assert report["result"] == "fail" and report["summary"]["fail"] == 1 + len(breakage.also)
    assert breakage.says in failed[breakage.check]["detail"]
    assert failed[breakage.check]["fix"]
    # The failing task lists the failure with its fix.
    assert f"- {breakage.check}: " in run.output and "Fix: " in run.output
    assert f"FAIL  {breakage.check}" in run.output
    assert calls and writes(calls) == []


def test_repaired_platform_passes_again(healthy, emulator, tmp_path):
    run, reports, calls = verify(emulator, tmp_path, ENV)
    assert run.rc == 0, run.output[-6000:]
    assert statuses(reports[ENV]) == statuses(healthy[1][ENV])
    assert writes(calls) == []
