# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ecs_cluster_settings: the Container Insights setting of an existing ECS cluster."""

import pytest

from ansible_collections.payments.platform.plugins.modules import ecs_cluster_settings

CLUSTER = "dev-payment-cluster"


@pytest.fixture
def ecs(aws):
    return aws("ecs")


def insights_of(ecs, cluster=CLUSTER):
    """Container Insights as AWS has it now."""
    found = ecs.describe_clusters(clusters=[cluster], include=["SETTINGS"])["clusters"][0]
    return {s["name"]: s["value"] for s in found["settings"]}.get("containerInsights")


def returned_insights(result):
    return {s["name"]: s["value"] for s in result["cluster"]["settings"]}["containerInsights"]


def test_without_container_insights_only_reads_the_cluster(ecs, api, run_module):
    arn = ecs.create_cluster(clusterName=CLUSTER)["cluster"]["clusterArn"]

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER})

    assert result["changed"] is False
    assert result["cluster"]["cluster_arn"] == arn
    assert result["cluster"]["cluster_name"] == CLUSTER
    assert result["cluster"]["status"] == "ACTIVE"
    assert returned_insights(result) == "disabled"
    assert "diff" not in result
    assert api.operations == ["DescribeClusters"]
    assert api.params_of("DescribeClusters") == [{"clusters": [CLUSTER], "include": ["SETTINGS"]}]


def test_read_of_a_missing_cluster_returns_empty_dict(ecs, run_module):
    ecs.create_cluster(clusterName="another-cluster")

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER})

    assert result["changed"] is False
    assert result["cluster"] == {}


def test_a_deleted_inactive_cluster_counts_as_missing(ecs, run_module):
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.delete_cluster(cluster=CLUSTER)
    assert ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]["status"] == "INACTIVE"

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER})

    assert result["cluster"] == {}


@pytest.mark.parametrize("wanted", ["enabled", "enhanced"])
def test_sets_container_insights(ecs, api, run_module, wanted):
    ecs.create_cluster(clusterName=CLUSTER)

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": wanted})

    assert result["changed"] is True
    assert result["diff"] == {"before": {"containerInsights": "disabled"}, "after": {"containerInsights": wanted}}
    assert returned_insights(result) == wanted  # read back after the update
    assert insights_of(ecs) == wanted
    assert api.writes == ["UpdateCluster"]
    assert api.params_of("UpdateCluster") == [
        {"cluster": result["cluster"]["cluster_arn"], "settings": [{"name": "containerInsights", "value": wanted}]}
    ]


def test_accepts_the_cluster_arn(ecs, run_module):
    arn = ecs.create_cluster(clusterName=CLUSTER)["cluster"]["clusterArn"]

    result = run_module(ecs_cluster_settings, {"cluster": arn, "container_insights": "enabled"})

    assert result["changed"] is True
    assert insights_of(ecs) == "enabled"


def test_is_idempotent(ecs, api, run_module):
    ecs.create_cluster(clusterName=CLUSTER, settings=[{"name": "containerInsights", "value": "enabled"}])

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"})

    assert result["changed"] is False
    assert "diff" not in result
    assert returned_insights(result) == "enabled"
    assert api.writes == []


def test_a_cluster_without_the_setting_counts_as_disabled(ecs, api, run_module):
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.update_cluster(cluster=CLUSTER, settings=[])  # no containerInsights entry at all
    assert ecs.describe_clusters(clusters=[CLUSTER], include=["SETTINGS"])["clusters"][0]["settings"] == []

    unchanged = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "disabled"})
    changed = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"})

    assert unchanged["changed"] is False
    assert changed["changed"] is True
    assert changed["diff"]["before"] == {"containerInsights": "disabled"}
    assert insights_of(ecs) == "enabled"


def test_check_mode_predicts_the_change_without_making_it(ecs, api, run_module):
    ecs.create_cluster(clusterName=CLUSTER)

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"}, check_mode=True)

    assert result["changed"] is True
    assert result["diff"] == {"before": {"containerInsights": "disabled"}, "after": {"containerInsights": "enabled"}}
    assert result["cluster"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]  # predicted
    assert api.writes == []
    assert insights_of(ecs) == "disabled"


def test_check_mode_predicts_the_setting_on_a_cluster_without_settings(ecs, api, run_module):
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.update_cluster(cluster=CLUSTER, settings=[])

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enhanced"}, check_mode=True)

    assert result["changed"] is True
    assert result["cluster"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert api.writes == []


def test_check_mode_on_a_cluster_still_to_be_created_reports_a_change(aws, api, run_module):
    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"}, check_mode=True)

    assert result["changed"] is True
    assert result["cluster"] == {}
    assert result["msg"] == "The cluster does not exist yet (check mode)."
    assert api.writes == []


def test_missing_cluster_fails(aws, api, run_module):
    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"})

    assert result["failed"] is True
    assert result["msg"] == f"ECS cluster {CLUSTER} does not exist"
    assert api.writes == []


def test_describe_error_fails(aws, api, run_module):
    api.fail("DescribeClusters", message="denied")

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER})

    assert result["failed"] is True
    assert result["msg"].startswith(f"Could not describe ECS cluster {CLUSTER}: ")
    assert result["error"]["code"] == "AccessDeniedException"


def test_update_error_fails_and_leaves_the_cluster_alone(ecs, api, run_module):
    ecs.create_cluster(clusterName=CLUSTER)
    api.fail("UpdateCluster", code="InvalidParameterException", message="no")

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"})

    assert result["failed"] is True
    assert result["msg"].startswith(f"Could not update the settings of ECS cluster {CLUSTER}: ")
    assert result["error"]["code"] == "InvalidParameterException"
    assert insights_of(ecs) == "disabled"


def test_rejects_an_unknown_setting_value(aws, api, run_module):
    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "on"})

    assert result["failed"] is True
    assert "container_insights" in result["msg"]
    assert api.operations == []


def test_runs_as_a_script(ecs, run_module):
    ecs.create_cluster(clusterName=CLUSTER)

    result = run_module(ecs_cluster_settings, {"cluster": CLUSTER, "container_insights": "enabled"}, as_script=True)

    assert result["changed"] is True
    assert insights_of(ecs) == "enabled"


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(ecs_cluster_settings), {"cluster": CLUSTER})

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
