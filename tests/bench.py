#!/usr/bin/env python

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark of deploy, converged re-run and teardown (`make bench`; a script, not a pytest test).

For each scenario (one environment: dev; all three in one run) and each strategy (ansible-core's
default `linear`, then Mitogen's opt-in `mitogen_linear`), on a fresh emulator of its own
(tests/emulator.py, started by conftest's Emulator with moto's request recorder on):

    deploy (site.yml) -> converged re-run (site.yml again) -> teardown (playbooks/teardown.yml)

and for every run records wall time, the PLAY RECAP counts (changed, ok, ...), module executions
(per task and per module, from a small callback plugin this script writes to a temporary folder)
and the read and write API calls the emulator received, per action and per task (the callback
sends a marker request to the emulator at the start of every task, so the request log splits into
tasks). Writes reports/bench.json and prints a table plus the two targets of issue 8:

  * converged re-run: 0 write calls and at most 3 read calls per managed resource;
  * three environments in one run within 1.6x the wall time of one.

Each scenario starts as a new account does: the shared registry (playbooks/registry.yml) and a placeholder
image pushed to it, not timed, before the deploy.

The rehearsal scenarios (issue 12) run the default strategy on an emulator in rehearsal mode
(tests/rehearsal.py, --rehearsal SCALE seconds per AWS minute, 10 by default), where AWS's time dominates:
the first deploy's wall time is divided by the simulated critical path (an Aurora cluster, then one instance:
14 AWS minutes). Targets: at most 1.2 for dev, 1.3 for all three. The teardown's wall time is reported in AWS
minutes. The roles' poll intervals are scaled with the clock (a look every 15 AWS seconds).

A managed resource is one AWS object that the first deploy created: one of its Create*/Register*
calls (CreateTags and CreateRoute excepted: tags and routes belong to another resource), a
PutMetricAlarm, PutScalingPolicy or PutRolePolicy (alarm, scaling policy, inline policy), or a
Route 53 hosted zone or record set creation.

    .venv/bin/python tests/bench.py                      # everything (~15-25 min on 2 cores)
    .venv/bin/python tests/bench.py --scenarios one --no-mitogen    # quick iteration
