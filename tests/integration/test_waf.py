# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The web application firewall of every environment, read back from the emulator with boto3: the web ACL and its
rules, its attachment to the environment's load balancer, and its request logs kept as the audit trail."""

import pytest

from conftest import ENV_REGIONS, contract_tags, tags_of

ENVS = list(ENV_REGIONS)
MANAGED = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"]


def web_acl(aws, env):
    wafv2 = aws("wafv2", env)
    [summary] = [a for a in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == f"{env}-payment-waf"]
    return wafv2, wafv2.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["WebACL"]


@pytest.mark.parametrize("env", ENVS)
def test_the_web_acl_blocks_floods_and_what_aws_managed_rules_block(platform, aws, env):
    wafv2, acl = web_acl(aws, env)
    rules = sorted(acl["Rules"], key=lambda r: r["Priority"])
    assert acl["DefaultAction"] == {"Allow": {}}
    assert [r["Name"] for r in rules] == ["rate-limit-per-ip"] + MANAGED
    assert rules[0]["Action"] == {"Block": {}}
    assert rules[0]["Statement"] == {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}
    for rule, group in zip(rules[1:], MANAGED):
        assert rule["Statement"] == {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}}
        assert rule["OverrideAction"] == {"None": {}}, "the group's own actions block"
    assert all(r["VisibilityConfig"]["CloudWatchMetricsEnabled"] for r in rules)
    tags = wafv2.list_tags_for_resource(ResourceARN=acl["ARN"])["TagInfoForResource"]["TagList"]
    assert tags_of({"Tags": tags}) == dict(contract_tags(env), Name=f"{env}-payment-waf")


@pytest.mark.parametrize("env", ENVS)
def test_the_web_acl_is_in_front_of_the_environments_load_balancer(platform, aws, env):
    wafv2, acl = web_acl(aws, env)
    [alb] = aws("elbv2", env).describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"] == [alb["LoadBalancerArn"]]
    assert wafv2.get_web_acl_for_resource(ResourceArn=alb["LoadBalancerArn"])["WebACL"]["Name"] == f"{env}-payment-waf"


@pytest.mark.parametrize("env", ENVS)
def test_every_request_is_logged_and_kept_a_year(platform, aws, env):
    wafv2, acl = web_acl(aws, env)
    name = f"aws-waf-logs-{env}-payment-waf"
    [group] = aws("logs", env).describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 365, "payment_audit_log_retention_days"
    logging = wafv2.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
    assert logging["LogDestinationConfigs"] == [group["arn"].removesuffix(":*")]
    assert not logging.get("RedactedFields") and not logging.get("LoggingFilter"), "nothing left out of the trail"
