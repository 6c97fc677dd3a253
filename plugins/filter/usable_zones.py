# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.usable_zones: the availability zones that offer everything the platform places in them."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import preflight

DOCUMENTATION = r"""
name: usable_zones
author: payments platform team
version_added: "1.1.0"
short_description: Choose the availability zones that offer the DB class and every interface endpoint service
description:
  - Returns C(zones), the first C(payment_az_count) zones (by name) of those that are available, offer the DB
    instance class (RDS C(DescribeOrderableDBInstanceOptions)) and every interface endpoint service (EC2
    C(DescribeVpcEndpointServices)), and C(problems), a message naming the variable, the value, the rule and the
    fix when the class or an endpoint service is not offered at all, or too few zones offer everything.
  - AZ names map to different physical zones in each account, so no zone is assumed to offer anything by its name.
positional: region_zones, service_details, db_options
options:
  _input:
    description: The settings, with C(payment_az_count), C(payment_aws_region), C(payment_db_instance_class),
      C(payment_db_engine_version) and C(payment_interface_endpoint_services).
    type: dict
    required: true
  region_zones:
    description: Names of the region's available zones.
    type: list
    elements: str
    required: true
  service_details:
    description: The endpoint services AWS offers in the region (O(amazon.aws.ec2_vpc_endpoint_service_info#module:)
      RV(service_details)); a service of C(payment_interface_endpoint_services) missing from it is not offered.
    type: list
    elements: dict
    required: true
  db_options:
    description: The orderable DB instance options (O(payments.platform.rds_orderable_instance_info#module:) RV(options)).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Choose the zones
  ansible.builtin.set_fact:
    chosen: "{{ settings | payments.platform.usable_zones(zones, services.service_details, orderable.options) }}"
  vars:
    settings: {payment_az_count: 2, payment_aws_region: eu-west-1, payment_db_instance_class: db.r6g.large,
               payment_db_engine_version: "16.8", payment_interface_endpoint_services: [ecr.api]}
    zones: [eu-west-1a, eu-west-1b, eu-west-1c]
"""

RETURN = r"""
_value:
  description: C(zones), the chosen zone names, and C(problems), a list of messages (empty when the zones suffice).
  type: dict
"""


def usable_zones(settings, region_zones, service_details, db_options):
    zones, problems = preflight.zone_problems(settings, region_zones, service_details, db_options)
    return {"zones": zones, "problems": problems}


class FilterModule:
    def filters(self):
        return {"usable_zones": usable_zones}
