# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Data protection read back from the emulator with boto3: each environment's customer-managed key (rotation, key
policy) and what it encrypts, the pre-flight's refusal of a key change, and the AWS Backup plan of protected
environments."""

import json

import pytest

from conftest import ENV_REGIONS, contract_tags, env_keys, run_playbook, writes

ENVS = list(ENV_REGIONS)


def key_of(aws, env):
    [key] = env_keys(aws, env)
    return key


def statements(aws, env):
    policy = aws("kms", env).get_key_policy(KeyId=key_of(aws, env)["KeyId"], PolicyName="default")["Policy"]
    return {s["Sid"]: s for s in json.loads(policy)["Statement"]}


@pytest.mark.parametrize("env", ENVS)
def test_each_environment_has_its_own_rotating_customer_managed_key(platform, aws, env):
    key = key_of(aws, env)
    kms = aws("kms", env)
    assert (key["KeyState"], key["KeyManager"], key["KeySpec"], key["KeyUsage"]) == (
        "Enabled", "CUSTOMER", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    assert f":{ENV_REGIONS[env]}:" in key["Arn"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]}
    assert tags == dict(contract_tags(env), Name=f"alias/{env}-payment")
    assert len({key_of(aws, other)["Arn"] for other in ENVS}) == len(ENVS), "one key per environment"


@pytest.mark.parametrize("env", ENVS)
def test_the_key_policy_grants_exactly_the_services_that_use_it(platform, aws, env):
    region, account = ENV_REGIONS[env], key_of(aws, env)["Arn"].split(":")[4]
    found = statements(aws, env)
    assert set(found) == {"AccountAdministersTheKey", "CloudWatchLogsEncryptsTheLogGroups",
                          "AlarmsAndDatabaseEventsPublishToTheTopic"}
    assert found["AccountAdministersTheKey"]["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}
    logs = found["CloudWatchLogsEncryptsTheLogGroups"]
    assert logs["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
    assert logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"] == [
        f"arn:aws:logs:{region}:{account}:log-group:{name}"
        for name in (f"/ecs/{env}-payment-service", f"aws-waf-logs-{env}-payment-waf",
                     f"/aws/rds/cluster/{env}-payment-db-cluster/postgresql")]
    publish = found["AlarmsAndDatabaseEventsPublishToTheTopic"]
    assert publish["Principal"] == {"Service": ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]}
    assert publish["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]


@pytest.mark.parametrize("env", ENVS)
def test_the_key_encrypts_the_database_its_secret_and_the_logs(platform, aws, env):
    arn = key_of(aws, env)["Arn"]
    [cluster] = aws("rds", env).describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"]
    assert cluster["StorageEncrypted"] and cluster["KmsKeyId"] == arn
    assert aws("secretsmanager", env).describe_secret(SecretId=f"{env}-payment-db-credentials")["KmsKeyId"] == arn
    for name in (f"/ecs/{env}-payment-service", f"aws-waf-logs-{env}-payment-waf",
                 f"/aws/rds/cluster/{env}-payment-db-cluster/postgresql"):
        [group] = aws("logs", env).describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        assert group["kmsKeyId"] == arn, name


@pytest.mark.parametrize("env", ENVS)
def test_the_execution_role_decrypts_the_secret_only_through_secrets_manager(platform, aws, env):
    iam = aws("iam", env)
    document = iam.get_role_policy(RoleName=f"{env}-payment-task-execution-role",
                                   PolicyName=f"{env}-payment-task-execution-policy")["PolicyDocument"]
    [decrypt] = [s for s in document["Statement"] if s.get("Sid") == "DecryptThisEnvironmentsDbSecret"]
    assert decrypt["Action"] == "kms:Decrypt" and decrypt["Resource"] == key_of(aws, env)["Arn"]
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": f"secretsmanager.{ENV_REGIONS[env]}.amazonaws.com"}}


def test_the_preflight_refuses_a_cluster_the_key_does_not_encrypt(platform, emulator, aws):
    # The alias pointed at another key, as if the cluster had been deployed before the key (or the key replaced):
    # AWS cannot change the cluster's key, so the deploy stops before any write, saying how to replace it.
    kms = aws("kms", "dev")
    original = key_of(aws, "dev")["KeyId"]
    other = kms.create_key(Description="another key")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/dev-payment", TargetKeyId=other)
    try:
        emulator.start_recording()
        run = run_playbook("site.yml", "dev")
        calls = emulator.stop_recording()
    finally:
        kms.update_alias(AliasName="alias/dev-payment", TargetKeyId=original)
        kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)
    assert run.failed
    assert "The cluster dev-payment-db-cluster is encrypted with the KMS key" in run.output, run.output[-3000:]
    assert "AWS cannot change the key of an encrypted Aurora cluster" in run.output
    assert "copy-db-cluster-snapshot --kms-key-id alias/dev-payment" in run.output
    assert writes(calls) == []


@pytest.mark.parametrize("env", ENVS)
def test_only_protected_environments_have_aws_backup(platform, aws, env):
    backup = aws("backup", env)
    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == f"{env}-payment-backup-plan"]
    vaults = [v for v in backup.list_backup_vaults()["BackupVaultList"] if v["BackupVaultName"] == f"{env}-payment-backup-vault"]
    if env != "prod":
        assert plans == [] and vaults == []
        return
    [plan], [vault] = plans, vaults
    assert vault["EncryptionKeyArn"] == key_of(aws, env)["Arn"]
    [rule] = backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])["BackupPlan"]["Rules"]
    assert (rule["RuleName"], rule["TargetBackupVaultName"], rule["ScheduleExpression"]) == (
        "daily", f"{env}-payment-backup-vault", "cron(0 5 ? * * *)")
    assert rule["Lifecycle"] == {"DeleteAfterDays": 35}, "payment_backup_retention_days"
    [listed] = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"]
    selection = backup.get_backup_selection(BackupPlanId=plan["BackupPlanId"], SelectionId=listed["SelectionId"])["BackupSelection"]
    assert selection["SelectionName"] == f"{env}-payment-db-cluster"
    assert selection["IamRoleArn"].endswith(f":role/{env}-payment-backup-role")
    # The cluster is selected by its tags: every contract tag, among the region's Aurora clusters.
    [cluster] = aws("rds", env).describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"]
    assert selection["Resources"] == [cluster["DBClusterArn"].rsplit(":", 1)[0] + ":*"]
    assert {c["ConditionKey"]: c["ConditionValue"] for c in selection["Conditions"]["StringEquals"]} == {
        f"aws:ResourceTag/{k}": v for k, v in contract_tags(env).items()}
    assert {t["Key"]: t["Value"] for t in cluster["TagList"]}.items() >= contract_tags(env).items()
    role = aws("iam", env).get_role(RoleName=f"{env}-payment-backup-role")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "backup.amazonaws.com"}
    attached = aws("iam", env).list_attached_role_policies(RoleName=f"{env}-payment-backup-role")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSBackupServiceRolePolicyForBackup"]


@pytest.mark.parametrize("env", ENVS)
def test_only_the_service_the_deployer_and_the_administrators_may_read_the_secret(platform, aws, env):
    policy = aws("secretsmanager", env).get_resource_policy(SecretId=f"{env}-payment-db-credentials")["ResourcePolicy"]
    [deny] = json.loads(policy)["Statement"]
    assert (deny["Effect"], deny["Principal"], deny["Action"], deny["Resource"]) == (
        "Deny", "*", ["secretsmanager:GetSecretValue"], "*")
    account = key_of(aws, env)["Arn"].split(":")[4]
    deployer = aws("sts", env).get_caller_identity()["Arn"]
    # payment_secret_administrator_arns is empty by default: the execution role and the deploying identity only.
    assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": [
        f"arn:aws:iam::{account}:role/{env}-payment-task-execution-role", deployer]}}
