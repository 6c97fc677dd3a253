#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecr_repository_info
short_description: Look up one ECR repository by name
description:
  - Reads one Amazon ECR repository (URI, ARN and settings) by name.
  - Returns an empty O(repository) when the repository does not exist, so that a caller can fail with its own message
    (community.aws.ecs_ecr has no read-only mode).
  - Only reads; supports check mode.
version_added: 1.0.0
author:
  - Payments platform team
options:
  name:
    description: Name of the repository.
    required: true
    type: str
  registry_id:
    description: AWS account id of the registry; the caller's own registry when omitted.
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
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str", required=True), registry_id=dict(type="str")),
        supports_check_mode=True,
    )
    client = module.client("ecr")
    kwargs = dict(repositoryNames=[module.params["name"]])
    if module.params["registry_id"]:
        kwargs["registryId"] = module.params["registry_id"]
    try:
        repositories = client.describe_repositories(**kwargs)["repositories"]
    except is_boto3_error_code("RepositoryNotFoundException"):
        repositories = []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Could not describe ECR repository {module.params['name']}")
    repository = camel_dict_to_snake_dict(repositories[0]) if repositories else {}
    module.exit_json(changed=False, repository=repository)


if __name__ == "__main__":
    main()
