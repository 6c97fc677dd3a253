#!/usr/bin/env python
# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write roles/<role>/README.md (what Galaxy shows for a role) from the role's meta/argument_specs.yml.

    .venv/bin/python scripts/role_readmes.py           # write every role's README
    .venv/bin/python scripts/role_readmes.py --check   # exit 1 when a README is not what the specs give

What the role does and its entry points come from the argument specs (their Ansible markup turned into
Markdown), its variables are listed with a reference to the specs, and the example is the one below.
"""

import argparse
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# One example per role: how the collection's own playbooks (playbooks/deploy.yml, teardown.yml) call it.
EXAMPLES = {
    "preflight": """\
- name: Pre-flight (reads only; stops the whole run on a bad setting)
  hosts: all
  gather_facts: false
  roles:
    - role: payments.platform.preflight   # the payment_* variables come from the inventory""",
    "ecr": """\
- name: The shared registry (the home environment's run)
  hosts: dev
  gather_facts: false
  tasks:
    - name: Repository in the home region, replicated to the others
      ansible.builtin.include_role:
        name: payments.platform.ecr
      vars:
        ecr_repository_name: payment-processor
        ecr_region: eu-west-1
        ecr_replica_regions: [us-west-2, us-east-1]

    - name: The environment's image, by digest, in its own region
      ansible.builtin.include_role:
        name: payments.platform.ecr
        tasks_from: image
      vars:
        ecr_repository_name: payment-processor
        ecr_region: eu-west-1
        ecr_image_region: eu-west-1
        ecr_image_tag: latest
        ecr_home_environment: dev""",
    "vpc": """\
- name: Network tier
  ansible.builtin.include_role:
    name: payments.platform.vpc
  vars:
    vpc_name_prefix: dev-payment
    vpc_region: eu-west-1
    vpc_cidr: 10.0.0.0/16
    vpc_availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]
    vpc_container_port: 8080
    vpc_tags: {Environment: dev, Project: payment-processing, ManagedBy: ansible}

- name: Later in the same play, before anything needs the interface endpoints
  ansible.builtin.include_role:
    name: payments.platform.vpc
    tasks_from: wait
  vars:
    vpc_name_prefix: dev-payment
    vpc_interface_endpoint_services: [ecr.api, ecr.dkr, logs, secretsmanager]""",
    "rds": """\
- name: Data tier (after the vpc role, which publishes vpc_outputs)
  ansible.builtin.include_role:
    name: payments.platform.rds
  vars:
    rds_name_prefix: dev-payment
    rds_region: eu-west-1
    rds_subnet_ids: "{{ vpc_outputs.private_subnet_ids }}"
    rds_security_group_ids: ["{{ vpc_outputs.security_group_ids.db }}"]
    rds_instance_class: db.t3.medium
    rds_tags: {Environment: dev}

- name: Later in the same play, before what needs the database
  ansible.builtin.include_role:
    name: payments.platform.rds
    tasks_from: wait
  vars:
    rds_name_prefix: dev-payment""",
    "alb": """\
- name: Load balancer (after the vpc role, which publishes vpc_outputs)
  ansible.builtin.include_role:
    name: payments.platform.alb
  vars:
    alb_name_prefix: dev-payment
    alb_vpc_id: "{{ vpc_outputs.vpc_id }}"
    alb_subnet_ids: "{{ vpc_outputs.public_subnet_ids }}"
    alb_security_group_ids: ["{{ vpc_outputs.security_group_ids.alb }}"]
    alb_target_port: 8080""",
    "ecs": """\
- name: Payment service (after the ecr, vpc, rds and alb roles)
  ansible.builtin.include_role:
    name: payments.platform.ecs
  vars:
    ecs_name_prefix: dev-payment
    ecs_region: eu-west-1
    ecs_image: "{{ ecr_outputs.image }}"
    ecs_subnet_ids: "{{ vpc_outputs.private_subnet_ids }}"
    ecs_security_group_ids: ["{{ vpc_outputs.security_group_ids.ecs }}"]
    ecs_target_group_arn: "{{ alb_outputs.target_group_arn }}"
    ecs_db_secret_arn: "{{ rds_outputs.secret_arn }}"
    ecs_ecr_repository_arn: "{{ ecr_outputs.repository_arn }}"
    ecs_cpu_threshold: 50""",
    "monitoring": """\
- name: Alarms
  ansible.builtin.include_role:
    name: payments.platform.monitoring
  vars:
    monitoring_name_prefix: dev-payment
    monitoring_cluster_name: "{{ ecs_outputs.cluster_name }}"
    monitoring_service_name: "{{ ecs_outputs.service_name }}"
    monitoring_alb_arn_suffix: "{{ alb_outputs.arn_suffix }}"
    monitoring_target_group_arn_suffix: "{{ alb_outputs.target_group_arn_suffix }}"
    monitoring_db_cluster_id: "{{ rds_outputs.cluster_id }}\"""",
    "waf": """\
- name: Web application firewall
  ansible.builtin.include_role:
    name: payments.platform.waf
  vars:
    waf_name_prefix: dev-payment
    waf_resource_arn: "{{ alb_outputs.arn }}"
    waf_rate_limit: 2000
    waf_log_retention_days: 365\"""",
    "kms": """\
- name: The environment's key
  ansible.builtin.include_role:
    name: payments.platform.kms
  vars:
    kms_name_prefix: dev-payment
    kms_region: eu-west-1
    kms_account: "{{ preflight_account }}\"""",
    "backup": """\
- name: Backups of the database
  ansible.builtin.include_role:
    name: payments.platform.backup
  vars:
    backup_name_prefix: prod-payment
    backup_region: us-east-1
    backup_account: "{{ preflight_account }}"
    backup_kms_key_arn: "{{ kms_outputs.key_arn }}"
    backup_retention_days: 35\"""",
    "alerts": """\
- name: Alert topic
  ansible.builtin.include_role:
    name: payments.platform.alerts
  vars:
    alerts_name_prefix: dev-payment
    alerts_region: eu-west-1
    alerts_account_id: "{{ preflight_account.id }}"
    alerts_partition: "{{ preflight_account.partition }}"
    alerts_emails: [payments-oncall@example.com]
    alerts_kms_key_id: alias/dev-payment

# After the data tier
- name: Database events to the alert topic
  ansible.builtin.include_role:
    name: payments.platform.alerts
    tasks_from: events
  vars:
    alerts_name_prefix: dev-payment
    alerts_topic_arn: "{{ alerts_outputs.topic_arn }}"
    alerts_db_cluster_id: "{{ rds_outputs.cluster_id }}"
    alerts_db_instance_ids: "{{ rds_outputs.instance_ids }}\"""",
    "audit_logs": """\
- name: Audit trail (ALB access logs and VPC flow logs)
  ansible.builtin.include_role:
    name: payments.platform.audit_logs
  vars:
    audit_logs_name_prefix: dev-payment
    audit_logs_account_id: "{{ preflight_account.id }}"
    audit_logs_region: eu-west-1
    audit_logs_vpc_id: "{{ vpc_outputs.vpc_id }}"
    audit_logs_retention_days: 365\"""",
    "route53": """\
- name: Private DNS
  ansible.builtin.include_role:
    name: payments.platform.route53
  vars:
    route53_zone_name: dev.payment.internal
    route53_vpc_id: "{{ vpc_outputs.vpc_id }}"
    route53_vpc_region: eu-west-1
    route53_records:
      - {name: db, type: CNAME, value: "{{ rds_outputs.writer_endpoint }}"}
      - {name: api, type: A, value: "{{ alb_outputs.dns_name }}", alias_hosted_zone_id: "{{ alb_outputs.canonical_hosted_zone_id }}"}""",
    "inspect": """\
- name: Read the environment back from AWS (reads only)
  ansible.builtin.include_role:
    name: payments.platform.inspect
  vars:
    inspect_name_prefix: dev-payment
    inspect_region: eu-west-1
    inspect_zone_name: dev.payment.internal
    inspect_ecr_repository: payment-processor
    inspect_image_tag: latest""",
    "reports": """\
- name: Write the outputs and the report (after the inspect role)
  ansible.builtin.include_role:
    name: payments.platform.reports
  vars:
    reports_dir: reports
    reports_environment: dev
    reports_live: "{{ inspect_live }}"
    reports_configured: "{{ payment_configuration }}\"""",
    "verify": """\
- name: Post-deploy verification (reads only)
  hosts: all
  gather_facts: false
  roles:
    - role: payments.platform.verify
      verify_environment: dev
      verify_name_prefix: dev-payment
      verify_region: eu-west-1
      verify_zone_name: dev.payment.internal
      verify_az_count: 3
      verify_container_name: payment-processor
      verify_container_port: 8080
      verify_db_port: 5432
      verify_min_count: 2
      verify_max_count: 10
      verify_cpu_threshold: 50
      verify_report_dir: reports""",
}

