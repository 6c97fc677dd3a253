# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.resource_names: every resource name of an environment, from one place."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import naming

DOCUMENTATION = r"""
name: resource_names
author: payments platform team
version_added: "1.1.0"
short_description: Every resource name of one environment of the payment platform
description:
  - Returns the names the collection gives an environment's resources (C({env}-payment-{resource})), the one place
    they are defined; the roles, inspect, verify and the teardown all ask this filter.
  - C(subnets) lists a name per possible availability zone (8); take the first C(payment_az_count).
positional: account, region
options:
  _input:
    description: The environment's name prefix, C(payment_name_prefix) (C({env}-payment)).
    type: str
    required: true
  account:
    description: The environment's AWS account ID (C(preflight_account.id)); with O(region), adds C(audit_bucket).
    type: str
  region:
    description: The environment's region; with O(account), adds C(audit_bucket).
    type: str
"""

EXAMPLES = r"""
- name: The DB cluster of dev
  ansible.builtin.debug:
    msg: "{{ ('dev-payment' | payments.platform.resource_names).db_cluster }}"
  # => dev-payment-db-cluster

- name: The audit log bucket of dev (a global name, so it needs the account and region)
  ansible.builtin.debug:
    msg: "{{ ('dev-payment' | payments.platform.resource_names('123456789012', 'eu-west-1')).audit_bucket }}"
  # => dev-payment-audit-logs-123456789012-eu-west-1
"""

RETURN = r"""
_value:
  description:
    - C(vpc), C(internet_gateway), C(db_subnet_group), C(db_parameter_group), C(db_cluster), C(db_secret),
      C(load_balancer), C(target_group), C(ecs_cluster), C(task_family), C(ecs_service), C(log_group),
      C(task_execution_role), C(task_execution_policy), C(task_role), C(scaling_policy), C(web_acl),
      C(waf_log_group), C(alert_topic), C(kms_alias) (C(alias/<prefix>)), C(backup_vault), C(backup_plan),
      C(backup_selection), C(backup_role), C(flow_log), C(db_log_group) (strings);
      C(log_groups) (every log group of the environment, which the key policy names);
      C(audit_bucket) (only with O(account) and O(region));
      C(db_instances) (writer first); C(subnets) (lists C(public) and C(private)); C(route_tables) (C(public),
      C(private)); C(security_groups) (C(alb), C(ecs), C(db), C(endpoints)); C(alarms) (by metric);
      C(db_event_subscriptions) (RDS event subscriptions by source type, C(db-cluster) and C(db-instance)).
  type: dict
"""


class FilterModule:
    def filters(self):
        return {"resource_names": naming.resource_names}
