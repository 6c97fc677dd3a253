# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform module_utils.autoscaling: ScalableTarget, the shared reader of a scalable target.

ScalableTarget needs only ``module.params``, ``module.client()`` and ``module.fail_json_aws()``, so these
tests give it a small stand-in module and a real boto3 client on in-process moto (or a stub client where
the response has to be one moto does not produce).
"""

import importlib.util
import sys
from unittest import mock

import boto3
import botocore.exceptions
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.payments.platform.plugins.module_utils import autoscaling
from ansible_collections.payments.platform.plugins.module_utils.autoscaling import ScalableTarget

REGION = "eu-west-1"
CLUSTER = "dev-payment-cluster"
RESOURCE_ID = f"service/{CLUSTER}/dev-payment-service"
DIMENSION = "ecs:service:DesiredCount"
KEY = dict(ServiceNamespace="ecs", ResourceId=RESOURCE_ID, ScalableDimension=DIMENSION)
CPU_CONFIG = {
    "TargetValue": 50.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
}


class Failed(Exception):
    """What the stand-in module's fail_json_aws raises (the real one exits)."""

    def __init__(self, exception, msg):
        super().__init__(msg)
        self.exception, self.msg = exception, msg


class FakeModule:
    def __init__(self, client, resource_id=RESOURCE_ID, service_namespace="ecs", scalable_dimension=DIMENSION):
        self.params = dict(
            resource_id=resource_id, service_namespace=service_namespace, scalable_dimension=scalable_dimension
        )
        self._client = client
        self.clients_asked_for = []

    def client(self, service, retry_decorator=None):
        # As AnsibleAWSModule.client does: calls made with aws_retry=True go through the retry decorator.
        self.clients_asked_for.append(service)
        return RetryingBotoClientWrapper(self._client, retry_decorator) if retry_decorator else self._client

    def fail_json_aws(self, exception, msg=None):
        raise Failed(exception, msg)


