# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.resource_tags: the tags of ECR repositories and CloudWatch alarms."""

import pytest

from ansible_collections.payments.platform.plugins.modules import resource_tags

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION

MISSING_REPOSITORY = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/not-there"


def as_list(tags, key="Key", value="Value"):
    return [{key: k, value: v} for k, v in tags.items()]


@pytest.fixture
def repository(aws):
    """``repository(name, tags=None, region=REGION)`` -> the ARN of a new ECR repository."""

    def create(name="payment-processor", tags=None, region=REGION):
        kwargs = {"tags": as_list(tags)} if tags else {}
        return aws("ecr", region=region).create_repository(repositoryName=name, **kwargs)["repository"]["repositoryArn"]

    return create


@pytest.fixture
def alarm(aws):
    """``alarm(name, tags=None)`` -> the ARN of a new CloudWatch alarm."""

    def create(name="payment-5xx", tags=None):
        cloudwatch = aws("cloudwatch")
        kwargs = {"Tags": as_list(tags)} if tags else {}
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ApplicationELB",
            MetricName="HTTPCode_Target_5XX_Count",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=5,
            ComparisonOperator="GreaterThanThreshold",
            **kwargs,
        )
        return cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]

    return create


@pytest.fixture
def tags_of(aws):
    """The tags AWS has on an ECR repository or CloudWatch alarm ARN, as a dict."""

    def read(arn):
        service, region = arn.split(":")[2:4]
        if service == "ecr":
            found = aws("ecr", region=region).list_tags_for_resource(resourceArn=arn)["tags"]
        else:
            found = aws("cloudwatch", region=region).list_tags_for_resource(ResourceARN=arn)["Tags"]
        return {t["Key"]: t["Value"] for t in found}

    return read


def test_tags_an_untagged_repository(repository, tags_of, api, run_module):
    arn = repository()
    wanted = {"Environment": "shared", "Project": "payment-processing"}

    result = run_module(resource_tags, {"resources": [arn], "tags": wanted})

    assert result["changed"] is True
    assert result["tags"] == {arn: wanted}
    assert result["diff"] == {"before": {arn: {}}, "after": {arn: wanted}}
    assert tags_of(arn) == wanted
    assert api.writes == ["TagResource"]
    (sent,) = api.params_of("TagResource")
    assert sent["resourceArn"] == arn
    assert sorted(sent["tags"], key=lambda t: t["Key"]) == as_list(wanted)


def test_purges_tags_not_asked_for(repository, tags_of, api, run_module):
    arn = repository(tags={"Environment": "dev", "Old": "x"})

    result = run_module(resource_tags, {"resources": [arn], "tags": {"Environment": "shared"}})

    assert result["changed"] is True
    assert result["tags"] == {arn: {"Environment": "shared"}}
    assert result["diff"] == {
        "before": {arn: {"Environment": "dev", "Old": "x"}},
        "after": {arn: {"Environment": "shared"}},
    }
    assert tags_of(arn) == {"Environment": "shared"}
    assert api.writes == ["UntagResource", "TagResource"]
    assert api.params_of("UntagResource") == [{"resourceArn": arn, "tagKeys": ["Old"]}]


def test_only_removes_when_nothing_is_to_be_set(repository, tags_of, api, run_module):
    arn = repository(tags={"Environment": "shared", "Old": "x"})

    result = run_module(resource_tags, {"resources": [arn], "tags": {"Environment": "shared"}})

    assert result["changed"] is True
    assert tags_of(arn) == {"Environment": "shared"}
    assert api.writes == ["UntagResource"]


def test_purge_tags_false_keeps_other_tags(repository, tags_of, api, run_module):
    arn = repository(tags={"Old": "x"})

    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}, "purge_tags": False})

    assert result["changed"] is True
    assert result["tags"] == {arn: {"Old": "x", "New": "y"}}
    assert tags_of(arn) == {"Old": "x", "New": "y"}
    assert api.writes == ["TagResource"]


def test_is_idempotent(repository, api, run_module):
    arn = repository(tags={"Environment": "shared"})

    result = run_module(resource_tags, {"resources": [arn], "tags": {"Environment": "shared"}})

    assert result["changed"] is False
    assert result["tags"] == {arn: {"Environment": "shared"}}
    assert "diff" not in result
    assert api.writes == []


def test_tags_a_cloudwatch_alarm(alarm, tags_of, api, run_module):
    arn = alarm(tags={"Old": "x"})

    result = run_module(resource_tags, {"resources": [arn], "tags": {"Environment": "dev"}})

    assert result["changed"] is True
    assert tags_of(arn) == {"Environment": "dev"}
    assert api.params_of("UntagResource") == [{"ResourceARN": arn, "TagKeys": ["Old"]}]
    assert api.params_of("TagResource") == [{"ResourceARN": arn, "Tags": [{"Key": "Environment", "Value": "dev"}]}]


