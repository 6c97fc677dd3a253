# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.payments.platform.plugins.filter.vpc_endpoint_policies import FilterModule
from ansible_collections.payments.platform.plugins.plugin_utils import endpoints

ACCOUNT = {"id": "123456789012", "partition": "aws"}
SERVICES = ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"]


def test_the_gateway_endpoint_reaches_ecrs_layers_and_the_environments_bucket_only():
    policies = endpoints.endpoint_policies(ACCOUNT, "prod-payment", "us-east-1", SERVICES)
    assert list(policies) == SERVICES
    layers, own = policies["s3"]["Statement"]
    # Fargate fetches the layers from AWS's bucket: no condition on who.
    assert layers == {"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                      "Resource": "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"}
    bucket = "arn:aws:s3:::prod-payment-audit-logs-123456789012-us-east-1"
    assert own["Resource"] == [bucket, bucket + "/*"] and own["Action"] == "s3:*"
    assert own["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "123456789012",
                                                 "aws:ResourceAccount": "123456789012"}}


def test_interface_endpoints_only_for_the_accounts_principals():
    policies = endpoints.endpoint_policies(dict(ACCOUNT, partition="aws-cn"), "dev-payment", "cn-north-1", SERVICES)
    for service in SERVICES[1:]:
        [statement] = policies[service]["Statement"]
        assert (statement["Effect"], statement["Principal"], statement["Action"], statement["Resource"]) == (
            "Allow", "*", "*", "*")
        assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    assert policies["s3"]["Statement"][0]["Resource"] == "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"
    assert endpoints.layer_bucket("eu-west-1") == "prod-eu-west-1-starport-layer-bucket"


def test_the_filter_is_the_policies():
    assert FilterModule().filters()["vpc_endpoint_policies"] is endpoints.endpoint_policies
