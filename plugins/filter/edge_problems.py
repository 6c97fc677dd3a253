# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.edge_problems: what AWS would refuse in the HTTPS listener's certificate and policy."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import preflight

DOCUMENTATION = r"""
name: edge_problems
author: payments platform team
version_added: "1.1.0"
short_description: List what is wrong with the HTTPS listener's certificate and security policy
description:
  - Judges what AWS said about the load balancer's certificate (ACM) and the security policies it offers
    (ELBv2 C(DescribeSSLPolicies)), and returns one message per problem, naming the variable, the value, the rule and
    the fix; an empty list when both are usable.
  - The certificate must exist in the environment's region, be C(ISSUED) and not expired; the security policy must be
    one AWS offers whose protocols (AWS's C(SslProtocols)) are TLS 1.2 and later only.
options:
  _input:
    description: The settings C(payment_environment), C(payment_aws_region), C(payment_alb_certificate_arn), C(payment_alb_ssl_policy).
    type: dict
    required: true
  certificates:
    description: The C(certificates) community.aws.acm_certificate_info returned for the ARN (empty when ACM has none).
    type: list
    elements: dict
    required: true
  ssl_policies:
    description: The C(ssl_policies) payments.platform.elb_ssl_policy_info returned.
    type: list
    elements: dict
    required: true
  acm_error:
    description: ACM's answer when it returned no certificate, quoted in the message.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Check the certificate and the security policy
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join(' ') }}"
  vars:
    problems: "{{ settings | payments.platform.edge_problems(certificate.certificates | default([]), policies.ssl_policies) }}"
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the certificate and the policy are usable.
  type: list
  elements: str
"""


def edge_problems(settings, certificates, ssl_policies, acm_error=""):
    return preflight.edge_problems(settings, certificates, ssl_policies, acm_error)


class FilterModule:
    def filters(self):
        return {"edge_problems": edge_problems}
