#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ecr_repository_info
short_description: Look up one ECR repository by name
description:
  - Reads one Amazon ECR repository (URI, ARN and settings) by name.
  - Returns an empty RV(repository) when the repository does not exist, so that a caller can fail with its own message
    (community.aws.ecs_ecr has no read-only mode).
  - With O(image_tag) or O(image_digest), also returns that image (RV(image)), empty when it is not there.
  - Only reads; supports check mode.
version_added: 1.0.0
author:
  - Payments platform team (@payments-platform)
options:
  name:
    description: Name of the repository.
    required: true
    type: str
  registry_id:
    description: AWS account id of the registry; the caller's own registry when omitted.
    type: str
  image_tag:
    description: A tag to look up in the repository (one more read); its image is returned as RV(image).
    type: str
  image_digest:
    description: An image digest to look up instead of O(image_tag), for example to read the tags of what runs.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look up the shared repository in its home region
  payments.platform.ecr_repository_info:
    name: payment-processor
    region: eu-west-1
  register: found

- name: Fail unless it exists
  ansible.builtin.assert:
    that: found.repository | length > 0

- name: Resolve a tag to its digest
  payments.platform.ecr_repository_info:
    name: payment-processor
    image_tag: "1.4.2"
  register: found

- name: Name the image by digest
  ansible.builtin.set_fact:
    image: "{{ found.repository.repository_uri }}@{{ found.image.image_digest }}"
"""

RETURN = r"""
repository:
  description: The repository, snake_cased; empty when it does not exist.
  returned: always
  type: dict
  contains:
    repository_name:
      description: Name of the repository.
      type: str
      sample: payment-processor
    repository_uri:
      description: URI to push to and pull from.
      type: str
      sample: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/payment-processor
    repository_arn:
      description: ARN of the repository.
      type: str
      sample: arn:aws:ecr:eu-west-1:123456789012:repository/payment-processor
    registry_id:
      description: Account id of the registry.
      type: str
    image_tag_mutability:
      description: MUTABLE or IMMUTABLE.
      type: str
    image_scanning_configuration:
      description: Scan-on-push setting.
      type: dict
    encryption_configuration:
      description: Encryption at rest.
      type: dict
image:
  description: The image O(image_tag) or O(image_digest) names, snake_cased; empty when it or the repository does not exist.
  returned: when O(image_tag) or O(image_digest) is given
  type: dict
  contains:
    image_digest:
      description: Digest of the image manifest.
      type: str
      sample: sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
    image_tags:
      description: Every tag of the image.
      type: list
      elements: str
    image_pushed_at:
      description: When the image was pushed.
      type: str
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def describe_image(module, client, registry, image_id):
    """The image `image_id` names, or {} (ImageNotFoundException when it is not there)."""
    try:
        images = client.describe_images(repositoryName=module.params["name"], imageIds=[image_id], aws_retry=True,
                                        **registry)["imageDetails"]
    except is_boto3_error_code("ImageNotFoundException"):
        return {}
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not describe image {image_id} of ECR repository {module.params['name']}")
    return camel_dict_to_snake_dict(images[0])


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str", required=True), registry_id=dict(type="str"), image_tag=dict(type="str"),
                           image_digest=dict(type="str")),
        mutually_exclusive=[("image_tag", "image_digest")],
        supports_check_mode=True,
    )
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())
    registry = {"registryId": module.params["registry_id"]} if module.params["registry_id"] else {}
    try:
        repositories = client.describe_repositories(repositoryNames=[module.params["name"]], aws_retry=True,
                                                    **registry)["repositories"]
    except is_boto3_error_code("RepositoryNotFoundException"):
        repositories = []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not describe ECR repository {module.params['name']}")
    result = dict(changed=False, repository=camel_dict_to_snake_dict(repositories[0]) if repositories else {})
    image_id = {"imageTag": module.params["image_tag"], "imageDigest": module.params["image_digest"]}
    image_id = {key: value for key, value in image_id.items() if value is not None}
    if image_id:
        result["image"] = describe_image(module, client, registry, image_id) if repositories else {}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
