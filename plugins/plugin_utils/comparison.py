# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared, Ansible-free helpers of the payments.platform comparison filters.

Compare the payment environments' settings side by side (inventory vs what AWS reports).
Used by the filters comparison_report, comparison_markdown and environment_report, which
validate their input with these helpers and raise AnsibleFilterError themselves.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

# Settings whose names contain these (case-insensitively) are never reported.
# Settings whose names contain these (case-insensitively) are never reported.
SECRET_MARKERS = ("password", "secret_string")


def is_secret(setting):
    name = str(setting).lower()
    return any(marker in name for marker in SECRET_MARKERS)


def _plain(value):
    """A whole float as an int (CloudWatch's 70.0 is the 70 configured): the reports show one form per number."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _public(settings):
    """The settings without secrets, keeping their order."""
    return {k: _plain(v) for k, v in (settings or {}).items() if not is_secret(k)}


def _as_number(value):
    """float(value) for numbers and numeric strings, else None (bools are not numbers here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def same_value(a, b):
    """Tolerant equality: 70 == '70' == 70.0, ' x ' == 'x'."""
    if a == b:
        return True
    number_a, number_b = _as_number(a), _as_number(b)
    if number_a is not None and number_b is not None:
        return number_a == number_b
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    return False


def build_comparison_report(environments, generated_at):
    """The comparison of all environments (see RETURN). Input must be valid (see find_input_problems)."""
    records = []
    for record in environments:
        records.append({
            "environment": record["environment"],
            "deployed": bool(record.get("deployed", False)),
            "configured": _public(record["configured"]),
            "live": _public(record.get("live")),
        })
    names = [r["environment"] for r in records]

    order = list(records[0]["configured"]) if records else []
    others = set()
    for r in records:
        others.update(r["configured"])
        others.update(r["live"])
    order += sorted(others.difference(order), key=str)

    settings = []
    drift = {name: [] for name in names}
    for setting in order:
        row = {"setting": setting, "values": {}, "configured": {}, "live": {}, "differs": False, "drift": {}}
        for r in records:
            env = r["environment"]
            configured = r["configured"].get(setting)
            readable = r["deployed"] and setting in r["live"]
            live = r["live"][setting] if readable else None
            row["configured"][env] = configured
            row["live"][env] = live
            row["values"][env] = live if readable else configured
            row["drift"][env] = readable and not same_value(live, configured)
            if row["drift"][env]:
                drift[env].append({"environment": env, "setting": setting, "configured": configured, "live": live})
        shown = list(row["values"].values())
        row["differs"] = any(not same_value(shown[0], value) for value in shown[1:])
        settings.append(row)

    return {
        "generated_at": generated_at,
        "environments": names,
        "deployed": {r["environment"]: r["deployed"] for r in records},
        "settings": settings,
        "drift": [item for name in names for item in drift[name]],
    }


def environment_report_data(record, generated_at):
    """One environment's file: its shown configuration and only the drifted settings."""
    report = build_comparison_report([record], generated_at)
    env = report["environments"][0]
    return {
        "environment": env,
        "timestamp": generated_at,
        "configuration": {row["setting"]: row["values"][env] for row in report["settings"]},
        "drift": {
            item["setting"]: {"configured": item["configured"], "live": item["live"]} for item in report["drift"]
        },
    }


def find_input_problems(environments, filter_name="comparison_report"):
    """Human-readable problems with the environment records (empty list if all is well)."""
    shape = (
        "Fix: pass a list like [{'environment': 'dev', 'deployed': true, "
        "'configured': {'payment_scaling_cpu_threshold': 50}, 'live': {'payment_scaling_cpu_threshold': 50}}]."
    )
    if not isinstance(environments, list) or not environments:
        return ["%s expects a non-empty list of environment dicts, got %r. %s" % (filter_name, environments, shape)]
    problems = []
    seen = set()
    for index, record in enumerate(environments):
        if not isinstance(record, Mapping):
            problems.append("item %d is %r, not a dict. %s" % (index, record, shape))
            continue
        env = record.get("environment")
        if not isinstance(env, str) or not env:
            problems.append(
                "item %d has environment %r: it must be the environment name, e.g. 'dev'. %s"
                % (index, env, shape)
            )
            env = "item %d" % index
        elif env in seen:
            problems.append(
                "environment %s is listed more than once. Fix: pass each environment once." % env
            )
        seen.add(env)
        if not isinstance(record.get("configured"), Mapping):
            problems.append(
                "configured of %s is %r: it must be a dict of setting name to the inventory value. %s"
                % (env, record.get("configured"), shape)
            )
        if record.get("live") is not None and not isinstance(record.get("live"), Mapping):
            problems.append(
                "live of %s is %r: it must be a dict of setting name to the value read from AWS "
                "(empty when the environment is not deployed). %s" % (env, record.get("live"), shape)
            )
        if not isinstance(record.get("deployed", False), bool):
            problems.append(
                "deployed of %s is %r: it must be true or false. Fix: pass e.g. "
                "'deployed': (vpc_info.vpcs | length > 0)." % (env, record.get("deployed"))
            )
    return problems


def problems_message(filter_name, problems):
    """The error message for a filter's bad input (empty string if there are no problems)."""
    if not problems:
        return ""
    return "%s: bad input (%d problem(s)):\n%s" % (filter_name, len(problems), "\n".join(problems))


# ---- Markdown -------------------------------------------------------------------------------------

TITLE = "# Payment platform: environment comparison"
NO_DRIFT = "No drift: every deployed environment matches its inventory."
NOTHING_DEPLOYED = "No drift checked: no environment is deployed, so nothing was read from AWS."


def _text(value):
    """A value as a single line of Markdown table text."""
    if value is None:
        text = "not set"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value if value.strip() else json.dumps(value)  # show '' as ""
    elif isinstance(value, (int, float)):  # a whole float is already an int (_plain)
        text = str(value)
    else:
        text = json.dumps(value, sort_keys=True, default=str)
    # '|' would end the table cell, '*' and '`' would start emphasis or code, '<' an HTML tag.
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("`", "\\`"), ("<", "&lt;")):
        text = text.replace(char, escaped)
    return " ".join(text.splitlines())


