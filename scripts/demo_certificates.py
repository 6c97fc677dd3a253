#!/usr/bin/env python

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Give staging and prod an ACM certificate on the local emulator, so that the demo runs the HTTPS path.

Outside dev the platform serves only HTTPS and refuses to deploy without `payment_alb_certificate_arn`. On the
emulator there is no domain to validate, so this script generates a self-signed certificate locally (the
`cryptography` package) for api.<env>.payment.internal, imports it into ACM in the environment's region (read from
inventories/<env>/group_vars), and writes its ARN to inventories/<env>/emulator.yml (git-ignored; an inventory
source `-i inventories/<env>` picks up). Re-running it reuses a certificate it imported that ACM still holds.
It refuses to run unless AWS_ENDPOINT_URL names a loopback emulator: on a real account, request a certificate in
ACM instead (README, "HTTPS").

    python scripts/demo_certificates.py                  # staging and prod
    python scripts/demo_certificates.py --environments staging
"""

import argparse
import datetime
import os
import sys
import urllib.parse
from pathlib import Path

import boto3
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

REPO = Path(__file__).resolve().parent.parent
# The tag that marks a certificate this script imported (and may reuse).
MARK = {"Key": "ManagedBy", "Value": "payments-demo-certificates"}
VALID_DAYS = 365
# A certificate closer than this to its end is replaced (the pre-flight refuses an expired one).
RENEW_BEFORE = datetime.timedelta(days=30)


def inventory(env):
    """The environment's region and its inventory host, as its inventory sets them."""
    folder = REPO / "inventories" / env
    settings = {}
    for path in sorted((folder / "group_vars").glob("*.yml")):
        settings.update(yaml.safe_load(path.read_text()) or {})
    hosts = yaml.safe_load((folder / "hosts.yml").read_text())[env]["hosts"]
    return settings["payment_aws_region"], next(iter(hosts))


def self_signed(domain, now):
    """A fresh RSA 2048 key and a self-signed certificate for `domain`, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def reusable(acm, domain, now):
    """The ARN of a certificate this script imported for `domain` that is ISSUED and not about to expire, or None."""
    for page in acm.get_paginator("list_certificates").paginate(CertificateStatuses=["ISSUED"]):
        for summary in page["CertificateSummaryList"]:
            if summary.get("DomainName") != domain:
                continue
            arn = summary["CertificateArn"]
            if MARK not in acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", []):
                continue
            not_after = acm.describe_certificate(CertificateArn=arn)["Certificate"].get("NotAfter")
            if not_after and not_after - now > RENEW_BEFORE:
                return arn
    return None


def certificate_for(acm, env, now):
    """(ARN, whether it was imported now) of the demo certificate of `env`."""
    domain = f"api.{env}.payment.internal"
    arn = reusable(acm, domain, now)
    if arn:
        return arn, False
    body, key = self_signed(domain, now)
    arn = acm.import_certificate(Certificate=body, PrivateKey=key,
                                 Tags=[MARK, {"Key": "Environment", "Value": env}])["CertificateArn"]
    return arn, True


def write_inventory(env, host, arn):
    """inventories/<env>/emulator.yml naming the certificate; True when it changed."""
    path = REPO / "inventories" / env / "emulator.yml"
    text = (
        "---\n"
        "# Written by scripts/demo_certificates.py for the local emulator (git-ignored); not for a real account.\n"
        f"{env}:\n  hosts:\n    {host}:\n      payment_alb_certificate_arn: {arn}\n"
    )
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environments", nargs="+", default=["staging", "prod"])
    args = parser.parse_args(argv)
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if urllib.parse.urlsplit(endpoint).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("demo_certificates.py imports self-signed certificates into a local emulator only: set "
                 "AWS_ENDPOINT_URL to it (make demo does). On a real account request a certificate in ACM (README, HTTPS).")
    now = datetime.datetime.now(datetime.timezone.utc)
    for env in args.environments:
        region, host = inventory(env)
        arn, imported = certificate_for(boto3.client("acm", region_name=region), env, now)
        written = write_inventory(env, host, arn)
        print(f"{env}: {'imported' if imported else 'reusing'} {arn}"
              f"{' (inventories/' + env + '/emulator.yml written)' if written else ''}")


if __name__ == "__main__":
    main()
