# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.audit_bucket_policy: the access policy of an environment's audit log bucket."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import audit

DOCUMENTATION = r"""
name: audit_bucket_policy
author: payments platform team
version_added: "1.3.0"
short_description: The bucket policy of the payment platform's audit log bucket
description:
  - Allows only the services that deliver the audit logs to write to the bucket O(_input). Elastic Load Balancing
    writes ALB access logs under C(alb/AWSLogs/<account>/) (as the region's ELB log delivery account, or
    C(logdelivery.elasticloadbalancing.amazonaws.com) in regions opened since August 2022); C(delivery.logs.amazonaws.com)
    writes VPC flow logs under C(flow/AWSLogs/<account>/), only for O(account)'s flow logs of O(region)
    (C(aws:SourceAccount), C(aws:SourceArn)) and with C(bucket-owner-full-control), and reads the bucket's ACL.
  - Denies every request that does not use TLS (C(aws:SecureTransport) false).
positional: account, region
options:
  _input:
    description: The bucket's name.
    type: str
    required: true
  account:
    description: The account ID that owns the bucket and the logs.
    type: str
    required: true
  region:
    description: The bucket's region (and the load balancer's and VPC's).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The policy of dev's audit bucket
  amazon.aws.s3_bucket:
    name: dev-payment-audit-logs-123456789012-eu-west-1
    policy: "{{ 'dev-payment-audit-logs-123456789012-eu-west-1' | payments.platform.audit_bucket_policy('123456789012', 'eu-west-1') }}"
"""

RETURN = r"""
_value:
  description: The policy document (C(Version), C(Statement)).
  type: dict
"""


class FilterModule:
    def filters(self):
        return {"audit_bucket_policy": audit.bucket_policy}
