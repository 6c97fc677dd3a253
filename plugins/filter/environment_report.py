# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.environment_report: one payment environment's settings and drift, for its own file.

The logic lives in plugins/plugin_utils/comparison.py.
"""
from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import comparison

DOCUMENTATION = r"""
name: environment_report
author: payments platform team
version_added: "1.0.0"
short_description: Report one payment environment's settings and its drift from the inventory
description:
  - Builds the report of one environment, for one report file per environment.
  - The shown value of a setting is the one read from AWS when the environment is deployed and the setting
    could be read, otherwise the value configured in the inventory.
  - A setting drifts when the environment is deployed, the setting could be read from AWS and the value
    there differs from the inventory. Numbers and strings are compared tolerantly, so C(70), C("70") and
    C(70.0) are the same value, and surrounding blanks of strings are ignored.
  - Never carries secrets. Any setting whose name contains C(password) or C(secret_string) (in any case) is
    dropped from both the inventory and the AWS side.
  - Uses the same rules as P(payments.platform.comparison_report#filter), which compares all environments.
positional: generated_at
options:
  _input:
    description:
      - One environment, that is one item of the input of P(payments.platform.comparison_report#filter).
      - C(environment) is the environment name (for example C(dev)).
      - C(configured) is a dict of setting name to the value from the inventory; always present.
      - C(live) is a dict of setting name to the value read from AWS. It is empty or partial when the
        environment is not deployed; a setting missing from it could not be read. Optional.
      - C(deployed) tells whether the environment exists in AWS. Optional, default C(false).
    type: dict
    required: true
  generated_at:
    description: When the report was made, copied to the result as is, for example C(2024-05-01T10:00:00+00:00).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Write one report file per environment
  ansible.builtin.copy:
    content: "{{ item | payments.platform.environment_report(now(utc=true).isoformat()) | to_nice_json }}"
    dest: reports/environment-{{ item.environment }}.json
    mode: "0644"
  loop: "{{ environments }}"
  vars:
    environments:
      - environment: staging
        deployed: true
        configured: {payment_db_instance_class: db.r5.large, payment_scaling_cpu_threshold: 70}
        live: {payment_db_instance_class: db.r5.large, payment_scaling_cpu_threshold: 85}
  # => {"environment": "staging", "timestamp": "...",
  #     "configuration": {"payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 85},
  #     "drift": {"payment_scaling_cpu_threshold": {"configured": 70, "live": 85}}}
"""

RETURN = r"""
_value:
  description: The report of the environment.
  type: dict
  contains:
    environment:
      description: The environment name.
      type: str
    timestamp:
      description: The O(generated_at) argument.
      type: str
    configuration:
      description: Setting name to shown value, in the order of the environment's C(configured) keys, then the
        other settings sorted by name.
      type: dict
    drift:
      description: Drifted settings only, setting name to a dict with C(configured) and C(live).
      type: dict
"""


def environment_report(environment_record, generated_at):
    """Jinja wrapper: validate one environment record, then build its report."""
    if not isinstance(environment_record, Mapping):
        raise AnsibleFilterError(
            "environment_report expects one environment dict, got %r. Fix: pass e.g. {'environment': 'dev', "
            "'deployed': true, 'configured': {...}, 'live': {...}} (one item of comparison_report's input)."
            % (environment_record,)
        )
    message = comparison.problems_message(
        "environment_report", comparison.find_input_problems([environment_record], "environment_report")
    )
    if message:
        raise AnsibleFilterError(message)
    return comparison.environment_report_data(environment_record, generated_at)


class FilterModule:
    def filters(self):
        return {"environment_report": environment_report}
