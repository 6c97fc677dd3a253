"""Bad input fails early and clearly, naming the variable, with zero AWS write calls (from the request log).

These tests leave the emulator as they found it, so they can share it with the deployed platform."""

import pytest

from conftest import run_playbook, writes

BAD_INPUTS = {
    "malformed CIDR": ({"payment_vpc_cidr": "10.0.0/16"}, "payment_vpc_cidr"),
    "host bits set": ({"payment_vpc_cidr": "10.0.5.0/16"}, "payment_vpc_cidr"),
    "prefix too small for the subnets": ({"payment_vpc_cidr": "10.0.0.0/26"}, "payment_vpc_cidr"),
    "overlaps another environment": ({"payment_vpc_cidr": "10.1.0.0/16"}, "payment_vpc_cidr"),
    "CPU threshold out of range": ({"payment_scaling_cpu_threshold": 150}, "payment_scaling_cpu_threshold"),
    "too few AZs": ({"payment_az_count": 1}, "payment_az_count"),
    "more AZs than the region offers": ({"payment_az_count": 7}, "payment_az_count"),
    "wrong type": ({"payment_az_count": "three"}, "payment_az_count"),
    "not an Aurora PostgreSQL class": ({"payment_db_instance_class": "db.m1.small"}, "payment_db_instance_class"),
    "not an instance class at all": ({"payment_db_instance_class": "t3.medium"}, "payment_db_instance_class"),
    "unknown environment": ({"payment_environment": "qa"}, "payment_environment"),
}


def assert_refused_without_writes(emulator, extra_vars, variable, expected=None):
    emulator.start_recording()
    run = run_playbook("site.yml", "dev", extra_vars=extra_vars)
    calls = emulator.stop_recording()
    assert run.failed, run.output
    assert variable in run.output
    if expected:
        assert expected in run.output
    assert writes(calls) == [], f"write calls despite bad input: {writes(calls)}"
    return run


@pytest.mark.parametrize("extra_vars,variable", BAD_INPUTS.values(), ids=list(BAD_INPUTS))
def test_bad_input_fails_before_any_write(emulator, extra_vars, variable):
    assert_refused_without_writes(emulator, extra_vars, variable)


def test_messages_name_the_value_the_rule_and_the_fix(emulator):
    run = assert_refused_without_writes(emulator, {"payment_vpc_cidr": "10.0.5.0/16"}, "payment_vpc_cidr", "10.0.5.0/16")
    assert "host bits" in run.output and "Fix: set payment_vpc_cidr to '10.0.0.0/16'" in run.output
    run = assert_refused_without_writes(emulator, {"payment_vpc_cidr": "10.2.0.0/16"}, "payment_vpc_cidr", "prod")
    assert "overlaps" in run.output


def test_overlap_with_a_vpc_the_collection_does_not_own(emulator, aws):
    ec2 = aws("ec2", "dev")
    foreign = ec2.create_vpc(CidrBlock="10.0.128.0/17")["Vpc"]["VpcId"]
    try:
        assert_refused_without_writes(emulator, None, "payment_vpc_cidr", foreign)
    finally:
        ec2.delete_vpc(VpcId=foreign)


def test_one_bad_environment_stops_every_environment_of_the_run(emulator):
    emulator.start_recording()
    run = run_playbook("site.yml", "dev", "staging", extra_vars={"payment_scaling_cpu_threshold": 0})
    calls = emulator.stop_recording()
    assert run.failed and "payment_scaling_cpu_threshold" in run.output
    assert writes(calls) == []
