#!/usr/bin/env bash
# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Runs ansible-test (sanity, units, ...) on a copy of this checkout, the way a published collection is tested:
#   scripts/ansible-test.sh sanity [ansible-test options]
#   scripts/ansible-test.sh units  [ansible-test options]
# ansible-test wants the collection at .../ansible_collections/payments/platform and its dependencies beside
# it, so the repository's files (tracked, and untracked ones that are not ignored) are copied into a temporary
# tree, with amazon.aws and community.aws copied from the installed `ansible` package.
#
# ansible-test's sanity tests run in virtual environments of their own (~/.ansible/test/venv), into which it
# bootstraps pip with a get-pip script downloaded from ci-files.testing.ansible.com. That host is not needed:
# its cache (~/.ansible/test/cache/get_pip_<version>.py) is seeded with a stand-in that installs the same pip
# from PyPI with the pip wheel Python's own ensurepip ships. Everything else comes from PyPI.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$repo/.venv/bin
python=$bin/python
site=$("$python" -c 'import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))')

# The pip version ansible-test bootstraps into its venvs, and the stand-in for its bootstrap script.
pip_version=$("$python" -c '
import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="3.11"))["pip"])')
cache=${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py
if [[ ! -s $cache ]] || ! grep -q 'payments.platform stand-in' "$cache"; then
  mkdir -p "$(dirname "$cache")"
  cat >"$cache" <<'PY'
"""payments.platform stand-in for ansible-test's get-pip bootstrap script (scripts/ansible-test.sh).

Installs the requested packages (pip==<version>) from the package index with the pip wheel bundled with
Python's ensurepip, as get-pip.py does with the pip it embeds."""
import glob
import os
import sys

import ensurepip

sys.path.insert(0, glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))[0])
from pip._internal.cli.main import main  # noqa: E402  pylint: disable=wrong-import-position

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--upgrade", "--force-reinstall", *args]))
PY
fi

tree=$(mktemp -d "${TMPDIR:-/tmp}/payments-ansible-test.XXXXXX")
trap 'rm -rf "$tree"' EXIT
dest=$tree/ansible_collections/payments/platform
mkdir -p "$dest" "$tree/ansible_collections/amazon" "$tree/ansible_collections/community"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done | tar --null -T - -cf - ) | tar -xf - -C "$dest"
cp -a "$site/ansible_collections/amazon/aws" "$tree/ansible_collections/amazon/aws"
cp -a "$site/ansible_collections/community/aws" "$tree/ansible_collections/community/aws"

cd "$dest"
PATH=$bin:$PATH exec "$bin/ansible-test" "$@"
