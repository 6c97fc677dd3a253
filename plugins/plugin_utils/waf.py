# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The web ACL's rules, once: the waf role sends them (filter payments.platform.waf_rules), verify checks them."""
from __future__ import annotations

import re

# AWS's managed rule groups, in evaluation order after the rate-based rule (AWS WAF Developer Guide, "AWS Managed
# Rules rule groups list"): the baseline (OWASP top 10), known bad inputs (Log4j, ...), SQL injection.
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet")
RATE_RULE = "rate-limit-per-ip"


def _visibility(metric_prefix, rule):
    # MetricName: letters, digits, hyphens and underscores (WAFv2 API reference, VisibilityConfig).
    return {"sampled_requests_enabled": True, "cloud_watch_metrics_enabled": True,
            "metric_name": re.sub(r"[^A-Za-z0-9_-]", "-", f"{metric_prefix}-{rule}")}


def rules(rate_limit, metric_prefix):
    """The web ACL's rules, as community.aws.wafv2_web_acl takes them: first a rule that blocks an IP address sending
    more than `rate_limit` requests in 5 minutes, then each managed group with its own actions (override none)."""
    rate = {
        "name": RATE_RULE, "priority": 0, "action": {"block": {}},
        "statement": {"rate_based_statement": {"limit": int(rate_limit), "aggregate_key_type": "IP"}},
        "visibility_config": _visibility(metric_prefix, RATE_RULE),
    }
    return [rate] + [
        {"name": group, "priority": 10 * n, "override_action": {"none": {}},
         "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
         "visibility_config": _visibility(metric_prefix, group)}
        for n, group in enumerate(MANAGED_RULE_GROUPS, start=1)
    ]
