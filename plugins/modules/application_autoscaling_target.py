#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: application_autoscaling_target
short_description: Manage an Application Auto Scaling scalable target and its target tracking policies
description:
  - Registers a scalable target (for example an ECS service's desired count) with its minimum and maximum capacity,
    and keeps its target tracking scaling policies, in one idempotent step.
  - With O(state=absent), deletes the target's scaling policies and deregisters the target; a no-op when it is not
    registered.
  - Written because community.aws.application_autoscaling_policy changes AWS in check mode and no module deregisters
    a scalable target. Supports check mode and diff mode.
version_added: 1.0.0
author:
  - Payments platform team (@payments-platform)
options:
  service_namespace:
    description: Namespace of the scalable resource.
    type: str
    default: ecs
  resource_id:
    description: Identifier of the scalable resource, for an ECS service C(service/<cluster>/<service>).
    type: str
    required: true
  scalable_dimension:
    description: The scalable dimension.
    type: str
    default: ecs:service:DesiredCount
  min_capacity:
    description: Fewest units auto scaling keeps. Required when O(state=present).
    type: int
  max_capacity:
    description: Most units auto scaling starts. Required when O(state=present).
    type: int
  target_tracking_policies:
    description: Target tracking policies the target must have.
    type: list
    elements: dict
    default: []
    suboptions:
      policy_name:
        description: Name of the policy.
        type: str
        required: true
      predefined_metric_type:
        description: Predefined metric, e.g. C(ECSServiceAverageCPUUtilization).
        type: str
        required: true
      resource_label:
        description: Resource label of the predefined metric (only for C(ALBRequestCountPerTarget)).
        type: str
      target_value:
        description: Value of the metric the policy keeps.
        type: float
        required: true
      scale_in_cooldown:
        description: Seconds after a scale-in before another scale-in.
        type: int
      scale_out_cooldown:
        description: Seconds after a scale-out before another scale-out.
        type: int
      disable_scale_in:
        description: Whether the policy never scales in.
        type: bool
        default: false
  purge_policies:
    description: Delete scaling policies of the target that O(target_tracking_policies) does not list.
    type: bool
    default: true
  tags:
    description:
      - Tags for the scalable target, applied when it is registered (AWS tags a target at registration; later changes
        are not reconciled).
    type: dict
  state:
    description: Whether the target (and its policies) should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Scale an ECS service between 2 and 10 tasks at 50 % CPU
  payments.platform.application_autoscaling_target:
    resource_id: service/dev-payment-cluster/dev-payment-service
    min_capacity: 2
    max_capacity: 10
    target_tracking_policies:
      - policy_name: dev-payment-scaling-policy
        predefined_metric_type: ECSServiceAverageCPUUtilization
        target_value: 50
        scale_in_cooldown: 300
        scale_out_cooldown: 60

- name: Deregister it (its policies first)
  payments.platform.application_autoscaling_target:
    resource_id: service/dev-payment-cluster/dev-payment-service
    state: absent
"""

RETURN = r"""
scalable_target:
  description: The scalable target (snake_cased DescribeScalableTargets output); empty when absent.
  returned: always
  type: dict
  contains:
    resource_id:
      description: The resource id.
      type: str
    min_capacity:
      description: Minimum capacity.
      type: int
    max_capacity:
      description: Maximum capacity.
      type: int
policies:
  description: The target's scaling policies (snake_cased DescribeScalingPolicies output).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.platform.plugins.module_utils.autoscaling import ScalableTarget


def wanted_configuration(policy):
    metric = {"PredefinedMetricType": policy["predefined_metric_type"]}
    if policy["resource_label"]:
        metric["ResourceLabel"] = policy["resource_label"]
    config = {
        "TargetValue": float(policy["target_value"]),
        "PredefinedMetricSpecification": metric,
        "DisableScaleIn": policy["disable_scale_in"],
    }
    if policy["scale_in_cooldown"] is not None:
        config["ScaleInCooldown"] = policy["scale_in_cooldown"]
    if policy["scale_out_cooldown"] is not None:
        config["ScaleOutCooldown"] = policy["scale_out_cooldown"]
    return config


def policy_matches(existing, wanted):
    """Compare only what is requested; AWS leaves out DisableScaleIn when false."""
    if existing.get("PolicyType") != "TargetTrackingScaling":
        return False
    current = existing.get("TargetTrackingScalingPolicyConfiguration", {})
    for key, value in wanted.items():
        have = current.get(key, False if key == "DisableScaleIn" else None)
        if key == "TargetValue":
            if have is None or abs(float(have) - value) > 1e-9:
                return False
        elif have != value:
            return False
    return True


def summary(target, policies):
    return dict(
        target={k: target.get(k) for k in ("MinCapacity", "MaxCapacity")} if target else {},
        policies={
            p["PolicyName"]: p.get("TargetTrackingScalingPolicyConfiguration", p.get("PolicyType")) for p in policies
        },
    )


def ensure_present(module, st):
    p = module.params
    target = st.target()
    policies = st.policies() if target else []
    before = summary(target, policies)
    changed = False

    if not target or target["MinCapacity"] != p["min_capacity"] or target["MaxCapacity"] != p["max_capacity"]:
        changed = True
        if not module.check_mode:
            kwargs = dict(st.key, MinCapacity=p["min_capacity"], MaxCapacity=p["max_capacity"])
            if not target and p["tags"]:
                kwargs["Tags"] = p["tags"]
            st.call("register_scalable_target", **kwargs)

    wanted = {w["policy_name"]: wanted_configuration(w) for w in p["target_tracking_policies"]}
    existing = {e["PolicyName"]: e for e in policies}
    for name, config in wanted.items():
        if name in existing and policy_matches(existing[name], config):
            continue
        changed = True
        if not module.check_mode:
            st.call(
                "put_scaling_policy",
                PolicyName=name,
                PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration=config,
                **st.key,
            )
    if p["purge_policies"]:
        for name in set(existing) - set(wanted):
            changed = True
            if not module.check_mode:
                st.call("delete_scaling_policy", PolicyName=name, **st.key)

    if changed and not module.check_mode:
        target, policies = st.target(), st.policies()
    kept = {} if p["purge_policies"] else before["policies"]
    after = dict(
        target={"MinCapacity": p["min_capacity"], "MaxCapacity": p["max_capacity"]},
        policies={**kept, **wanted},
    )
    return changed, target, policies, before, after


def ensure_absent(module, st):
    target = st.target()
    if not target:
        return False, None, [], {}, {}
    policies = st.policies()
    before = summary(target, policies)
    if not module.check_mode:
        # Real AWS deletes a target's policies with it; deleting them first keeps every API consistent.
        for policy in policies:
            st.call("delete_scaling_policy", PolicyName=policy["PolicyName"], **st.key)
        st.call("deregister_scalable_target", **st.key)
    return True, None, [], before, {}


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            service_namespace=dict(type="str", default="ecs"),
            resource_id=dict(type="str", required=True),
            scalable_dimension=dict(type="str", default="ecs:service:DesiredCount"),
            min_capacity=dict(type="int"),
            max_capacity=dict(type="int"),
            target_tracking_policies=dict(
                type="list",
                elements="dict",
                default=[],
                options=dict(
                    policy_name=dict(type="str", required=True),
                    predefined_metric_type=dict(type="str", required=True),
                    resource_label=dict(type="str"),
                    target_value=dict(type="float", required=True),
                    scale_in_cooldown=dict(type="int"),
                    scale_out_cooldown=dict(type="int"),
                    disable_scale_in=dict(type="bool", default=False),
                ),
            ),
            purge_policies=dict(type="bool", default=True),
            tags=dict(type="dict"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["min_capacity", "max_capacity"])],
        supports_check_mode=True,
    )
    if module.params["state"] == "present" and module.params["min_capacity"] > module.params["max_capacity"]:
        module.fail_json(msg="min_capacity must not exceed max_capacity")

    st = ScalableTarget(module)
    ensure = ensure_present if module.params["state"] == "present" else ensure_absent
    changed, target, policies, before, after = ensure(module, st)
    result = dict(
        changed=changed,
        scalable_target=camel_dict_to_snake_dict(target or {}),
        policies=[camel_dict_to_snake_dict(p) for p in policies],
    )
    if changed:
        result["diff"] = dict(before=before, after=after)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
