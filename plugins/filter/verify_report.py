# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.verify_report: the post-deploy verification of one payment environment.

The logic lives in plugins/plugin_utils/verification.py.
"""
from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.plugin_utils import verification

DOCUMENTATION = r"""
name: verify_report
author: payments platform team
version_added: "1.0.0"
short_description: Check a deployed payment environment from what the read-only AWS modules returned
description:
  - Evaluates every post-deploy check of one environment (routing, network reachability, ECS, load balancer,
    DNS, secrets, IAM, the web application firewall, the customer-managed key and the audit trail) from the registered
    results of the C(payments.platform.verify) role's read tasks.
    It calls no AWS API itself.
  - Each check has a status. V(pass). V(fail) for a state that is definitely wrong (with the fix in plain words).
    V(warn) for a state AWS legitimately shows for a while after a deploy and that cannot prove the platform works
    yet (a deployment still IN_PROGRESS with fewer tasks running than desired, no load balancer targets
    registered yet, targets still in their initial health checks, VPC endpoints still pending); a warning does not
    fail the verification.
  - Network paths are decided by P(payments.platform.reachability#filter) over the VPC's security groups and
    route tables; each reachability check names the rule that allows a path, or the rule that is missing.
  - Reads that failed or were skipped make the checks built on them fail with the read's error, they never pass.
  - "When the environment's VPC does not exist the report holds only the failing C(network: vpc) check."
  - Never carries secret values; of the DB secret it takes only the C(host) the role read.
positional: expected
options:
  _input:
    description:
      - Dict of read name to the registered result of the read task (a failed or skipped result is allowed).
      - C(vpc) M(amazon.aws.ec2_vpc_net_info), C(subnets) M(amazon.aws.ec2_vpc_subnet_info),
        C(route_tables) M(amazon.aws.ec2_vpc_route_table_info), C(security_groups)
        M(amazon.aws.ec2_security_group_info), C(endpoints) M(amazon.aws.ec2_vpc_endpoint_info), all of the VPC.
      - C(db_cluster) M(amazon.aws.rds_cluster_info), C(db_instances) M(amazon.aws.rds_instance_info), C(load_balancer) M(amazon.aws.elb_application_lb_info)
        with listeners and rules, C(target_group) M(community.aws.elb_target_group_info) with
        C(collect_targets_health), C(service) M(community.aws.ecs_service_info) with C(details),
        C(task_definition) M(community.aws.ecs_taskdefinition_info) of the family (its latest revision),
        C(scaling) M(payments.platform.application_autoscaling_target_info) of the service, C(ssl_policies)
        M(payments.platform.elb_ssl_policy_info) (read when the load balancer has an HTTPS listener).
      - C(execution_role) M(amazon.aws.iam_role_info) and C(execution_policies) M(amazon.aws.iam_policy_info) of
        the task execution role.
      - C(zones) M(amazon.aws.route53_info) C(hosted_zone) C(list_by_name), C(records) M(amazon.aws.route53_info)
        C(record_sets) of the private zone.
      - C(web_acl) M(community.aws.wafv2_web_acl_info) and C(web_acl_resources) M(community.aws.wafv2_resources_info)
        of the environment's web ACL.
      - C(kms_key) M(amazon.aws.kms_key_info) of the environment's key (by its alias), and C(log_groups) the looped
        M(amazon.aws.cloudwatchlogs_log_group_info) of each of the environment's log groups.
      - C(backup_plan) M(amazon.aws.backup_plan_info), C(backup_vault) M(amazon.aws.backup_vault_info) and
        C(backup_selection) M(amazon.aws.backup_selection_info) of a protected environment (not read otherwise).
      - C(alert_topics) a dict with C(sns_topics), the alert topic as M(community.aws.sns_topic_info) describes it
        (its C(result.sns_topic) with C(topic_arn)), or empty; C(alarms) M(amazon.aws.cloudwatch_metric_alarm_info) of
        the environment's prefix; C(event_subscriptions) M(payments.platform.rds_event_subscription_info) of the
        database's event subscriptions.
      - C(audit_bucket) M(amazon.aws.s3_bucket_info) of the audit bucket with C(bucket_facts) C(bucket_encryption),
        C(public_access_block), C(bucket_policy) and C(bucket_lifecycle_configuration); C(flow_logs)
        M(payments.platform.ec2_flow_log_info) of the flow log's name; C(db_parameters)
        M(amazon.aws.rds_cluster_param_group_info) of the cluster parameter group with C(include_parameters=user)
        (the database's exported log is among C(log_groups)).
      - C(secret) a dict with C(read) (whether the secret the task definition names was looked up) and C(host)
        (its C(host) key, empty when there was no such secret or key).
    type: dict
    required: true
  expected:
    description:
      - What the environment should look like. Keys C(name_prefix) (C({env}-payment)), C(environment), C(region),
        C(zone_name), C(az_count), C(container_name), C(scratch_path) (the container's one writable path),
        C(container_port), C(db_port), C(min_count), C(max_count),
        C(cpu_threshold), C(forward_paths) (the listener paths forwarded to the service), C(endpoint_services)
        (short service names such as C(s3), C(ecr.api)), C(allowed_wildcard_actions) (the only actions allowed on
        Resource C(*)), C(flows) (the reachability filter's flows over the nodes C(alb), C(ecs) and C(db), each
        with a C(fix) text), C(deploy_command) (quoted in fixes), C(rollout_timeout) (seconds the deploy waits for a
        rollout; a deployment still IN_PROGRESS after that fails instead of warning), C(waf_rate_limit) (requests per IP
        address in 5 minutes above which the web ACL blocks), C(now) (ISO 8601, UTC), C(protected) (the cluster and
        the load balancer have deletion protection exactly then), C(db_monitoring_interval) (Enhanced Monitoring
        seconds of both instances), C(db_auto_minor_version_upgrade) and C(require_https) (the environment serves only
        HTTPS, on 443 with a TLS 1.2+ policy, port 80 redirecting), C(backup_retention_days) (days a protected
        environment's backup plan keeps each recovery point), C(alert_emails) (addresses the alert topic must
        have subscribed), C(alert_event_categories) (RDS event categories the cluster's and instances' subscriptions
        must send), C(account_id) (the account, whose ID the audit bucket's global name carries and the endpoint
        policies name), optionally C(partition) (of the account's ARNs, C(aws) when left out) and
        C(audit_log_retention_days) (days the audit bucket's objects and the database's exported log are kept).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Evaluate the checks
  ansible.builtin.set_fact:
    verify_outputs: "{{ reads | payments.platform.verify_report(expected) }}"
  vars:
    reads:
      vpc: "{{ __verify_vpc }}"
      subnets: "{{ __verify_subnets }}"
      # ... one entry per read, see the options
      secret: {read: true, host: "{{ __verify_secret_host }}"}
    expected:
      name_prefix: dev-payment
      environment: dev
      region: eu-west-1
      # ... every key of the expected option
  # verify_outputs =>
  #   {"environment": "dev", "region": "eu-west-1", "result": "warn", "summary": {"pass": 26, "warn": 3, "fail": 0},
  #    "checks": [{"check": "network: vpc", "status": "pass", "detail": "vpc-0a1b 10.0.0.0/16", "fix": ""}, ...]}
"""

RETURN = r"""
_value:
  description: The report of the environment.
  type: dict
  contains:
    environment:
      description: The environment's name.
      type: str
    region:
      description: Its region.
      type: str
    result:
      description: V(fail) when any check failed, else V(warn) when any check warned, else V(pass).
      type: str
    summary:
      description: The number of checks per status, keys V(pass), V(warn) and V(fail).
      type: dict
    checks:
      description: Every check, in a fixed order.
      type: list
      elements: dict
      contains:
        check:
          description: "The check's name, for example C(reachability: ecs -> db:5432) or C(dns: db.dev.payment.internal)."
          type: str
        status:
          description: V(pass), V(warn) or V(fail).
          type: str
        detail:
          description: What AWS returned, and for a failure what is wrong.
          type: str
        fix:
          description: For a failure the fix in plain words, for a warning what to do next; empty for a pass.
          type: str
"""


def verify_report(reads, expected):
    """Jinja wrapper: raise on malformed input, else return the report."""
    problems = verification.find_input_problems(reads, expected)
    if problems:
        raise AnsibleFilterError("verify_report: bad input (%d problem(s)):\n%s" % (len(problems), "\n".join(problems)))
    return verification.report(reads, expected)


class FilterModule:
    def filters(self):
        return {"verify_report": verify_report}
