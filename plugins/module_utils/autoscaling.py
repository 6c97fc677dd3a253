# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reads of one Application Auto Scaling scalable target and its policies, shared by this
collection's application_autoscaling_target and application_autoscaling_target_info modules."""

try:
    import botocore
except ImportError:
    pass  # reported by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSRetry.jittered_backoff()
def _all_policies(client, **key):
    return client.get_paginator("describe_scaling_policies").paginate(**key).build_full_result()["ScalingPolicies"]


class ScalableTarget:
    def __init__(self, module):
        self.module = module
        # Calls made with aws_retry=True back off and retry when AWS throttles.
        self.client = module.client("application-autoscaling", retry_decorator=AWSRetry.jittered_backoff())
        p = module.params
        self.key = dict(
            ServiceNamespace=p["service_namespace"], ResourceId=p["resource_id"], ScalableDimension=p["scalable_dimension"]
        )

    def call(self, action, **kwargs):
        """One API call of the client, retried on throttling; any other error fails the module, naming the target."""
        try:
            return getattr(self.client, action)(aws_retry=True, **kwargs)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg=f"{action} failed for {self.key['ResourceId']}")

    def target(self):
        response = self.call(
            "describe_scalable_targets",
            ServiceNamespace=self.key["ServiceNamespace"],
            ResourceIds=[self.key["ResourceId"]],
            ScalableDimension=self.key["ScalableDimension"],
        )
        return next((t for t in response["ScalableTargets"] if t["ResourceId"] == self.key["ResourceId"]), None)

    def policies(self):
        try:
            found = _all_policies(self.client, **self.key)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self.module.fail_json_aws(e, msg=f"Could not list the scaling policies of {self.key['ResourceId']}")
        return [
            p for p in found
            if p["ResourceId"] == self.key["ResourceId"] and p["ScalableDimension"] == self.key["ScalableDimension"]
        ]
