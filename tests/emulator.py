#!/usr/bin/env python
"""Local AWS emulator for `make demo` and `make test`: moto's server with small, documented patches.

Each patch closes a gap where moto forgets or lacks something real AWS keeps, so that the roles
(written for real AWS, with no emulator shortcuts) converge to changed=0 here too. The README lists
them. Usage:

    python tests/emulator.py --port 5000        # serves on 127.0.0.1 until killed

Requests are recorded to $MOTO_RECORDER_FILEPATH when MOTO_ENABLE_RECORDING=true, which the tests
use to prove that a run made no write call.
"""

import argparse
import functools
import sys


def _keep_performance_insights():
    """RDS: moto drops PerformanceInsightsEnabled, so rds_instance would modify on every run."""
    from moto.rds.models import DBInstance

    original_init, original_update = DBInstance.__init__, DBInstance.update

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.performance_insights_enabled = bool(kwargs.get("enable_performance_insights"))

    @functools.wraps(original_update)
    def update(self, *args, **kwargs):
        enabled = kwargs.pop("enable_performance_insights", None)
        original_update(self, *args, **kwargs)
        if enabled is not None:
            self.performance_insights_enabled = bool(enabled)

    DBInstance.__init__, DBInstance.update = init, update


def _seed_cluster_parameter_defaults():
    """RDS: moto's new cluster parameter groups hold no parameters, so rds_cluster_param_group fails with
    "Could not find parameter" when it sets one. Seed the engine defaults of the parameters the roles set."""
    from moto.rds.models import DBClusterParameterGroup

    defaults = {
        "aurora-postgresql": {
            "rds.force_ssl": {
                "ParameterValue": "0",
                "Description": "Force SSL connections.",
                "Source": "engine-default",
                "ApplyType": "dynamic",
                "DataType": "boolean",
                "AllowedValues": "0,1",
                "IsModifiable": True,
                "ApplyMethod": "pending-reboot",
            },
        },
    }
    original_init, original_update = DBClusterParameterGroup.__init__, DBClusterParameterGroup.update_cluster_parameters

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        for engine, parameters in defaults.items():
            if (self.db_parameter_group_family or "").startswith(engine):
                for name, values in parameters.items():
                    self.parameters[name] = dict(values)

    @functools.wraps(original_update)
    def update(self, new_parameters):
        new_parameters = list(new_parameters)
        original_update(self, new_parameters)
        for parameter in new_parameters:
            self.parameters[parameter["ParameterName"]]["Source"] = "user"

    DBClusterParameterGroup.__init__, DBClusterParameterGroup.update_cluster_parameters = init, update


def _keep_performance_insights_retention():
    """RDS: moto drops PerformanceInsightsRetentionPeriod at CreateDBInstance, so rds_instance modifies on the first re-run."""
    from moto.rds.models import DBInstance

    original_init = DBInstance.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.performance_insights_retention_period = kwargs.get("performance_insights_retention_period")

    DBInstance.__init__ = init


def _alb_default_attributes():
    """ELBv2: moto's new application load balancers lack attributes AWS always returns (so elb_application_lb
    fails with KeyError 'routing_http_drop_invalid_header_fields_enabled') and report cross-zone off, which an
    ALB never is. Start them with AWS's defaults for those two."""
    from moto.elbv2.models import FakeLoadBalancer

    original_init = FakeLoadBalancer.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.type == "application":
            self.attrs.setdefault("routing.http.drop_invalid_header_fields.enabled", "false")
            self.attrs["load_balancing.cross_zone.enabled"] = "true"

    FakeLoadBalancer.__init__ = init


def _keep_ecs_service_settings():
    """ECS: moto's CreateService drops healthCheckGracePeriodSeconds and deploymentConfiguration (the circuit
    breaker), so ecs_service updates on every re-run and the settings cannot be read back. Keep both
    (UpdateService already stores them)."""
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    @functools.wraps(original)
    def create_service(self):
        result = original(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        service.health_check_grace_period_seconds = self._get_param("healthCheckGracePeriodSeconds")
        service.deployment_configuration = self._get_param("deploymentConfiguration")
        return result

    EC2ContainerServiceResponse.create_service = create_service


def _ecs_empty_tag_list():
    """ECS: moto's ListTagsForResource leaves out `tags` when a resource has none (AWS returns an empty list),
    and community.aws.ecs_tag then fails with KeyError 'tags' on a new cluster or task definition."""
    import json

    from moto.ecs.responses import EC2ContainerServiceResponse

    @functools.wraps(EC2ContainerServiceResponse.list_tags_for_resource)
    def list_tags_for_resource(self):
        return json.dumps({"tags": self.ecs_backend.list_tags_for_resource(self._get_param("resourceArn")) or []})

    EC2ContainerServiceResponse.list_tags_for_resource = list_tags_for_resource


PATCHES = [
    _keep_performance_insights,
    _seed_cluster_parameter_defaults,
    _keep_performance_insights_retention,
    _alb_default_attributes,
    _keep_ecs_service_settings,
    _ecs_empty_tag_list,
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    for patch in PATCHES:
        patch()
    from moto.server import main as moto_main

    # Loopback only: nothing outside this machine can reach the emulator.
    moto_main(["--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
