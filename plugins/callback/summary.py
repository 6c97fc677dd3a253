# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Callback payments.platform.summary: ansible's default output, quieter, ending with a summary per environment."""
from __future__ import annotations

DOCUMENTATION = r"""
name: summary
type: stdout
author:
  - Payments platform team (@payments-platform)
version_added: "1.1.0"
short_description: Only what changed or failed, then a summary per environment
description:
  - ansible's default output (M(ansible.builtin.default) callback) with two differences.
  - At verbosity 0, a failed M(ansible.builtin.assert) or M(ansible.builtin.fail) task (a refusal, such as the
    pre-flight's) prints its message once, without ansible-core's error summary around it.
  - At verbosity 0, tasks that changed nothing, skipped tasks and the lines naming included task files are not printed; C(-v) prints
    them as the default callback does. O(display_ok_hosts) and O(display_skipped_hosts) then apply as usual.
  - After the recap, a summary per host (one environment each) counts, per role (one AWS concern each), the
    resources the run created, changed or deleted and those it left unchanged, with a total. The modules do not say
    whether a call created or modified its resource, so the host says what a change counts as, with C(changes) in
    its C(payment_summary) (C(created) for a new environment, C(changed), the default, or C(deleted)).
  - The counts are followed by the sections the host published with M(ansible.builtin.set_stats) as
    C(payment_summary) (per host), that is C(title), then mappings (printed as aligned name/value lines) or lists.
  - Known upstream deprecations and module warnings that this collection cannot act on (listed with their upstream
    issue in C(plugins/plugin_utils/run_summary.py)) are not printed; every other warning and deprecation is.
  - For ansible's own output, set E(ANSIBLE_STDOUT_CALLBACK=ansible.builtin.default).
extends_documentation_fragment:
  - default_callback
  - result_format_callback
requirements:
  - set as stdout callback in configuration (this collection's C(ansible.cfg) does)
"""

from ansible import constants as C
from ansible.playbook.task_include import TaskInclude
from ansible.plugins.callback.default import CallbackModule as DefaultCallback

from ansible_collections.payments.platform.plugins.plugin_utils import run_summary

DEBUG_ACTIONS = frozenset(("debug", "ansible.builtin.debug", "ansible.legacy.debug"))
# A failed assert or fail task is a refusal whose message says it all: printed once, without the error's chain.
REFUSAL_ACTIONS = frozenset(
    f"{prefix}{name}" for prefix in ("", "ansible.builtin.", "ansible.legacy.") for name in ("assert", "fail")
)


class CallbackModule(DefaultCallback):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "payments.platform.summary"

    def __init__(self):
        super().__init__()
        self._tally = run_summary.Tally()

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        if self._display.verbosity == 0:
            # Quiet by default: what changed or failed, and the summary. -v restores every line.
            self._plugin_options["display_ok_hosts"] = False
            self._plugin_options["display_skipped_hosts"] = False

    def _count(self, result):
        if not run_summary.manages_resources(result.task.action) or not run_summary.counted(
                result.task.action, result.result.get("changed", False)):
            return
        role = result.task._role
        name = run_summary.role_name(role.get_name() if role else None)
        items = result.result.get("results") if result.task.loop else None
        if items is None:
            self._tally.add(result.host.get_name(), name, result.result.get("changed", False))
        else:
            for item in items:
                if not item.get("skipped"):
                    self._tally.add(result.host.get_name(), name, item.get("changed", False))

    def _shown(self, result):
        """A debug task's message is meant to be read: shown even when tasks that changed nothing are not."""
        return result.task.action in DEBUG_ACTIONS and not self.get_option("display_ok_hosts")

    def _show_ok(self, show, result):
        self._plugin_options["display_ok_hosts"] = True
        try:
            show(result)
        finally:
            self._plugin_options["display_ok_hosts"] = False

    def v2_runner_on_ok(self, result):
        self._count(result)
        if isinstance(result.task, TaskInclude) and not self._display.verbosity:
            return  # an include's banner, with nothing under it
        if self._shown(result):
            self._show_ok(super().v2_runner_on_ok, result)
        else:
            super().v2_runner_on_ok(result)

    def v2_runner_item_on_ok(self, result):
        if self._shown(result):
            self._show_ok(super().v2_runner_item_on_ok, result)
        else:
            super().v2_runner_item_on_ok(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if result.task.action not in REFUSAL_ACTIONS or result.task.loop or self._display.verbosity:
            super().v2_runner_on_failed(result, ignore_errors)
            return
        if self._last_task_banner != result.task._uuid:
            self._print_task_banner(result.task)
        self._display.display(
            # A no_log task's result is censored before it reaches a callback: its notice, never the message.
            "fatal: [%s]: %s" % (self.host_label(result), result.result.get("msg", result.result.get("censored", ""))),
            color=C.COLOR_ERROR, stderr=self.get_option("display_failed_stderr"),
        )
        if ignore_errors:
            self._display.display("...ignoring", color=C.COLOR_SKIP)

    def v2_playbook_on_include(self, included_file):
        if self._display.verbosity:
            super().v2_playbook_on_include(included_file)

    def _handle_warnings(self, res):
        current = self._current_task_result
        if res.pop("warnings", None) and current:
            for warning in current.warnings:
                if not run_summary.is_known_warning(current.task.action, warning.event.msg):
                    self._display._warning(warning)
        if res.pop("deprecations", None) and current:
            for deprecation in current.deprecations:
                deprecator = deprecation.deprecator.resolved_name if deprecation.deprecator else None
                if not run_summary.is_known_deprecation(deprecator, deprecation.event.msg):
                    self._display._deprecated(deprecation)

    def v2_playbook_on_stats(self, stats):
        super().v2_playbook_on_stats(stats)
        hosts = sorted(set(self._tally.hosts()) | set(stats.custom) - {"_run"})
        if not hosts:
            return
        self._display.banner("SUMMARY")
        for host in hosts:
            summary = stats.custom.get(host, {}).get("payment_summary")
            for line in run_summary.render(host, self._tally.rows(host), summary):
                self._display.display(line)
            self._display.display("")
