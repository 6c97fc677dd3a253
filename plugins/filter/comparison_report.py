# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.comparison_report: compare the payment environments' settings side by side.

Inventory vs what AWS reports. The logic lives in plugins/plugin_utils/comparison.py.
"""
from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import comparison

DOCUMENTATION = r"""
name: comparison_report
author: payments platform team
version_added: "1.0.0"
short_description: Compare the settings of the payment environments and flag drift from the inventory
description:
  - Builds one report over all environments of a run, setting by setting.
  - For every environment and setting the shown value is the one read from AWS when the environment is
    deployed and the setting could be read, otherwise the value configured in the inventory.
  - A setting drifts when the environment is deployed, the setting could be read from AWS and the value
    there differs from the inventory. Numbers and strings are compared tolerantly, so C(70), C("70") and
    C(70.0) are the same value, and surrounding blanks of strings are ignored.
  - C(differs) tells whether the shown values differ between the environments.
  - Settings come in a stable order, first the order of the first environment's C(configured) keys, then all
    other settings (from any environment's C(configured) or C(live)) sorted by name.
  - Never carries secrets. As defence in depth, any setting whose name contains C(password) or
    C(secret_string) (in any case) is dropped from both the inventory and the AWS side before anything
    else happens, so it appears nowhere in the report, even if a caller passes it by mistake.
  - All problems with the input are reported together in one error.
  - Render the result for a pull request with P(payments.platform.comparison_markdown#filter); for one report
    file per environment use P(payments.platform.environment_report#filter).
positional: generated_at
options:
  _input:
    description:
      - One dict per environment of the run, in the order the report should show them.
      - C(environment) is the environment name (for example C(dev)).
      - C(configured) is a dict of setting name to the value from the inventory; always present.
      - C(live) is a dict of setting name to the value read from AWS. It is empty or partial when the
        environment is not deployed; a setting missing from it could not be read. Optional.
      - C(deployed) tells whether the environment exists in AWS. Optional, default C(false).
    type: list
    elements: dict
    required: true
  generated_at:
    description: When the report was made, copied to the result as is, for example C(2024-05-01T10:00:00+00:00).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Compare dev, staging and prod
  ansible.builtin.set_fact:
    payment_comparison: "{{ environments | payments.platform.comparison_report(now(utc=true).isoformat()) }}"
  vars:
    environments:
      - environment: dev
        deployed: true
        configured: {payment_db_instance_class: db.t3.medium, payment_scaling_cpu_threshold: 50}
        live: {payment_db_instance_class: db.t3.medium, payment_scaling_cpu_threshold: 50.0}
      - environment: staging
        deployed: true
        configured: {payment_db_instance_class: db.r5.large, payment_scaling_cpu_threshold: 70}
        live: {payment_db_instance_class: db.r5.large, payment_scaling_cpu_threshold: 85}
      - environment: prod
        deployed: false
        configured: {payment_db_instance_class: db.r5.xlarge, payment_scaling_cpu_threshold: 70}
        live: {}
  # payment_comparison.drift =>
  #   [{"environment": "staging", "setting": "payment_scaling_cpu_threshold", "configured": 70, "live": 85}]
"""

RETURN = r"""
_value:
  description: The comparison of all environments.
  type: dict
  contains:
    generated_at:
      description: The O(generated_at) argument.
      type: str
    environments:
      description: Environment names in input order.
      type: list
      elements: str
    deployed:
      description: Environment name to whether it is deployed.
      type: dict
    settings:
      description:
        - One item per setting, with C(setting) (the name), C(values) (environment to shown value),
          C(configured) (environment to inventory value, V(null) if not set there), C(live) (environment to
          value read from AWS, V(null) if not deployed or not read), C(differs) (bool) and
          C(drift) (environment to bool).
      type: list
      elements: dict
    drift:
      description:
        - One item per drifted setting and environment (environments in input order),
          with C(environment), C(setting), C(configured) and C(live).
      type: list
      elements: dict
"""


def comparison_report(environments, generated_at):
    """Jinja wrapper: validate, then build the report."""
    message = comparison.problems_message("comparison_report", comparison.find_input_problems(environments))
    if message:
        raise AnsibleFilterError(message)
    return comparison.build_comparison_report(environments, generated_at)


class FilterModule:
    def filters(self):
        return {"comparison_report": comparison_report}
