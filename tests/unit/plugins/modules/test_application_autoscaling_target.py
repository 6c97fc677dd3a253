# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.application_autoscaling_target: a scalable target and its target tracking policies."""

import botocore.config
import pytest

from ansible_collections.payments.platform.plugins.modules import application_autoscaling_target

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import RESOURCE_ID

DIMENSION = "ecs:service:DesiredCount"
KEY = dict(ServiceNamespace="ecs", ResourceId=RESOURCE_ID, ScalableDimension=DIMENSION)
CPU_POLICY = {
    "policy_name": "cpu",
    "predefined_metric_type": "ECSServiceAverageCPUUtilization",
    "target_value": 50,
    "scale_in_cooldown": 300,
    "scale_out_cooldown": 60,
}
# what AWS must hold for CPU_POLICY
CPU_CONFIG = {
    "TargetValue": 50.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
    "DisableScaleIn": False,
    "ScaleInCooldown": 300,
    "ScaleOutCooldown": 60,
}


class Scaling:
    """Arrange and read back Application Auto Scaling state with boto3."""

    def __init__(self, aws):
        self.client = aws("application-autoscaling")
        # AWS requires TargetValue; without client-side validation a test can store a policy lacking it
        self.lax_client = aws("application-autoscaling", config=botocore.config.Config(parameter_validation=False))

    def register(self, minimum=1, maximum=4, resource_id=RESOURCE_ID):
        self.client.register_scalable_target(
            **dict(KEY, ResourceId=resource_id), MinCapacity=minimum, MaxCapacity=maximum
        )

    def put_target_tracking(self, name, config, resource_id=RESOURCE_ID):
        self.lax_client.put_scaling_policy(
            PolicyName=name,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=config,
            **dict(KEY, ResourceId=resource_id),
        )

    def put_step(self, name):
        self.client.put_scaling_policy(
            PolicyName=name,
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={
                "AdjustmentType": "ChangeInCapacity",
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
            **KEY,
        )

    def target(self, resource_id=RESOURCE_ID):
        found = self.client.describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[resource_id], ScalableDimension=DIMENSION
        )["ScalableTargets"]
        return {"min": found[0]["MinCapacity"], "max": found[0]["MaxCapacity"]} if found else None

    def policies(self, resource_id=RESOURCE_ID):
        """{name: TargetTrackingScalingPolicyConfiguration, or the policy type for other policies}"""
        found = self.client.describe_scaling_policies(**dict(KEY, ResourceId=resource_id))["ScalingPolicies"]
        return {
            p["PolicyName"]: p.get("TargetTrackingScalingPolicyConfiguration", p["PolicyType"])
            for p in found
            if p["ResourceId"] == resource_id
        }


@pytest.fixture
def scaling(aws, ecs_service):
    ecs_service()
    return Scaling(aws)


@pytest.fixture
def run(run_module):
    """Run the module for RESOURCE_ID with these arguments."""

    def run_target(check_mode=False, **args):
        return run_module(application_autoscaling_target, dict(resource_id=RESOURCE_ID, **args), check_mode=check_mode)

    return run_target


# --- state=present -------------------------------------------------------------------------------


def test_registers_a_new_target_with_its_policy_and_tags(scaling, api, run):
    result = run(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY], tags={"Project": "payments"})

    assert result["changed"] is True
    assert scaling.target() == {"min": 2, "max": 10}
    assert scaling.policies() == {"cpu": CPU_CONFIG}
    assert api.writes == ["RegisterScalableTarget", "PutScalingPolicy"]
    assert api.params_of("RegisterScalableTarget") == [
        dict(KEY, MinCapacity=2, MaxCapacity=10, Tags={"Project": "payments"})
    ]
    # the result is the state read back after the change
    assert result["scalable_target"]["resource_id"] == RESOURCE_ID
    assert (result["scalable_target"]["min_capacity"], result["scalable_target"]["max_capacity"]) == (2, 10)
    assert [p["policy_name"] for p in result["policies"]] == ["cpu"]
    assert result["policies"][0]["target_tracking_scaling_policy_configuration"]["target_value"] == 50.0
    assert result["diff"] == {
        "before": {"target": {}, "policies": {}},
        "after": {"target": {"MinCapacity": 2, "MaxCapacity": 10}, "policies": {"cpu": CPU_CONFIG}},
    }


