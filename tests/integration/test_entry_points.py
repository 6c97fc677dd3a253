# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Role entry points: each role's `main` (create or update) and `absent` (delete) paths are declared in its
meta/argument_specs.yml, so that ansible-core itself checks each path's inputs before the role does anything."""

import pytest
import yaml

from conftest import REPO, run_playbook, writes

PLAYBOOK = "tests/integration/playbooks/entry_point.yml"
SPECS = {path.parents[1].name: yaml.safe_load(path.read_text())["argument_specs"]
         for path in sorted(REPO.glob("roles/*/meta/argument_specs.yml"))}
# The roles that create and delete an environment's resources (the teardown calls their absent entry point).
LIFECYCLE_ROLES = sorted(role for role in SPECS if (REPO / "roles" / role / "tasks" / "absent.yml").exists())


def required(role, entry_point):
    return sorted(name for name, option in SPECS[role][entry_point]["options"].items() if option.get("required"))


def test_every_task_file_that_is_an_entry_point_is_declared():
    assert len(LIFECYCLE_ROLES) >= 12, LIFECYCLE_ROLES
    for role in LIFECYCLE_ROLES:
        assert {"main", "absent"} <= set(SPECS[role]), role
        # No *_state switch emulating entry points, and no role default for one.
        for entry_point in SPECS[role].values():
            assert f"{role}_state" not in entry_point["options"], role
        assert f"{role}_state" not in ((REPO / "roles" / role / "defaults" / "main.yml").read_text()), role


@pytest.mark.parametrize("role", LIFECYCLE_ROLES)
def test_main_refuses_missing_inputs_before_any_call(emulator, role):
    # Only the name prefix (or what absent needs): main must name what else it needs, and call nothing.
    given = {name: f"payment-entry-{role}" for name in required(role, "absent") if name.endswith("_prefix")}
    missing = [name for name in required(role, "main") if name not in given]
    assert missing, f"{role}'s main entry point requires nothing beyond {sorted(given)}"
    emulator.start_recording()
    run = run_playbook(PLAYBOOK, extra_vars={"entry_role": role, "entry_point": "main", **given})
    calls = emulator.stop_recording()
    assert run.failed, run.output[-3000:]
    assert "missing required arguments" in run.output, run.output[-3000:]
    for name in missing:
        assert name in run.output, (name, run.output[-3000:])
    assert calls == []


def test_absent_needs_only_what_it_deletes_by(emulator):
    # The network tier's teardown finds everything by the prefix alone; nothing of that name exists: a no-op.
    emulator.start_recording()
    run = run_playbook(PLAYBOOK, extra_vars={"entry_role": "vpc", "entry_point": "absent", "vpc_name_prefix": "payment-entry-none"})
    calls = emulator.stop_recording()
    assert not run.failed, run.output[-3000:]
    assert run.changed == 0, run.output[-3000:]
    assert calls and writes(calls) == []
