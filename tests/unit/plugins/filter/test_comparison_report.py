# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Jinja wrapper of payments.platform.comparison_report; the report itself is tested in
tests/unit/plugins/plugin_utils/test_comparison.py."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.comparison_report import FilterModule, comparison_report

AT = "2024-05-01T10:00:00+00:00"


def test_documented_example():
    environments = [
        {"environment": "dev", "deployed": True,
         "configured": {"payment_db_instance_class": "db.t3.medium", "payment_scaling_cpu_threshold": 50},
         "live": {"payment_db_instance_class": "db.t3.medium", "payment_scaling_cpu_threshold": 50.0}},
        {"environment": "staging", "deployed": True,
         "configured": {"payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 70},
         "live": {"payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 85}},
        {"environment": "prod", "deployed": False,
         "configured": {"payment_db_instance_class": "db.r5.xlarge", "payment_scaling_cpu_threshold": 70},
         "live": {}},
    ]
    report = comparison_report(environments, AT)
    assert report["generated_at"] == AT
    assert report["environments"] == ["dev", "staging", "prod"]
    assert report["deployed"] == {"dev": True, "staging": True, "prod": False}
    assert [r["setting"] for r in report["settings"]] == ["payment_db_instance_class", "payment_scaling_cpu_threshold"]
    assert report["drift"] == [
        {"environment": "staging", "setting": "payment_scaling_cpu_threshold", "configured": 70, "live": 85},
    ]


def test_filter_raises_with_all_problems():
    with pytest.raises(AnsibleFilterError) as err:
        comparison_report([{"environment": "dev"}, {"environment": "dev", "configured": {}}], AT)
    lines = str(err.value).split("\n")
    assert lines[0] == "comparison_report: bad input (2 problem(s)):"
    assert lines[1].startswith("configured of dev is None: it must be a dict")
    assert lines[2].startswith("environment dev is listed more than once.")


@pytest.mark.parametrize("bad", [None, [], "dev"])
def test_filter_refuses_anything_but_a_non_empty_list(bad):
    with pytest.raises(AnsibleFilterError) as err:
        comparison_report(bad, AT)
    assert str(err.value).startswith(
        "comparison_report: bad input (1 problem(s)):\n"
        "comparison_report expects a non-empty list of environment dicts, got %r." % (bad,))


def test_filter_module_exposes_only_its_filter():
    assert FilterModule().filters() == {"comparison_report": comparison_report}
