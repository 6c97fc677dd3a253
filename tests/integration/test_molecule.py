"""Every role's molecule scenario (converge, idempotence, verify, absent path), on the suite's emulator.

The scenarios use their own names (molecule-payment-*), so they share the emulator with the deployed
platform without touching it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# roles/<role>/molecule/default/molecule.yml
ROLES = sorted(p.parents[2].name for p in REPO.glob("roles/*/molecule/default/molecule.yml"))


@pytest.mark.parametrize("role", ROLES)
def test_molecule_scenario(emulator, role):
    venv_bin = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=venv_bin + os.pathsep + os.environ["PATH"], ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    proc = subprocess.run(
        [str(Path(venv_bin) / "molecule"), "test"],
        cwd=REPO / "roles" / role,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    for step in ("converge", "idempotence", "verify", "cleanup"):
        assert f"{step}: Executed: Successful" in output, f"molecule step {step} did not run:\n{output[-3000:]}"
