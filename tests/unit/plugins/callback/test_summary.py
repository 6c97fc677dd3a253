# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Callback payments.platform.summary: quieter than the default callback, counts per role, the summary at the end.

The default callback's own printing is replaced by a recorder: these tests check what this callback adds or drops.
"""
from types import SimpleNamespace

import pytest
from ansible.playbook.task_include import TaskInclude
from ansible.plugins.callback.default import CallbackModule as DefaultCallback

from ansible_collections.payments.platform.plugins.callback import summary


class Display:
    def __init__(self, verbosity=0):
        self.verbosity = verbosity
        self.lines, self.banners, self.warnings, self.deprecations = [], [], [], []

    def display(self, line, **kwargs):
        self.lines.append(line)

    def banner(self, text):
        self.banners.append(text)

    def _warning(self, warning):
        self.warnings.append(warning.event.msg)

    def _deprecated(self, deprecation):
        self.deprecations.append(deprecation.event.msg)


@pytest.fixture
def shown(monkeypatch):
    """What the default callback was asked to print, with the display_ok_hosts it saw then."""
    calls = []
    for method in ("v2_runner_on_ok", "v2_runner_item_on_ok", "v2_playbook_on_include", "v2_playbook_on_stats",
                   "_print_task_banner"):
        monkeypatch.setattr(
            DefaultCallback, method,
            lambda self, arg, method=method: calls.append((method, arg, self._plugin_options.get("display_ok_hosts"))),
        )
    monkeypatch.setattr(DefaultCallback, "v2_runner_on_failed", lambda self, arg, ignore_errors=False: calls.append(
        ("v2_runner_on_failed", arg, ignore_errors)))
    monkeypatch.setattr(DefaultCallback, "host_label", staticmethod(lambda result: result.host.get_name()))
    monkeypatch.setattr(DefaultCallback, "set_options", lambda self, **kwargs: self._plugin_options.update(
        display_ok_hosts=True, display_skipped_hosts=True, display_failed_stderr=False))
    return calls


def callback(verbosity=0):
    plugin = summary.CallbackModule()
    plugin._display = Display(verbosity)
    plugin.set_options()
    return plugin


def result(action="amazon.aws.ec2_vpc_net", role="payments.platform.vpc", changed=False, loop=None, items=None,
           host="dev-payment", task_class=None):
    task = (task_class or SimpleNamespace)()
    task.action, task.loop = action, loop
    task._role = SimpleNamespace(get_name=lambda: role) if role else None
    outcome = {"changed": changed}
    if items is not None:
        outcome["results"] = items
    return SimpleNamespace(task=task, result=outcome, host=SimpleNamespace(get_name=lambda: host))


def test_quiet_at_verbosity_0_and_as_configured_with_v(shown):
    assert callback()._plugin_options["display_ok_hosts"] is False
    assert callback()._plugin_options["display_skipped_hosts"] is False
    assert callback(verbosity=1)._plugin_options["display_ok_hosts"] is True
    assert callback(verbosity=1)._plugin_options["display_skipped_hosts"] is True


def test_counts_resources_per_host_and_role(shown):
    plugin = callback()
    plugin.v2_runner_on_ok(result(changed=True))
    plugin.v2_runner_on_ok(result(action="amazon.aws.ec2_vpc_subnet", loop=["a", "b", "c"],
                                  items=[{"changed": True}, {"changed": False}, {"skipped": True}]))
    plugin.v2_runner_on_ok(result(action="amazon.aws.ec2_vpc_net_info"))  # reads only
    plugin.v2_runner_on_ok(result(action="ansible.builtin.set_fact"))
    plugin.v2_runner_on_ok(result(role=None))  # outside any role
    # The endpoints' policies: counted only when one was set back.
    plugin.v2_runner_on_ok(result(action="payments.platform.ec2_vpc_endpoint_policy"))
    plugin.v2_runner_on_ok(result(action="payments.platform.ec2_vpc_endpoint_policy", changed=True))

    assert plugin._tally.rows("dev-payment") == [("vpc", 3, 1)]
    assert [call[0] for call in shown] == ["v2_runner_on_ok"] * 7, "every result still goes to the default callback"


def test_debug_messages_are_shown_even_when_ok_results_are_not(shown):
    plugin = callback()
    plugin.v2_runner_on_ok(result(action="ansible.builtin.debug"))
    plugin.v2_runner_item_on_ok(result(action="ansible.builtin.debug"))
    plugin.v2_runner_item_on_ok(result())

    assert [(call[0], call[2]) for call in shown] == [
        ("v2_runner_on_ok", True), ("v2_runner_item_on_ok", True), ("v2_runner_item_on_ok", False),
    ]
    assert plugin._plugin_options["display_ok_hosts"] is False, "quiet again after the message"


def test_include_banners_and_lines_only_with_v(shown):
    include = result(action="ansible.builtin.include_role", task_class=lambda: TaskInclude.__new__(TaskInclude))
    quiet, verbose = callback(), callback(verbosity=1)

    quiet.v2_runner_on_ok(include)
    quiet.v2_playbook_on_include("tasks/absent.yml")
    verbose.v2_runner_on_ok(include)
    verbose.v2_playbook_on_include("tasks/absent.yml")

    assert [call[:2] for call in shown] == [("v2_runner_on_ok", include), ("v2_playbook_on_include", "tasks/absent.yml")]


def message(msg, collection=None):
    deprecator = SimpleNamespace(resolved_name=collection) if collection else None
    return SimpleNamespace(event=SimpleNamespace(msg=msg), deprecator=deprecator)


def test_known_upstream_warnings_and_deprecations_are_dropped_the_rest_shown(shown):
    plugin = callback()
    plugin._current_task_result = SimpleNamespace(
        task=SimpleNamespace(action="amazon.aws.rds_cluster"),
        warnings=[message("Module did not set no_log for force_update_password"), message("Something real")],
        deprecations=[
            message("In a release after 2026-05-01 the 'delete_instance_profile' option will be removed.", "amazon.aws"),
            message("A real deprecation", "amazon.aws"),
            message("Deprecated by a playbook", None),
        ],
    )
    res = {"warnings": ["..."], "deprecations": ["..."], "changed": True}

    plugin._handle_warnings(res)

    assert plugin._display.warnings == ["Something real"]
    assert plugin._display.deprecations == ["A real deprecation", "Deprecated by a playbook"]
    assert res == {"changed": True}


def test_warnings_without_a_current_result_or_none_given_print_nothing(shown):
    plugin = callback()
    plugin._current_task_result = None
    plugin._handle_warnings({"warnings": ["x"], "deprecations": ["y"]})
    plugin._current_task_result = SimpleNamespace(task=SimpleNamespace(action="x"), warnings=[message("w")],
                                                  deprecations=[message("d", "amazon.aws")])
    plugin._handle_warnings({})

    assert plugin._display.warnings == [] and plugin._display.deprecations == []


def test_the_summary_follows_the_recap_for_every_host_counted_or_published(shown):
    plugin = callback()
    plugin.v2_runner_on_ok(result(changed=True))
    stats = SimpleNamespace(custom={
        "_run": {"ignored": True},
        "prod-payment": {"payment_summary": {"title": "prod (us-east-1)", "outputs": {"albDnsName": "alb"}}},
    })

    plugin.v2_playbook_on_stats(stats)

    assert shown[-1] == ("v2_playbook_on_stats", stats, False)
    assert plugin._display.banners == ["SUMMARY"]
    assert plugin._display.lines == [
        "dev-payment", "  resources    created    changed  unchanged", "  vpc                0          1          0",
        "  total              0          1          0", "",
        "prod (us-east-1)", "  outputs:", "    albDnsName  alb", "",
    ]


def test_no_summary_when_nothing_was_counted_or_published(shown):
    plugin = callback()
    plugin.v2_playbook_on_stats(SimpleNamespace(custom={}))

    assert plugin._display.banners == [] and plugin._display.lines == []


def failure(action, msg="payment_az_count is 9: ... Fix: ...", loop=None):
    failed = result(action=action, loop=loop)
    failed.task._uuid = "task-1"
    failed.result = {"failed": True, "msg": msg, "assertion": "x", "exception": "chained error"}
    return failed


def test_a_refusal_prints_its_message_once_under_its_task_banner(shown):
    plugin = callback()
    refusal = failure("ansible.builtin.assert")

    plugin.v2_runner_on_failed(refusal)
    plugin._last_task_banner = "task-1"  # the banner is printed once per task
    plugin.v2_runner_on_failed(failure("ansible.builtin.fail"), ignore_errors=True)

    assert [call[0] for call in shown] == ["_print_task_banner"]
    assert plugin._display.lines == [
        "fatal: [dev-payment]: payment_az_count is 9: ... Fix: ...",
        "fatal: [dev-payment]: payment_az_count is 9: ... Fix: ...",
        "...ignoring",
    ]


def test_other_failures_and_any_at_v_are_the_default_callbacks(shown):
    module_failure, looped = failure("amazon.aws.ec2_vpc_net"), failure("ansible.builtin.assert", loop=[1])
    callback().v2_runner_on_failed(module_failure)
    callback().v2_runner_on_failed(looped, ignore_errors=True)
    verbose = failure("ansible.builtin.assert")
    callback(verbosity=1).v2_runner_on_failed(verbose)

    assert shown == [("v2_runner_on_failed", module_failure, False), ("v2_runner_on_failed", looped, True),
                     ("v2_runner_on_failed", verbose, False)]


def test_a_censored_refusal_prints_the_notice_not_the_message(shown):
    plugin = callback()
    hidden = failure("ansible.builtin.assert")
    hidden.result = {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified"}

    plugin.v2_runner_on_failed(hidden)

    assert plugin._display.lines == ["fatal: [dev-payment]: " + hidden.result["censored"]]
