# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The platform against AWS's timing and refusals: its own emulator in rehearsal mode (tests/rehearsal.py).

dev and prod (the protected environment: its key, backups, audit trail and alerts, as the shared platform's staging
has them too) are deployed as on a new account (registry, image, deploy), the converged re-run changes nothing, a
teardown of both (prod's with its second confirmation) leaves nothing of dev and only prod's final snapshot,
the key that encrypts it and its secret scheduled for deletion (the network interfaces AWS creates for the load
balancer, endpoints, database and tasks gone too), and dev is deployed again at once. Every wait and retry here is the
roles' own, the same code as on AWS; only the poll intervals are shortened to suit the compressed clock.
"""

import os
import re

import pytest

from conftest import (ENV_REGIONS, HOME_REGION, POLL_DELAYS, REPOSITORY, Emulator, aws_clients, emulator_environment,
                      env_keys, leftovers, push_image, run_playbook, writes)

SCALE = 3  # emulator seconds per AWS minute: a DB instance is `creating` for 30 s
ENVS = ["dev", "prod"]  # staging is the shared platform's: prod is the protected one, with backups
# prod's teardown needs both confirmations (playbooks/teardown.yml).
CONFIRM = {"payment_teardown_confirm": "{{ payment_environment }}", "payment_teardown_protected": "prod"}
# Seconds between two looks while waiting: the defaults (10-30 s) suit AWS's minutes, not these seconds.
FAST = dict.fromkeys(POLL_DELAYS, 1)


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    """An emulator of this module's own in rehearsal mode; os.environ points at it while the module runs."""
    emulator = Emulator(tmp_path_factory.mktemp("rehearsal"), rehearsal=SCALE)
    # prod serves only HTTPS: its certificate in this emulator's ACM (the files come back at stop()).
    emulator.import_certificates()
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(emulator_environment(emulator.url, saved))
    yield emulator
    emulator.stop()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def aws(rehearsal):
    return aws_clients(rehearsal.url)


@pytest.fixture(scope="module", autouse=True)
def own_reports(tmp_path_factory):
    """This module's outputs and reports in a folder of its own: reports/ holds the shared platform's."""
    FAST["payment_report_dir"] = str(tmp_path_factory.mktemp("rehearsal-reports"))


def deploy(rehearsal, *envs):
    """As on a new account: the registry, the image pushed to its home region, then the deploy."""
    registry = run_playbook("playbooks/registry.yml", *envs, extra_vars=FAST)
    assert not registry.failed, registry.output[-4000:]
    push_image(rehearsal.url, HOME_REGION, "latest")
    return run_playbook("site.yml", *envs, extra_vars=FAST)


def interfaces(aws, env):
    return aws("ec2", env).describe_network_interfaces()["NetworkInterfaces"]


def test_deploy_waits_for_what_aws_creates_slowly(rehearsal, aws):
    run = deploy(rehearsal, *ENVS)
    assert not run.failed, run.output[-6000:]
    for env in ENVS:
        p = f"{env}-payment"
        rds = aws("rds", env)
        assert [i["DBInstanceStatus"] for i in rds.describe_db_instances()["DBInstances"]] == ["available"] * 2
        assert rds.describe_db_clusters(DBClusterIdentifier=f"{p}-db-cluster")["DBClusters"][0]["Status"] == "available"
        endpoints = aws("ec2", env).describe_vpc_endpoints()["VpcEndpoints"]
        assert {e["State"].lower() for e in endpoints} == {"available"}
        [service] = aws("ecs", env).describe_services(cluster=f"{p}-cluster", services=[f"{p}-service"])["services"]
        assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]
        assert service["runningCount"] == 2
        # AWS's own interfaces for the load balancer, the interface endpoints, the instances and the tasks.
        kinds = {i["Description"].split(" ")[0] for i in interfaces(aws, env)}
        assert {"ELB", "VPC", "RDSNetworkInterface"} <= kinds, kinds
    # What only prod has: the backup plan and its selection of the cluster, and the database's events subscribed.
    backup = aws("backup", "prod")
    [plan] = backup.list_backup_plans()["BackupPlansList"]
    [selection] = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"]
    assert selection["SelectionName"] == "prod-payment-db-cluster"
    subscriptions = aws("rds", "prod").describe_event_subscriptions()["EventSubscriptionsList"]
    assert {s["Status"] for s in subscriptions} == {"active"} and len(subscriptions) == 2


def test_converged_rerun_changes_nothing(rehearsal):
    rehearsal.start_recording()
    run = run_playbook("site.yml", *ENVS, extra_vars=FAST)
    calls = rehearsal.stop_recording()
    assert not run.failed, run.output[-6000:]
    assert run.changed == 0, run.output[-6000:]
    assert calls and writes(calls) == []


def test_teardown_outlasts_aws_deleting_and_leaves_nothing(rehearsal, aws):
    run = run_playbook("playbooks/teardown.yml", *ENVS, extra_vars=dict(FAST, **CONFIRM))
    assert not run.failed, run.output[-6000:]
    for env in ENVS:
        assert interfaces(aws, env) == [], f"{env}'s network interfaces outlived the teardown"
        assert aws("ecr", env).describe_repositories()["repositories"] == []
    assert leftovers(aws, "dev") == {}
    # prod keeps only its final snapshot (available: the teardown waited for it), the key that encrypts it
    # (enabled: a key scheduled for deletion would leave the snapshot unreadable) and its secret, scheduled for
    # deletion with a recovery window. The backup vault held no recovery point: it is gone too.
    left = leftovers(aws, "prod")
    [snapshot] = left.pop("db snapshots")
    [key] = left.pop("kms keys")
    [secret] = left.pop("secrets")
    assert left == {}, left
    assert re.fullmatch(r"prod-payment-db-final-\d{14}", snapshot["DBClusterSnapshotIdentifier"]), snapshot
    assert snapshot["Status"] == "available" and snapshot["StorageEncrypted"]
    assert snapshot["KmsKeyId"] == key["Arn"] and key["KeyState"] == "Enabled"
    assert aws("secretsmanager", "prod").describe_secret(SecretId=secret["Name"]).get("DeletedDate")
    assert env_keys(aws, "dev")[0]["KeyState"] == "PendingDeletion"
    summary = run.output.split("SUMMARY *", 1)[1]
    assert f"Final snapshot of the database: {snapshot['DBClusterSnapshotIdentifier']}" in summary


def test_deploy_right_after_the_teardown_works(rehearsal, aws):
    # The secret's name was reserved for a while after its forced delete: the teardown waited until it was free.
    run = deploy(rehearsal, "dev")
    assert not run.failed, run.output[-6000:]
    secret = aws("secretsmanager", "dev").describe_secret(SecretId="dev-payment-db-credentials")
    assert "DeletedDate" not in secret
    assert ENV_REGIONS["dev"] in secret["ARN"]
    assert REPOSITORY in {r["repositoryName"] for r in aws("ecr", "dev").describe_repositories()["repositories"]}