"""

import argparse
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import (ANSIBLE_PLAYBOOK, HOME_REGION, REPO, Emulator, action_of, aws_clients,  # noqa: E402
                      emulator_environment, push_image, writes, POLL_DELAYS)

SCENARIOS = {"one": ["dev"], "three": ["dev", "staging", "prod"],
             "rehearsal-one": ["dev"], "rehearsal-three": ["dev", "staging", "prod"]}
# The simulated critical path of a first deploy, in AWS minutes (the rehearsal's Aurora cluster, then one instance).
CRITICAL_PATH_MINUTES = 4 + 10
MAX_OVER_CRITICAL_PATH = {"rehearsal-one": 1.2, "rehearsal-three": 1.3}
PHASES = ("deploy", "rerun", "teardown")
MAX_READS_PER_RESOURCE = 3
MAX_THREE_OVER_ONE = 1.6
# Actions that create one managed resource (see the module docstring).
CREATES = re.compile(
    r"^(Create(?!Tags$|Route$)\w+|Register\w+|PutMetricAlarm|PutScalingPolicy|PutRolePolicy"
    r"|POST /2013-04-01/hostedzone/?|POST /2013-04-01/hostedzone/[^/]+/rrset/?)$"
)
# Modules (one fresh Python each on the default strategy) as opposed to action plugins run in the
# controller (set_fact, assert, include_*...). Every module of these collections calls AWS.
AWS_COLLECTIONS = ("amazon.aws.", "community.aws.", "payments.platform.")
CONTROLLER_ACTIONS = {
    "set_fact", "assert", "debug", "fail", "meta", "include_tasks", "import_tasks", "include_role",
    "import_role", "include_vars", "validate_argument_spec", "add_host", "group_by", "pause", "set_stats",
}
STRATEGY_LABELS = {"default": "linear (default)", "mitogen": "mitogen_linear"}

# The callback plugin: per task, the start and end time, the action and, per host, the status and
# how many times the module ran (loop items that were not skipped); a marker request to the
# emulator at every task start splits the request log into tasks.
CALLBACK = '''
import json
import os
import time
import urllib.request

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_probe
type: aggregate
short_description: per-task timings, module executions and request-log markers for tests/bench.py
description: written and enabled by tests/bench.py only.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_probe"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._marker_url = os.environ.get("BENCH_MARKER_URL")
        self._out = os.environ.get("BENCH_TASKS_FILE")
        self._tasks = []
        self._by_uuid = {}
        self._play = None

    def _close(self):
        if self._tasks and self._tasks[-1]["end"] is None:
            self._tasks[-1]["end"] = time.monotonic()

    def v2_playbook_on_play_start(self, play):
        self._close()
        self._play = play.get_name()

    def _start(self, task):
        self._close()
        index = len(self._tasks)
        if self._marker_url:
            urllib.request.urlopen(self._marker_url + "/moto-api/?bench_task=%d" % index, timeout=30).read()
        entry = {
            "index": index,
            "play": self._play,
            "name": task.get_name(),
            "action": task.action,
            "loop": task.loop is not None,
            "start": time.monotonic(),
            "end": None,
            "hosts": {},
        }
        self._tasks.append(entry)
        self._by_uuid[task._uuid] = entry

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def _result(self, result, status):
        entry = self._by_uuid.get(result._task._uuid)
        if entry is None:
            return
        res = result._result if isinstance(result._result, dict) else {}
        items = res.get("results")
        if isinstance(items, list):
            executions = sum(1 for item in items if isinstance(item, dict) and not item.get("skipped"))
        else:
            executions = 0 if status == "skipped" else 1
        entry["hosts"][result._host.get_name()] = {
            "status": status,
            "changed": bool(res.get("changed")),
            "executions": executions,
        }

    def v2_runner_on_ok(self, result):
        self._result(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._result(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._result(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._close()
        if self._out:
            with open(self._out, "w") as out:
                json.dump(self._tasks, out)
'''


def mitogen_strategy_dir():
    """The strategy plugin folder of the installed ansible_mitogen, or None."""
    spec = importlib.util.find_spec("ansible_mitogen")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "plugins" / "strategy"
    return str(folder) if (folder / "mitogen_linear.py").exists() else None


def package_version(name):
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001 - only informative
        return None


def is_write(action):
    return bool(writes([action]))


def scope_of(request):
    """(region, service) from the SigV4 credential scope (empty strings for an unsigned request)."""
    auth = (request.get("headers") or {}).get("Authorization", "")
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/", auth)
    return (match.group(1), match.group(2)) if match else ("", "")


# Route 53 is a REST API: conftest's action_of names its calls by method and path.
ROUTE53_REST = [
    (re.compile(r"^GET /2013-04-01/hostedzone/[^/]+/rrset/?$"), "ListResourceRecordSets"),
    (re.compile(r"^POST /2013-04-01/hostedzone/[^/]+/rrset/?$"), "ChangeResourceRecordSets"),
    (re.compile(r"^GET /2013-04-01/hostedzone/[^/]+/?$"), "GetHostedZone"),
    (re.compile(r"^DELETE /2013-04-01/hostedzone/[^/]+/?$"), "DeleteHostedZone"),
    (re.compile(r"^GET /2013-04-01/hostedzone/?$"), "ListHostedZones"),
    (re.compile(r"^POST /2013-04-01/hostedzone/?$"), "CreateHostedZone"),
    (re.compile(r"^GET /2013-04-01/hostedzonesbyname/?$"), "ListHostedZonesByName"),
    (re.compile(r"^GET /2013-04-01/tags/hostedzone/[^/]+/?$"), "ListTagsForResource"),
    (re.compile(r"^POST /2013-04-01/tags/hostedzone/[^/]+/?$"), "ChangeTagsForResource"),
    (re.compile(r"^POST /2013-04-01/tags/hostedzone/?$"), "ListTagsForResources"),
    (re.compile(r"^POST /2013-04-01/hostedzone/[^/]+/(dis)?associatevpc/?$"), "AssociateVPCWithHostedZone"),
]


def label_of(action, service):
    """service:Action, e.g. ec2:DescribeSubnets or route53:ListResourceRecordSets."""
    for pattern, name in ROUTE53_REST:
        if pattern.match(action):
            return f"route53:{name}"
    return f"{service}:{action}" if service else action


def read_recording(log):
    """[(task index or None, action, label, dedup key)] of every AWS call in the last recording, in order:
    the action as conftest's action_of names it (for read/write), a service:Action label, and what
    makes two reads the same read."""
    calls, task = [], None
    if not log.exists():
        return calls
    for line in log.read_text().splitlines():
        if not line.strip():
            continue
        request = json.loads(line)
        url = urllib.parse.urlsplit(request.get("url", ""))
        if url.path.startswith("/moto-api"):
            marker = urllib.parse.parse_qs(url.query).get("bench_task")
            if marker:
                task = int(marker[0])
            continue
        action = action_of(request)
        if not action:
            continue
        region, service = scope_of(request)
        label = label_of(action, service)
        key = (label, region, url.path, url.query, request.get("body") or "")
        calls.append((task, action, label, key))
    return calls


def classify(action):
    if action.startswith(AWS_COLLECTIONS):
        return "aws"
    if action.split(".")[-1] in CONTROLLER_ACTIONS:
        return "controller"
    return "other"


def analyse(tasks, calls):
    """Per-task and per-module figures of one run."""
    per_task_calls = defaultdict(list)
    for task, action, label, _key in calls:
        per_task_calls[task].append((action, label))
    rows, executions_by_module = [], Counter()
    totals = Counter()
    for task in tasks:
        actions = per_task_calls.get(task["index"], [])
        executions = sum(h["executions"] for h in task["hosts"].values())
        kind = classify(task["action"])
        if kind != "controller":
            totals[f"{kind}_module_executions"] += executions
            if executions:
                executions_by_module[task["action"]] += executions
        reads = [label for action, label in actions if not is_write(action)]
        rows.append({
            "index": task["index"],
            "play": task["play"],
            "task": task["name"],
            "action": task["action"],
            "kind": kind,
            "seconds": round((task["end"] or task["start"]) - task["start"], 2),
            "hosts": len(task["hosts"]),
            "executions": executions if kind != "controller" else 0,
            "changed_hosts": sum(1 for h in task["hosts"].values() if h["changed"]),
            "reads": len(reads),
            "writes": len(actions) - len(reads),
            "calls": dict(Counter(label for _action, label in actions).most_common()),
        })
    names = {t["index"]: t["name"] for t in tasks}
    # The same read (same action, region, URL and body) made more than once in one run.
    seen = defaultdict(list)
    for task, action, _label, key in calls:
        if not is_write(action):
            seen[key].append(task)
    repeated = []
    for key, where in seen.items():
        if len(where) > 1:
            repeated.append({
                "action": key[0],
                "region": key[1],
                "count": len(where),
                "tasks": dict(Counter(names.get(t, "(before the first task)") for t in where).most_common()),
            })
    repeated.sort(key=lambda r: (-r["count"], r["action"]))
    return {
        "repeated_reads_total": sum(r["count"] - 1 for r in repeated),
        "aws_module_executions": totals["aws_module_executions"],
        "other_module_executions": totals["other_module_executions"],
        "executions_by_module": dict(executions_by_module.most_common()),
        # Tasks that ran a module or called AWS (set_fact, assert... without a call are left out).
        "tasks": [r for r in rows if r["executions"] or r["reads"] or r["writes"] or r["kind"] != "controller"],
        "repeated_reads": repeated[:30],
        "calls_before_first_task": len(per_task_calls.get(None, [])),
    }


def recap(output):
    counts = {}
    for key in ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"):
        counts[key] = sum(int(n) for n in re.findall(rf"\s{key}=(\d+)", output))
    return counts


def leftovers_of(emulator, envs):
    """What the teardown left behind, per environment (tests/integration/test_zz_teardown.py's check)."""
    try:
        sys.path.insert(0, str(REPO / "tests" / "integration"))
        from test_zz_teardown import leftovers
    except Exception as exc:  # noqa: BLE001 - the check is informative only
        return {"error": f"could not import the leftovers check: {exc}"}

    aws = aws_clients(emulator.url)
    found = {}
    try:
        for env in envs:
            left = leftovers(aws, env)
            if left:
                found[env] = {kind: len(items) for kind, items in left.items()}
        if "dev" in envs and aws("ecr", "dev").describe_repositories()["repositories"]:
            found["shared"] = {"ecr repositories": 1}
    except Exception as exc:  # noqa: BLE001 - the check is informative only
        return {"error": f"the leftovers check failed: {exc}"}
    return found


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="payment-bench-"))
        (self.work / "callback_plugins").mkdir()
        (self.work / "callback_plugins" / "bench_probe.py").write_text(CALLBACK)
        self.report_dir = self.work / "reports"
        self.logs = self.work / "logs"
        self.logs.mkdir()

    def env(self, emulator, strategy, tasks_file):
        env = emulator_environment(emulator.url)
        for var in ("ANSIBLE_STRATEGY", "ANSIBLE_STRATEGY_PLUGINS"):
            env.pop(var, None)
        env.update(
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_CALLBACK_PLUGINS=str(self.work / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED=",".join(
                filter(None, [os.environ.get("ANSIBLE_CALLBACKS_ENABLED"), "bench_probe"])
            ),
            BENCH_MARKER_URL=emulator.url,
            BENCH_TASKS_FILE=str(tasks_file),
        )
        if strategy == "mitogen":
            env.update(ANSIBLE_STRATEGY_PLUGINS=self.mitogen_dir, ANSIBLE_STRATEGY="mitogen_linear")
        return env

    def extra_vars(self, scenario):
        if not scenario.startswith("rehearsal"):
            return []
        delay = max(1, round(self.args.rehearsal / 4))
        return ["-e", json.dumps(dict.fromkeys(POLL_DELAYS, delay))]

    def prepare(self, emulator, scenario, envs):
        """As on a new account: the shared registry, then an image pushed to it (not measured)."""
        cmd = [ANSIBLE_PLAYBOOK, "playbooks/registry.yml", *self.extra_vars(scenario)]
        for env in envs:
            cmd += ["-i", f"inventories/{env}"]
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800, check=False,
                              env=emulator_environment(emulator.url, dict(os.environ, ANSIBLE_NOCOLOR="1")))
        if proc.returncode != 0:
            raise RuntimeError(f"the registry could not be prepared:\n{(proc.stdout + proc.stderr)[-3000:]}")
        push_image(emulator.url, HOME_REGION, "latest")

    def run(self, emulator, strategy, scenario, phase, envs):
        playbook = "playbooks/teardown.yml" if phase == "teardown" else "site.yml"
        cmd = [ANSIBLE_PLAYBOOK, playbook, *self.extra_vars(scenario)]
        for env in envs:
            cmd += ["-i", f"inventories/{env}"]
        if phase == "teardown":
            # Each host confirms its own environment (the extra var is templated per host).
            cmd += ["-e", json.dumps({"payment_teardown_confirm": "{{ payment_environment }}"})]
        else:
            # Keep the bench's outputs out of reports/, which `make demo` and the tests use.
            cmd += ["-e", json.dumps({"payment_report_dir": str(self.report_dir)})]
        tasks_file = self.work / f"tasks-{strategy}-{scenario}-{phase}.json"
        load_before = os.getloadavg()
        emulator.start_recording()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=3600, check=False,
                              env=self.env(emulator, strategy, tasks_file))
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU of ansible-playbook and everything it started (workers, modules, Mitogen interpreters), not the
        # emulator's: far less sensitive than wall time to other jobs on the machine.
        cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
        actions = emulator.stop_recording()
        load_after = os.getloadavg()
        output = proc.stdout + proc.stderr
        log = self.logs / f"{strategy}-{scenario}-{phase}.log"
        log.write_text(output)
        tasks = json.loads(tasks_file.read_text()) if tasks_file.exists() else []
        calls = read_recording(emulator.log)
        write_calls = writes(actions)
        labels = Counter(label for _task, action, label, _key in calls if not is_write(action))
        write_labels = Counter(label for _task, action, label, _key in calls if is_write(action))
        result = {
            "command": " ".join(cmd[1:]),
            "rc": proc.returncode,
            "wall_seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "recap": recap(output),
            "reads": len(actions) - len(write_calls),
            "writes": len(write_calls),
            "read_actions": dict(labels.most_common()),
            "write_actions": dict(write_labels.most_common()),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in load_after],
            "deprecation_warning": "strategy plugins not included in ansible.builtin" in output,
            "log": str(log),
        }
        result.update(analyse(tasks, calls))
        if phase == "deploy":
            result["created_resources"] = dict(
                Counter(label for _task, action, label, _key in calls if is_write(action) and CREATES.match(action)).most_common()
            )
        if phase == "teardown":
            result["leftovers"] = leftovers_of(emulator, envs)
        status = "ok" if proc.returncode == 0 else f"FAILED rc={proc.returncode} (log: {log})"
        print(f"  {phase:<8} {wall:7.1f}s (cpu {cpu:6.1f}s)  changed={result['recap']['changed']:<3} reads={result['reads']:<4} "
              f"writes={result['writes']:<4} aws module runs={result['aws_module_executions']:<4} "
              f"load={load_before[0]:.2f}  {status}", flush=True)
        if proc.returncode != 0:
            print(output[-3000:], file=sys.stderr)
        return result

    def scenario(self, strategy, scenario):
        envs = SCENARIOS[scenario]
        print(f"{STRATEGY_LABELS[strategy]}, {scenario} environment(s) ({', '.join(envs)}), fresh emulator:", flush=True)
        folder = self.work / f"emulator-{strategy}-{scenario}"
        folder.mkdir()
        rehearsal = scenario.startswith("rehearsal")
        emulator = Emulator(folder, rehearsal=self.args.rehearsal if rehearsal else None)
        try:
            emulator.reset()
            emulator.import_certificates()
            self.prepare(emulator, scenario, envs)
            runs = {}
            for phase in PHASES:
                runs[phase] = self.run(emulator, strategy, scenario, phase, envs)
                if runs[phase]["rc"] != 0 and not self.args.keep_going:
                    break
        finally:
            emulator.stop()
        resources = sum(runs["deploy"].get("created_resources", {}).values())
        summary = {"environments": envs, "managed_resources": resources, "phases": runs}
        if "rerun" in runs and resources:
            summary["rerun_reads_per_resource"] = round(runs["rerun"]["reads"] / resources, 2)
        if rehearsal:
            scale = self.args.rehearsal
            summary["rehearsal"] = {
                "seconds_per_aws_minute": scale,
                "critical_path_seconds": CRITICAL_PATH_MINUTES * scale,
                "deploy_over_critical_path": round(runs["deploy"]["wall_seconds"] / (CRITICAL_PATH_MINUTES * scale), 2),
                "deploy_aws_minutes": round(runs["deploy"]["wall_seconds"] / scale, 1),
            }
            if "teardown" in runs:
                summary["rehearsal"]["teardown_aws_minutes"] = round(runs["teardown"]["wall_seconds"] / scale, 1)
        return summary

    def main(self):
        args = self.args
        strategies = ["default"] + ([] if args.no_mitogen else ["mitogen"])
        self.mitogen_dir = mitogen_strategy_dir()
        results = {
            "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
                "ansible_core": package_version("ansible-core"),
                "ansible": package_version("ansible"),
                "moto": package_version("moto"),
                "boto3": package_version("boto3"),
                "mitogen": package_version("mitogen"),
            },
            "definitions": {
                "managed_resources": "AWS objects the first deploy created: its Create*/Register* calls (not CreateTags or "
                "CreateRoute), PutMetricAlarm, PutScalingPolicy, PutRolePolicy, and Route 53 CreateHostedZone and "
                "ChangeResourceRecordSets calls",
                "write": "an API call whose action does not start with Describe/List/Get/Head/Search/Lookup/BatchGet/"
                "BatchCheck (tests/conftest.py writes())",
                "aws_module_executions": "module runs of amazon.aws, community.aws and payments.platform tasks (one per host, "
                "one per loop item that was not skipped); each is a fresh Python importing boto3 on the default strategy",
                "changed": "sum of changed= over the hosts of the PLAY RECAP",
            },
            "targets": {
                "rerun_writes": 0,
                "rerun_reads_per_resource_max": MAX_READS_PER_RESOURCE,
                "three_over_one_wall_max": MAX_THREE_OVER_ONE,
            },
            "strategies": {},
        }
        if "mitogen" in strategies and self.mitogen_dir is None:
            results["mitogen_error"] = "ansible_mitogen is not installed in this Python (pip install mitogen)"
            strategies.remove("mitogen")
        for strategy in strategies:
            # AWS's time dominates a rehearsal: the default strategy is enough there.
            scenarios = [s for s in args.scenarios if strategy == "default" or not s.startswith("rehearsal")]
            results["strategies"][strategy] = {
                "label": STRATEGY_LABELS[strategy],
                "scenarios": {scenario: self.scenario(strategy, scenario) for scenario in scenarios},
            }
        results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["checks"] = checks(results)
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        print_report(results)
        print(f"\nWritten: {output} (playbook logs: {self.logs})")
        # Keep the playbook logs only (the request logs are large).
        for path in self.work.iterdir():
            if path != self.logs:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
        return 1 if any(c["status"] == "FAIL" and (c["fatal"] or args.strict) for c in results["checks"]) else 0


