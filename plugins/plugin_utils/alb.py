# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The load balancer's listener rules, as data: the alb role sends them (filter payments.platform.alb_forward_rules)."""
from __future__ import annotations

# Gaps between the priorities leave room for a rule inserted by hand or later between two paths.
PRIORITY_STEP = 10


def forward_rules(paths, target_group_arn):
    """One rule per path pattern, as amazon.aws.elb_application_lb takes a listener's Rules: priorities 10, 20, ...
    in the order given (ELB evaluates a listener's rules from the lowest priority), each forwarding the requests
    whose path matches the pattern to the target group."""
    return [
        {
            "Priority": PRIORITY_STEP * n,
            "Conditions": [{"Field": "path-pattern", "Values": [path]}],
            "Actions": [{"Type": "forward", "TargetGroupArn": target_group_arn}],
        }
        for n, path in enumerate(paths, start=1)
    ]
