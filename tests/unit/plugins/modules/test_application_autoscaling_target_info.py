# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.application_autoscaling_target_info: read a scalable target and its policies."""

import pytest

from ansible_collections.payments.platform.plugins.modules import application_autoscaling_target_info

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import RESOURCE_ID

KEY = dict(ServiceNamespace="ecs", ResourceId=RESOURCE_ID, ScalableDimension="ecs:service:DesiredCount")
CPU_CONFIG = {
    "TargetValue": 50.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
}


@pytest.fixture
def autoscaling(aws):
    return aws("application-autoscaling")


@pytest.fixture
def registered(autoscaling, ecs_service):
    """The ECS service registered between 2 and 10 tasks with a CPU target tracking policy."""
    ecs_service()
    autoscaling.register_scalable_target(**KEY, MinCapacity=2, MaxCapacity=10)
    autoscaling.put_scaling_policy(
        PolicyName="cpu", PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=CPU_CONFIG, **KEY
    )


@pytest.fixture
def read(run_module):
    """Run the module with these arguments (for RESOURCE_ID unless resource_id is given)."""

    def run_info(check_mode=False, **args):
        return run_module(
            application_autoscaling_target_info, dict({"resource_id": RESOURCE_ID}, **args), check_mode=check_mode
        )

    return run_info


def test_returns_the_target_and_its_policies(registered, api, read):
    result = read()

    assert result["changed"] is False
    target = result["scalable_target"]
    assert (target["resource_id"], target["min_capacity"], target["max_capacity"]) == (RESOURCE_ID, 2, 10)
    assert target["service_namespace"] == "ecs"
    assert target["scalable_dimension"] == "ecs:service:DesiredCount"
    (policy,) = result["policies"]
    assert policy["policy_name"] == "cpu"
    assert policy["policy_type"] == "TargetTrackingScaling"
    assert policy["target_tracking_scaling_policy_configuration"] == {
        "target_value": 50.0,
        "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
    }
    assert api.operations == ["DescribeScalableTargets", "DescribeScalingPolicies"]
    assert api.params_of("DescribeScalableTargets") == [
        {"ServiceNamespace": "ecs", "ResourceIds": [RESOURCE_ID], "ScalableDimension": "ecs:service:DesiredCount"}
    ]


def test_works_in_check_mode(registered, api, read):
    result = read(check_mode=True)

    assert result["scalable_target"]["min_capacity"] == 2
    assert api.writes == []


def test_no_target_returns_empty_without_listing_policies(aws, api, read):
    result = read()

    assert result["changed"] is False
    assert (result["scalable_target"], result["policies"]) == ({}, [])
    assert api.operations == ["DescribeScalableTargets"]


def test_leaves_out_the_policies_of_other_targets(registered, autoscaling, ecs_service, read):
    # moto's DescribeScalingPolicies matches ResourceId as a substring, so the -canary service's
    # listing also holds the plain service's "cpu" policy.
    canary = ecs_service(service="dev-payment-service-canary")
    autoscaling.register_scalable_target(**dict(KEY, ResourceId=canary), MinCapacity=1, MaxCapacity=2)

    result = read(resource_id=canary)

    assert result["scalable_target"]["resource_id"] == canary
    assert result["policies"] == []


def test_reads_other_namespaces_and_dimensions(autoscaling, read):
    key = dict(
        ServiceNamespace="dynamodb", ResourceId="table/payments", ScalableDimension="dynamodb:table:ReadCapacityUnits"
    )
    autoscaling.register_scalable_target(**key, MinCapacity=5, MaxCapacity=50)
    autoscaling.register_scalable_target(
        **dict(key, ScalableDimension="dynamodb:table:WriteCapacityUnits"), MinCapacity=1, MaxCapacity=9
    )

    result = read(
        service_namespace="dynamodb",
        resource_id="table/payments",
        scalable_dimension="dynamodb:table:WriteCapacityUnits",
    )

    assert result["scalable_target"]["scalable_dimension"] == "dynamodb:table:WriteCapacityUnits"
    assert (result["scalable_target"]["min_capacity"], result["scalable_target"]["max_capacity"]) == (1, 9)


def test_describe_error_fails(aws, api, read):
    api.fail("DescribeScalableTargets")

    result = read()

    assert result["failed"] is True
    assert result["msg"].startswith(f"describe_scalable_targets failed for {RESOURCE_ID}: ")
    assert result["error"]["code"] == "AccessDeniedException"


def test_policy_listing_error_fails(registered, api, read):
    api.fail("DescribeScalingPolicies")

    result = read()

    assert result["failed"] is True
    assert result["msg"].startswith(f"Could not list the scaling policies of {RESOURCE_ID}: ")


def test_runs_as_a_script(registered, run_module):
    result = run_module(application_autoscaling_target_info, dict(resource_id=RESOURCE_ID), as_script=True)

    assert result["scalable_target"]["max_capacity"] == 10
    assert [p["policy_name"] for p in result["policies"]] == ["cpu"]