def test_second_run_changes_nothing(scaling, api, run):
    args = dict(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY], tags={"Project": "payments"})
    run(**args)
    api.calls.clear()

    result = run(**args)

    assert result["changed"] is False
    assert "diff" not in result
    assert api.writes == []
    assert (result["scalable_target"]["min_capacity"], result["scalable_target"]["max_capacity"]) == (2, 10)
    assert [p["policy_name"] for p in result["policies"]] == ["cpu"]


def test_registers_without_tags_when_none_are_given(scaling, api, run):
    result = run(min_capacity=1, max_capacity=3)

    assert result["changed"] is True
    assert result["policies"] == []
    assert api.params_of("RegisterScalableTarget") == [dict(KEY, MinCapacity=1, MaxCapacity=3)]
    assert scaling.target() == {"min": 1, "max": 3}


@pytest.mark.parametrize("minimum, maximum", [(2, 4), (1, 8)], ids=["min", "max"])
def test_updates_capacity_without_retagging(scaling, api, run, minimum, maximum):
    scaling.register(minimum=1, maximum=4)

    result = run(min_capacity=minimum, max_capacity=maximum, tags={"Project": "payments"})

    assert result["changed"] is True
    assert scaling.target() == {"min": minimum, "max": maximum}
    # AWS tags a target only at registration; an update does not send tags
    assert api.params_of("RegisterScalableTarget") == [dict(KEY, MinCapacity=minimum, MaxCapacity=maximum)]
    assert result["diff"]["before"]["target"] == {"MinCapacity": 1, "MaxCapacity": 4}
    assert result["diff"]["after"]["target"] == {"MinCapacity": minimum, "MaxCapacity": maximum}


@pytest.mark.parametrize(
    "drift",
    [
        {"TargetValue": 70.0},
        {"PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageMemoryUtilization"}},
        {"ScaleInCooldown": 30},
        {"DisableScaleIn": True},
        {"TargetValue": None},  # a policy AWS holds without a target value
    ],
    ids=["target-value", "metric", "cooldown", "disable-scale-in", "no-target-value"],
)
def test_puts_a_policy_that_drifted(scaling, api, run, drift):
    scaling.register(minimum=2, maximum=10)
    drifted = {k: v for k, v in dict(CPU_CONFIG, **drift).items() if v is not None}
    scaling.put_target_tracking("cpu", drifted)

    result = run(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY])

    assert result["changed"] is True
    assert api.writes == ["PutScalingPolicy"]
    assert scaling.policies() == {"cpu": CPU_CONFIG}
    assert result["diff"]["before"]["policies"] == {"cpu": drifted}
    assert result["diff"]["after"]["policies"] == {"cpu": CPU_CONFIG}


def test_replaces_a_step_scaling_policy_of_the_same_name(scaling, api, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_step("cpu")

    result = run(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY])

    assert result["changed"] is True
    assert result["diff"]["before"]["policies"] == {"cpu": "StepScaling"}
    assert api.writes == ["PutScalingPolicy"]
    assert scaling.policies() == {"cpu": CPU_CONFIG}


def test_disable_scale_in_false_matches_a_policy_aws_returns_without_it(scaling, api, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_target_tracking("cpu", {k: v for k, v in CPU_CONFIG.items() if k != "DisableScaleIn"})

    result = run(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY])

    assert result["changed"] is False
    assert api.writes == []


def test_policy_with_resource_label_disable_scale_in_and_no_cooldowns(scaling, api, run):
    label = "app/payment-alb/1234/targetgroup/payment-tg/5678"
    policy = {
        "policy_name": "requests",
        "predefined_metric_type": "ALBRequestCountPerTarget",
        "resource_label": label,
        "target_value": 1000.5,
        "disable_scale_in": True,
    }

    first = run(min_capacity=1, max_capacity=4, target_tracking_policies=[policy])
    second = run(min_capacity=1, max_capacity=4, target_tracking_policies=[policy])

    expected = {
        "TargetValue": 1000.5,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": label},
        "DisableScaleIn": True,
    }
    assert scaling.policies() == {"requests": expected}  # no cooldown keys when none are given
    assert first["changed"] is True
    assert second["changed"] is False


