# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every role's molecule scenario (prepare, converge, idempotence, verify, absent path), as `molecule test`
runs it from the role's folder.

`make test` runs this file (`make molecule`) beside the other integration tests, on an emulator of its own;
the scenarios name everything molecule-payment-*, so they could share one with the platform too."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# roles/<role>/molecule/default/molecule.yml
SCENARIOS = sorted(p.parent for p in REPO.glob("roles/*/molecule/default/molecule.yml"))


def test_every_role_has_a_scenario():
    assert {s.parents[1].name for s in SCENARIOS} == {p.name for p in (REPO / "roles").iterdir()}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.parents[1].name)
def test_molecule_scenario(emulator, scenario, tmp_path):
    venv_bin = str(Path(sys.executable).parent)
    # molecule keeps a scenario's state under ~/.ansible/tmp, keyed by the role's name only: a fresh folder
    # per run keeps an earlier, interrupted run (of this checkout or another) out of the test.
    env = dict(
        os.environ,
        PATH=venv_bin + os.pathsep + os.environ["PATH"],
        ANSIBLE_NOCOLOR="1",
        NO_COLOR="1",
        MOLECULE_EPHEMERAL_DIRECTORY=str(tmp_path),
    )
    proc = subprocess.run(
        [str(Path(venv_bin) / "molecule"), "test"],
        cwd=scenario.parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    # Roles that only read AWS have no absent path: their scenario has no cleanup step of its own.
    steps = ["converge", "idempotence", "verify"] + (["cleanup"] if (scenario / "cleanup.yml").exists() else [])
    for step in steps:
        assert f"{step}: Executed: Successful" in output, f"molecule step {step} did not run:\n{output[-3000:]}"
