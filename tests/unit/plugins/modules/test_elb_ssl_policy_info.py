# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.elb_ssl_policy_info: the security policies ELB offers."""

import botocore.exceptions

from ansible_collections.payments.platform.plugins.modules import elb_ssl_policy_info


def test_returns_every_policy_snake_cased(aws, api, run_module):
    result = run_module(elb_ssl_policy_info, {"load_balancer_type": "application"}, check_mode=True)

    assert result["changed"] is False
    by_name = {policy["name"]: policy for policy in result["ssl_policies"]}
    assert sorted(by_name["ELBSecurityPolicy-TLS13-1-2-2021-06"]["ssl_protocols"]) == ["TLSv1.2", "TLSv1.3"]
    assert "TLSv1" in by_name["ELBSecurityPolicy-2016-08"]["ssl_protocols"]
    assert api.params_of("DescribeSSLPolicies") == [{"LoadBalancerType": "application"}]
    assert api.writes == []


def test_sends_the_names_given(aws, api, run_module):
    result = run_module(elb_ssl_policy_info, {"names": ["ELBSecurityPolicy-TLS13-1-2-2021-06"]})

    assert [policy["name"] for policy in result["ssl_policies"]] == ["ELBSecurityPolicy-TLS13-1-2-2021-06"]
    assert api.params_of("DescribeSSLPolicies") == [{"Names": ["ELBSecurityPolicy-TLS13-1-2-2021-06"]}]


def test_reads_every_page():
    class Client:
        def __init__(self):
            self.calls = []

        def describe_ssl_policies(self, **parameters):
            self.calls.append(parameters)
            if "Marker" in parameters:
                return {"SslPolicies": [{"Name": "b"}]}
            return {"SslPolicies": [{"Name": "a"}], "NextMarker": "m1"}

    client = Client()
    assert elb_ssl_policy_info._ssl_policies(client, LoadBalancerType="application") == [{"Name": "a"}, {"Name": "b"}]
    assert client.calls == [{"LoadBalancerType": "application"}, {"LoadBalancerType": "application", "Marker": "m1"}]


def test_client_error_fails(aws, api, run_module):
    api.fail("DescribeSSLPolicies", code="SSLPolicyNotFound", message="Policy x not found")

    result = run_module(elb_ssl_policy_info, {"names": ["x"]})

    assert result["failed"] is True
    assert result["msg"].startswith("Could not describe the load balancer security policies: ")
    assert result["error"]["code"] == "SSLPolicyNotFound"


def test_botocore_error_fails(aws, api, run_module):
    api.fail("DescribeSSLPolicies", exception=botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"))

    result = run_module(elb_ssl_policy_info, {})

    assert result["failed"] is True
    assert "Could not connect" in result["msg"]


def test_runs_as_a_script(aws, run_module):
    assert run_module(elb_ssl_policy_info, {}, as_script=True)["ssl_policies"]


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(elb_ssl_policy_info), {})

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
