# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The data tier (role payments.platform.rds) of dev, read back from AWS from the shared deployment.

The absent path is proven by the teardown tests (tests/integration/test_zz_teardown.py).
"""

import json
import urllib.parse
from dataclasses import dataclass

import pytest
import yaml

from conftest import REPO, contract_tags, run_playbook, tags_of, writes

ENV = "dev"
PREFIX = f"{ENV}-payment"
CLUSTER = f"{PREFIX}-db-cluster"
INSTANCES = [f"{PREFIX}-db-1", f"{PREFIX}-db-2"]
SECRET = f"{PREFIX}-db-credentials"
SUBNET_GROUP = f"{PREFIX}-db-subnets"
PARAMS = f"{PREFIX}-db-params"
DEFAULTS = yaml.safe_load((REPO / "roles" / "rds" / "defaults" / "main.yml").read_text())
SETTINGS = yaml.safe_load((REPO / "playbooks" / "group_vars" / "all.yml").read_text())


@dataclass
class DataTier:
    first: object
    create_instance_requests: list
    create_cluster_requests: list
    password: str
    rerun: object
    rerun_calls: list


def read_secret(aws):
    return json.loads(aws("secretsmanager", ENV).get_secret_value(SecretId=SECRET)["SecretString"])


def form(body):
    """A recorded query-API body as {name: value}."""
    return {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}


@pytest.fixture(scope="module")
def data_tier(platform, aws):
    """dev's part of the shared deployment; settings moto does not keep are proven from the requests."""
    def requests(action, key):
        return [r for r in map(form, platform.bodies(action)) if r.get(key, "").startswith(PREFIX)]

    return DataTier(
        platform.first,
        requests("CreateDBInstance", "DBInstanceIdentifier"),
        requests("CreateDBCluster", "DBClusterIdentifier"),
        read_secret(aws)["password"],
        platform.rerun,
        platform.rerun_calls,
    )


def db_security_group_id(aws):
    groups = aws("ec2", ENV).describe_security_groups(
        Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-db-sg"]}]
    )["SecurityGroups"]
    assert len(groups) == 1
    return groups[0]["GroupId"]


def cluster_of(aws):
    return aws("rds", ENV).describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]


def test_cluster(data_tier, aws):
    cluster = cluster_of(aws)
    assert cluster["Engine"] == "aurora-postgresql"
    # The pinned major, at the minor AWS makes its default (what the pre-flight resolved).
    [default] = aws("rds", ENV).describe_db_engine_versions(
        Engine="aurora-postgresql", DBParameterGroupFamily=f"aurora-postgresql{SETTINGS['payment_db_engine_version']}",
        DefaultOnly=True)["DBEngineVersions"]
    assert cluster["EngineVersion"] == default["EngineVersion"]
    assert cluster["StorageEncrypted"] is True
    assert cluster["BackupRetentionPeriod"] == 7
    assert cluster["PreferredBackupWindow"] == DEFAULTS["rds_backup_window"]
    assert cluster["PreferredMaintenanceWindow"] == DEFAULTS["rds_maintenance_window"]
    assert cluster["CopyTagsToSnapshot"] is True
    assert cluster["EnabledCloudwatchLogsExports"] == ["postgresql"]
    assert cluster["DeletionProtection"] is False
    assert cluster["DBSubnetGroup"] == SUBNET_GROUP
    assert cluster["DBClusterParameterGroup"] == PARAMS
    assert [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [db_security_group_id(aws)]
    assert cluster["DatabaseName"] == "payments"
    assert cluster["Port"] == 5432
    assert cluster["MasterUsername"] == read_secret(aws)["username"] == "payment_admin"
    assert tags_of(cluster, "TagList") == contract_tags(ENV)


def test_cluster_was_created_with_the_stored_password(data_tier):
    # moto never returns a password; the request the role sent shows which one the cluster got.
    assert len(data_tier.create_cluster_requests) == 1
    assert data_tier.create_cluster_requests[0]["MasterUserPassword"] == data_tier.password


def test_parameter_group_forces_tls(data_tier, aws):
    rds = aws("rds", ENV)
    group = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=PARAMS)["DBClusterParameterGroups"][0]
    major = SETTINGS["payment_db_engine_version"].split(".")[0]
    assert group["DBParameterGroupFamily"] == f"aurora-postgresql{major}" == DEFAULTS["rds_parameter_group_family"]
    parameters = {p["ParameterName"]: p for p in rds.describe_db_cluster_parameters(DBClusterParameterGroupName=PARAMS)["Parameters"]}
    assert parameters["rds.force_ssl"]["ParameterValue"] == "1"
    assert tags_of(rds.list_tags_for_resource(ResourceName=group["DBClusterParameterGroupArn"]), "TagList") == contract_tags(ENV)


def test_subnet_group_spans_the_private_subnets(data_tier, aws):
    private = aws("ec2", ENV).describe_subnets(
        Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-private-{n}" for n in (1, 2, 3)]}]
    )["Subnets"]
    assert len(private) == 3
    group = aws("rds", ENV).describe_db_subnet_groups(DBSubnetGroupName=SUBNET_GROUP)["DBSubnetGroups"][0]
    assert sorted(s["SubnetIdentifier"] for s in group["Subnets"]) == sorted(s["SubnetId"] for s in private)
    assert tags_of(aws("rds", ENV).list_tags_for_resource(ResourceName=group["DBSubnetGroupArn"]), "TagList") == contract_tags(ENV)


