# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Teardown: guarded, complete, repeatable, fine on a half-deployed environment, and followed by a
fresh deploy. Runs last (it deletes the shared platform)."""

import os
import re
import signal
import subprocess
import time
from datetime import datetime, timezone

import pytest

from conftest import (ANSIBLE_PLAYBOOK, ENV_REGIONS, HOME_REGION, REPO, WARNING, env_keys, leftovers, push_image,
                      readme_command, run_as_written, run_playbook, writes)

ENVS = list(ENV_REGIONS)


# What one complete environment holds (3 AZs), by kind: an interrupted deploy run again must hold exactly this.
COMPLETE = {
    "vpcs": 1, "subnets": 6, "security groups": 4, "endpoints": 5, "internet gateways": 1, "route tables": 2,
    "db clusters": 1, "db instances": 2, "db subnet groups": 1, "db parameter groups": 1, "secrets": 1,
    "ecs clusters": 1, "task definitions": 1, "load balancers": 1, "target groups": 1, "iam roles": 3,
    "log groups": 3, "web ACLs": 1, "alarms": 5, "scalable targets": 1, "hosted zones": 1, "kms keys": 1,
    "sns topics": 1, "rds event subscriptions": 2, "flow logs": 1, "buckets": 1,
}


def new_account(emulator):
    """What a new account needs before dev's first deploy: the shared registry, and an image pushed to it."""
    registry = run_playbook("playbooks/registry.yml", "dev")
    assert not registry.failed, registry.output[-3000:]
    push_image(emulator.url, HOME_REGION, "latest")


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


def test_a_protected_environment_needs_the_second_confirmation(platform, emulator, aws):
    emulator.start_recording()
    run = run_playbook("playbooks/teardown.yml", "prod", extra_vars={"payment_teardown_confirm": "prod"})
    calls = emulator.stop_recording()
    assert run.failed and "payment_teardown_protected=prod" in run.output, run.output[-3000:]
    assert calls == [], "not even a read before the confirmation"
    # A wrong second confirmation is refused the same way.
    emulator.start_recording()
    run = run_playbook("playbooks/teardown.yml", "prod",
                       extra_vars={"payment_teardown_confirm": "prod", "payment_teardown_protected": "dev"})
    assert run.failed and emulator.stop_recording() == []
    assert aws("rds", "prod").describe_db_clusters(DBClusterIdentifier="prod-payment-db-cluster")["DBClusters"]


def protected_leftovers(aws, env="prod"):
    """What a protected environment's teardown keeps: its final snapshots, the key that encrypts them (enabled: a key
    scheduled for deletion would leave them unreadable) and its secret, scheduled for deletion."""
    left = leftovers(aws, env)
    snapshots = left.pop("db snapshots", [])
    secrets = left.pop("secrets", [])
    [key] = left.pop("kms keys", [])
    assert left == {}, left
    assert key["KeyState"] == "Enabled"
    for snapshot in snapshots:
        assert re.fullmatch(rf"{env}-payment-db-final-\d{{14}}", snapshot["DBClusterSnapshotIdentifier"]), snapshot
        assert snapshot["DBClusterIdentifier"] == f"{env}-payment-db-cluster"
        assert snapshot["KmsKeyId"] == key["Arn"], "encrypted with the key kept"
    [secret] = secrets
    described = aws("secretsmanager", env).describe_secret(SecretId=secret["Name"])
    assert described.get("DeletedDate"), "scheduled for deletion, not deleted at once"
    return [s["DBClusterSnapshotIdentifier"] for s in snapshots]


