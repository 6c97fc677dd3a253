#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ecr_replication
short_description: Keep one rule of an ECR registry's cross-region replication configuration
description:
  - Makes the registry of O(region) replicate the repositories whose names start with O(repository_prefix) to
    O(destination_regions) of the same account (AWS copies every image pushed from then on; images pushed before are
    not copied).
  - A registry has one replication configuration for all its repositories. This module owns only the rule whose
    repository filter is exactly O(repository_prefix) (C(PREFIX_MATCH)) and keeps every other rule as it is.
  - No amazon.aws or community.aws module manages replication (community.aws.ecs_ecr is per repository).
  - Supports check mode and diff mode.
version_added: 1.1.0
author:
  - Payments platform team (@payments-platform)
options:
  repository_prefix:
    description: Repository name prefix the rule selects (AWS's C(PREFIX_MATCH) filter).
    type: str
    required: true
  destination_regions:
    description:
      - Regions to replicate to, in this account. The registry's own region is left out (AWS refuses it).
      - An empty list with O(state=present) removes the rule, as O(state=absent) does.
    type: list
    elements: str
    default: []
  state:
    description: C(present) keeps the rule with exactly these destinations, C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Replicate the shared repository from eu-west-1 to the other environments' regions
  payments.platform.ecr_replication:
    region: eu-west-1
    repository_prefix: payment-processor
    destination_regions: [us-west-2, us-east-1]
"""

RETURN = r"""
replication_configuration:
  description: The registry's replication configuration after the change, as AWS describes it.
  returned: always
  type: dict
  sample: {"rules": [{"destinations": [{"region": "us-west-2", "registryId": "123456789012"}],
           "repositoryFilters": [{"filter": "payment-processor", "filterType": "PREFIX_MATCH"}]}]}
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def wanted_rules(rules, prefix, destinations):
    """`rules` with the rule of `prefix` replaced by one to `destinations` (or dropped when there are none)."""
    ours = [{"filter": prefix, "filterType": "PREFIX_MATCH"}]
    kept = [rule for rule in rules if rule.get("repositoryFilters") != ours]
    if not destinations:
        return kept
    return kept + [{"destinations": destinations, "repositoryFilters": ours}]


def comparable(rules):
    """Rules as a set-like value: AWS may return destinations and rules in any order."""
    return sorted(
        (sorted((d["region"], d["registryId"]) for d in rule["destinations"]),
         sorted((f["filter"], f["filterType"]) for f in rule.get("repositoryFilters") or []))
        for rule in rules
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            repository_prefix=dict(type="str", required=True),
            destination_regions=dict(type="list", elements="str", default=[]),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    try:
        registry = client.describe_registry(aws_retry=True)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Could not read the ECR registry's replication configuration")
    account, region = registry["registryId"], client.meta.region_name
    current = registry.get("replicationConfiguration") or {"rules": []}
    regions = [] if module.params["state"] == "absent" else module.params["destination_regions"]
    destinations = [{"region": r, "registryId": account} for r in sorted(set(regions)) if r != region]
    rules = wanted_rules(current["rules"], module.params["repository_prefix"], destinations)
    if comparable(rules) == comparable(current["rules"]):
        module.exit_json(changed=False, replication_configuration=current)
    after = {"rules": rules}
    if not module.check_mode:
        try:
            after = client.put_replication_configuration(replicationConfiguration=after, aws_retry=True)[
                "replicationConfiguration"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not set the ECR registry's replication configuration")
    module.exit_json(changed=True, replication_configuration=after, diff=dict(before=current, after=after))


if __name__ == "__main__":
    main()
