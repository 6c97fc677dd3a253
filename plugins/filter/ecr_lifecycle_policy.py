# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filter payments.platform.ecr_lifecycle_policy: the shared repository's lifecycle policy."""
from __future__ import annotations

from ansible_collections.payments.platform.plugins.plugin_utils import ecr

DOCUMENTATION = r"""
name: ecr_lifecycle_policy
author: payments platform team
version_added: "1.1.0"
short_description: Build an ECR lifecycle policy that keeps the newest images and never expires protected tags
description:
  - Returns a lifecycle policy (as data, for the O(community.aws.ecs_ecr#module:lifecycle_policy) option) with one
    rule per protected tag prefix, in the order given, then a rule that expires every other image beyond the newest
    O(_input).
  - ECR never expires an image by a rule of lower priority than a rule that selects it, so an image with a protected
    tag is kept however many images are pushed after it.
positional: protected_prefixes
options:
  _input:
    description: How many of the newest images to keep.
    type: int
    required: true
  protected_prefixes:
    description: Tag prefixes whose images are never expired (for example C(deployed-)).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Keep the last 10 images and every image an environment runs
  community.aws.ecs_ecr:
    name: payment-processor
    lifecycle_policy: "{{ 10 | payments.platform.ecr_lifecycle_policy(['deployed-']) }}"
"""

RETURN = r"""
_value:
  description: The policy, C(rules) in priority order.
  type: dict
"""


class FilterModule:
    def filters(self):
        return {"ecr_lifecycle_policy": ecr.lifecycle_policy}
