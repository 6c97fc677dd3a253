# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Jinja wrapper of payments.platform.live_state; the live state itself is tested in
tests/unit/plugins/plugin_utils/test_inspect_live.py."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.live_state import FilterModule, live_state


def test_builds_the_live_state():
    found = live_state({"vpc": {"id": "vpc-1"}, "zone_id": "Z1"}, region="eu-west-1", container_name="payment-processor",
                       image_tag="latest", scaling_policy="dev-payment-cpu")
    assert found["deployed"] is True
    assert found["outputs"]["vpcId"] == "vpc-1" and found["outputs"]["privateZoneId"] == "Z1"
    assert found["configuration"]["region"] == "eu-west-1"


def test_refuses_bad_reads_with_every_problem():
    with pytest.raises(AnsibleFilterError) as err:
        live_state({"vpcs": {}, "task": "x"}, "eu-west-1", "payment-processor", "latest", "dev-payment-cpu")
    lines = str(err.value).split("\n")
    assert lines[0] == "live_state: bad input (2 problem(s)):"
    assert lines[1].startswith("reads has the unknown key 'vpcs'.")
    assert lines[2].startswith("reads.task is 'x': it must be a dict.")


def test_filter_module_exposes_only_its_filter():
    assert FilterModule().filters() == {"live_state": live_state}
