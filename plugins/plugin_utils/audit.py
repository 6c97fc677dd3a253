# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit log bucket's access policy: only the services that deliver the logs may write, and only over TLS."""
from __future__ import annotations

# Where each service delivers inside the bucket (AWS appends AWSLogs/<account>/...).
ALB_PREFIX = "alb"
FLOW_PREFIX = "flow"

# Elastic Load Balancing's log delivery account per region, for regions available before August 2022; regions
# opened since write as the service principal ELB_LOG_DELIVERY_SERVICE instead. From "Enable access logs for your
# Application Load Balancer", step 2 (Attach a policy to your S3 bucket):
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
ELB_LOG_DELIVERY_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}
ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
# VPC Flow Logs publish to S3 as this service ("Flow logs: Amazon S3 bucket permissions", VPC User Guide).
FLOW_LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com"


def alb_principal(region):
    """Who writes a region's ALB access logs: its ELB account, or the service principal in newer regions."""
    account = ELB_LOG_DELIVERY_ACCOUNTS.get(region)
    return {"AWS": f"arn:aws:iam::{account}:root"} if account else {"Service": ELB_LOG_DELIVERY_SERVICE}


def bucket_policy(bucket, account, region, partition="aws"):
    """The bucket policy of the audit bucket `bucket` of `account` in `region`.

    ALB access logs under alb/, VPC flow logs under flow/ (delivery.logs.amazonaws.com, only for this account's
    flow logs, with the bucket owner in full control of every object), and no request without TLS.
    """
    arn = f"arn:{partition}:s3:::{bucket}"
    source = {"StringEquals": {"aws:SourceAccount": account},
              "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{region}:{account}:*"}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AlbAccessLogDelivery", "Effect": "Allow", "Principal": alb_principal(region),
             "Action": "s3:PutObject", "Resource": f"{arn}/{ALB_PREFIX}/AWSLogs/{account}/*"},
            {"Sid": "FlowLogDeliveryWrite", "Effect": "Allow", "Principal": {"Service": FLOW_LOG_DELIVERY_SERVICE},
             "Action": "s3:PutObject", "Resource": f"{arn}/{FLOW_PREFIX}/AWSLogs/{account}/*",
             "Condition": {"StringEquals": dict(source["StringEquals"], **{"s3:x-amz-acl": "bucket-owner-full-control"}),
                           "ArnLike": source["ArnLike"]}},
            {"Sid": "FlowLogDeliveryCheck", "Effect": "Allow", "Principal": {"Service": FLOW_LOG_DELIVERY_SERVICE},
             "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": arn, "Condition": source},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ],
    }


def allowed_principals(policy):
    """Every principal a policy allows (as `AWS:<arn>` / `Service:<name>` / `*`), for the verify check."""
    found = set()
    for statement in (policy or {}).get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            found.add("*")
            continue
        for kind, values in principal.items():
            found.update(f"{kind}:{value}" for value in ([values] if isinstance(values, str) else values))
    return sorted(found)
