# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.vpc_endpoint_policies: the policy of each of an environment's VPC endpoints."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import endpoints

DOCUMENTATION = r"""
name: vpc_endpoint_policies
author: payments platform team
version_added: "1.4.0"
short_description: The policies of the payment platform's VPC endpoints
description:
  - Returns the endpoint policy of each service in O(services), by its short name, as data for the
    O(payments.platform.ec2_vpc_endpoint_policy#module:endpoints) option.
  - C(s3) (the gateway endpoint) allows C(s3:GetObject) on ECR's image layer bucket of O(region),
    C(prod-<region>-starport-layer-bucket), the minimum the ECR User Guide gives for pulling images through an
    S3 gateway endpoint, to any principal (Fargate fetches the layers itself); and C(s3:*) on the environment's
    audit bucket C(<prefix>-audit-logs-<account>-<region>) and its objects, to principals of the account only
    (C(aws:PrincipalAccount)), when the bucket is the account's (C(aws:ResourceAccount)).
  - Every other service (an interface endpoint) allows everything, to principals of the account only
    (C(aws:PrincipalAccount)).
  - A policy grants nothing by itself; IAM still has to allow the caller.
positional: prefix, region, services
options:
  _input:
    description: The account, as the C(payments.platform.preflight) role publishes it (C(preflight_account)).
    type: dict
    required: true
    suboptions:
      id:
        description: The account ID.
        type: str
        required: true
      partition:
        description: The account's partition, for example C(aws).
        type: str
        required: true
  prefix:
    description: Prefix of the environment's resource names, C({env}-payment).
    type: str
    required: true
  region:
    description: The environment's region.
    type: str
    required: true
  services:
    description: Short names of the endpoint services, C(s3) for the gateway endpoint, for example C(ecr.api).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: The policies of dev's endpoints
  ansible.builtin.set_fact:
    policies: >-
      {{ preflight_account | payments.platform.vpc_endpoint_policies('dev-payment', 'eu-west-1',
      ['s3', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager']) }}
"""

RETURN = r"""
_value:
  description: The policy document (C(Version), C(Statement)) of each service, by its short name.
  type: dict
"""


class FilterModule:
    def filters(self):
        return {"vpc_endpoint_policies": endpoints.endpoint_policies}
