# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.alb_forward_rules: the listener rules that forward the payment paths."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import alb

DOCUMENTATION = r"""
name: alb_forward_rules
author: payments platform team
version_added: "1.1.0"
short_description: Build the listener rules that forward path patterns to a target group
description:
  - Returns one listener rule per path pattern of O(_input), as data for the C(Rules) of a listener of
    M(amazon.aws.elb_application_lb).
  - The priorities are 10, 20, ... in the order of O(_input); the listener evaluates its rules from the lowest
    priority, so the first pattern that matches a request wins.
  - Each rule has one C(path-pattern) condition and forwards to O(target_group_arn).
positional: target_group_arn
options:
  _input:
    description: The path patterns, for example C(/api/*).
    type: list
    elements: str
    required: true
  target_group_arn:
    description: ARN of the target group the matching requests are forwarded to.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Forward the payment paths to the target group
  amazon.aws.elb_application_lb:
    name: dev-payment-alb
    listeners:
      - Protocol: HTTP
        Port: 80
        DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]
        Rules: "{{ ['/api/*', '/webhook/*'] | payments.platform.alb_forward_rules(target_group.target_group_arn) }}"
  # Rules =>
  #   [{"Priority": 10, "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
  #     "Actions": [{"Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:..."}]},
  #    {"Priority": 20, "Conditions": [{"Field": "path-pattern", "Values": ["/webhook/*"]}], "Actions": [...]}]
"""

RETURN = r"""
_value:
  description: The rules, with C(Priority), C(Conditions) and C(Actions), in priority order.
  type: list
  elements: dict
"""


class FilterModule:
    def filters(self):
        return {"alb_forward_rules": alb.forward_rules}
