# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the payments.platform.summary callback prints at the end of a run, and the upstream deprecations it drops.

Kept apart from the callback so that it is plain data and functions, tested without a playbook.
"""
from __future__ import annotations

# Deprecations amazon.aws 10 prints on every run although this collection does what they ask or cannot act on them:
# (deprecating collection, start of the message, why it is dropped). Each goes when amazon.aws 11 is the floor:
# amazon.aws#2926 removes the iam_role options and the return value (and then `create_instance_profile` goes here).
KNOWN_DEPRECATIONS = (
    ("amazon.aws", "In a release after 2026-05-01 iam_role.assume_role_policy_document_raw will no longer be returned",
     "printed by every iam_role call, whatever its options; nothing here reads that return value (amazon.aws#2926)"),
    ("amazon.aws", "In a release after 2026-05-01 the 'delete_instance_profile' option will be removed",
     "printed unless the deprecated option itself is set; ECS roles have no instance profile (amazon.aws#2926)"),
    ("amazon.aws", "In a release after 2026-05-01 the 'create_instance_profile' option will be removed",
     "printed unless the deprecated option itself is set (amazon.aws#2926)"),
    ("amazon.aws", "The 'CamelCase' return values with key 'ResourceRecordSets' and 'list' are deprecated",
     "printed by every route53_info record_sets query, whichever key is read; this collection reads only AWS's own"
     " keys, which stay (the deprecate() call of list_resource_record_sets in amazon.aws's route53_info.py: its"
     " date, 2025-01-01, passed with amazon.aws 10 still returning both)"),
    ("ansible.builtin", "Passing `warnings` to `exit_json` or `fail_json` is deprecated",
     "how amazon.aws 10's backup_vault returns its one warning (below): ansible-core deprecates the module's way, not"
     " anything a task asks"),
)

# Module warnings about the module itself, not about what the task asked: (action, start of the message, why).
KNOWN_WARNINGS = (
    ("amazon.aws.rds_cluster", "Module did not set no_log for force_update_password",
     "a flag, not a secret: the argument spec lacks no_log=False, as rds_instance's did before community.aws#241;"
     " the tasks that pass the password itself have no_log"),
    ("amazon.aws.backup_vault", "Access Denied trying to describe backup vault",
     "printed whenever it creates a vault: AWS answers DescribeBackupVault of a vault that does not exist (yet) with"
     " AccessDeniedException, even to a caller allowed everything (amazon.aws#1436); a real denial fails the task"),
)


def is_known_deprecation(collection, message):
    """True for a deprecation of KNOWN_DEPRECATIONS: the collection that deprecates and the message's start match."""
    return any(collection == known and message.startswith(start) for known, start, dummy in KNOWN_DEPRECATIONS)


def is_known_warning(action, message):
    """True for a warning of KNOWN_WARNINGS: the task's module and the message's start match."""
    return any(action == known and message.startswith(start) for known, start, dummy in KNOWN_WARNINGS)


class Tally:
    """Per host and per role (one AWS concern each): how many resources a run changed and left unchanged.

    A looped task counts each item, since each is one resource; tasks outside a role are not counted (see
    manages_resources for which tasks are).
    """

    def __init__(self):
        self._counts = {}

    def add(self, host, role, changed):
        if not role:
            return
        row = self._counts.setdefault(host, {}).setdefault(role, {"changed": 0, "unchanged": 0})
        row["changed" if changed else "unchanged"] += 1

    def rows(self, host):
        """(role, changed, unchanged) in the order the run met the roles."""
        return [(role, row["changed"], row["unchanged"]) for role, row in self._counts.get(host, {}).items()]

    def hosts(self):
        return list(self._counts)


# Modules that manage AWS resources: a call of one is one resource (per loop item). Their *_info modules only read.
RESOURCE_COLLECTIONS = ("amazon.aws.", "community.aws.", "payments.platform.")


# Modules that set a setting of resources another task of the role already counts (the endpoint policies of the
# endpoints ec2_vpc_endpoint counts): counted only when they change something, so that a converged run counts each
# resource once and a setting put back still shows as a change.
SETTINGS_OF_COUNTED_RESOURCES = ("payments.platform.ec2_vpc_endpoint_policy",)


def manages_resources(action):
    """True for a module of RESOURCE_COLLECTIONS that writes (not an *_info one): what the summary counts."""
    return action.startswith(RESOURCE_COLLECTIONS) and not action.endswith("_info")


def counted(action, changed):
    """Whether a result of `action` (a module that manages_resources) counts in the summary."""
    return bool(changed) or action not in SETTINGS_OF_COUNTED_RESOURCES


def role_name(fqcn):
    """`payments.platform.vpc` -> `vpc`: the concern, without the collection every role of the run shares."""
    return fqcn.rsplit(".", 1)[-1] if fqcn else None


# What a change counts as, by the `changes` a run publishes: a deploy of a new environment creates, a deploy of an
# existing one changes (the modules do not say whether they created or modified), a teardown deletes.
CHANGE_KINDS = ("created", "changed", "deleted")


def count_columns(rows, changes="changed"):
    """The count table's headings and its rows `(role, counts)`, with a `total` row; each change counts as `changes`."""
    if changes not in CHANGE_KINDS:
        raise ValueError("changes must be one of %s, not %r" % (", ".join(CHANGE_KINDS), changes))
    headings = ("deleted", "unchanged") if changes == "deleted" else ("created", "changed", "unchanged")
    table = [(role, (changed, unchanged) if changes == "deleted" else
              (changed, 0, unchanged) if changes == "created" else (0, changed, unchanged))
             for role, changed, unchanged in rows]
    if table:
        table.append(("total", tuple(sum(column) for column in zip(*(counts for dummy, counts in table)))))
    return headings, table


def render(host, rows, summary):
    """The lines printed for one host: its counts, then the sections it published with set_stats as `payment_summary`.

    `summary` maps `title` to the host's heading, `changes` to what a change counts as (CHANGE_KINDS; default
    `changed`) and every other key to a section: a mapping (printed as aligned name/value lines, like Terraform's
    `Outputs:`) or a list (one line per item).
    """
    summary = summary or {}
    lines = [summary.get("title") or host]
    headings, table = count_columns(rows, summary.get("changes") or "changed")
    if table:
        width = max(len(role) for role, dummy in table + [("resources", ())])
        lines.append("  %-*s" % (width, "resources") + "".join("  %9s" % heading for heading in headings))
        lines.extend("  %-*s" % (width, role) + "".join("  %9d" % count for count in counts) for role, counts in table)
    for section, content in summary.items():
        if section in ("title", "changes") or not content:
            continue
        lines.append("  %s:" % section)
        if isinstance(content, dict):
            width = max((len(str(name)) for name in content), default=0)
            lines.extend("    %-*s  %s" % (width, name, ", ".join(map(str, value)) if isinstance(value, list) else value)
                         for name, value in content.items())
        else:
            lines.extend("    %s" % item for item in content)
    return lines