def _code(name):
    """A setting name as inline code (inside a table, '|' still needs escaping)."""
    return "`%s`" % str(name).replace("`", "'").replace("|", "\\|")


def _cell(report, row, env):
    configured = row["configured"][env]
    if not report["deployed"][env]:
        return "*%s*" % _text(configured)
    if row["drift"][env]:
        return "%s (inventory: %s) ⚠ drift" % (_text(row["live"][env]), _text(configured))
    if row["live"][env] is None and configured is not None:
        # deployed, but the setting could not be read from AWS: say so rather than imply it was checked
        return "%s (not read from AWS)" % _text(configured)
    return _text(row["values"][env])


def render_markdown(report):
    """The report as a Markdown document for a pull request."""
    envs = report["environments"]
    headers = [env if report["deployed"][env] else "%s (not deployed)" % env for env in envs]
    lines = [
        TITLE,
        "",
        "Generated at %s." % report["generated_at"],
        "",
        "Values are read from AWS for deployed environments and taken from the inventory (in italics) for "
        "environments that are not deployed.",
        "",
        "| Setting | %s | Differs |" % " | ".join(h.replace("|", "\\|") for h in headers),
        "|" + " --- |" * (len(envs) + 2),
    ]
    for row in report["settings"]:
        cells = [_cell(report, row, env) for env in envs]
        lines.append("| %s | %s | %s |" % (_code(row["setting"]), " | ".join(cells), "yes" if row["differs"] else ""))
    lines += ["", "## Drift", ""]
    if report["drift"]:
        for item in report["drift"]:
            lines.append(
                "- **%s**: %s is %s in AWS but %s in the inventory."
                % (item["environment"], _code(item["setting"]), _text(item["live"]), _text(item["configured"]))
            )
    elif any(report["deployed"].values()):
        lines.append(NO_DRIFT)
    else:
        lines.append(NOTHING_DEPLOYED)
    return "\n".join(lines) + "\n"


REPORT_KEYS = ("generated_at", "environments", "deployed", "settings", "drift")
