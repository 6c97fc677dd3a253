# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy

import pytest

from ansible_collections.payments.platform.plugins.plugin_utils.comparison import (
    NO_DRIFT,
    NOTHING_DEPLOYED,
    build_comparison_report,
    environment_report_data,
    find_input_problems,
    problems_message,
    render_markdown,
    same_value,
)


AT = "2024-05-01T10:00:00+00:00"


def settings(instance_class, threshold, region, **extra):
    return dict({"payment_aws_region": region, "payment_vpc_cidr": "10.0.0.0/16", "payment_az_count": 3,
                 "payment_db_instance_class": instance_class, "payment_scaling_cpu_threshold": threshold}, **extra)


def environments():
    """dev and staging deployed, prod not; staging's scaling threshold was changed by hand to 85."""
    dev = settings("db.t3.medium", 50, "eu-west-1")
    staging = settings("db.r5.large", 70, "us-west-2", payment_vpc_cidr="10.1.0.0/16")
    prod = settings("db.r5.xlarge", 70, "us-east-1", payment_vpc_cidr="10.2.0.0/16")
    return [
        # AWS reports numbers its own way: 50.0 and "3" are the same as the inventory's 50 and 3
        {"environment": "dev", "deployed": True, "configured": dev,
         "live": dict(dev, payment_scaling_cpu_threshold=50.0, payment_az_count="3")},
        {"environment": "staging", "deployed": True, "configured": staging,
         "live": dict(staging, payment_scaling_cpu_threshold=85)},
        {"environment": "prod", "deployed": False, "configured": prod, "live": {}},
    ]


def row(report, setting):
    (found,) = [r for r in report["settings"] if r["setting"] == setting]
    return found


def test_three_environments_with_drift_and_one_not_deployed():
    report = build_comparison_report(environments(), AT)
    assert report["generated_at"] == AT
    assert report["environments"] == ["dev", "staging", "prod"]
    assert report["deployed"] == {"dev": True, "staging": True, "prod": False}
    assert [r["setting"] for r in report["settings"]] == [
        "payment_aws_region", "payment_vpc_cidr", "payment_az_count", "payment_db_instance_class",
        "payment_scaling_cpu_threshold",
    ]
    assert row(report, "payment_scaling_cpu_threshold") == {
        "setting": "payment_scaling_cpu_threshold",
        "values": {"dev": 50.0, "staging": 85, "prod": 70},
        "configured": {"dev": 50, "staging": 70, "prod": 70},
        "live": {"dev": 50.0, "staging": 85, "prod": None},
        "differs": True,
        "drift": {"dev": False, "staging": True, "prod": False},
    }
    assert report["drift"] == [
        {"environment": "staging", "setting": "payment_scaling_cpu_threshold", "configured": 70, "live": 85},
    ]


def test_same_values_in_every_environment_do_not_differ():
    report = build_comparison_report(environments(), AT)
    az = row(report, "payment_az_count")
    assert az["values"] == {"dev": "3", "staging": 3, "prod": 3}
    assert az["differs"] is False
    assert az["drift"] == {"dev": False, "staging": False, "prod": False}
    assert row(report, "payment_vpc_cidr")["differs"] is True


def test_not_deployed_environment_ignores_partial_live_values():
    envs = environments()
    envs[2]["live"] = {"payment_scaling_cpu_threshold": 99}  # e.g. left over from a half-finished teardown
    report = build_comparison_report(envs, AT)
    threshold = row(report, "payment_scaling_cpu_threshold")
    assert threshold["values"]["prod"] == 70
    assert threshold["live"]["prod"] is None
    assert threshold["drift"]["prod"] is False


def test_setting_that_could_not_be_read_shows_configured_value_without_drift():
    envs = environments()
    del envs[1]["live"]["payment_db_instance_class"]
    report = build_comparison_report(envs, AT)
    instance = row(report, "payment_db_instance_class")
    assert instance["values"]["staging"] == "db.r5.large"
    assert instance["live"]["staging"] is None
    assert instance["drift"]["staging"] is False
    assert "| db.r5.large (not read from AWS) |" in render_markdown(report)


def test_extra_settings_follow_the_first_environments_order_sorted():
    envs = environments()
    envs[1]["configured"]["payment_desired_count"] = 2
    envs[2]["configured"]["payment_cluster_name"] = "prod-payment"
    envs[0]["live"]["payment_backup_retention_days"] = 7  # read from AWS, not in any inventory
    report = build_comparison_report(envs, AT)
    assert [r["setting"] for r in report["settings"]][5:] == [
        "payment_backup_retention_days", "payment_cluster_name", "payment_desired_count",
    ]
    desired = row(report, "payment_desired_count")
    assert desired["configured"] == {"dev": None, "staging": 2, "prod": None}
    assert desired["differs"] is True
    # a value AWS has but the inventory does not set is drift too
    assert report["drift"][0] == {"environment": "dev", "setting": "payment_backup_retention_days",
                                  "configured": None, "live": 7}