@pytest.fixture
def autoscaling_client(monkeypatch, tmp_path):
    """A boto3 application-autoscaling client on a fresh in-process moto, with an ECS service to scale."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    with mock_aws():
        ecs = boto3.client("ecs", region_name=REGION)
        task = ecs.register_task_definition(
            family="payment", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_cluster(clusterName=CLUSTER)
        for service in ("dev-payment-service", "dev-payment-service-canary"):
            ecs.create_service(cluster=CLUSTER, serviceName=service, taskDefinition=task, desiredCount=1)
        yield boto3.client("application-autoscaling", region_name=REGION)


def client_error(operation, code="AccessDeniedException"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "denied"}}, operation)


def test_builds_its_key_from_the_module_params(autoscaling_client):
    module = FakeModule(autoscaling_client)

    reader = ScalableTarget(module)

    assert reader.key == KEY
    assert module.clients_asked_for == ["application-autoscaling"]


def test_target_returns_the_registered_target(autoscaling_client):
    autoscaling_client.register_scalable_target(**KEY, MinCapacity=2, MaxCapacity=10)

    target = ScalableTarget(FakeModule(autoscaling_client)).target()

    assert (target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]) == (RESOURCE_ID, 2, 10)


def test_target_is_none_when_not_registered(autoscaling_client):
    canary = f"service/{CLUSTER}/dev-payment-service-canary"
    autoscaling_client.register_scalable_target(**dict(KEY, ResourceId=canary), MinCapacity=1, MaxCapacity=2)

    assert ScalableTarget(FakeModule(autoscaling_client)).target() is None


def test_target_picks_its_own_resource_id_from_the_response():
    client = mock.Mock()
    client.describe_scalable_targets.return_value = {
        "ScalableTargets": [
            {"ResourceId": RESOURCE_ID + "-canary", "MinCapacity": 9},
            {"ResourceId": RESOURCE_ID, "MinCapacity": 2},
        ]
    }

    target = ScalableTarget(FakeModule(client)).target()

    assert target == {"ResourceId": RESOURCE_ID, "MinCapacity": 2}
    client.describe_scalable_targets.assert_called_once_with(
        ServiceNamespace="ecs", ResourceIds=[RESOURCE_ID], ScalableDimension=DIMENSION
    )


def test_target_error_goes_to_fail_json_aws():
    client = mock.Mock()
    error = client_error("DescribeScalableTargets")
    client.describe_scalable_targets.side_effect = error

    with pytest.raises(Failed) as failed:
        ScalableTarget(FakeModule(client)).target()

    assert failed.value.exception is error
    assert failed.value.msg == f"describe_scalable_targets failed for {RESOURCE_ID}"


def test_call_returns_the_response_and_reports_botocore_errors():
    client = mock.Mock()
    client.register_scalable_target.return_value = {"ScalableTargetARN": "arn"}
    client.deregister_scalable_target.side_effect = botocore.exceptions.EndpointConnectionError(endpoint_url="x")
    reader = ScalableTarget(FakeModule(client))

    assert reader.call("register_scalable_target", MinCapacity=1) == {"ScalableTargetARN": "arn"}
    client.register_scalable_target.assert_called_once_with(MinCapacity=1)
    with pytest.raises(Failed, match=f"deregister_scalable_target failed for {RESOURCE_ID}"):
        reader.call("deregister_scalable_target")


def test_call_retries_when_aws_throttles(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the backoff's waits
    client = mock.Mock()
    client.register_scalable_target.side_effect = [client_error("RegisterScalableTarget", "Throttling"),
                                                   {"ScalableTargetARN": "arn"}]

    assert ScalableTarget(FakeModule(client)).call("register_scalable_target") == {"ScalableTargetARN": "arn"}
    assert client.register_scalable_target.call_count == 2


def test_policies_retries_when_aws_throttles(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    client = mock.Mock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = [
        client_error("DescribeScalingPolicies", "Throttling"), {"ScalingPolicies": []}]

    assert ScalableTarget(FakeModule(client)).policies() == []
    assert client.get_paginator.call_count == 2


def test_policies_lists_the_targets_policies_across_pages(autoscaling_client):
    autoscaling_client.register_scalable_target(**KEY, MinCapacity=1, MaxCapacity=4)
    names = [f"policy-{n:03}" for n in range(101)]  # moto pages DescribeScalingPolicies by 100
    for name in names:
        autoscaling_client.put_scaling_policy(
            PolicyName=name,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=CPU_CONFIG,
            **KEY,
        )
    assert "NextToken" in autoscaling_client.describe_scaling_policies(**KEY)

    policies = ScalableTarget(FakeModule(autoscaling_client)).policies()

    assert sorted(p["PolicyName"] for p in policies) == names


def test_policies_leaves_out_other_resources_and_dimensions():
    client = mock.Mock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {
        "ScalingPolicies": [
            {"PolicyName": "mine", "ResourceId": RESOURCE_ID, "ScalableDimension": DIMENSION},
            {"PolicyName": "other-service", "ResourceId": RESOURCE_ID + "-canary", "ScalableDimension": DIMENSION},
            {"PolicyName": "other-dimension", "ResourceId": RESOURCE_ID, "ScalableDimension": "ecs:service:Other"},
        ]
    }

    policies = ScalableTarget(FakeModule(client)).policies()

    assert [p["PolicyName"] for p in policies] == ["mine"]
    client.get_paginator.assert_called_once_with("describe_scaling_policies")
    client.get_paginator.return_value.paginate.assert_called_once_with(**KEY)


def test_policies_ignores_a_longer_resource_id_moto_matches(autoscaling_client):
    # moto matches DescribeScalingPolicies' ResourceId as a substring
    canary = f"service/{CLUSTER}/dev-payment-service-canary"
    autoscaling_client.put_scaling_policy(
        PolicyName="cpu", PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=CPU_CONFIG, **KEY
    )

    assert ScalableTarget(FakeModule(autoscaling_client, resource_id=canary)).policies() == []
    assert [p["PolicyName"] for p in ScalableTarget(FakeModule(autoscaling_client)).policies()] == ["cpu"]


def test_policies_error_goes_to_fail_json_aws():
    client = mock.Mock()
    error = client_error("DescribeScalingPolicies")
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = error

    with pytest.raises(Failed) as failed:
        ScalableTarget(FakeModule(client)).policies()

    assert failed.value.exception is error
    assert failed.value.msg == f"Could not list the scaling policies of {RESOURCE_ID}"


def test_imports_without_botocore():
    """A missing botocore must not break the import: AnsibleAWSModule reports it to the user."""
    saved = sys.modules.pop("botocore", None)
    sys.modules["botocore"] = None  # makes `import botocore` raise ImportError
    try:
        spec = importlib.util.spec_from_file_location("autoscaling_without_botocore", autoscaling.__file__)
        copy = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(copy)
    finally:
        del sys.modules["botocore"]
        if saved is not None:
            sys.modules["botocore"] = saved

    assert not hasattr(copy, "botocore")
    assert copy.ScalableTarget.__name__ == "ScalableTarget"
