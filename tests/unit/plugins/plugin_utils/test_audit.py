# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.audit_bucket_policy: only the delivering services write, only over TLS."""

from ansible_collections.payments.platform.plugins.filter.audit_bucket_policy import FilterModule
from ansible_collections.payments.platform.plugins.plugin_utils import audit

policy = FilterModule().filters()["audit_bucket_policy"]
BUCKET, ACCOUNT = "prod-payment-audit-logs-123456789012-us-east-1", "123456789012"


def statements(document):
    return {statement["Sid"]: statement for statement in document["Statement"]}


def test_the_alb_writes_as_the_regions_elb_account_under_alb():
    alb = statements(policy(BUCKET, ACCOUNT, "us-east-1"))["AlbAccessLogDelivery"]
    assert alb["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert alb["Action"] == "s3:PutObject" and alb["Resource"] == f"arn:aws:s3:::{BUCKET}/alb/AWSLogs/{ACCOUNT}/*"


def test_newer_regions_use_the_elb_service_principal():
    alb = statements(policy(BUCKET, ACCOUNT, "ap-southeast-5"))["AlbAccessLogDelivery"]
    assert alb["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


def test_flow_logs_only_for_this_account_with_the_owner_in_control():
    found = statements(policy(BUCKET, ACCOUNT, "us-east-1"))
    write, check = found["FlowLogDeliveryWrite"], found["FlowLogDeliveryCheck"]
    assert write["Principal"] == check["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Resource"] == f"arn:aws:s3:::{BUCKET}/flow/AWSLogs/{ACCOUNT}/*"
    assert write["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control"}
    assert write["Condition"]["ArnLike"] == check["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:*"}
    assert check["Resource"] == f"arn:aws:s3:::{BUCKET}"


def test_requests_without_tls_are_denied():
    deny = statements(policy(BUCKET, ACCOUNT, "us-east-1"))["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_allowed_principals_are_only_the_delivering_services():
    assert audit.allowed_principals(policy(BUCKET, ACCOUNT, "eu-west-1")) == [
        "AWS:arn:aws:iam::156460612806:root", "Service:delivery.logs.amazonaws.com"]
    assert audit.allowed_principals({"Statement": [{"Effect": "Allow", "Principal": "*"},
                                                   {"Effect": "Allow", "Principal": {"AWS": ["a", "b"]}}]}) == [
        "*", "AWS:a", "AWS:b"]
    assert audit.allowed_principals(None) == []