def test_secrets_are_dropped_from_both_sides():
    envs = environments()
    envs[0]["configured"].update({"payment_db_password": "hunter2", "Payment_DB_Master_PASSWORD": "x"})
    envs[0]["live"].update({"payment_db_secret_string": '{"password": "hunter2"}', "db_SECRET_STRING": "y"})
    envs[1]["live"]["payment_db_password"] = "hunter3"
    report = build_comparison_report(envs, AT)
    names = [r["setting"] for r in report["settings"]]
    assert not [n for n in names if "password" in n.lower() or "secret_string" in n.lower()]
    text = repr(report) + render_markdown(report) + repr(environment_report_data(envs[0], AT))
    assert "hunter" not in text and "secret_string" not in text.lower() and "password" not in text.lower()
    # a secret ARN's name is fine: only the value's name patterns are dropped
    envs[0]["configured"]["payment_db_secret_arn"] = "arn:aws:secretsmanager:eu-west-1:123:secret:db"
    assert "payment_db_secret_arn" in [r["setting"] for r in build_comparison_report(envs, AT)["settings"]]


@pytest.mark.parametrize("left, right, same", [
    (70, "70", True), (70.0, 70, True), ("70.0", " 70 ", True), ("db.r5.large", " db.r5.large", True),
    (70, 71, False), ("70", "seventy", False), (True, 1, True), (True, "1", False), (None, 0, False),
    (None, None, True), (["a", "b"], ["a", "b"], True), (["a"], "a", False), ("", None, False),
])
def test_same_value(left, right, same):
    assert same_value(left, right) is same
    assert same_value(right, left) is same


def test_only_one_environment_never_differs():
    report = build_comparison_report(environments()[:1], AT)
    assert not any(r["differs"] for r in report["settings"])
    assert report["drift"] == []


def test_empty_input_gives_an_empty_report():
    assert build_comparison_report([], AT) == {
        "generated_at": AT, "environments": [], "deployed": {}, "settings": [], "drift": [],
    }


def test_deployed_defaults_to_false_and_live_to_empty():
    report = build_comparison_report([{"environment": "qa", "configured": {"payment_az_count": 2}}], AT)
    assert report["deployed"] == {"qa": False}
    assert row(report, "payment_az_count")["values"] == {"qa": 2}


def test_input_is_not_modified():
    envs = environments()
    before = copy.deepcopy(envs)
    build_comparison_report(envs, AT)
    assert envs == before


# ---- Markdown -------------------------------------------------------------------------------------

def test_markdown_document():
    envs = environments()
    for env in envs:  # keep the table short
        for name in ("payment_aws_region", "payment_vpc_cidr"):
            del env["configured"][name]
            env["live"].pop(name, None)
    assert render_markdown(build_comparison_report(envs, AT)) == (
        "# Payment platform: environment comparison\n"
        "\n"
        "Generated at 2024-05-01T10:00:00+00:00.\n"
        "\n"
        "Values are read from AWS for deployed environments and taken from the inventory (in italics) for "
        "environments that are not deployed.\n"
        "\n"
        "| Setting | dev | staging | prod (not deployed) | Differs |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| `payment_az_count` | 3 | 3 | *3* |  |\n"
        "| `payment_db_instance_class` | db.t3.medium | db.r5.large | *db.r5.xlarge* | yes |\n"
        "| `payment_scaling_cpu_threshold` | 50 | 85 (inventory: 70) ⚠ drift | *70* | yes |\n"
        "\n"
        "## Drift\n"
        "\n"
        "- **staging**: `payment_scaling_cpu_threshold` is 85 in AWS but 70 in the inventory.\n"
    )


def test_markdown_without_drift():
    envs = environments()
    envs[1]["live"]["payment_scaling_cpu_threshold"] = "70"
    text = render_markdown(build_comparison_report(envs, AT))
    assert text.endswith("## Drift\n\n%s\n" % NO_DRIFT)
    assert NO_DRIFT == "No drift: every deployed environment matches its inventory."
    assert "⚠" not in text


def test_markdown_when_nothing_is_deployed():
    envs = environments()
    for env in envs:
        env["deployed"] = False
    text = render_markdown(build_comparison_report(envs, AT))
    assert text.endswith("## Drift\n\n%s\n" % NOTHING_DEPLOYED)
    assert "| Setting | dev (not deployed) | staging (not deployed) | prod (not deployed) | Differs |" in text
    assert "| `payment_scaling_cpu_threshold` | *50* | *70* | *70* | yes |" in text


