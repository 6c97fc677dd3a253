# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The load balancer's edge on the shared platform: staging and prod serve only HTTPS (443, a TLS 1.2+ policy,
port 80 redirecting with its settings sent in full), dev plain HTTP with a warning in the run's summary; without a
usable certificate or with a weak policy staging refuses to deploy before any write. The converged re-run with the
certificates (changed=0, no write) is the platform fixture's rerun, checked by test_service_tier.py and others."""

import json
import re
import urllib.parse

import pytest
import yaml

from conftest import REPO, run_playbook, writes

HTTPS_ENVS = ["staging", "prod"]
POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# What AWS stores for the redirect, every component given (AWS fills those left out with #{...}).
REDIRECT = {"Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}",
            "StatusCode": "HTTP_301"}


def certificate_of(env):
    """The certificate scripts/demo_certificates.py imported for `env` (its git-ignored inventory source)."""
    source = yaml.safe_load((REPO / "inventories" / env / "emulator.yml").read_text())
    return source[env]["hosts"][f"{env}-payment"]["payment_alb_certificate_arn"]


def listeners_of(aws, env):
    elbv2 = aws("elbv2", env)
    lb = elbv2.describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"][0]
    return elbv2, {listener["Port"]: listener for listener in
                   elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]}


def own_rules(elbv2, listener):
    return [rule for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not rule["IsDefault"]]


@pytest.mark.parametrize("env", HTTPS_ENVS)
def test_staging_and_prod_serve_https_only(platform, aws, env):
    elbv2, listeners = listeners_of(aws, env)
    assert set(listeners) == {80, 443}
    https = listeners[443]
    assert https["Protocol"] == "HTTPS" and https["SslPolicy"] == POLICY
    certificate = certificate_of(env)
    assert [c["CertificateArn"] for c in https["Certificates"]] == [certificate]
    assert f":acm:{aws('acm', env).meta.region_name}:" in certificate, "a certificate of the environment's own region"
    assert [a["FixedResponseConfig"]["StatusCode"] for a in https["DefaultActions"]] == ["404"]
    target_group = elbv2.describe_target_groups(Names=[f"{env}-payment-tg"])["TargetGroups"][0]["TargetGroupArn"]
    assert sorted((r["Conditions"][0]["Values"][0], r["Actions"][0]["TargetGroupArn"]) for r in own_rules(elbv2, https)) == [
        ("/api/*", target_group), ("/webhook/*", target_group)]
    # The policy allows TLS 1.2 and 1.3 only, by AWS's own data.
    [policy] = elbv2.describe_ssl_policies(Names=[POLICY])["SslPolicies"]
    assert set(policy["SslProtocols"]) == {"TLSv1.2", "TLSv1.3"}
    http = listeners[80]
    assert http["Protocol"] == "HTTP"
    assert [(a["Type"], a["RedirectConfig"]) for a in http["DefaultActions"]] == [("redirect", REDIRECT)]
    assert own_rules(elbv2, http) == [], "no rule may bypass the redirect"


def test_the_redirect_was_sent_in_full(platform):
    # Not filled in by the emulator's patch (tests/emulator.py, _alb_redirect_defaults): the role sends every
    # component, as AWS stores it, so elb_application_lb finds it unchanged on the next run.
    redirects = [urllib.parse.parse_qs(body) for body in platform.bodies("CreateListener") if "redirect" in body]
    assert len(redirects) == len(HTTPS_ENVS), platform.bodies("CreateListener")
    for sent in redirects:
        config = {key.rsplit(".", 1)[-1]: values[0] for key, values in sent.items() if ".RedirectConfig." in key}
        assert config == REDIRECT


def test_dev_serves_plain_http_and_the_summary_says_so(platform, aws):
    elbv2, listeners = listeners_of(aws, "dev")
    assert set(listeners) == {80}
    assert listeners[80]["Protocol"] == "HTTP"
    assert {r["Conditions"][0]["Values"][0] for r in own_rules(elbv2, listeners[80])} == {"/api/*", "/webhook/*"}
    for run in (platform.first, platform.rerun):
        # The summary after the recap (the first run is at -v, which also shows the task that publishes it).
        text = " ".join(run.output.split("SUMMARY *", 1)[1].split())
        assert text.count("the load balancer serves plain HTTP on port 80") == 1, run.output[-4000:]
        warning = re.search(r"dev \(eu-west-1\).*?warnings: (.*?the load balancer serves plain HTTP.*?group or host vars\)\.)",
                            text)
        assert warning, run.output[-4000:]
        assert "set payment_alb_certificate_arn to an ACM certificate of eu-west-1 in inventories/dev" in warning.group(1)


def test_the_reports_compare_the_edge(platform):
    # Each environment's report (the deploy writes it): live values, and no drift from the inventory.
    for env, https, policy in (("dev", False, None), ("staging", True, POLICY), ("prod", True, POLICY)):
        report = json.loads((REPO / "reports" / f"comparison-report-{env}.json").read_text())
        assert (report["configuration"]["https"], report["configuration"]["tls_policy"]) == (https, policy), env
        assert report["drift"] == {}, env


REFUSALS = {
    "no certificate": ({"payment_alb_certificate_arn": ""}, 'payment_alb_certificate_arn is "": staging serves only HTTPS'),
    "a certificate ACM does not hold": (
        {"payment_alb_certificate_arn": "arn:aws:acm:us-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012"},
        "ACM in us-west-2 has no such certificate"),
    "a policy allowing TLS 1.0": ({"payment_alb_ssl_policy": "ELBSecurityPolicy-2016-08"},
                                  'payment_alb_ssl_policy is "ELBSecurityPolicy-2016-08": it allows TLSv1, TLSv1.1, TLSv1.2'),
    "a policy AWS does not offer": ({"payment_alb_ssl_policy": "ELBSecurityPolicy-TLS13-9-9"},
                                    "AWS offers no such security policy"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_staging_refuses_before_any_write(platform, emulator, name):
    extra_vars, says = REFUSALS[name]
    emulator.start_recording()
    run = run_playbook("site.yml", "staging", extra_vars=extra_vars)
    calls = emulator.stop_recording()
    assert run.failed, run.output[-3000:]
    text = " ".join(run.output.split())
    assert says in text and " Fix: " in text, run.output[-3000:]
    assert writes(calls) == [], f"write calls despite the refusal: {writes(calls)}"
    if name == "no certificate":
        assert calls == [], "refused by a rule that needs no AWS call"