def test_purges_policies_not_listed(scaling, api, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_target_tracking("cpu", CPU_CONFIG)
    scaling.put_step("old-step")

    result = run(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY])

    assert result["changed"] is True
    assert api.writes == ["DeleteScalingPolicy"]
    assert api.params_of("DeleteScalingPolicy") == [dict(KEY, PolicyName="old-step")]
    assert scaling.policies() == {"cpu": CPU_CONFIG}
    assert [p["policy_name"] for p in result["policies"]] == ["cpu"]
    assert result["diff"]["before"]["policies"] == {"cpu": CPU_CONFIG, "old-step": "StepScaling"}
    assert result["diff"]["after"]["policies"] == {"cpu": CPU_CONFIG}


def test_no_policies_listed_purges_them_all(scaling, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_target_tracking("cpu", CPU_CONFIG)

    result = run(min_capacity=2, max_capacity=10)

    assert result["changed"] is True
    assert scaling.policies() == {}
    assert scaling.target() == {"min": 2, "max": 10}


def test_purge_policies_false_keeps_other_policies(scaling, api, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_step("old-step")

    result = run(min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY], purge_policies=False)

    assert result["changed"] is True
    assert api.writes == ["PutScalingPolicy"]
    assert scaling.policies() == {"cpu": CPU_CONFIG, "old-step": "StepScaling"}
    assert result["diff"]["after"]["policies"] == {"cpu": CPU_CONFIG, "old-step": "StepScaling"}


def test_leaves_the_policies_of_other_targets_alone(scaling, ecs_service, api, run_module):
    # moto's DescribeScalingPolicies matches ResourceId as a substring: asked for ...-canary it also
    # returns the policies of the plain service, which the module must neither report nor purge.
    canary = ecs_service(service="dev-payment-service-canary")
    scaling.register(minimum=2, maximum=10)
    scaling.put_target_tracking("cpu", CPU_CONFIG)
    scaling.register(minimum=1, maximum=2, resource_id=canary)

    result = run_module(application_autoscaling_target, dict(resource_id=canary, min_capacity=1, max_capacity=2))

    assert result["changed"] is False
    assert result["policies"] == []
    assert api.writes == []
    assert scaling.policies() == {"cpu": CPU_CONFIG}


def test_check_mode_on_a_new_target_changes_nothing(scaling, api, run):
    result = run(
        check_mode=True, min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY], tags={"a": "b"}
    )

    assert result["changed"] is True
    assert result["scalable_target"] == {}
    assert result["policies"] == []
    assert result["diff"]["after"] == {"target": {"MinCapacity": 2, "MaxCapacity": 10}, "policies": {"cpu": CPU_CONFIG}}
    assert api.writes == []
    assert scaling.target() is None
    assert scaling.policies() == {}


def test_check_mode_on_a_drifted_target_changes_nothing(scaling, api, run):
    scaling.register(minimum=1, maximum=4)
    scaling.put_target_tracking("cpu", dict(CPU_CONFIG, TargetValue=80.0))
    scaling.put_step("old-step")

    result = run(check_mode=True, min_capacity=2, max_capacity=10, target_tracking_policies=[CPU_POLICY])

    assert result["changed"] is True
    assert result["diff"]["after"] == {"target": {"MinCapacity": 2, "MaxCapacity": 10}, "policies": {"cpu": CPU_CONFIG}}
    assert api.writes == []
    # the result shows AWS as it is
    assert (result["scalable_target"]["min_capacity"], result["scalable_target"]["max_capacity"]) == (1, 4)
    assert scaling.target() == {"min": 1, "max": 4}
    assert scaling.policies() == {"cpu": dict(CPU_CONFIG, TargetValue=80.0), "old-step": "StepScaling"}


def test_min_above_max_fails_before_any_call(aws, api, run):
    result = run(min_capacity=5, max_capacity=2)

    assert result["failed"] is True
    assert result["msg"] == "min_capacity must not exceed max_capacity"
    assert api.calls == []


def test_present_requires_the_capacities(aws, api, run):
    result = run(min_capacity=1)

    assert result["failed"] is True
    assert "max_capacity" in result["msg"]
    assert api.calls == []