MARKUP = [
    (re.compile(r"P\(([^)#]+)#(\w+)\)"), r"`\1` (\2 plugin)"),
    (re.compile(r"(?:[CIBOVE]|RV)\(([^()]*(?:\([^()]*\)[^()]*)*)\)"), r"`\1`"),
    (re.compile(r"M\(([^)]+)\)"), r"`\1`"),
    (re.compile(r"U\(([^)]+)\)"), r"<\1>"),
    (re.compile(r"L\(([^,]+),\s*([^)]+)\)"), r"[\1](\2)"),
]


def markdown(text):
    if isinstance(text, list):
        text = " ".join(text)
    text = " ".join(str(text or "").split())
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    return text.replace("|", "\\|")


def first_sentence(text):
    text = markdown(text)
    match = re.match(r"(.+?\.)(\s|$)", text)
    if match and len(match.group(1)) < 25:  # "Teardown." and the like: the next sentence says what
        match = re.match(r"(.+?\..+?\.)(\s|$)", text) or match
    return match.group(1) if match else text


def value(option):
    if option.get("required"):
        return "**required**"
    if "default" not in option:
        return ""
    default = option["default"]
    shown = yaml.safe_dump(default, default_flow_style=True, width=1000).strip()
    if shown.endswith("\n..."):
        shown = shown[:-4]
    shown = shown.removesuffix("...").strip()
    return f"`{shown}`" if len(shown) <= 60 else "see the specs"


