#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: rds_orderable_instance_info
short_description: List the DB instance options RDS offers for an engine, version and class
description:
  - Calls RDS C(DescribeOrderableDBInstanceOptions), the only place AWS says which instance classes an engine version
    offers in a region, and in which of its availability zones.
  - An empty RV(options) means AWS does not offer that combination there (a create would fail).
  - Only reads; supports check mode. amazon.aws has no module for this call.
version_added: 1.1.0
author:
  - Payments platform team (@payments-platform)
options:
  engine:
    description: The database engine, for example C(aurora-postgresql).
    required: true
    type: str
  engine_version:
    description: Only options of this engine version.
    type: str
  db_instance_class:
    description: Only options of this instance class.
    type: str
  vpc:
    description: Only options for instances in a VPC (C(true)) or outside one (C(false)); both when omitted.
    type: bool
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Where does Aurora PostgreSQL 16.8 offer db.r6g.large?
  payments.platform.rds_orderable_instance_info:
    engine: aurora-postgresql
    engine_version: "16.8"
    db_instance_class: db.r6g.large
    vpc: true
  register: orderable

- name: Its availability zones
  ansible.builtin.debug:
    msg: "{{ orderable.options | map(attribute='availability_zones') | flatten | map(attribute='name') | unique }}"
"""

RETURN = r"""
options:
  description: The orderable options, snake_cased; empty when AWS offers none.
  returned: always
  type: list
  elements: dict
  contains:
    engine_version:
      description: Engine version of the option.
      type: str
      sample: "16.8"
    db_instance_class:
      description: Instance class of the option.
      type: str
      sample: db.r6g.large
    availability_zones:
      description: The zones of the region that offer it, each a dict with C(name).
      type: list
      elements: dict
      sample: [{"name": "eu-west-1a"}, {"name": "eu-west-1b"}]
    storage_type:
      description: Storage type, C(aurora) for Aurora.
      type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# Module option -> DescribeOrderableDBInstanceOptions parameter.
_PARAMETERS = {"engine": "Engine", "engine_version": "EngineVersion", "db_instance_class": "DBInstanceClass",
               "vpc": "Vpc"}


@AWSRetry.jittered_backoff()
def _orderable_options(client, **parameters):
    paginator = client.get_paginator("describe_orderable_db_instance_options")
    return paginator.paginate(**parameters).build_full_result()["OrderableDBInstanceOptions"]


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(engine=dict(type="str", required=True), engine_version=dict(type="str"),
                           db_instance_class=dict(type="str"), vpc=dict(type="bool")),
        supports_check_mode=True,
    )
    client = module.client("rds")
    parameters = {name: module.params[option] for option, name in _PARAMETERS.items() if module.params[option] is not None}
    try:
        options = _orderable_options(client, **parameters)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not describe the orderable DB instance options of {module.params['engine']}")
    module.exit_json(changed=False, options=[camel_dict_to_snake_dict(option) for option in options])


if __name__ == "__main__":
    main()