def test_writer_and_reader_in_different_zones(data_tier, aws):
    rds = aws("rds", ENV)
    members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"] for m in cluster_of(aws)["DBClusterMembers"]}
    assert members == {INSTANCES[0]: True, INSTANCES[1]: False}
    zones = sorted(z["ZoneName"] for z in aws("ec2", ENV).describe_availability_zones()["AvailabilityZones"])
    for index, instance_id in enumerate(INSTANCES):
        instance = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"][0]
        assert instance["DBClusterIdentifier"] == CLUSTER
        assert instance["Engine"] == "aurora-postgresql"
        assert instance["DBInstanceClass"] == "db.t3.medium"
        assert instance["AvailabilityZone"] == zones[index]
        assert instance["PubliclyAccessible"] is False
        assert instance["PerformanceInsightsEnabled"] is True
        assert instance["PromotionTier"] == index
        assert tags_of(instance, "TagList") == contract_tags(ENV)


def test_performance_insights_was_requested(data_tier):
    # Proven from the requests too, not only from the emulator's (patched) model.
    requests = {r["DBInstanceIdentifier"]: r for r in data_tier.create_instance_requests}
    assert sorted(requests) == INSTANCES
    for request in requests.values():
        assert request["EnablePerformanceInsights"] == "true"
        assert request["PerformanceInsightsRetentionPeriod"] == "7"
        assert request["PubliclyAccessible"] == "false"


def test_secret(data_tier, aws):
    secret = read_secret(aws)
    assert set(secret) == {"username", "password", "host", "port", "dbname"}
    assert secret["host"] == cluster_of(aws)["Endpoint"]
    assert secret["port"] == 5432
    assert secret["dbname"] == "payments"
    assert len(secret["password"]) >= 32
    assert not set(secret["password"]) & set('/@" ')
    described = aws("secretsmanager", ENV).describe_secret(SecretId=SECRET)
    assert tags_of(described) == contract_tags(ENV)


def test_rerun_changes_nothing_and_keeps_the_password(data_tier):
    assert not data_tier.rerun.failed, data_tier.rerun.output[-5000:]
    assert data_tier.rerun.changed == 0
    assert [c for c in writes(data_tier.rerun_calls) if "DB" in c or "Secret" in c] == []
    # The secret still holds the password the cluster was created with.
    assert data_tier.create_cluster_requests[0]["MasterUserPassword"] == data_tier.password


def test_password_never_in_output(data_tier):
    for run in (data_tier.first, data_tier.rerun):
        assert data_tier.password not in run.output


def test_a_pinned_minor_older_than_the_live_one_is_no_downgrade(data_tier, aws, emulator):
    # As after AWS's automatic minor upgrade: the cluster runs a newer minor than the one pinned. The run keeps it.
    live = cluster_of(aws)["EngineVersion"]
    older = [v["EngineVersion"] for v in aws("rds", ENV).describe_db_engine_versions(
        Engine="aurora-postgresql", DBParameterGroupFamily="aurora-postgresql16")["DBEngineVersions"]][0]
    assert older != live
    emulator.start_recording()
    # Automatic minor upgrades stay on here (a pinned minor turns them off by default, a write this test is not about).
    run = run_playbook("site.yml", ENV, extra_vars={"payment_db_engine_version": older,
                                                    "payment_db_auto_minor_version_upgrade": True})
    calls = emulator.stop_recording()
    assert not run.failed, run.output[-5000:]
    assert run.changed == 0, run.output[-5000:]
    assert writes(calls) == []
    assert cluster_of(aws)["EngineVersion"] == live


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_deletion_protection_follows_the_class(platform, aws, env):
    # prod is protected by default (payment_protected), the others are not.
    protected = env == "prod"
    [cluster] = aws("rds", env).describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"]
    assert cluster["DeletionProtection"] is protected
    # Aurora keeps deletion protection on the cluster only: CreateDBInstance's DeletionProtection "doesn't apply to
    # Amazon Aurora DB instances" (RDS API reference), so the instances show it off in every class.
    for instance in aws("rds", env).describe_db_instances(
            Filters=[{"Name": "db-cluster-id", "Values": [f"{env}-payment-db-cluster"]}])["DBInstances"]:
        assert instance["DeletionProtection"] is False
    elb = aws("elbv2", env)
    [lb] = elb.describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"]
    attributes = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
    assert attributes["deletion_protection.enabled"] == str(protected).lower()


def test_enhanced_monitoring_and_minor_upgrades(data_tier, aws):
    role = aws("iam", ENV).get_role(RoleName=f"{PREFIX}-rds-monitoring-role")["Role"]
    [statement] = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    attached = aws("iam", ENV).list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"]
    for name in INSTANCES:
        [instance] = aws("rds", ENV).describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
        assert instance["MonitoringInterval"] == SETTINGS["payment_db_monitoring_interval"] == 60
        assert instance["MonitoringRoleArn"] == role["Arn"]
        # The pin is a major: AWS's minor upgrades are on (and kept by the next run).
        assert instance["AutoMinorVersionUpgrade"] is True
