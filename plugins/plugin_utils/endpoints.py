# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The policies of an environment's VPC endpoints, once: the vpc role sends them (filter
payments.platform.vpc_endpoint_policies) and verify compares the live ones with them."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import naming

GATEWAY_SERVICE = "s3"
# AWS's default policy of an endpoint (full access), which AWS attaches when none is given (PrivateLink Guide,
# "Control access to VPC endpoints using endpoint policies", Default endpoint policy).
DEFAULT_POLICY = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def layer_bucket(region):
    """ECR keeps image layers in this AWS-owned bucket of each region. ECR User Guide, "Amazon ECR interface VPC
    endpoints (AWS PrivateLink)", Minimum Amazon S3 bucket permissions for Amazon ECR: the S3 gateway endpoint's
    policy must at least allow s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)."""
    return f"prod-{region}-starport-layer-bucket"


def endpoint_policies(account, prefix, region, services):
    """The policy of each endpoint service of `services` (short names, `s3` for the gateway endpoint).

    S3: image layers from ECR's layer bucket of the region (any principal: the bucket is AWS's and Fargate pulls
    the layers itself) and the environment's own buckets (the audit bucket), for principals of the account only.
    Every interface endpoint (ECR's API and registry, CloudWatch Logs, Secrets Manager): anything, for principals
    of the account only, the task execution role among them. Nothing is allowed to another account's principals.
    """
    partition, account_id = account["partition"], account["id"]
    own = [f"arn:{partition}:s3:::{naming.resource_names(prefix, account_id, region)['audit_bucket']}"]
    of_the_account = {"StringEquals": {"aws:PrincipalAccount": account_id}}
    gateway = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:{partition}:s3:::{layer_bucket(region)}/*"},
            # Bucket names are global: the bucket must also be the account's (aws:ResourceAccount), should the name
            # ever be someone else's.
            {"Sid": "TheEnvironmentsBuckets", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
             "Resource": own + [arn + "/*" for arn in own],
             "Condition": {"StringEquals": dict(of_the_account["StringEquals"], **{"aws:ResourceAccount": account_id})}},
        ],
    }
    interface = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "OnlyTheAccountsPrincipals", "Effect": "Allow", "Principal": "*", "Action": "*",
                       "Resource": "*", "Condition": of_the_account}],
    }
    return {service: gateway if service == GATEWAY_SERVICE else interface for service in services}
