# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Jinja wrapper of payments.platform.verify_report; the checks themselves are tested in
tests/unit/plugins/plugin_utils/test_verification.py."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.payments.platform.plugins.filter.verify_report import FilterModule, verify_report


def test_registered_as_verify_report():
    assert FilterModule().filters() == {"verify_report": verify_report}


def test_refuses_malformed_input():
    with pytest.raises(AnsibleFilterError) as err:
        verify_report("reads", {"name_prefix": "dev-payment"})
    lines = str(err.value).split("\n")
    assert lines[0] == "verify_report: bad input (2 problem(s)):"
    assert lines[1] == "the input must be a dict of read name to the registered result, got 'reads'."
    assert lines[2].startswith("expected lacks environment, region, zone_name, ")


def test_not_deployed_environment():
    expected = {key: None for key in ("zone_name", "az_count", "container_name", "scratch_path", "container_port",
                                      "db_port",
                                      "min_count", "max_count", "cpu_threshold", "forward_paths", "endpoint_services",
                                      "allowed_wildcard_actions", "flows", "rollout_timeout", "waf_rate_limit",
                                      "now", "protected", "db_monitoring_interval", "db_auto_minor_version_upgrade",
                                      "require_https", "backup_retention_days", "alert_emails",
                                      "alert_event_categories", "account_id", "audit_log_retention_days")}
    expected.update(name_prefix="prod-payment", environment="prod", region="us-east-1",
                    deploy_command="ansible-playbook site.yml -i inventories/prod")
    report = verify_report({"vpc": {"vpcs": []}}, expected)
    assert report["result"] == "fail" and [c["check"] for c in report["checks"]] == ["network: vpc"]
    assert report["checks"][0]["fix"] == "Deploy it: ansible-playbook site.yml -i inventories/prod"