def test_several_resources_each_in_the_region_of_its_arn(repository, alarm, tags_of, api, run_module):
    wanted = {"Project": "payment-processing"}
    far = repository("shared-processor", region="us-east-1")
    near = repository("payment-processor", tags=wanted)  # already right
    alarm_arn = alarm()

    result = run_module(resource_tags, {"resources": [far, near, alarm_arn], "tags": wanted})

    assert result["changed"] is True
    assert result["tags"] == {far: wanted, near: wanted, alarm_arn: wanted}
    assert set(result["diff"]["before"]) == {far, alarm_arn}  # only what changed
    assert all(tags_of(arn) == wanted for arn in (far, near, alarm_arn))
    assert [(c.service, c.region) for c in api.calls if c.operation == "TagResource"] == [
        ("ecr", "us-east-1"),
        ("cloudwatch", REGION),
    ]


def test_several_resources_of_one_service_and_region(alarm, tags_of, api, run_module):
    first, second = alarm("payment-5xx"), alarm("payment-cpu")

    result = run_module(resource_tags, {"resources": [first, second], "tags": {"Environment": "dev"}})

    assert result["changed"] is True
    assert tags_of(first) == tags_of(second) == {"Environment": "dev"}
    assert [(c.service, c.region) for c in api.calls if c.operation == "TagResource"] == [("cloudwatch", REGION)] * 2


def test_check_mode_reports_without_tagging(repository, tags_of, api, run_module):
    arn = repository(tags={"Old": "x"})

    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}}, check_mode=True)

    assert result["changed"] is True
    assert result["tags"] == {arn: {"New": "y"}}
    assert result["diff"] == {"before": {arn: {"Old": "x"}}, "after": {arn: {"New": "y"}}}
    assert api.writes == []
    assert tags_of(arn) == {"Old": "x"}


def test_check_mode_treats_a_missing_resource_as_untagged(aws, api, run_module):
    result = run_module(resource_tags, {"resources": [MISSING_REPOSITORY], "tags": {"New": "y"}}, check_mode=True)

    assert result["changed"] is True
    assert result["tags"] == {MISSING_REPOSITORY: {"New": "y"}}
    assert result["diff"]["before"] == {MISSING_REPOSITORY: {}}
    assert api.writes == []


def test_missing_resource_fails(aws, api, run_module):
    result = run_module(resource_tags, {"resources": [MISSING_REPOSITORY], "tags": {"New": "y"}})

    assert result["failed"] is True
    assert result["msg"].startswith(f"{MISSING_REPOSITORY} does not exist: ")
    assert result["error"]["code"] == "RepositoryNotFoundException"
    assert api.writes == []


def test_missing_alarm_fails(aws, api, run_module):
    # moto lists no tags for an unknown alarm; AWS answers ResourceNotFoundException
    arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:not-there"
    api.fail("ListTagsForResource", code="ResourceNotFoundException")

    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}})

    assert result["failed"] is True
    assert result["msg"].startswith(f"{arn} does not exist: ")


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:s3:::payment-bucket", "arn:aws:ecr:eu-west-1", "payment-processor"],
    ids=["other-service", "too-short", "not-an-arn"],
)
def test_unsupported_resource_fails_before_any_call(aws, api, run_module, arn):
    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}})

    assert result["failed"] is True
    assert result["msg"] == f"Unsupported resource {arn}: only ECR repositories and CloudWatch alarms"
    assert api.calls == []


def test_read_error_fails(repository, api, run_module):
    arn = repository()
    api.fail("ListTagsForResource", code="AccessDeniedException")

    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}})

    assert result["failed"] is True
    assert result["msg"].startswith(f"Could not read the tags of {arn}: ")
    assert api.writes == []


def test_tag_error_fails(repository, tags_of, api, run_module):
    arn = repository()
    api.fail("TagResource", code="AccessDeniedException")

    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}})

    assert result["failed"] is True
    assert result["msg"].startswith(f"Could not tag {arn}: ")
    assert tags_of(arn) == {}


def test_runs_as_a_script(repository, tags_of, run_module):
    arn = repository()

    result = run_module(resource_tags, {"resources": [arn], "tags": {"New": "y"}}, as_script=True)

    assert result["changed"] is True
    assert tags_of(arn) == {"New": "y"}


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(resource_tags), {"resources": [MISSING_REPOSITORY], "tags": {}})

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
