# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform plugin_utils.waf and the waf_rules filter: the web ACL's rules."""

import boto3
from moto import mock_aws

from ansible_collections.payments.platform.plugins.filter.waf_rules import FilterModule
from ansible_collections.payments.platform.plugins.plugin_utils import waf


def test_rate_rule_first_then_the_managed_groups_in_order():
    rules = waf.rules("2000", "dev-payment-waf")

    assert [(r["name"], r["priority"]) for r in rules] == [
        ("rate-limit-per-ip", 0), ("AWSManagedRulesCommonRuleSet", 10), ("AWSManagedRulesKnownBadInputsRuleSet", 20),
        ("AWSManagedRulesSQLiRuleSet", 30)]
    assert rules[0]["statement"] == {"rate_based_statement": {"limit": 2000, "aggregate_key_type": "IP"}}
    assert rules[0]["action"] == {"block": {}}
    assert all(r["override_action"] == {"none": {}} and "action" not in r for r in rules[1:])
    assert rules[2]["statement"] == {"managed_rule_group_statement": {"vendor_name": "AWS",
                                                                      "name": "AWSManagedRulesKnownBadInputsRuleSet"}}


def test_metric_names_keep_only_the_characters_aws_allows():
    metrics = [r["visibility_config"]["metric_name"] for r in waf.rules(100, "dev.payment waf")]
    assert metrics[0] == "dev-payment-waf-rate-limit-per-ip"
    assert all(set(m) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") for m in metrics)


def test_the_filter_is_the_function():
    assert FilterModule().filters() == {"waf_rules": waf.rules}


def _camel(value):
    if isinstance(value, dict):
        return {"".join(p.capitalize() for p in k.split("_")) if "_" in k or k.islower() else k: _camel(v)
                for k, v in value.items()}
    return [_camel(v) for v in value] if isinstance(value, list) else value


def test_aws_accepts_the_rules(monkeypatch):
    # The rules in the API's shape (as community.aws.wafv2_web_acl sends them) pass botocore's validation.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("wafv2", region_name="eu-west-1")
        rules = _camel(waf.rules(2000, "dev-payment-waf"))
        client.create_web_acl(Name="dev-payment-waf", Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules,
                              VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                                                "MetricName": "dev-payment-waf"})
