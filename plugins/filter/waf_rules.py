# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.waf_rules: the rules of an environment's web ACL."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import waf

DOCUMENTATION = r"""
name: waf_rules
author: payments platform team
version_added: "1.2.0"
short_description: The rules of the payment platform's web ACL
description:
  - Returns the rules of an environment's web ACL, as data for the O(community.aws.wafv2_web_acl#module:rules)
    option, in evaluation order.
  - First C(rate-limit-per-ip), which blocks an IP address that sends more than O(_input) requests in 5 minutes;
    then AWS's managed rule groups C(AWSManagedRulesCommonRuleSet), C(AWSManagedRulesKnownBadInputsRuleSet) and
    C(AWSManagedRulesSQLiRuleSet) (priorities 10, 20, 30), each with its own actions.
  - Every rule has CloudWatch metrics and sampled requests on, its metric named C(<metric_prefix>-<rule>).
positional: metric_prefix
options:
  _input:
    description: Requests from one IP address in 5 minutes above which it is blocked (AWS accepts 10 to 2000000000).
    type: int
    required: true
  metric_prefix:
    description: Prefix of the rules' CloudWatch metric names, for example the web ACL's name.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The web ACL of dev
  community.aws.wafv2_web_acl:
    name: dev-payment-waf
    scope: REGIONAL
    default_action: Allow
    rules: "{{ 2000 | payments.platform.waf_rules('dev-payment-waf') }}"
"""

RETURN = r"""
_value:
  description: The rules, C(name), C(priority), C(action) or C(override_action), C(statement) and C(visibility_config).
  type: list
  elements: dict
"""


class FilterModule:
    def filters(self):
        return {"waf_rules": waf.rules}