def test_register_error_fails(aws, api, run):
    # a cluster but no ECS service behind the resource id: moto, like AWS, refuses the registration
    aws("ecs").create_cluster(clusterName=RESOURCE_ID.split("/")[1])

    result = run(min_capacity=1, max_capacity=2)

    assert result["failed"] is True
    assert result["msg"].startswith(f"register_scalable_target failed for {RESOURCE_ID}: ")
    assert result["error"]["code"] == "ValidationException"
    assert api.writes == ["RegisterScalableTarget"]


def test_describe_error_fails(aws, api, run):
    api.fail("DescribeScalableTargets")

    result = run(min_capacity=1, max_capacity=2)

    assert result["failed"] is True
    assert result["msg"].startswith(f"describe_scalable_targets failed for {RESOURCE_ID}: ")
    assert api.writes == []


def test_policy_listing_error_fails(scaling, api, run):
    scaling.register()
    api.fail("DescribeScalingPolicies")

    result = run(min_capacity=1, max_capacity=4)

    assert result["failed"] is True
    assert result["msg"].startswith(f"Could not list the scaling policies of {RESOURCE_ID}: ")
    assert api.writes == []


def test_put_policy_error_fails(scaling, api, run):
    scaling.register(minimum=1, maximum=4)
    api.fail("PutScalingPolicy", code="LimitExceededException")

    result = run(min_capacity=1, max_capacity=4, target_tracking_policies=[CPU_POLICY])

    assert result["failed"] is True
    assert result["msg"].startswith(f"put_scaling_policy failed for {RESOURCE_ID}: ")
    assert result["error"]["code"] == "LimitExceededException"
    assert scaling.policies() == {}


# --- state=absent --------------------------------------------------------------------------------


def test_absent_deletes_the_policies_then_deregisters(scaling, api, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_target_tracking("cpu", CPU_CONFIG)
    scaling.put_step("old-step")

    result = run(state="absent")

    assert result["changed"] is True
    assert result["scalable_target"] == {}
    assert result["policies"] == []
    assert result["diff"] == {
        "before": {
            "target": {"MinCapacity": 2, "MaxCapacity": 10},
            "policies": {"cpu": CPU_CONFIG, "old-step": "StepScaling"},
        },
        "after": {},
    }
    assert api.writes == ["DeleteScalingPolicy", "DeleteScalingPolicy", "DeregisterScalableTarget"]
    assert scaling.target() is None
    assert scaling.policies() == {}


def test_absent_ignores_capacities(scaling, run):
    scaling.register()

    result = run(state="absent", min_capacity=5, max_capacity=1)

    assert result["changed"] is True
    assert scaling.target() is None


def test_absent_when_not_registered_is_a_no_op(scaling, api, run):
    result = run(state="absent")

    assert result["changed"] is False
    assert "diff" not in result
    assert (result["scalable_target"], result["policies"]) == ({}, [])
    assert api.operations == ["DescribeScalableTargets"]


def test_absent_in_check_mode_changes_nothing(scaling, api, run):
    scaling.register(minimum=2, maximum=10)
    scaling.put_target_tracking("cpu", CPU_CONFIG)

    result = run(check_mode=True, state="absent")

    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    assert api.writes == []
    assert scaling.target() == {"min": 2, "max": 10}
    assert scaling.policies() == {"cpu": CPU_CONFIG}


def test_absent_deregister_error_fails(scaling, api, run):
    scaling.register()
    api.fail("DeregisterScalableTarget", code="ConcurrentUpdateException")

    result = run(state="absent")

    assert result["failed"] is True
    assert result["msg"].startswith(f"deregister_scalable_target failed for {RESOURCE_ID}: ")
    assert scaling.target() == {"min": 1, "max": 4}


# --- the module as Ansible runs it ---------------------------------------------------------------


def test_runs_as_a_script(scaling, run_module):
    result = run_module(
        application_autoscaling_target, dict(resource_id=RESOURCE_ID, min_capacity=1, max_capacity=2), as_script=True
    )

    assert result["changed"] is True
    assert scaling.target() == {"min": 1, "max": 2}


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(application_autoscaling_target), dict(resource_id=RESOURCE_ID, state="absent"))

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
