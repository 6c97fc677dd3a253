# -*- coding: utf-8 -*-

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ECR rules of the shared repository, as data."""
from __future__ import annotations


def lifecycle_policy(keep_images, protected_prefixes):
    """The repository's lifecycle policy: a rule per protected tag prefix, then one keeping the newest images.

    ECR applies rules in priority order, and an image that a rule selects is never expired by a rule of lower
    priority (ECR User Guide, "Lifecycle policy evaluation rules"). So each protected prefix gets a rule of its
    own (the prefixes of one rule must all match) that keeps up to 9999 images, and the count rule, which selects
    any image and so must have the lowest priority, expires whatever else is beyond `keep_images`."""
    rules = [
        {
            "rulePriority": priority,
            "description": f"Never expire images tagged {prefix}*",
            "selection": {"tagStatus": "tagged", "tagPrefixList": [prefix], "countType": "imageCountMoreThan",
                          "countNumber": 9999},
            "action": {"type": "expire"},
        }
        for priority, prefix in enumerate(protected_prefixes, start=1)
    ]
    rules.append({
        "rulePriority": len(rules) + 1,
        "description": f"Keep the last {keep_images} images",
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": int(keep_images)},
        "action": {"type": "expire"},
    })
    return {"rules": rules}