def test_teardown_of_every_environment_leaves_nothing(platform, emulator, aws):
    # dev with the README's command as written: it lists what it will delete, deletes it, removes dev's outputs
    # and reports, and ends saying what it deleted and what it kept.
    [vpc] = aws("ec2", "dev").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["dev-payment-vpc"]}])["Vpcs"]
    run = run_as_written(readme_command("teardown.yml"), emulator.url)
    assert not run.failed, run.output[-4000:]
    assert WARNING.findall(run.output) == []
    listed = run.output.split("Deleting from dev", 1)[1].split("TASK", 1)[0]
    assert vpc["VpcId"] in listed and "dev-payment-alb" in listed
    summary = run.output.split("SUMMARY *", 1)[1]
    assert "dev (eu-west-1): torn down" in summary and vpc["VpcId"] in summary
    rows = [line.split() for line in summary.splitlines()]
    assert ["resources", "deleted", "unchanged"] in rows, summary
    assert next(row for row in rows if row[0] == "vpc")[1] != "0", "the network's resources are counted as deleted"
    assert "Kept the shared ECR repository" in summary
    assert leftovers(aws, "dev") == {}
    for report in ("outputs-dev.json", "comparison-report-dev.json", "verify-dev.json"):
        assert not (REPO / "reports" / report).exists(), report
    assert (REPO / "reports" / "outputs-prod.json").exists(), "the other environments' files stay"

    # staging alone: the shared repository stays, and the run says why.
    run = run_playbook("playbooks/teardown.yml", "staging", extra_vars={"payment_teardown_confirm": "staging"})
    assert not run.failed, run.output[-4000:]
    assert "Kept the shared ECR repository" in run.output
    assert leftovers(aws, "staging") == {}
    assert shared_repository(aws)

    # dev (again: nothing left to delete) and prod in one run: the last environments, so the shared repository
    # goes too.
    # prod is protected: its teardown needs the second confirmation, and keeps the final snapshot (listed in the
    # summary) and its secret, scheduled for deletion with the default recovery window. Nothing else.
    run = run_playbook("playbooks/teardown.yml", "dev", "prod", extra_vars={
        "payment_teardown_confirm": "{{ payment_environment }}", "payment_teardown_protected": "prod"})
    assert not run.failed, run.output[-4000:]
    for env in ("dev", "staging"):
        assert leftovers(aws, env) == {}, env
    [snapshot] = protected_leftovers(aws)
    summary = run.output.split("SUMMARY *", 1)[1]
    assert f"Final snapshot of the database: {snapshot}" in summary
    assert "The key that encrypts it: alias/prod-payment" in summary
    assert shared_repository(aws) == []
    # An unprotected environment's key is scheduled for deletion, with KMS's longest window (still cancellable).
    [dev_key] = env_keys(aws, "dev")
    assert dev_key["KeyState"] == "PendingDeletion"
    assert (dev_key["DeletionDate"] - datetime.now(timezone.utc)).days >= 29, "kms_deletion_window_days, 30"

    emulator.start_recording()
    again = run_playbook("playbooks/teardown.yml", "dev", "prod", extra_vars={
        "payment_teardown_confirm": "{{ payment_environment }}", "payment_teardown_protected": "prod"})
    assert not again.failed and again.changed == 0, again.output[-3000:]
    assert writes(emulator.stop_recording()) == []
    assert protected_leftovers(aws) == [snapshot]


def test_interrupted_deploy_converges_when_run_again_then_tears_down_and_deploys_afresh(emulator, aws):
    # SIGINT a deploy of dev part-way (after the network tier has started), as a person would with Ctrl-C.
    # The shared registry went with the last environment: as on a new account, the registry, then an image.
    new_account(emulator)
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

    # dev was the last environment: its teardown took the shared registry too.
    new_account(emulator)
    fresh = run_playbook("site.yml", "dev")
    assert not fresh.failed, fresh.output[-4000:]
    assert {kind: len(found) for kind, found in leftovers(aws, "dev").items()} == COMPLETE


def test_a_protected_environment_deploys_again_after_its_teardown(emulator, aws):
    # After the test above: dev runs (with the shared registry, replicated to every region); prod's teardown left
    # its final snapshot and its secret scheduled for deletion, whose name a new secret cannot take.
    [snapshot] = protected_leftovers(aws)
    deploy = run_playbook("site.yml", "prod")
    assert not deploy.failed, deploy.output[-4000:]
    secret = aws("secretsmanager", "prod").describe_secret(SecretId="prod-payment-db-credentials")
    assert "DeletedDate" not in secret, "the deploy restored the secret"
    [cluster] = aws("rds", "prod").describe_db_clusters(DBClusterIdentifier="prod-payment-db-cluster")["DBClusters"]
    assert cluster["DeletionProtection"] is True

    # With payment_teardown_keep_audit_logs the audit trail outlives the environment: the bucket (with its logs) and
    # the database's exported log group stay (with the key that encrypts it: prod's is kept anyway), and the summary
    # lists the bucket as kept.
    confirm = {"payment_teardown_confirm": "prod", "payment_teardown_protected": "prod"}
    run = run_playbook("playbooks/teardown.yml", "prod", extra_vars=dict(confirm, payment_teardown_keep_audit_logs=True))
    assert not run.failed, run.output[-4000:]
    left = leftovers(aws, "prod")
    [bucket] = left.pop("buckets")
    assert bucket["Name"].startswith("prod-payment-audit-logs-") and bucket["Name"].endswith("-us-east-1")
    assert [g["logGroupName"] for g in left.pop("log groups")] == ["/aws/rds/cluster/prod-payment-db-cluster/postgresql"]
    assert set(left) <= {"db snapshots", "secrets", "kms keys"} and "flow logs" not in left, left
    summary = run.output.split("SUMMARY *", 1)[1]
    assert f"Audit log bucket (payment_teardown_keep_audit_logs): {bucket['Name']}" in summary
    assert ("Database log group (payment_teardown_keep_audit_logs): /aws/rds/cluster/prod-payment-db-cluster/postgresql,"
            " encrypted with alias/prod-payment") in summary

    # Without the switch the next teardown takes them too.
    run = run_playbook("playbooks/teardown.yml", "prod", extra_vars=confirm)
    assert not run.failed, run.output[-4000:]
    assert snapshot in protected_leftovers(aws)
