# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.engine_version: the engine version a cluster's run asks for."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import preflight

DOCUMENTATION = r"""
name: engine_version
author: payments platform team
version_added: "1.1.0"
short_description: The engine version to ask for, keeping a newer minor version AWS installed
description:
  - Returns O(live), the version the cluster runs, when it is of the pinned major and not older than the pin (a pin
    of a major alone accepts any of its minors), else O(new). AWS installs minor versions itself (automatic minor
    upgrades); asking for the older version would be a downgrade, which AWS refuses, so the newer one counts as
    converged.
positional: live, new
options:
  _input:
    description: The pinned engine version, a major (C(16)) or a minor (C(16.8)).
    type: str
    required: true
  live:
    description: The version the cluster runs; empty or null when there is no cluster yet.
    type: str
    required: true
  new:
    description: The version a new cluster gets, or an older one is upgraded to (the pin, or AWS's default minor of
      the pinned major).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Ask for Aurora PostgreSQL 16 (16.8 when new), or the minor AWS upgraded the cluster to
  amazon.aws.rds_cluster:
    engine_version: "{{ '16' | payments.platform.engine_version(live_cluster.engine_version | default(''), '16.8') }}"
"""

RETURN = r"""
_value:
  description: The version to ask for.
  type: str
"""


class FilterModule:
    def filters(self):
        return {"engine_version": preflight.engine_version}
