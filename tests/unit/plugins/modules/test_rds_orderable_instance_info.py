# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.rds_orderable_instance_info: which DB instance options RDS offers."""

import botocore.exceptions

from ansible_collections.payments.platform.plugins.modules import rds_orderable_instance_info


def test_returns_the_options_of_the_class_snake_cased(aws, api, run_module):
    result = run_module(rds_orderable_instance_info, {"engine": "aurora-postgresql", "engine_version": "14.6",
                                                      "db_instance_class": "db.r5.large", "vpc": True})

    assert result["changed"] is False
    assert result["options"], result
    assert {option["engine_version"] for option in result["options"]} == {"14.6"}
    assert all(option["availability_zones"] and set(option["availability_zones"][0]) == {"name"}
               for option in result["options"])
    # Only the options given are sent; nothing but reads.
    assert api.params_of("DescribeOrderableDBInstanceOptions") == [
        {"Engine": "aurora-postgresql", "EngineVersion": "14.6", "DBInstanceClass": "db.r5.large", "Vpc": True}]
    assert api.writes == []


def test_sends_only_the_engine_when_nothing_else_is_given(aws, api, run_module):
    result = run_module(rds_orderable_instance_info, {"engine": "aurora-postgresql"}, check_mode=True)

    # Every page is read: AWS (and moto) return at most 100 options a page.
    pages = api.params_of("DescribeOrderableDBInstanceOptions")
    assert pages[0] == {"Engine": "aurora-postgresql"} and all("Marker" in page for page in pages[1:])
    assert len(pages) > 1 and len(result["options"]) > 100 * (len(pages) - 1)


def test_nothing_offered_gives_an_empty_list(aws, run_module):
    result = run_module(rds_orderable_instance_info, {"engine": "aurora-postgresql", "engine_version": "99.9"})

    assert "failed" not in result
    assert result["options"] == []


def test_client_error_fails(aws, api, run_module):
    api.fail("DescribeOrderableDBInstanceOptions", code="AccessDenied", message="not allowed")

    result = run_module(rds_orderable_instance_info, {"engine": "aurora-postgresql"})

    assert result["failed"] is True
    assert result["msg"].startswith("Could not describe the orderable DB instance options of aurora-postgresql: ")
    assert result["error"]["code"] == "AccessDenied"


def test_botocore_error_fails(aws, api, run_module):
    api.fail("DescribeOrderableDBInstanceOptions",
             exception=botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"))

    result = run_module(rds_orderable_instance_info, {"engine": "aurora-postgresql"})

    assert result["failed"] is True
    assert "Could not connect" in result["msg"]


def test_runs_as_a_script(aws, run_module):
    result = run_module(rds_orderable_instance_info, {"engine": "aurora-postgresql", "engine_version": "14.6"},
                        as_script=True)

    assert result["options"]


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(rds_orderable_instance_info), {"engine": "aurora-postgresql"})

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
