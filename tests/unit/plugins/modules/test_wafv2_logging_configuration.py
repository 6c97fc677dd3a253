# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.wafv2_logging_configuration: a web ACL's logging on or off."""

import pytest

from ansible_collections.payments.platform.plugins.modules import wafv2_logging_configuration as module

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION

LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-dev-payment-waf"
OTHER_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-other"
VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"}


@pytest.fixture
def web_acl(aws):
    return aws("wafv2").create_web_acl(Name="dev-payment-waf", Scope="REGIONAL", DefaultAction={"Allow": {}},
                                       VisibilityConfig=VISIBILITY)["Summary"]["ARN"]


def destinations(aws, arn):
    try:
        return aws("wafv2").get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"]["LogDestinationConfigs"]
    except aws("wafv2").exceptions.WAFNonexistentItemException:
        return None


def test_turns_logging_on_then_is_a_no_op(aws, api, run_module, web_acl):
    args = {"web_acl_arn": web_acl, "log_destination_arns": [LOG_GROUP]}

    first = run_module(module, args)
    second = run_module(module, args)

    assert first["changed"] is True and first["log_destination_arns"] == [LOG_GROUP]
    assert first["diff"] == {"before": {"log_destination_arns": []}, "after": {"log_destination_arns": [LOG_GROUP]}}
    assert destinations(aws, web_acl) == [LOG_GROUP]
    assert second["changed"] is False and second["log_destination_arns"] == [LOG_GROUP]
    assert api.operations.count("PutLoggingConfiguration") == 1  # the second run only read


def test_moves_logging_to_another_destination(aws, run_module, web_acl):
    run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [OTHER_GROUP]})

    result = run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [LOG_GROUP]})

    assert result["changed"] is True and destinations(aws, web_acl) == [LOG_GROUP]


def test_replaces_a_configuration_that_redacts_fields(aws, run_module, web_acl):
    aws("wafv2").put_logging_configuration(LoggingConfiguration={
        "ResourceArn": web_acl, "LogDestinationConfigs": [LOG_GROUP], "RedactedFields": [{"UriPath": {}}]})

    result = run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [LOG_GROUP]})

    assert result["changed"] is True
    assert not aws("wafv2").get_logging_configuration(ResourceArn=web_acl)["LoggingConfiguration"].get("RedactedFields")


def test_check_mode_writes_nothing(aws, api, run_module, web_acl):
    result = run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [LOG_GROUP]}, check_mode=True)

    assert result["changed"] is True
    assert api.writes == [] and destinations(aws, web_acl) is None


def test_absent_turns_logging_off_then_is_a_no_op(aws, run_module, web_acl):
    run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [LOG_GROUP]})

    first = run_module(module, {"web_acl_arn": web_acl, "state": "absent"})
    second = run_module(module, {"web_acl_arn": web_acl, "state": "absent"})

    assert first["changed"] is True and first["log_destination_arns"] == []
    assert destinations(aws, web_acl) is None
    assert second["changed"] is False


def test_present_needs_destinations(aws, run_module, web_acl):
    result = run_module(module, {"web_acl_arn": web_acl})
    assert result["failed"] is True and "log_destination_arns" in result["msg"]


def test_read_errors_fail(aws, api, run_module, web_acl):
    api.fail("GetLoggingConfiguration", message="not allowed")
    result = run_module(module, {"web_acl_arn": web_acl, "state": "absent"})
    assert result["failed"] is True and result["msg"].startswith(f"Could not read the logging configuration of web ACL {web_acl}")


@pytest.mark.parametrize("state, operation, verb", [("present", "PutLoggingConfiguration", "set"),
                                                    ("absent", "DeleteLoggingConfiguration", "delete")])
def test_write_errors_fail(aws, api, run_module, web_acl, state, operation, verb):
    if state == "absent":
        run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [LOG_GROUP]})
    api.fail(operation, message="not allowed")
    result = run_module(module, {"web_acl_arn": web_acl, "log_destination_arns": [OTHER_GROUP], "state": state})
    assert result["failed"] is True and result["msg"].startswith(f"Could not {verb} the logging configuration")


def test_runs_as_a_script(aws, run_module, web_acl):
    result = run_module(module, {"web_acl_arn": web_acl, "state": "absent"}, as_script=True)
    assert result["changed"] is False


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(module), {"web_acl_arn": "arn", "state": "absent"})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
