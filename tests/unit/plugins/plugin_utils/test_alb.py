# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.alb_forward_rules: one rule per path, priorities 10, 20, ... in the order given."""
from ansible_collections.payments.platform.plugins.filter.alb_forward_rules import FilterModule
from ansible_collections.payments.platform.plugins.plugin_utils import alb

rules = FilterModule().filters()["alb_forward_rules"]
TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/dev-payment-tg/0123456789abcdef"


def test_one_rule_per_path_in_the_order_given():
    assert rules(["/webhook/*", "/api/*"], TG) == [
        {"Priority": 10, "Conditions": [{"Field": "path-pattern", "Values": ["/webhook/*"]}],
         "Actions": [{"Type": "forward", "TargetGroupArn": TG}]},
        {"Priority": 20, "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
         "Actions": [{"Type": "forward", "TargetGroupArn": TG}]},
    ]


def test_a_path_is_data_whatever_it_holds():
    # Quotes and YAML's specials stay in the pattern as given (no text is parsed back).
    odd = '/a "b": [c]/*'
    assert rules([odd], TG)[0]["Conditions"] == [{"Field": "path-pattern", "Values": [odd]}]


def test_no_paths_no_rules():
    assert not alb.forward_rules([], TG)
