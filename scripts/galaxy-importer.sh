#!/usr/bin/env bash
# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Builds the collection tarball and runs galaxy-importer on it: the checks Galaxy and Automation Hub run on
# upload (metadata, role READMEs, the changelog, documentation via ansible-doc, ansible-lint). Its ansible-test
# step is off: it needs a container runtime, and `make sanity` runs ansible-test itself. Fails on any error or
# warning the importer reports.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$repo/.venv/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/payments-importer.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$bin/ansible-galaxy" collection build "$repo" --output-path "$work" >/dev/null
tarball=$(ls "$work"/*.tar.gz)

cd "$work"
export GALAXY_IMPORTER_RUN_ANSIBLE_TEST=false GALAXY_IMPORTER_RUN_ANSIBLE_LINT=true \
  GALAXY_IMPORTER_RUN_ANSIBLE_DOC=true GALAXY_IMPORTER_CHECK_CHANGELOG=true GALAXY_IMPORTER_CONFIG=/dev/null
status=0
PATH=$bin:$PATH "$bin/python" -m galaxy_importer.main "$tarball" >importer.log 2>&1 || status=$?
cat importer.log
if [[ $status -ne 0 ]] || grep -qE '^(ERROR|WARNING|CRITICAL)' importer.log; then
  echo "galaxy-importer: $(basename "$tarball") was refused or has warnings (above)" >&2
  exit 1
fi
echo "galaxy-importer: $(basename "$tarball") imports with no error and no warning"
