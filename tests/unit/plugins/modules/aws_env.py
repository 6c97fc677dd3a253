# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Constants of the in-process moto account the module tests run against (imported by conftest and tests).

Imported by its full name (``ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env``),
which resolves under plain pytest (tests/unit/conftest.py) and under ``ansible-test units`` alike, rather than
``from conftest import``: several conftest.py files exist in this tree, so which one ``conftest`` names depends on
the collection order.
"""

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account

ECS_CLUSTER = "dev-payment-cluster"
ECS_SERVICE = "dev-payment-service"
RESOURCE_ID = f"service/{ECS_CLUSTER}/{ECS_SERVICE}"
