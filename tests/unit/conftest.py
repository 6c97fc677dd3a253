# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make ansible_collections.payments.platform importable in unit tests.

The repo root is the collection root, so we expose it as
<repo>/.collections/ansible_collections/payments/platform (a symlink) and put
<repo>/.collections first on sys.path. ansible_collections is a namespace package
(the bundled amazon.aws etc. live in site-packages), so both locations merge.

Under ``ansible-test units`` (scripts/ansible-test.sh) the collection already sits at
.../ansible_collections/payments/platform and ansible-test's collection loader imports it: nothing to do.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(REPO, ".collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "payments", "platform")


def _ensure_link():
    if os.path.realpath(LINK) == os.path.realpath(REPO):
        return  # already in place
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    if os.path.islink(LINK):
        os.unlink(LINK)  # stale link, e.g. the repo was moved
    try:
        # relative target, so the link survives moving/copying the checkout
        os.symlink(os.path.join("..", "..", ".."), LINK)
    except FileExistsError:  # created concurrently (e.g. pytest-xdist)
        pass


UNDER_ANSIBLE_TEST = REPO.split(os.sep)[-3:] == ["ansible_collections", "payments", "platform"]

if not UNDER_ANSIBLE_TEST:  # pragma: no branch
    _ensure_link()
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
