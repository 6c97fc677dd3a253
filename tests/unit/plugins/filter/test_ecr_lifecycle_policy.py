# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.payments.platform.plugins.filter.ecr_lifecycle_policy import FilterModule


def test_protected_prefixes_come_first_each_in_its_own_rule_and_the_count_rule_last():
    policy = FilterModule().filters()["ecr_lifecycle_policy"](10, ["deployed-", "release-"])
    assert [r["rulePriority"] for r in policy["rules"]] == [1, 2, 3]
    assert [r["selection"].get("tagPrefixList") for r in policy["rules"]] == [["deployed-"], ["release-"], None]
    assert all(r["selection"]["tagStatus"] == "tagged" and r["selection"]["countNumber"] == 9999 for r in policy["rules"][:2])
    assert policy["rules"][-1]["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10}
    assert all(r["action"] == {"type": "expire"} for r in policy["rules"])


def test_without_protected_prefixes_only_the_count_rule():
    assert FilterModule().filters()["ecr_lifecycle_policy"]("5", [])["rules"][0]["selection"]["countNumber"] == 5
