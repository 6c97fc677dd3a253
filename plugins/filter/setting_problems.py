# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.setting_problems: what AWS would refuse in the platform's settings."""
from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import preflight

DOCUMENTATION = r"""
name: setting_problems
author: payments platform team
version_added: "1.1.0"
short_description: List what AWS would refuse, or what would break the platform, in the payment_* settings
description:
  - Checks the settings that need no AWS call, each against the rule AWS itself applies, and returns one message
    per problem, naming the variable, the value, the rule and the fix; an empty list when every rule passes.
  - The region must be one of an AWS partition offering every service of the platform (botocore's endpoint data);
    task CPU and memory a Fargate combination; the log retention one CloudWatch Logs accepts; ports TCP ports, the
    database's in Aurora's 1150-65535 and apart from the container's; the database name and user name RDS's
    identifiers and no PostgreSQL reserved word; the image tag an OCI tag; the repository name botocore's ECR
    pattern; the container name ECS's; the health check command ECS's shape; the certificate an ACM ARN of the
    environment's region; tags what every service accepts; the task counts ordered; and the VPC's subnets large
    enough for the ALB and, during a rollout, every task, endpoint and DB instance.
  - The rules and where each comes from are in C(plugins/plugin_utils/preflight.py).
  - Requires the Python library botocore.
options:
  _input:
    description:
      - The platform's settings, variable name to value (every C(payment_*) variable the rules read).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Refuse settings AWS would refuse, before any AWS call
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join(' ') }}"
  vars:
    problems: "{{ dict(names | zip(query('ansible.builtin.vars', *names))) | payments.platform.setting_problems }}"
    names: "{{ query('ansible.builtin.varnames', '^payment_') }}"
"""

RETURN = r"""
_value:
  description: One message per problem, in the order of the rules; empty when the settings pass.
  type: list
  elements: str
"""


def setting_problems(settings):
    if not preflight.HAS_BOTOCORE:
        raise AnsibleFilterError(preflight.BOTOCORE_MISSING.format("setting_problems"))
    return preflight.problems(settings)


class FilterModule:
    def filters(self):
        return {"setting_problems": setting_problems}
