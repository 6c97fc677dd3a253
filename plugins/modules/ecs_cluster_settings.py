#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ecs_cluster_settings
short_description: Set the Container Insights setting of an existing ECS cluster
description:
  - community.aws.ecs_cluster creates clusters but has no cluster settings; this module sets Container Insights on a
    cluster that exists, with C(UpdateCluster(settings=...)).
  - Without O(container_insights) it only reads the cluster, and returns an empty O(cluster) when there is none (the
    collection's teardown uses that to find the cluster).
  - Supports check mode; in check mode a missing cluster (its creation is only predicted) reports a change.
version_added: 1.0.0
author:
  - Payments platform team (@payments-platform)
options:
  cluster:
    description: Name or ARN of the cluster.
    required: true
    type: str
  container_insights:
    description:
      - The C(containerInsights) setting. V(enhanced) is Container Insights with enhanced observability.
      - Omit to only read the cluster.
    type: str
    choices: [enabled, disabled, enhanced]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Turn on Container Insights
  payments.platform.ecs_cluster_settings:
    cluster: dev-payment-cluster
    container_insights: enabled

- name: Find a cluster (empty result when it does not exist)
  payments.platform.ecs_cluster_settings:
    cluster: dev-payment-cluster
  register: found
"""

RETURN = r"""
cluster:
  description: The cluster (snake_cased DescribeClusters output, with settings); empty when it does not exist.
  returned: always
  type: dict
  contains:
    cluster_arn:
      description: ARN of the cluster.
      type: str
    cluster_name:
      description: Name of the cluster.
      type: str
    status:
      description: ACTIVE, or INACTIVE for a deleted cluster.
      type: str
    settings:
      description: "The cluster settings, e.g. C([{name: containerInsights, value: enabled}])."
      type: list
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def describe(module, client):
    try:
        clusters = client.describe_clusters(aws_retry=True, clusters=[module.params["cluster"]], include=["SETTINGS"])["clusters"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not describe ECS cluster {module.params['cluster']}")
    # A deleted cluster stays visible as INACTIVE for a while.
    return next((c for c in clusters if c.get("status") != "INACTIVE"), None)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            container_insights=dict(type="str", choices=["enabled", "disabled", "enhanced"]),
        ),
        supports_check_mode=True,
    )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    wanted = module.params["container_insights"]
    cluster = describe(module, client)

    if wanted is None:
        module.exit_json(changed=False, cluster=camel_dict_to_snake_dict(cluster or {}))
    if cluster is None:
        if module.check_mode:
            module.exit_json(changed=True, cluster={}, msg="The cluster does not exist yet (check mode).")
        module.fail_json(msg=f"ECS cluster {module.params['cluster']} does not exist")

    current = {s["name"]: s["value"] for s in cluster.get("settings", [])}
    changed = current.get("containerInsights", "disabled") != wanted
    if changed and not module.check_mode:
        try:
            client.update_cluster(
                aws_retry=True, cluster=cluster["clusterArn"], settings=[{"name": "containerInsights", "value": wanted}]
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not update the settings of ECS cluster {module.params['cluster']}")
        cluster = describe(module, client)
    elif changed:
        cluster["settings"] = [s for s in cluster.get("settings", []) if s["name"] != "containerInsights"]
        cluster["settings"].append({"name": "containerInsights", "value": wanted})

    result = dict(changed=changed, cluster=camel_dict_to_snake_dict(cluster))
    if changed:
        result["diff"] = dict(
            before={"containerInsights": current.get("containerInsights", "disabled")},
            after={"containerInsights": wanted},
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
