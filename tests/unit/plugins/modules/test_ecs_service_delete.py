# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ecs_service_delete: delete an ECS service, wait until it is inactive, return no facts."""

import botocore.exceptions

from ansible_collections.payments.platform.plugins.modules import ecs_service_delete
from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ECS_CLUSTER, ECS_SERVICE

ARGS = {"cluster": ECS_CLUSTER, "name": ECS_SERVICE, "wait_delay": 1}


def status_of(aws):
    services = aws("ecs").describe_services(cluster=ECS_CLUSTER, services=[ECS_SERVICE])["services"]
    return services[0]["status"] if services else None


def test_deletes_a_running_service_and_waits_until_it_is_inactive(aws, api, ecs_service, run_module):
    ecs_service()

    result = run_module(ecs_service_delete, ARGS)

    assert result["changed"] is True
    assert result["service"]["service_name"] == ECS_SERVICE
    assert result["service"]["status"] == "ACTIVE"
    assert result["service"]["service_arn"].endswith(f"service/{ECS_CLUSTER}/{ECS_SERVICE}")
    # The service is returned as a value, never as ansible_facts (which would overwrite host variables).
    assert "ansible_facts" not in result
    assert status_of(aws) == "INACTIVE"
    assert api.params_of("DeleteService") == [{"cluster": ECS_CLUSTER, "service": ECS_SERVICE, "force": True}]
    assert api.operations[-1] == "DescribeServices", "the waiter looked after the deletion"


def test_an_inactive_or_missing_service_is_not_changed(aws, api, ecs_service, run_module):
    ecs_service()
    aws("ecs").delete_service(cluster=ECS_CLUSTER, service=ECS_SERVICE, force=True)

    inactive = run_module(ecs_service_delete, ARGS)
    missing = run_module(ecs_service_delete, dict(ARGS, name="another-service"))

    assert inactive == {"changed": False, "service": {}, "invocation": inactive["invocation"]}
    assert missing["changed"] is False and missing["service"] == {}
    assert api.writes == []


def test_a_missing_cluster_means_no_service(aws, api, run_module):
    result = run_module(ecs_service_delete, ARGS)

    assert result["changed"] is False and result["service"] == {}
    assert api.writes == []


def test_check_mode_predicts_the_deletion_and_deletes_nothing(aws, api, ecs_service, run_module):
    ecs_service()

    result = run_module(ecs_service_delete, ARGS, check_mode=True)

    assert result["changed"] is True and result["service"]["status"] == "ACTIVE"
    assert api.writes == []
    assert status_of(aws) == "ACTIVE"


def test_without_wait_deletes_and_returns_at_once(aws, api, ecs_service, run_module):
    ecs_service()

    result = run_module(ecs_service_delete, dict(ARGS, wait=False))

    assert result["changed"] is True
    assert api.operations == ["DescribeServices", "DeleteService"]


def test_without_force_a_service_that_runs_tasks_is_refused(aws, api, ecs_service, run_module):
    ecs_service()  # desired count 1: AWS refuses to delete it unless forced or scaled to 0

    result = run_module(ecs_service_delete, dict(ARGS, force=False))

    assert result["failed"] is True
    assert api.params_of("DeleteService")[0]["force"] is False
    assert status_of(aws) == "ACTIVE"


def test_a_service_still_draining_after_the_timeout_fails_naming_it(aws, api, ecs_service, run_module, monkeypatch):
    ecs_service()
    waits = []

    def never_inactive(self, **kwargs):
        waits.append(kwargs["WaiterConfig"])
        raise botocore.exceptions.WaiterError("ServicesInactive", "Max attempts exceeded", {})

    monkeypatch.setattr(botocore.waiter.Waiter, "wait", never_inactive)

    result = run_module(ecs_service_delete, dict(ARGS, wait_timeout=30, wait_delay=10))

    assert result["failed"] is True
    assert result["msg"].startswith(f"ECS service {ECS_SERVICE} is still draining after 30 s (wait_timeout)")
    assert waits == [{"Delay": 10, "MaxAttempts": 3}]


def test_describe_and_delete_errors_fail_with_the_reason(aws, api, ecs_service, run_module):
    ecs_service()
    api.fail("DescribeServices", message="denied")
    described = run_module(ecs_service_delete, ARGS)
    assert described["failed"] is True
    assert described["msg"].startswith(f"Could not describe ECS service {ECS_SERVICE}: ")

    api._failures.clear()
    api.fail("DeleteService", code="InvalidParameterException", message="no")
    deleted = run_module(ecs_service_delete, ARGS)
    assert deleted["failed"] is True
    assert deleted["msg"].startswith(f"Could not delete ECS service {ECS_SERVICE}: ")
    assert status_of(aws) == "ACTIVE"


def test_runs_as_a_script(aws, ecs_service, run_module):
    ecs_service()

    result = run_module(ecs_service_delete, ARGS, as_script=True)

    assert result["changed"] is True and status_of(aws) == "INACTIVE"


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(ecs_service_delete), ARGS)

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