@pytest.mark.parametrize("value, shown", [
    ("a|b", "a\\|b"), ("x*y", "x\\*y"), ("`x`", "\\`x\\`"), ("C:\\tmp", "C:\\\\tmp"), ("<none>", "&lt;none>"),
    ("two\nlines", "two lines"), ("", '""'), ("  ", '"  "'), (None, "not set"), (True, "true"), (False, "false"),
    (0.5, "0.5"), (70.0, "70"), (3, "3"), (["eu-west-1a", "eu-west-1b"], '["eu-west-1a", "eu-west-1b"]'),
    ({"b": 1, "a": "x"}, '{"a": "x", "b": 1}'),
])
def test_markdown_cell_values_are_escaped_and_formatted(value, shown):
    report = build_comparison_report(
        [{"environment": "dev", "deployed": True, "configured": {"s": value}, "live": {"s": value}}], AT)
    assert "| `s` | %s |  |" % shown in render_markdown(report)


def test_markdown_escapes_pipes_in_names_and_shows_drift_from_unset_inventory():
    report = build_comparison_report([
        {"environment": "a|b", "deployed": True, "configured": {"x|y": 1}, "live": {"x|y": 2, "z": "on"}},
    ], AT)
    text = render_markdown(report)
    assert "| Setting | a\\|b | Differs |" in text
    assert "| `x\\|y` | 2 (inventory: 1) ⚠ drift |  |" in text
    assert "| `z` | on (inventory: not set) ⚠ drift |  |" in text
    assert "- **a|b**: `z` is on in AWS but not set in the inventory." in text


def test_markdown_setting_missing_everywhere_in_a_deployed_environment_is_not_set():
    envs = environments()
    envs[0]["configured"]["payment_desired_count"] = 2
    text = render_markdown(build_comparison_report(envs, AT))
    assert "| `payment_desired_count` | 2 (not read from AWS) | not set | *not set* | yes |" in text


# ---- per-environment file ---------------------------------------------------------------------------

def test_environment_report_of_a_drifted_environment():
    assert environment_report_data(environments()[1], AT) == {
        "environment": "staging",
        "timestamp": AT,
        "configuration": {
            "payment_aws_region": "us-west-2", "payment_vpc_cidr": "10.1.0.0/16", "payment_az_count": 3,
            "payment_db_instance_class": "db.r5.large", "payment_scaling_cpu_threshold": 85,
        },
        "drift": {"payment_scaling_cpu_threshold": {"configured": 70, "live": 85}},
    }


def test_environment_report_of_a_not_deployed_environment_uses_the_inventory():
    report = environment_report_data(environments()[2], AT)
    assert report["configuration"]["payment_db_instance_class"] == "db.r5.xlarge"
    assert report["drift"] == {}


# ---- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [None, {"dev": {}}, "dev", []])
def test_not_a_non_empty_list(bad):
    (problem,) = find_input_problems(bad)
    assert problem.startswith("comparison_report expects a non-empty list of environment dicts, got %r. Fix:" % (bad,))


def test_every_record_problem_is_reported():
    envs = [
        "dev",
        {"configured": {}},
        {"environment": "", "configured": {}},
        {"environment": "staging", "deployed": "yes", "configured": [], "live": "n/a"},
        {"environment": "prod", "configured": {}, "live": None},
        {"environment": "prod", "configured": {}},
    ]
    problems = find_input_problems(envs)
    assert [p.split(":")[0].split(". Fix")[0] for p in problems] == [
        "item 0 is 'dev', not a dict",
        "item 1 has environment None",
        "item 2 has environment ''",
        "configured of staging is []",
        "live of staging is 'n/a'",
        "deployed of staging is 'yes'",
        "environment prod is listed more than once",
    ]
    assert problems[-1] == "environment prod is listed more than once. Fix: pass each environment once."
    assert problems[5] == (
        "deployed of staging is 'yes': it must be true or false. "
        "Fix: pass e.g. 'deployed': (vpc_info.vpcs | length > 0)."
    )


def test_problems_name_the_filter():
    (problem,) = find_input_problems("dev", "environment_report")
    assert problem.startswith("environment_report expects a non-empty list of environment dicts, got 'dev'.")


def test_problems_message():
    assert problems_message("comparison_report", []) == ""
    assert problems_message("comparison_report", ["a", "b"]) == "comparison_report: bad input (2 problem(s)):\na\nb"
