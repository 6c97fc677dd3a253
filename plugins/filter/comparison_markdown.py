# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.comparison_markdown: a comparison_report result as Markdown for a pull request.

The logic lives in plugins/plugin_utils/comparison.py.
"""
from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import comparison

DOCUMENTATION = r"""
name: comparison_markdown
author: payments platform team
version_added: "1.0.0"
short_description: Render the comparison of the payment environments as Markdown for a pull request
description:
  - Takes the result of P(payments.platform.comparison_report#filter) and returns a Markdown document.
  - >-
    The document has the title C(# Payment platform: environment comparison), the generation time and a table
    with one row per setting and one column per environment.
  - The header of an environment that is not deployed adds C(not deployed) in parentheses and its cells show the
    inventory value in italics.
  - A drifted cell shows the value from AWS, the inventory value and C(⚠ drift). A setting of a deployed
    environment that could not be read from AWS shows the inventory value and C(not read from AWS).
  - A C(Differs) column shows C(yes) when the values differ between the environments, otherwise nothing.
  - A C(## Drift) section lists every drifted setting, or says that there is no drift, or that nothing was
    checked because no environment is deployed.
  - C(|) and other Markdown characters in values and names are escaped, so the table stays intact.
options:
  _input:
    description:
      - The result of P(payments.platform.comparison_report#filter), a dict with C(generated_at),
        C(environments), C(deployed), C(settings) and C(drift).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the report for the pull request
  ansible.builtin.copy:
    content: "{{ environments | payments.platform.comparison_report(now(utc=true).isoformat())
                 | payments.platform.comparison_markdown }}"
    dest: reports/comparison-report.md
    mode: "0644"
  # => # Payment platform: environment comparison
  #    ...
  #    | Setting | dev | staging | prod (not deployed) | Differs |
  #    | --- | --- | --- | --- | --- |
  #    | `payment_scaling_cpu_threshold` | 50 | 85 (inventory: 70) ⚠ drift | *70* | yes |
  #
  #    ## Drift
  #
  #    - **staging**: `payment_scaling_cpu_threshold` is 85 in AWS but 70 in the inventory.
"""

RETURN = r"""
_value:
  description: The Markdown document, ending with a newline.
  type: str
"""


def comparison_markdown(report):
    """Jinja wrapper: check it is a comparison_report result, then render it."""
    if not isinstance(report, Mapping) or any(key not in report for key in comparison.REPORT_KEYS):
        raise AnsibleFilterError(
            "comparison_markdown expects the result of payments.platform.comparison_report (a dict with %s), "
            "got %r. Fix: use environments | payments.platform.comparison_report(generated_at) "
            "| payments.platform.comparison_markdown." % (", ".join(comparison.REPORT_KEYS), report)
        )
    return comparison.render_markdown(report)


class FilterModule:
    def filters(self):
        return {"comparison_markdown": comparison_markdown}
