#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
---
module: ecs_service_delete
short_description: Delete an ECS service and wait until it is inactive
description:
  - Deletes an ECS service (C(DeleteService), stopping its tasks with O(force)) and waits until AWS reports it
    C(INACTIVE).
  - community.aws.ecs_service does the same with O(community.aws.ecs_service#module:state=absent), but returns the
    deleted service as C(ansible_facts), which overwrites host variables named like the service's keys (C(status),
    C(tags), and so on) and makes ansible-core warn about the reserved name C(tags). This module returns it as
    RV(service) instead.
  - A service that does not exist or is already C(INACTIVE) is left alone (not changed).
  - Supports check mode.
version_added: 1.1.0
author:
  - Payments platform team (@payments-platform)
options:
  cluster:
    description: Name or ARN of the service's cluster.
    required: true
    type: str
  name:
    description: Name or ARN of the service.
    required: true
    type: str
  force:
    description: Delete the service even when it still runs tasks (its desired count is not scaled to 0 first).
    type: bool
    default: true
  wait:
    description: Wait until the service is C(INACTIVE) (its tasks stopped).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait at most; the module fails when the service is still draining after them.
    type: int
    default: 600
  wait_delay:
    description: Seconds between two looks while waiting.
    type: int
    default: 15
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Delete the service, stopping its tasks, within 10 minutes
  payments.platform.ecs_service_delete:
    cluster: dev-payment-cluster
    name: dev-payment-service
    wait_timeout: 600
"""

RETURN = r"""
service:
  description: The service as it was found (ARN, name and status before the deletion); empty when there was none.
  returned: always
  type: dict
  contains:
    service_arn:
      description: ARN of the service.
      type: str
    service_name:
      description: Name of the service.
      type: str
    status:
      description: C(ACTIVE) or C(DRAINING) before the deletion.
      type: str
"""

import math

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            cluster=dict(type="str", required=True),
            name=dict(type="str", required=True),
            force=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
            wait_delay=dict(type="int", default=15),
        ),
        supports_check_mode=True,
    )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    cluster, name = module.params["cluster"], module.params["name"]
    try:
        services = client.describe_services(cluster=cluster, services=[name], aws_retry=True)["services"]
    except client.exceptions.ClusterNotFoundException:
        services = []
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Could not describe ECS service {name}")
    found = next((s for s in services if s["status"] != "INACTIVE"), None)
    if found is None:
        module.exit_json(changed=False, service={})
    service = {"service_arn": found["serviceArn"], "service_name": found["serviceName"], "status": found["status"]}
    if not module.check_mode:
        try:
            client.delete_service(cluster=cluster, service=name, force=module.params["force"], aws_retry=True)
            if module.params["wait"]:
                delay = max(module.params["wait_delay"], 1)
                client.get_waiter("services_inactive").wait(
                    cluster=cluster, services=[name],
                    WaiterConfig={"Delay": delay, "MaxAttempts": max(math.ceil(module.params["wait_timeout"] / delay), 1)},
                )
        except botocore.exceptions.WaiterError as e:
            module.fail_json_aws(
                e, msg=f"ECS service {name} is still draining after {module.params['wait_timeout']} s (wait_timeout)"
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg=f"Could not delete ECS service {name}")
    module.exit_json(changed=True, service=service)


if __name__ == "__main__":
    main()
