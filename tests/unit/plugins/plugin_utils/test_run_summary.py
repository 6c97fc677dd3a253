# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""plugin_utils/run_summary.py: the counts and sections the summary callback prints, and what it drops."""

import pytest

from ansible_collections.payments.platform.plugins.plugin_utils import run_summary


def test_counts_changed_and_unchanged_per_host_and_role_in_the_order_met():
    tally = run_summary.Tally()
    tally.add("dev", "vpc", True)
    tally.add("dev", "vpc", False)
    tally.add("dev", "rds", True)
    tally.add("prod", "vpc", False)
    tally.add("dev", None, True)  # a task outside any role

    assert tally.rows("dev") == [("vpc", 1, 1), ("rds", 1, 0)]
    assert tally.rows("prod") == [("vpc", 0, 1)]
    assert tally.rows("staging") == []
    assert tally.hosts() == ["dev", "prod"]


def test_only_modules_that_manage_aws_resources_are_counted():
    assert run_summary.manages_resources("amazon.aws.ec2_vpc_net")
    assert run_summary.manages_resources("community.aws.ecs_ecr")
    assert run_summary.manages_resources("payments.platform.resource_tags")
    assert not run_summary.manages_resources("amazon.aws.ec2_vpc_net_info")
    assert not run_summary.manages_resources("ansible.builtin.set_fact")
    assert not run_summary.manages_resources("ansible.builtin.copy")


def test_role_names_drop_the_collection():
    assert run_summary.role_name("payments.platform.vpc") == "vpc"
    assert run_summary.role_name("local_role") == "local_role"
    assert run_summary.role_name(None) is None


def test_known_deprecations_and_warnings_match_by_source_and_start_only():
    iam = "In a release after 2026-05-01 iam_role.assume_role_policy_document_raw will no longer be returned.  Since"
    assert run_summary.is_known_deprecation("amazon.aws", iam)
    assert not run_summary.is_known_deprecation("community.aws", iam)
    assert not run_summary.is_known_deprecation("amazon.aws", "Something else " + iam)
    warning = "Module did not set no_log for force_update_password"
    assert run_summary.is_known_warning("amazon.aws.rds_cluster", warning)
    assert not run_summary.is_known_warning("amazon.aws.rds_instance", warning)
    assert not run_summary.is_known_warning("amazon.aws.rds_cluster", "Module did not set no_log for master_user_password")
    for entry in run_summary.KNOWN_DEPRECATIONS + run_summary.KNOWN_WARNINGS:
        assert len(entry) == 3 and all(entry), "each entry names its source, its message and why it is dropped"


def test_render_prints_the_title_the_counts_then_each_section():
    summary = {
        "title": "dev (eu-west-1)",
        "outputs": {"albDnsName": "dev-payment-alb-1.elb.amazonaws.com", "dbEndpoint": "db.example",
                    "subnets": ["subnet-1", "subnet-2"]},
        "empty": [],
        "kept": ["the shared ECR repository"],
    }

    lines = run_summary.render("dev-payment", [("vpc", 19, 0), ("monitoring", 0, 6)], summary)

    assert lines == [
        "dev (eu-west-1)",
        "  resources     created    changed  unchanged",
        "  vpc                 0         19          0",
        "  monitoring          0          0          6",
        "  total               0         19          6",
        "  outputs:",
        "    albDnsName  dev-payment-alb-1.elb.amazonaws.com",
        "    dbEndpoint  db.example",
        "    subnets     subnet-1, subnet-2",
        "  kept:",
        "    the shared ECR repository",
    ]


def test_render_counts_the_changes_as_the_run_says():
    rows = [("vpc", 19, 0), ("monitoring", 2, 4)]

    created = run_summary.render("dev-payment", rows, {"title": "dev", "changes": "created"})
    deleted = run_summary.render("dev-payment", rows, {"title": "dev", "changes": "deleted"})

    assert created == [
        "dev",
        "  resources     created    changed  unchanged",
        "  vpc                19          0          0",
        "  monitoring          2          0          4",
        "  total              21          0          4",
    ]
    assert deleted == [
        "dev",
        "  resources     deleted  unchanged",
        "  vpc                19          0",
        "  monitoring          2          4",
        "  total              21          4",
    ]


def test_count_columns_refuses_an_unknown_kind_of_change():
    with pytest.raises(ValueError, match="changes must be one of created, changed, deleted, not 'added'"):
        run_summary.count_columns([("vpc", 1, 0)], "added")
    assert run_summary.count_columns([], "deleted") == (("deleted", "unchanged"), [])


def test_render_without_a_summary_or_counts_names_the_host():
    assert run_summary.render("dev-payment", [], None) == ["dev-payment"]
    assert run_summary.render("dev-payment", [], {"title": ""}) == ["dev-payment"]


def test_the_backup_vault_notice_on_creation_is_known():
    assert run_summary.is_known_warning("amazon.aws.backup_vault", "Access Denied trying to describe backup vault")
    assert run_summary.is_known_deprecation(
        "ansible.builtin", "Passing `warnings` to `exit_json` or `fail_json` is deprecated.")
