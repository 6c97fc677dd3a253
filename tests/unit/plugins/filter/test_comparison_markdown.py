# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Jinja wrapper of payments.platform.comparison_markdown; the rendering itself is tested in
tests/unit/plugins/plugin_utils/test_comparison.py."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.comparison_markdown import (
    FilterModule,
    comparison_markdown,
)
from ansible_collections.payments.platform.plugins.filter.comparison_report import comparison_report

AT = "2024-05-01T10:00:00+00:00"


def test_documented_example():
    report = comparison_report([
        {"environment": "dev", "deployed": True,
         "configured": {"payment_scaling_cpu_threshold": 50}, "live": {"payment_scaling_cpu_threshold": 50.0}},
        {"environment": "staging", "deployed": True,
         "configured": {"payment_scaling_cpu_threshold": 70}, "live": {"payment_scaling_cpu_threshold": 85}},
        {"environment": "prod", "deployed": False, "configured": {"payment_scaling_cpu_threshold": 70}, "live": {}},
    ], AT)
    text = comparison_markdown(report)
    assert text.startswith("# Payment platform: environment comparison\n\nGenerated at %s.\n" % AT)
    assert "| Setting | dev | staging | prod (not deployed) | Differs |\n| --- | --- | --- | --- | --- |\n" in text
    assert "| `payment_scaling_cpu_threshold` | 50 | 85 (inventory: 70) ⚠ drift | *70* | yes |\n" in text
    assert text.endswith(
        "## Drift\n\n- **staging**: `payment_scaling_cpu_threshold` is 85 in AWS but 70 in the inventory.\n")


@pytest.mark.parametrize("bad", [None, [], "report", {"environments": ["dev"]}])
def test_markdown_refuses_anything_but_a_report(bad):
    with pytest.raises(AnsibleFilterError) as err:
        comparison_markdown(bad)
    assert str(err.value).startswith("comparison_markdown expects the result of payments.platform.comparison_report")
    assert "(a dict with generated_at, environments, deployed, settings, drift)" in str(err.value)
    assert "Fix: use environments | payments.platform.comparison_report(generated_at)" in str(err.value)


def test_filter_module_exposes_only_its_filter():
    assert FilterModule().filters() == {"comparison_markdown": comparison_markdown}
