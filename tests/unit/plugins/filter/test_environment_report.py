# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Jinja wrapper of payments.platform.environment_report; the report itself is tested in
tests/unit/plugins/plugin_utils/test_comparison.py."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.environment_report import FilterModule, environment_report

AT = "2024-05-01T10:00:00+00:00"


def test_documented_example():
    staging = {"environment": "staging", "deployed": True,
               "configured": {"payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 70,
                              "payment_db_password": "hunter2"},
               "live": {"payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 85}}
    assert environment_report(staging, AT) == {
        "environment": "staging",
        "timestamp": AT,
        "configuration": {"payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 85},
        "drift": {"payment_scaling_cpu_threshold": {"configured": 70, "live": 85}},
    }


@pytest.mark.parametrize("bad", [None, ["dev"], "dev"])
def test_environment_report_refuses_anything_but_one_record(bad):
    with pytest.raises(AnsibleFilterError) as err:
        environment_report(bad, AT)
    assert str(err.value).startswith("environment_report expects one environment dict, got %r." % (bad,))


def test_environment_report_reports_record_problems():
    with pytest.raises(AnsibleFilterError) as err:
        environment_report({"environment": "dev", "configured": None}, AT)
    assert str(err.value).split("\n") == [
        "environment_report: bad input (1 problem(s)):",
        "configured of dev is None: it must be a dict of setting name to the inventory value. Fix: pass a list "
        "like [{'environment': 'dev', 'deployed': true, 'configured': {'payment_scaling_cpu_threshold': 50}, "
        "'live': {'payment_scaling_cpu_threshold': 50}}].",
    ]


def test_filter_module_exposes_only_its_filter():
    assert FilterModule().filters() == {"environment_report": environment_report}