def checks(results):
    """The targets and the correctness conditions, each PASS or FAIL (fatal ones fail `make bench`)."""
    out = []

    def add(name, ok, detail, fatal):
        out.append({"check": name, "status": "PASS" if ok else "FAIL", "detail": detail, "fatal": fatal})

    for strategy, data in results["strategies"].items():
        label = data["label"]
        scenarios = data["scenarios"]
        for scenario, s in scenarios.items():
            runs = s["phases"]
            for phase, run in runs.items():
                add(f"{label}, {scenario}: {phase} succeeds", run["rc"] == 0, f"rc={run['rc']}", True)
            if "rerun" in runs:
                rerun = runs["rerun"]
                add(f"{label}, {scenario}: converged re-run changes nothing", rerun["recap"]["changed"] == 0,
                    f"changed={rerun['recap']['changed']}", True)
                add(f"{label}, {scenario}: converged re-run makes 0 writes", rerun["writes"] == 0,
                    f"{rerun['writes']} writes {rerun['write_actions'] or ''}".strip(), True)
                rpr = s.get("rerun_reads_per_resource")
                add(f"{label}, {scenario}: re-run reads <= {MAX_READS_PER_RESOURCE} per managed resource",
                    rpr is not None and rpr <= MAX_READS_PER_RESOURCE,
                    f"{rerun['reads']} reads / {s['managed_resources']} resources = {rpr}", False)
            if "teardown" in runs and runs["teardown"]["rc"] == 0 and runs["teardown"].get("leftovers"):
                add(f"{label}, {scenario}: teardown leaves nothing", False, json.dumps(runs["teardown"]["leftovers"]), True)
            if "rehearsal" in s:
                r, most = s["rehearsal"], MAX_OVER_CRITICAL_PATH[scenario]
                add(f"{label}, {scenario}: first deploy within {most}x the critical path", r["deploy_over_critical_path"] <= most,
                    f"{runs['deploy']['wall_seconds']:.1f}s / {r['critical_path_seconds']}s = {r['deploy_over_critical_path']}x "
                    f"({r['deploy_aws_minutes']} AWS minutes); teardown {r.get('teardown_aws_minutes', '-')} AWS minutes", False)
        if "one" in scenarios and "three" in scenarios:
            for phase in PHASES:
                one = scenarios["one"]["phases"].get(phase)
                three = scenarios["three"]["phases"].get(phase)
                if one and three:
                    ratio = three["wall_seconds"] / one["wall_seconds"]
                    cpu_ratio = three["cpu_seconds"] / one["cpu_seconds"] if one["cpu_seconds"] else 0
                    add(f"{label}: three environments within {MAX_THREE_OVER_ONE}x of one ({phase})",
                        ratio <= MAX_THREE_OVER_ONE,
                        f"{three['wall_seconds']:.1f}s / {one['wall_seconds']:.1f}s = {ratio:.2f}x "
                        f"(CPU {cpu_ratio:.2f}x, load {one['loadavg_before'][0]:.1f} / {three['loadavg_before'][0]:.1f})", False)
    return out


