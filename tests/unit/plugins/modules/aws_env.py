"""Constants of the in-process moto account the module tests run against (imported by conftest and tests).

A plain module with a unique name rather than ``from conftest import``: several conftest.py files exist
in this tree, so which one ``conftest`` names depends on the collection order.
"""

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account

ECS_CLUSTER = "dev-payment-cluster"
ECS_SERVICE = "dev-payment-service"
RESOURCE_ID = f"service/{ECS_CLUSTER}/{ECS_SERVICE}"
