# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A newcomer's first hour: the README's Usage commands run as written, and a normal run prints no warning.

The shared platform's re-run and check are the README's deploy and check commands (conftest.platform); its
verify and compare commands run here; its teardown command runs first in test_zz_teardown.py. Each runs in a
shell with nothing set but PATH, HOME and the README's export line.
"""
import json

from conftest import ENV_REGIONS, REPO, WARNING, readme_command, readme_usage, run_as_written, run_playbook


def test_the_usage_block_is_the_export_line_then_commands_of_the_venv():
    export, *commands = readme_usage()
    assert export.startswith("export AWS_ENDPOINT_URL=http://127.0.0.1:5000 ")
    assert "AWS_DEFAULT_REGION" not in export and "AWS_REGION" not in export, "no task may need an ambient region"
    assert commands and all(line.startswith(".venv/bin/ansible-playbook ") for line in commands)


def test_deploy_rerun_and_check_print_no_warning(platform):
    for name, run in (("deploy", platform.first), ("re-run", platform.rerun), ("check", platform.check)):
        assert not run.failed, run.output[-3000:]
        assert WARNING.findall(run.output) == [], name


def test_a_deploy_ends_with_a_summary_of_each_environment(platform, aws):
    text = platform.rerun.output.split("SUMMARY *", 1)[1]
    for env, region in ENV_REGIONS.items():
        section = text.split(f"{env} ({region})\n", 1)[1].split("\n\n", 1)[0]
        [alb] = aws("elbv2", env).describe_load_balancers(Names=[f"{env}-payment-alb"])["LoadBalancers"]
        [cluster] = aws("rds", env).describe_db_clusters(DBClusterIdentifier=f"{env}-payment-db-cluster")["DBClusters"]
        assert f"albDnsName        {alb['DNSName']}" in section
        assert f"dbEndpoint        {cluster['Endpoint']}" in section
        assert f"dbReaderEndpoint  {cluster['ReaderEndpoint']}" in section
        assert f"api.{env}.payment.internal" in section and "@sha256:" in section
        # A converged re-run changed nothing: every counted resource is unchanged.
        counts = summary_counts(section)
        assert counts and all(created == changed == 0 for created, changed, dummy in counts.values()), section


def summary_counts(section):
    """{role: (created, changed, unchanged)} of one environment's section of a deploy's summary."""
    rows = [line.split() for line in section.splitlines()]
    assert ["resources", "created", "changed", "unchanged"] in rows, section
    return {row[0]: tuple(map(int, row[1:])) for row in rows if len(row) == 4 and row[-1].isdigit()}


def test_a_first_deploy_counts_its_changes_as_created(platform, aws):
    """The shared platform's first deploy met an empty account: what it made is counted as created, one per resource."""
    text = platform.first.output.split("SUMMARY *", 1)[1]
    for env, region in ENV_REGIONS.items():
        counts = summary_counts(text.split(f"{env} ({region})\n", 1)[1].split("\n\n", 1)[0])
        assert all(changed == 0 for dummy, changed, dummy2 in counts.values()), counts
        assert counts["total"][0] == sum(created for role, (created, dummy, dummy2) in counts.items() if role != "total")
        # The network tier's resources, as AWS lists them: the VPC, its subnets, internet gateway, named route
        # tables and security groups, and the endpoints.
        ec2 = aws("ec2", env)
        [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{env}-payment-vpc"]}])["Vpcs"]
        in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
        named = [*in_vpc, {"Name": "tag:Environment", "Values": [env]}]
        network = (1 + len(ec2.describe_subnets(Filters=in_vpc)["Subnets"])
                   + len(ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])["InternetGateways"])
                   + len(ec2.describe_route_tables(Filters=named)["RouteTables"])
                   + len(ec2.describe_security_groups(Filters=named)["SecurityGroups"])
                   + len(ec2.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]))
        assert counts["vpc"] == (network, 0, 0), (env, counts["vpc"], network)


def test_verify_and_compare_as_written(platform, emulator):
    verify = run_as_written(readme_command("verify.yml"), emulator.url)
    assert not verify.failed, verify.output[-3000:]
    assert "changed=0" in verify.output and "changed=1" not in verify.output, "verify only reads"
    assert WARNING.findall(verify.output) == []

    compare = run_as_written(readme_command("compare.yml"), emulator.url)
    assert not compare.failed, compare.output[-3000:]
    assert WARNING.findall(compare.output) == []
    report = json.loads((REPO / "reports" / "comparison-report.json").read_text())
    assert report["environments"] == list(ENV_REGIONS)
    assert (REPO / "reports" / "comparison-report.md").read_text().startswith("#")


def test_reports_hold_numbers_as_numbers(platform):
    for env in ENV_REGIONS:
        configuration = json.loads((REPO / "reports" / f"comparison-report-{env}.json").read_text())["configuration"]
        for setting in ("task_cpu", "task_memory", "scaling_cpu_threshold", "az_count", "desired_count", "log_retention_days"):
            value = configuration[setting]
            assert isinstance(value, int) and not isinstance(value, bool), (env, setting, value)


def test_a_refusal_prints_its_message_once(emulator):
    # The pre-flight refuses before any AWS call: its message is the whole output, printed once.
    run = run_playbook("playbooks/registry.yml", "dev", extra_vars={"payment_scaling_cpu_threshold": 200})
    assert run.failed
    assert run.output.count("payment_scaling_cpu_threshold is 200") == 1, run.output
    assert "Fix: set payment_scaling_cpu_threshold" in run.output
    assert WARNING.findall(run.output) == [] and "<<< caused by >>>" not in run.output
