#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ecr_image_tag
short_description: Point a tag of an ECR repository at an image digest
description:
  - Makes O(tag) name the image O(digest) of the repository O(repository), the way C(docker tag) and C(docker push)
    would, but through the ECR API (DescribeImages; when the tag must move, BatchGetImage and PutImage with the same
    manifest), so no image data moves.
  - A no-op when the tag already names that digest. The repository's tags must be mutable for the tag to move.
  - No amazon.aws or community.aws module tags images.
  - Supports check mode and diff mode.
version_added: 1.1.0
author:
  - Payments platform team (@payments-platform)
options:
  repository:
    description: Name of the repository.
    type: str
    required: true
  digest:
    description: Digest of the image to tag (C(sha256:...)); the image must be in the repository.
    type: str
    required: true
  tag:
    description: The tag.
    type: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Mark the image prod runs, so that the lifecycle policy keeps it
  payments.platform.ecr_image_tag:
    region: us-east-1
    repository: payment-processor
    digest: sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
    tag: deployed-prod
"""

RETURN = r"""
previous_digest:
  description: The digest the tag named before, null when it named none.
  returned: always
  type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            repository=dict(type="str", required=True),
            digest=dict(type="str", required=True),
            tag=dict(type="str", required=True),
        ),
        supports_check_mode=True,
    )
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    repository, digest, tag = module.params["repository"], module.params["digest"], module.params["tag"]
    try:
        tagged = client.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}], aws_retry=True)["imageDetails"]
    except is_boto3_error_code("ImageNotFoundException"):
        tagged = []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not read tag {tag} of ECR repository {repository}")
    previous = tagged[0]["imageDigest"] if tagged else None
    if previous == digest:
        module.exit_json(changed=False, previous_digest=previous)
    try:
        found = client.batch_get_image(repositoryName=repository, imageIds=[{"imageDigest": digest}], aws_retry=True)["images"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not read image {digest} of ECR repository {repository}")
    if not found:
        module.fail_json(msg=f"ECR repository {repository} has no image {digest} to tag {tag}")
    image = found[0]
    if not module.check_mode:
        try:
            client.put_image(repositoryName=repository, imageManifest=image["imageManifest"], imageTag=tag,
                             imageDigest=digest, aws_retry=True,
                             **({"imageManifestMediaType": image["imageManifestMediaType"]}
                                if image.get("imageManifestMediaType") else {}))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not tag image {digest} of ECR repository {repository} as {tag}")
    module.exit_json(changed=True, previous_digest=previous,
                     diff=dict(before={"tag": tag, "digest": previous}, after={"tag": tag, "digest": digest}))


if __name__ == "__main__":
    main()
