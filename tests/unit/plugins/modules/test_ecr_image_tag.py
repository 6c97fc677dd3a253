# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""payments.platform.ecr_image_tag: point a tag at an image digest through the ECR API."""

import json

import botocore.exceptions

from ansible_collections.payments.platform.plugins.modules import ecr_image_tag

REPOSITORY = "payment-processor"


def push(aws, tag, layer):
    """An image of one (fake) layer; a different layer gives a different digest."""
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                           "digest": "sha256:" + "0" * 64},
                "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2,
                            "digest": "sha256:" + layer * 64}]}
    return aws("ecr").put_image(repositoryName=REPOSITORY, imageManifest=json.dumps(manifest), imageTag=tag)[
        "image"]["imageId"]["imageDigest"]


def tags_of(aws, digest):
    return sorted(aws("ecr").describe_images(repositoryName=REPOSITORY, imageIds=[{"imageDigest": digest}])[
        "imageDetails"][0].get("imageTags", []))


def test_tags_an_image_and_is_then_a_no_op(aws, api, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)
    digest = push(aws, "latest", "a")
    args = {"repository": REPOSITORY, "digest": digest, "tag": "deployed-prod"}

    first = run_module(ecr_image_tag, args)
    second = run_module(ecr_image_tag, args)

    assert first["changed"] is True and first["previous_digest"] is None
    assert first["diff"] == {"before": {"tag": "deployed-prod", "digest": None}, "after": {"tag": "deployed-prod", "digest": digest}}
    assert tags_of(aws, digest) == ["deployed-prod", "latest"]
    assert second == {"changed": False, "previous_digest": digest, "invocation": second["invocation"]}
    assert api.operations.count("PutImage") == 1  # the second run only read


def test_moves_the_tag_from_another_image(aws, api, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)
    old, new = push(aws, "deployed-prod", "a"), push(aws, "latest", "b")

    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": new, "tag": "deployed-prod"})

    assert result["changed"] is True and result["previous_digest"] == old
    assert tags_of(aws, new) == ["deployed-prod", "latest"]
    assert api.operations == ["DescribeImages", "BatchGetImage", "PutImage"]
    assert api.params_of("PutImage")[0]["imageDigest"] == new


def test_check_mode_writes_nothing(aws, api, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)
    digest = push(aws, "latest", "a")

    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": digest, "tag": "deployed-dev"}, check_mode=True)

    assert result["changed"] is True
    assert "PutImage" not in api.operations
    assert tags_of(aws, digest) == ["latest"]


def test_a_missing_image_fails(aws, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)

    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": "sha256:" + "f" * 64, "tag": "deployed-dev"})

    assert result["failed"] is True
    assert result["msg"] == f"ECR repository {REPOSITORY} has no image sha256:{'f' * 64} to tag deployed-dev"


def test_read_errors_fail(aws, api, run_module):
    api.fail("DescribeImages", message="not allowed")
    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": "sha256:" + "a" * 64, "tag": "t"})
    assert result["failed"] is True and result["msg"].startswith("Could not read tag t of ECR repository")


def test_manifest_read_error_fails(aws, api, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)
    api.fail("BatchGetImage", message="not allowed")
    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": "sha256:" + "a" * 64, "tag": "t"})
    assert result["failed"] is True and result["msg"].startswith("Could not read image sha256:")


def test_write_error_fails(aws, api, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)
    digest = push(aws, "latest", "a")
    api.fail("PutImage", exception=botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"))
    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": digest, "tag": "t"})
    assert result["failed"] is True and result["msg"].startswith(f"Could not tag image {digest}")


def test_runs_as_a_script(aws, run_module):
    aws("ecr").create_repository(repositoryName=REPOSITORY)
    digest = push(aws, "latest", "a")
    result = run_module(ecr_image_tag, {"repository": REPOSITORY, "digest": digest, "tag": "latest"}, as_script=True)
    assert result["changed"] is False


def test_without_boto3_fails_cleanly(aws, run_module, no_boto):
    result = run_module(no_boto(ecr_image_tag), {"repository": REPOSITORY, "digest": "d", "tag": "t"})
    assert result["failed"] is True
    assert "Failed to import the required Python library (botocore and boto3)" in result["msg"]
