# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ecr_repository_info: read one ECR repository by name."""

import json

import botocore.exceptions

from ansible_collections.payments.platform.plugins.modules import ecr_repository_info

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ACCOUNT, REGION


def test_returns_the_repository_snake_cased(aws, api, run_module):
    created = aws("ecr").create_repository(
        repositoryName="payment-processor",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
    )["repository"]

    result = run_module(ecr_repository_info, {"name": "payment-processor"})

    assert result["changed"] is False
    repository = result["repository"]
    assert repository["repository_name"] == "payment-processor"
    assert repository["repository_arn"] == created["repositoryArn"]
    assert repository["repository_uri"] == f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/payment-processor"
    assert repository["registry_id"] == ACCOUNT
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    # without registry_id the caller's own registry is asked
    assert api.params_of("DescribeRepositories") == [{"repositoryNames": ["payment-processor"]}]
    assert api.writes == []


def test_passes_registry_id_when_given(aws, api, run_module):
    aws("ecr").create_repository(repositoryName="payment-processor")

    result = run_module(ecr_repository_info, {"name": "payment-processor", "registry_id": ACCOUNT})

    assert result["repository"]["registry_id"] == ACCOUNT
    assert api.params_of("DescribeRepositories") == [{"repositoryNames": ["payment-processor"], "registryId": ACCOUNT}]


def test_missing_repository_returns_empty_dict(aws, run_module):
    aws("ecr").create_repository(repositoryName="some-other-repository")

    result = run_module(ecr_repository_info, {"name": "payment-processor"})

    assert "failed" not in result
    assert result["changed"] is False
    assert result["repository"] == {}


def test_reads_the_region_it_is_given(aws, run_module):
    aws("ecr", region="us-east-1").create_repository(repositoryName="payment-processor")

    here = run_module(ecr_repository_info, {"name": "payment-processor"})
    there = run_module(ecr_repository_info, {"name": "payment-processor", "region": "us-east-1"})

    assert here["repository"] == {}
    assert ":us-east-1:" in there["repository"]["repository_arn"]


def test_works_in_check_mode(aws, api, run_module):
    aws("ecr").create_repository(repositoryName="payment-processor")

    result = run_module(ecr_repository_info, {"name": "payment-processor"}, check_mode=True)

    assert result["changed"] is False
    assert result["repository"]["repository_name"] == "payment-processor"
    assert api.writes == []


def test_other_client_error_fails(aws, api, run_module):
    api.fail("DescribeRepositories", code="AccessDeniedException", message="not allowed")

    result = run_module(ecr_repository_info, {"name": "payment-processor"})

    assert result["failed"] is True
    assert result["msg"] == (
        "Could not describe ECR repository payment-processor: An error occurred (AccessDeniedException)"
        " when calling the DescribeRepositories operation: not allowed"
    )
    assert result["error"]["code"] == "AccessDeniedException"


def test_botocore_error_fails(aws, api, run_module):
    api.fail("DescribeRepositories", exception=botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"))

    result = run_module(ecr_repository_info, {"name": "payment-processor"})

    assert result["failed"] is True
    assert result["msg"].startswith("Could not describe ECR repository payment-processor: Could not connect")


def test_runs_as_a_script(aws, run_module):
    aws("ecr").create_repository(repositoryName="payment-processor")

    result = run_module(ecr_repository_info, {"name": "payment-processor"}, as_script=True)

    assert result["repository"]["repository_name"] == "payment-processor"


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(ecr_repository_info), {"name": "payment-processor"})

    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]


def _push(aws, tag):
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2, "digest": "sha256:" + "0" * 64},
                "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2, "digest": "sha256:" + "1" * 64}]}
    return aws("ecr").put_image(repositoryName="payment-processor", imageManifest=json.dumps(manifest), imageTag=tag)[
        "image"]["imageId"]["imageDigest"]


def test_resolves_a_tag_and_a_digest_to_the_image(aws, api, run_module):
    aws("ecr").create_repository(repositoryName="payment-processor")
    digest = _push(aws, "1.4.2")

    by_tag = run_module(ecr_repository_info, {"name": "payment-processor", "image_tag": "1.4.2"})
    by_digest = run_module(ecr_repository_info, {"name": "payment-processor", "image_digest": digest})

    assert by_tag["image"]["image_digest"] == by_digest["image"]["image_digest"] == digest
    assert by_digest["image"]["image_tags"] == ["1.4.2"]
    assert api.writes == []


def test_missing_tag_or_repository_gives_an_empty_image(aws, api, run_module):
    no_repository = run_module(ecr_repository_info, {"name": "payment-processor", "image_tag": "latest"})
    aws("ecr").create_repository(repositoryName="payment-processor")
    no_tag = run_module(ecr_repository_info, {"name": "payment-processor", "image_tag": "latest"})

    assert no_repository["repository"] == {} and no_repository["image"] == {}
    assert no_tag["repository"]["repository_name"] == "payment-processor" and no_tag["image"] == {}
    assert "image" not in run_module(ecr_repository_info, {"name": "payment-processor"})


def test_image_read_error_fails(aws, api, run_module):
    aws("ecr").create_repository(repositoryName="payment-processor")
    api.fail("DescribeImages", message="not allowed")

    result = run_module(ecr_repository_info, {"name": "payment-processor", "image_tag": "latest"})

    assert result["failed"] is True
    assert result["msg"].startswith("Could not describe image {'imageTag': 'latest'} of ECR repository payment-processor")