def readme(role):
    specs = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    main = specs["main"]
    out = [f"# payments.platform.{role}", "", markdown(main.get("short_description", "")) + ".", ""]
    out += [markdown(main.get("description", "")), ""]
    out += ["Part of the `payments.platform` collection, which deploys a payment-processing platform "
            "(VPC, Aurora PostgreSQL, ECS Fargate behind an ALB, private DNS) to AWS for dev, staging and prod.", ""]
    out += ["## Entry points", "", "| entry point | what it does |", "| --- | --- |"]
    for name, spec in specs.items():
        how = "the role itself" if name == "main" else f"`tasks_from: {name}`"
        out.append(f"| `{name}` ({how}) | {markdown(spec.get('short_description', ''))} |")
    out.append("")
    for name, spec in specs.items():
        if name == "main":
            continue
        out += [f"### `{name}`", "", markdown(spec.get("description", "")), ""]
    out += ["## Variables", "",
            "Every variable, its type, choices and default are in the role's argument specs, "
            f"`meta/argument_specs.yml` (also `ansible-doc -t role payments.platform.{role}`); "
            "ansible-core checks them before the role runs. In short:", ""]
    for name, spec in specs.items():
        options = spec.get("options", {})
        if len(specs) > 1:
            out += [f"Entry point `{name}`:", ""]
            if name != "main" and options == main.get("options", {}):
                out += ["The same variables as `main`.", ""]
                continue
        if not options:
            out += ["No variables.", ""]
            continue
        out += ["| variable | type | default | meaning |", "| --- | --- | --- | --- |"]
        for opt, option in options.items():
            kind = option.get("type", "str")
            if kind == "list" and option.get("elements"):
                kind = f"list of {option['elements']}"
            out.append(f"| `{opt}` | {kind} | {value(option)} | {first_sentence(option.get('description', ''))} |")
        out.append("")
    out += ["## Example", "", "```yaml", EXAMPLES[role], "```", "",
            "The collection's playbooks (`playbooks/deploy.yml`, `playbooks/teardown.yml`) call every role this way, "
            "with `module_defaults` for `group/payments.platform.aws` setting the region. The roles need the "
            "`amazon.aws` and `community.aws` collections and, on the controller, `boto3` and `botocore`.", "",
            "## Licence", "", "GPL-3.0-or-later, as the rest of the collection (see `LICENSES/`).", ""]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--check", action="store_true", help="only check that every README is up to date")
    args = parser.parse_args(argv)
    stale = []
    for spec in sorted((REPO / "roles").glob("*/meta/argument_specs.yml")):
        role = spec.parts[-3]
        path = REPO / "roles" / role / "README.md"
        text = readme(role)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path.relative_to(REPO)))
        else:
            path.write_text(text)
    if stale:
        print("Not what the argument specs give (run scripts/role_readmes.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
