# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection as it ships: the tarball `ansible-galaxy collection build` makes, installed and used
by FQCN from outside the repository, and the execution environment that packs it for AWX / AAP."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import ansible
import pytest
import yaml

from conftest import REPO, Run, tags_of

BIN = Path(sys.executable).parent
GALAXY = yaml.safe_load((REPO / "galaxy.yml").read_text())
TARBALL = f"{GALAXY['namespace']}-{GALAXY['name']}-{GALAXY['version']}.tar.gz"
# Where the pinned ansible package bundles amazon.aws and community.aws.
SITE_COLLECTIONS = Path(ansible.__file__).parents[1] / "ansible_collections"
# packaged.yml's repository: a name of its own, as the emulator is shared with the deployed platform.
REPOSITORY = "packaged-payment-processor"
# Local state that must never ship, as first path components of a member.
NEVER_SHIPPED = {".venv", ".collections", ".git", ".ansible", ".emulator", ".pytest_cache", "reports", "context"}


def run(*cmd, cwd, env=None, timeout=600):
    proc = subprocess.run(
        [str(BIN / cmd[0]), *cmd[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Run(proc.returncode, proc.stdout + proc.stderr)


def consumer_env(collections):
    """A consumer's environment: no ansible setting of this repository, the given collections path
    only (the ansible package's bundled collections still resolve from site-packages) and no default
    region, so the region can only come from the action group's module_defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    for var in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        env.pop(var, None)
    return env | {"ANSIBLE_COLLECTIONS_PATH": str(collections), "ANSIBLE_NOCOLOR": "1"}


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    build = run("ansible-galaxy", "collection", "build", "--output-path", str(out), cwd=REPO)
    assert not build.failed, build.output
    path = out / TARBALL
    assert path.is_file(), build.output
    return path


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory):
    collections = tmp_path_factory.mktemp("collections")
    install = run(
        "ansible-galaxy", "collection", "install", str(tarball), "-p", str(collections), "--no-deps",
        cwd=collections, env=consumer_env(collections),
    )
    assert not install.failed, install.output
    return collections


def read_json(tarball, name):
    with tarfile.open(tarball) as tar:
        return json.load(tar.extractfile(name))


def test_tarball_ships_the_collection_and_nothing_local(tarball):
    manifest = read_json(tarball, "MANIFEST.json")["collection_info"]
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == (
        GALAXY["namespace"], GALAXY["name"], GALAXY["version"]
    )
    assert manifest["dependencies"] == GALAXY["dependencies"]

    files = {f["name"] for f in read_json(tarball, "FILES.json")["files"]} - {"."}
    with tarfile.open(tarball) as tar:
        assert {m.name for m in tar.getmembers()} == files | {"MANIFEST.json", "FILES.json"}
    expected = {"meta/runtime.yml", "meta/execution-environment.yml", "meta/ee-requirements.txt"}
    expected |= {str(p.relative_to(REPO)) for p in REPO.glob("roles/*/tasks/main.yml")}
    expected |= {str(p.relative_to(REPO)) for p in REPO.glob("plugins/*/*.py")}
    assert len(expected) > 20
    assert expected <= files, sorted(expected - files)

    local = sorted(
        f for f in files
        if f.split("/")[0] in NEVER_SHIPPED or "__pycache__" in f.split("/") or f.endswith((".pyc", ".tar.gz"))
        or f.split("/")[-1].startswith(".coverage.")
    )
    assert not local, local
    assert tarball.stat().st_size < 400_000


def test_installed_tarball_runs_the_roles_by_fqcn(installed, aws, tmp_path):
    env = consumer_env(installed)
    listed = run("ansible-galaxy", "collection", "list", "payments.platform", "--format", "json", cwd=tmp_path, env=env)
    assert not listed.failed, listed.output
    assert json.JSONDecoder().raw_decode(listed.output)[0] == {
        str(installed / "ansible_collections"): {"payments.platform": {"version": GALAXY["version"]}}
    }

    shutil.copy(REPO / "tests" / "integration" / "playbooks" / "packaged.yml", tmp_path)
    role = installed / "ansible_collections" / "payments" / "platform" / "roles" / "ecr"
    ecr = aws("ecr", region="eu-west-1")

    def play(state):
        result = run("ansible-playbook", "packaged.yml", "-vv", "-e", f"packaged_state={state}", cwd=tmp_path, env=env)
        assert not result.failed, result.output[-5000:]
        # At -vv ansible names the file of every task: the role must be the installed copy, not the checkout.
        entry = "main" if state == "present" else "absent"
        assert f"task path: {role}/tasks/{entry}.yml" in result.output, result.output[-5000:]
        assert f"task path: {REPO}" not in result.output
        return result

    def repositories():
        return [r for r in ecr.describe_repositories()["repositories"] if r["repositoryName"] == REPOSITORY]

    try:
        assert play("present").changed == 2  # created, tagged
        [repository] = repositories()
        assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
        tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])
        assert tags_of(tags, "tags") == {"Environment": "packaged", "Project": "payment-processing", "ManagedBy": "ansible"}
        policy = json.loads(ecr.get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"])
        # The count rule comes last: a rule per protected tag prefix goes before it.
        assert [rule["selection"]["countNumber"] for rule in policy["rules"]] == [9999, 3]
        assert policy["rules"][0]["selection"]["tagPrefixList"] == ["deployed-"]
    finally:
        # Other tests share the emulator: never leave this repository behind.
        deleted = play("absent")
    assert deleted.changed == 1
    assert repositories() == []


def test_execution_environment_packs_the_collection(tarball, installed, tmp_path):
    # The definition names the tarball relative to itself, where `ansible-galaxy collection build` puts it.
    shutil.copy(REPO / "execution-environment.yml", tmp_path)
    shutil.copy(tarball, tmp_path)
    context = tmp_path / "context"
    create = run(
        "ansible-builder", "create", "-f", "execution-environment.yml", "--context", str(context),
        "--output-filename", "Containerfile", cwd=tmp_path,
    )
    assert not create.failed, create.output
    assert "No matches" not in create.output, create.output

    containerfile = (context / "Containerfile").read_text()
    definition = yaml.safe_load((REPO / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert f'EE_BASE_IMAGE="{definition["images"]["base_image"]["name"]}"' in containerfile
    tag = definition["images"]["base_image"]["name"].rsplit("/", 1)[-1].partition(":")[2]
    assert tag not in ("", "latest"), "the base image is pinned"
    pins = dict(line.split("==") for line in (REPO / "requirements.txt").read_text().split() if "==" in line)
    assert f'ANSIBLE_INSTALL_REFS="ansible-core=={pins["ansible-core"]} ansible-runner==' in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile

    # The galaxy stage runs in the context's _build: every collection it installs is pinned, the AWS
    # ones to the versions the pinned ansible package bundles (what the tests run), ours from its tarball.
    requirements = {c["name"]: c for c in yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"]}
    for name in ("amazon.aws", "community.aws"):
        bundled = json.loads((SITE_COLLECTIONS / name.replace(".", "/") / "MANIFEST.json").read_text())
        assert str(requirements.pop(name)["version"]) == bundled["collection_info"]["version"]
    [(local, entry)] = requirements.items()
    assert entry["type"] == "file"
    assert (context / "_build" / local).read_bytes() == tarball.read_bytes()

    # What the image's introspection step will pip-install for this collection: the run-time pins of
    # requirements.txt and none of its test tooling.
    introspect = run("ansible-builder", "introspect", str(installed), cwd=tmp_path)
    assert not introspect.failed, introspect.output
    python = yaml.safe_load(introspect.output[introspect.output.index("---"):])["python"]
    assert sorted(line.split("#")[0].strip() for line in python) == [
        f"{name}=={pins[name]}" for name in ("boto3", "botocore", "netaddr")
    ]
