# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.live_state: the live state of one environment from the inspect role's reads.

The logic lives in plugins/plugin_utils/live_state.py.
"""
from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import comparison
from ansible_collections.payments.platform.plugins.plugin_utils import live_state as live

DOCUMENTATION = r"""
name: live_state
author: payments platform team
version_added: "1.1.0"
short_description: The live state of one payment environment, from what the reads of its resources returned
description:
  - Builds the inspect role's C(inspect_live) (C(deployed), C(outputs), C(configuration)) as data from the results
    of its reads; it reads nothing itself.
  - The environment is deployed when its VPC was found (the VPC has an C(id)).
  - Every value that could not be read is V(null), for example a resource that is missing or a read that was
    skipped.
  - C(protected) is the deletion protection of the database cluster and the load balancer, one boolean when they
    agree, else which one has it (for example C(cluster only)).
  - C(image_tag) is O(image_tag) when it still names the image that runs, else the running image's other tags
    (those not starting with C(deployed-)), sorted and joined with C(, ).
  - All problems with the input are reported together in one error.
options:
  _input:
    description:
      - What the reads found, one key per read, each optional, as the module returned it or as the inspect role
        picked it from the result. A missing key, V(null) or C({}) is a resource that is not there.
      - C(vpc), C(db_cluster), C(load_balancer) (with its attributes), C(service) (an ECS service), C(log_group),
        C(web_acl), C(waf_log_group), C(kms_key), C(backup_plan) (one plan as M(amazon.aws.backup_plan_info) lists
        it) and C(scaling) (C(scalable_target) and C(policies)) are the resource itself.
      - C(subnets), C(db_instances), C(task), C(alert_topic) and C(flow_logs) are the whole registered result of
        M(amazon.aws.ec2_vpc_subnet_info), M(amazon.aws.rds_instance_info),
        M(community.aws.ecs_taskdefinition_info), M(community.aws.sns_topic_info) (with O(community.aws.sns_topic_info#module:topic_arn))
        and M(payments.platform.ec2_flow_log_info).
      - C(ecr) is the result of M(payments.platform.ecr_repository_info) (C(repository.repository_uri) and
        C(image.image_tags)), C(zone_id) the private hosted zone's id, C("") for none.
    type: dict
    required: true
  region:
    description: The environment's region, copied to C(configuration.region).
    type: str
    required: true
  container_name:
    description: The container whose port, image and database secret are read from the task definition.
    type: str
    required: true
  image_tag:
    description: The configured image tag.
    type: str
    required: true
  scaling_policy:
    description: Name of the service's target tracking scaling policy (the C(scaling_policy) of
      P(payments.platform.resource_names#filter)).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Publish the live state
  ansible.builtin.set_fact:
    inspect_live: >-
      {{ {'vpc': found_vpc, 'subnets': subnets_result, 'service': found_service, 'task': task_result}
         | payments.platform.live_state(region='eu-west-1', container_name='payment-processor', image_tag='latest',
                                        scaling_policy=names.scaling_policy) }}
"""

RETURN = r"""
_value:
  description: The live state.
  type: dict
  contains:
    deployed:
      description: Whether the environment's VPC exists.
      type: bool
    outputs:
      description:
        - The contract's nine outputs, C(vpcId), C(publicSubnetIds), C(privateSubnetIds), C(ecsClusterArn),
          C(albDnsName), C(dbEndpoint), C(dbSecretArn), C(privateZoneId) and C(ecrRepositoryUrl).
        - The subnet ids are in the order of the subnets' C(Name) tags; the secret's ARN is the one the container
          reads its database credentials from.
      type: dict
    configuration:
      description:
        - The live value of every setting the comparison report shows, V(null) when it could not be read.
        - C(region), C(vpc_cidr), C(az_count), C(db_instance_class) (the distinct classes joined with C(, )),
          C(db_instance_count), C(db_monitoring_interval) (one number, or the distinct ones joined with C(, )),
          C(protected), C(scaling_cpu_threshold), C(task_cpu), C(task_memory) (numbers), C(container_port),
          C(image_tag), C(image_digest), C(desired_count), C(min_count), C(max_count), C(log_retention_days),
          C(waf_rate_limit), C(audit_log_retention_days), C(customer_managed_key) (the cluster is encrypted with the
          environment's enabled key), C(backup_retention_days) (of the plan's first rule), C(https),
          C(tls_policy), C(alerts), C(alert_recipients) (email subscriptions of the alert topic),
          C(alb_access_logs) (on and with a bucket) and C(flow_logs) (the traffic types captured, joined with C(, )).
      type: dict
"""


def live_state(reads, region, container_name, image_tag, scaling_policy):
    """Jinja wrapper: validate, then build the live state."""
    message = comparison.problems_message("live_state", live.find_problems(reads))
    if message:
        raise AnsibleFilterError(message)
    return live.live_state(reads, region, container_name, image_tag, scaling_policy)


class FilterModule:
    def filters(self):
        return {"live_state": live_state}