def print_report(results):
    strategies = results["strategies"]
    print("\n## Benchmark\n")
    m = results["machine"]
    print(f"{m['cpus']} CPUs, load average at start {m['loadavg_at_start']}, at end {m['loadavg_at_end']}; "
          f"ansible-core {m['ansible_core']}, moto {m['moto']}, mitogen {m['mitogen']}\n")
    header = ["strategy", "environments", "phase", "wall s", "CPU s", "changed", "ok", "AWS module runs", "reads",
              "writes", "load 1m"]
    rows = []
    for data in strategies.values():
        for scenario, s in data["scenarios"].items():
            for phase, run in s["phases"].items():
                rows.append([data["label"], f"{scenario} ({len(s['environments'])})", phase,
                             f"{run['wall_seconds']:.1f}" + ("" if run["rc"] == 0 else " FAILED"), f"{run['cpu_seconds']:.1f}",
                             str(run["recap"]["changed"]), str(run["recap"]["ok"]), str(run["aws_module_executions"]),
                             str(run["reads"]), str(run["writes"]), f"{run['loadavg_before'][0]:.2f}"])
    print_table(header, rows)

    print("\nManaged resources (created by the first deploy) and converged re-run reads per resource:\n")
    rows = []
    for data in strategies.values():
        for scenario, s in data["scenarios"].items():
            rerun = s["phases"].get("rerun")
            rows.append([data["label"], scenario, str(s["managed_resources"]),
                         str(rerun["reads"]) if rerun else "-", str(s.get("rerun_reads_per_resource", "-"))])
    print_table(["strategy", "environments", "resources", "re-run reads", "reads/resource"], rows)

    ratios = []
    for scenario in ("one", "three"):
        for phase in PHASES:
            try:
                d = strategies["default"]["scenarios"][scenario]["phases"][phase]["wall_seconds"]
                g = strategies["mitogen"]["scenarios"][scenario]["phases"][phase]["wall_seconds"]
            except KeyError:
                continue
            dc = strategies["default"]["scenarios"][scenario]["phases"][phase]["cpu_seconds"]
            gc = strategies["mitogen"]["scenarios"][scenario]["phases"][phase]["cpu_seconds"]
            ratios.append([scenario, phase, f"{d:.1f}", f"{g:.1f}", f"{g / d:.2f}", f"{gc / dc:.2f}"])
    for scenario in ("one", "three"):
        try:
            d = sum(r["wall_seconds"] for r in strategies["default"]["scenarios"][scenario]["phases"].values())
            g = sum(r["wall_seconds"] for r in strategies["mitogen"]["scenarios"][scenario]["phases"].values())
        except KeyError:
            continue
        dc = sum(r["cpu_seconds"] for r in strategies["default"]["scenarios"][scenario]["phases"].values())
        gc = sum(r["cpu_seconds"] for r in strategies["mitogen"]["scenarios"][scenario]["phases"].values())
        ratios.append([scenario, "all three phases", f"{d:.1f}", f"{g:.1f}", f"{g / d:.2f}", f"{gc / dc:.2f}"])
    if ratios:
        print("\nMitogen (mitogen_linear) against the default strategy, wall time:\n")
        print_table(["environments", "phase", "default s", "mitogen s", "mitogen/default (wall)", "(CPU)"], ratios)
    if results.get("mitogen_error"):
        print(f"\nMitogen not measured: {results['mitogen_error']}")

    rows = [[scenario, str(s["rehearsal"]["seconds_per_aws_minute"]), f"{s['phases']['deploy']['wall_seconds']:.1f}",
             str(s["rehearsal"]["critical_path_seconds"]), str(s["rehearsal"]["deploy_over_critical_path"]),
             str(s["rehearsal"]["deploy_aws_minutes"]), str(s["rehearsal"].get("teardown_aws_minutes", "-"))]
            for data in strategies.values() for scenario, s in data["scenarios"].items() if "rehearsal" in s]
    if rows:
        print("\nRehearsal (AWS's timing): first deploy against the critical path (cluster + one instance, "
              f"{CRITICAL_PATH_MINUTES} AWS minutes):\n")
        print_table(["environments", "s per AWS min", "deploy s", "critical path s", "deploy / critical path",
                     "deploy AWS min", "teardown AWS min"], rows)

    default = strategies.get("default") or next(iter(strategies.values()), None)
    if default:
        for scenario, s in default["scenarios"].items():
            rerun = s["phases"].get("rerun")
            if not rerun:
                continue
            print(f"\nConverged re-run, {scenario} ({', '.join(s['environments'])}), {default['label']}: read calls per action\n")
            print_table(["action", "calls"], [[a, str(n)] for a, n in rerun["read_actions"].items()])
            print(f"\nConverged re-run, {scenario}: tasks that run a module or call AWS (module runs, reads, seconds)\n")
            rows = [[t["task"].replace("payments.platform.", ""), t["action"].split(".")[-1], str(t["executions"]),
                     str(t["reads"]), f"{t['seconds']:.1f}", ", ".join(f"{a.split(':')[-1]} {n}" for a, n in t["calls"].items())]
                    for t in rerun["tasks"] if t["executions"] or t["reads"] or t["writes"]]
            print_table(["task", "module", "runs", "reads", "s", "calls"], rows)
            if rerun["repeated_reads"]:
                print("\nThe same read (same request) made more than once in the run:\n")
                print_table(["read", "region", "times", "by"],
                            [[r["action"], r["region"], str(r["count"]),
                              "; ".join(f"{t.replace('payments.platform.', '')} x{n}" for t, n in r["tasks"].items())]
                             for r in rerun["repeated_reads"][:15]])
            break  # the one-environment figures are enough on screen; bench.json has them all

    print("\nTargets and checks:\n")
    for c in results["checks"]:
        print(f"  {c['status']}  {c['check']}: {c['detail']}")


def print_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)] if rows else [len(h) for h in header]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--scenarios", default="one,three,rehearsal-one,rehearsal-three",
                        help="comma-separated: one (dev), three (dev, staging, prod), rehearsal-one, rehearsal-three "
                        "(the same in rehearsal mode); default all")
    parser.add_argument("--rehearsal", type=float, default=10.0,
                        help="seconds per AWS minute of the rehearsal scenarios (default 10: AWS's time dominates)")
    parser.add_argument("--no-mitogen", action="store_true", help="measure the default strategy only")
    parser.add_argument("--output", default=str(REPO / "reports" / "bench.json"))
    parser.add_argument("--strict", action="store_true",
                        help="also fail (exit 1) on the reads-per-resource and wall-time targets")
    parser.add_argument("--keep-going", action="store_true", help="run the later phases after a failed one")
    args = parser.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown or not args.scenarios:
        parser.error(f"unknown scenario(s) {unknown}; choose from {', '.join(SCENARIOS)}")
    return args


if __name__ == "__main__":
    sys.exit(Bench(parse_args()).main())
