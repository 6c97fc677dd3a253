# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ecr_replication: this collection's rule of a registry's replication configuration."""

import botocore.exceptions

from ansible_collections.payments.platform.plugins.modules import ecr_replication

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION

RULE = {"repositoryFilters": [{"filter": "payment-processor", "filterType": "PREFIX_MATCH"}]}


def configuration(aws):
    return aws("ecr").describe_registry()["replicationConfiguration"]


def test_creates_the_rule_without_the_registrys_own_region(aws, api, run_module):
    result = run_module(ecr_replication, {"repository_prefix": "payment-processor",
                                          "destination_regions": ["us-west-2", REGION, "us-east-1", "us-west-2"]})

    assert result["changed"] is True
    expected = {"rules": [dict(RULE, destinations=[{"region": "us-east-1", "registryId": ACCOUNT},
                                                   {"region": "us-west-2", "registryId": ACCOUNT}])]}
    assert configuration(aws) == expected
    assert result["replication_configuration"] == expected
    assert result["diff"] == {"before": {"rules": []}, "after": expected}
    assert api.writes == ["PutReplicationConfiguration"]


def test_converged_rule_is_left_alone_whatever_the_order(aws, api, run_module):
    args = {"repository_prefix": "payment-processor", "destination_regions": ["us-west-2", "us-east-1"]}
    run_module(ecr_replication, args)

    result = run_module(ecr_replication, dict(args, destination_regions=["us-east-1", "us-west-2"]))

    assert result["changed"] is False
    assert api.writes == ["PutReplicationConfiguration"]  # the first run only


def test_check_mode_predicts_without_writing(aws, api, run_module):
    result = run_module(ecr_replication, {"repository_prefix": "payment-processor", "destination_regions": ["us-east-1"]},
                        check_mode=True)

    assert result["changed"] is True
    assert result["replication_configuration"]["rules"][0]["destinations"] == [{"region": "us-east-1", "registryId": ACCOUNT}]
    assert api.writes == []
    assert configuration(aws) == {"rules": []}


def test_changed_destinations_replace_the_rules_ones(aws, api, run_module):
    run_module(ecr_replication, {"repository_prefix": "payment-processor", "destination_regions": ["us-east-1"]})

    result = run_module(ecr_replication, {"repository_prefix": "payment-processor", "destination_regions": ["us-west-2"]})

    assert result["changed"] is True
    assert configuration(aws)["rules"][0]["destinations"] == [{"region": "us-west-2", "registryId": ACCOUNT}]


def test_absent_removes_the_rule_and_then_does_nothing(aws, api, run_module):
    run_module(ecr_replication, {"repository_prefix": "payment-processor", "destination_regions": ["us-east-1"]})

    removed = run_module(ecr_replication, {"repository_prefix": "payment-processor", "state": "absent"})
    again = run_module(ecr_replication, {"repository_prefix": "payment-processor", "state": "absent"})

    assert removed["changed"] is True
    assert configuration(aws) == {"rules": []}
    assert again["changed"] is False
    assert api.writes == ["PutReplicationConfiguration"] * 2  # the first two runs only


def test_other_rules_of_the_registry_are_kept():
    foreign = {"destinations": [{"region": "ap-south-1", "registryId": ACCOUNT}],
               "repositoryFilters": [{"filter": "other", "filterType": "PREFIX_MATCH"}]}
    ours_before = dict(RULE, destinations=[{"region": "us-east-1", "registryId": ACCOUNT}])
    wanted = [{"region": "us-west-2", "registryId": ACCOUNT}]

    assert ecr_replication.wanted_rules([foreign, ours_before], "payment-processor", wanted) == [
        foreign, dict(RULE, destinations=wanted)]
    assert ecr_replication.wanted_rules([foreign, ours_before], "payment-processor", []) == [foreign]


def test_rules_compare_regardless_of_order():
    a = {"destinations": [{"region": "x", "registryId": "1"}, {"region": "y", "registryId": "1"}]}
    b = {"destinations": [{"region": "y", "registryId": "1"}, {"region": "x", "registryId": "1"}], "repositoryFilters": []}
    assert ecr_replication.comparable([a]) == ecr_replication.comparable([b])


def test_read_error_fails(aws, api, run_module):
    api.fail("DescribeRegistry", message="not allowed")

    result = run_module(ecr_replication, {"repository_prefix": "payment-processor", "destination_regions": ["us-east-1"]})

    assert result["failed"] is True
    assert result["msg"].startswith("Could not read the ECR registry's replication configuration")


def test_write_error_fails(aws, api, run_module):
    api.fail("PutReplicationConfiguration", exception=botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"))

    result = run_module(ecr_replication, {"repository_prefix": "payment-processor", "destination_regions": ["us-east-1"]})

    assert result["failed"] is True
    assert result["msg"].startswith("Could not set the ECR registry's replication configuration")


def test_runs_as_a_script(aws, run_module):
    result = run_module(ecr_replication, {"repository_prefix": "payment-processor"}, as_script=True)

    assert result["changed"] is False


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(ecr_replication), {"repository_prefix": "payment-processor"})

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
