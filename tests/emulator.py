#!/usr/bin/env python

# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Local AWS emulator for `make demo` and `make test`: moto's server with small, documented patches.

Each patch closes a gap where moto forgets or lacks something real AWS keeps, so that the roles
(written for real AWS, with no emulator shortcuts) converge to changed=0 here too. The README lists
them. Usage:

    python tests/emulator.py --port 5000        # serves on 127.0.0.1 until killed
    python tests/emulator.py --rehearsal 2      # rehearsal mode: AWS's waits and refusals, 2 s per AWS minute

Requests are recorded to $MOTO_RECORDER_FILEPATH when MOTO_ENABLE_RECORDING=true, which the tests
use to prove that a run made no write call.
"""

import argparse
import functools
import json
import re
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
            "log_connections": {
                "ParameterValue": "0",
                "Description": "Logs each successful connection.",
                "Source": "engine-default",
                "ApplyType": "dynamic",
                "DataType": "boolean",
                "AllowedValues": "0,1",
                "IsModifiable": True,
                "ApplyMethod": "pending-reboot",
            },
            "log_disconnections": {
                "ParameterValue": "0",
                "Description": "Logs end of a session, including duration.",
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
    fails with KeyError 'routing_http_drop_invalid_header_fields_enabled', or 'access_logs_s3_enabled' once it is
    given access log settings) and report cross-zone off, which an ALB never is. Start them with AWS's defaults for
    those (access logs off until turned on)."""
    from moto.elbv2.models import FakeLoadBalancer

    original_init = FakeLoadBalancer.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.type == "application":
            self.attrs.setdefault("routing.http.drop_invalid_header_fields.enabled", "false")
            self.attrs.setdefault("access_logs.s3.enabled", "false")
            self.attrs["load_balancing.cross_zone.enabled"] = "true"

    FakeLoadBalancer.__init__ = init


def _alb_access_log_test_file():
    """ELBv2: when access logs are turned on, Elastic Load Balancing validates the bucket and writes a test file,
    [prefix/]AWSLogs/<account>/ELBAccessLogTestFile, into it (Application Load Balancers Guide, "Enable access logs",
    "Verify bucket permissions"). moto writes nothing, so a bucket it logs to stays empty, and a teardown that does
    not empty the bucket (every version, in a versioned one) would pass here and fail on AWS with BucketNotEmpty.
    Written each time the attributes turn logging on or move it (another bucket or prefix), into a bucket that
    exists."""
    from moto.elbv2.models import ELBv2Backend
    from moto.s3.models import s3_backends

    original = ELBv2Backend.modify_load_balancer_attributes
    keys = ("access_logs.s3.enabled", "access_logs.s3.bucket", "access_logs.s3.prefix")

    @functools.wraps(original)
    def modify_load_balancer_attributes(self, arn, attrs):
        balancer = self.load_balancers.get(arn)
        before = tuple(balancer.attrs.get(key) for key in keys) if balancer is not None else None
        result = original(self, arn, attrs)
        enabled, bucket, prefix = (result.get(key) for key in keys)
        if str(enabled).lower() == "true" and bucket and tuple(result.get(key) for key in keys) != before:
            s3 = s3_backends[self.account_id][self.partition]
            if bucket in s3.buckets:
                folder = f"{prefix.strip('/')}/" if prefix else ""
                s3.put_object(bucket, f"{folder}AWSLogs/{self.account_id}/ELBAccessLogTestFile",
                              b"Enable AccessLog for ELB: " + arn.rsplit("/", 2)[-2].encode())
        return result

    ELBv2Backend.modify_load_balancer_attributes = modify_load_balancer_attributes


def _bucket_policy_conditions():
    """S3: moto checks a bucket policy without the request's context (no aws:SecureTransport, no source account) and
    counts a statement whose Condition it cannot verify as a denial, so the audit bucket's DenyInsecureTransport
    statement (and the log delivery services' conditioned Allows) made DeleteObjects refuse the owner "AccessDenied"
    for every object. In IAM a statement whose condition is not met does not apply (IAM User Guide, "Policy
    evaluation logic" and "IAM JSON policy elements: Condition"): over HTTPS, as every AWS call, the TLS deny does not
    match. As moto has no context to test a condition against, statements with a Condition are left out of its check;
    the others are evaluated as before."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    original = FakeBucket.get_permission

    @functools.wraps(original)
    def get_permission(self, action, resource):
        if self.policy is None:
            return original(self, action, resource)
        policy = json.loads(self.policy)
        statements = policy.get("Statement") or []
        kept = [s for s in (statements if isinstance(statements, list) else [statements]) if "Condition" not in s]
        if not kept:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps(dict(policy, Statement=kept))).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission


def _flow_logs_to_an_s3_folder():
    """EC2: moto looks a flow log's whole S3 destination up as a bucket name, so a folder in it
    (arn:aws:s3:::bucket/folder/, which AWS documents for LogDestination) is refused as a missing bucket. As AWS
    does: only the bucket must exist; the flow log keeps the destination as given."""
    from moto.ec2.models.flow_logs import FlowLogsBackend

    original = FlowLogsBackend.create_flow_logs

    @functools.wraps(original)
    def create_flow_logs(self, resource_type, resource_ids, traffic_type, deliver_logs_permission_arn,
                         log_destination_type, log_destination, *args, **kwargs):
        bucket_arn, dummy, folder = (log_destination or "").partition("/")
        if log_destination_type != "s3" or not folder:
            return original(self, resource_type, resource_ids, traffic_type, deliver_logs_permission_arn,
                            log_destination_type, log_destination, *args, **kwargs)
        created, unsuccessful = original(self, resource_type, resource_ids, traffic_type, deliver_logs_permission_arn,
                                         log_destination_type, bucket_arn, *args, **kwargs)
        for flow_log in created:
            flow_log.log_destination = log_destination
        return created, unsuccessful

    FlowLogsBackend.create_flow_logs = create_flow_logs


def _wafv2_associations():
    """WAFv2: moto does not implement ListResourcesForWebACL (community.aws.wafv2_resources and wafv2_resources_info
    call it), deletes a web ACL that is still attached, and keeps a deleted load balancer attached. As AWS does:
    ListResourcesForWebACL answers the web ACL's resources of the ResourceType asked for (APPLICATION_LOAD_BALANCER
    when none is), WAFNonexistentItemException for an unknown web ACL; DeleteWebACL of an attached web ACL is refused
    with WAFAssociatedItemException; deleting a load balancer detaches it from its web ACL."""
    import json

    from moto.elbv2.models import ELBv2Backend
    from moto.wafv2.exceptions import WAFNonexistentItemException, WAFv2ClientError
    from moto.wafv2.models import WAFV2Backend, wafv2_backends
    from moto.wafv2.responses import WAFV2Response

    # How each resource type's ARN reads (the services' ARN formats); the platform attaches only load balancers.
    arn_parts = {"APPLICATION_LOAD_BALANCER": ":loadbalancer/app/", "API_GATEWAY": ":apigateway:",
                 "APPSYNC": ":appsync:", "COGNITO_USER_POOL": ":cognito-idp:", "APP_RUNNER_SERVICE": ":apprunner:",
                 "VERIFIED_ACCESS_INSTANCE": ":verified-access-instance/", "AMPLIFY": ":amplify:"}

    def list_resources_for_web_acl(self):
        body = json.loads(self.body)
        web_acl = self.wafv2_backend.wacls.get(body["WebACLArn"])
        if web_acl is None:
            raise WAFNonexistentItemException
        part = arn_parts.get(body.get("ResourceType") or "APPLICATION_LOAD_BALANCER")
        arns = [arn for arn in web_acl.associated_resources if part and part in arn]
        return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})

    original_delete_web_acl = WAFV2Backend.delete_web_acl

    @functools.wraps(original_delete_web_acl)
    def delete_web_acl(self, name, scope, _id, lock_token):
        for web_acl in self.wacls.values():
            if web_acl.name == name and web_acl.id == _id and web_acl.associated_resources:
                raise WAFv2ClientError(
                    "WAFAssociatedItemException", "AWS WAF couldn\u2019t perform the operation because your resource is "
                    "being used by another resource or it\u2019s associated with another resource.")
        return original_delete_web_acl(self, name, scope, _id, lock_token)

    original_delete_load_balancer = ELBv2Backend.delete_load_balancer

    @functools.wraps(original_delete_load_balancer)
    def delete_load_balancer(self, arn):
        original_delete_load_balancer(self, arn)
        for web_acl in wafv2_backends[self.account_id][self.region_name].wacls.values():
            if arn in web_acl.associated_resources:
                web_acl.associated_resources.remove(arn)

    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl
    WAFV2Backend.delete_web_acl = delete_web_acl
    ELBv2Backend.delete_load_balancer = delete_load_balancer


def _alb_redirect_defaults():
    """ELBv2: AWS stores a redirect action with every URI component, keeping the original value of each one left out
    ("Any components that you do not modify retain their original values", RedirectActionConfig): Protocol
    #{protocol}, Port #{port}, Host #{host}, Path /#{path}, Query #{query}. moto stores only what was sent, so a
    partial redirect would read back equal here and differ on AWS. Fill the missing keys (only those) as AWS does."""
    from moto.elbv2.models import FakeAction

    defaults = {"Protocol": "#{protocol}", "Port": "#{port}", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}"}
    original_init = FakeAction.__init__

    @functools.wraps(original_init)
    def init(self, data):
        if data.get("Type") == "redirect" and isinstance(data.get("RedirectConfig"), dict):
            data["RedirectConfig"] = dict(defaults, **data["RedirectConfig"])
        original_init(self, data)

    FakeAction.__init__ = init


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


def _rehearsal_seconds(aws_minutes):
    """Emulator seconds for a duration in AWS minutes: 0 unless rehearsal mode is on (tests/rehearsal.py)."""
    import rehearsal

    return rehearsal.seconds(aws_minutes)


# ECR: AWS replicates an image "typically within 30 minutes", most in seconds (ECR User Guide, private image
# replication); rehearsal mode takes half a minute.
ECR_REPLICATION_MINUTES = 0.5


def _ecr_lifecycle_selects(rule, image):
    """Whether a lifecycle rule's tag selection picks `image` (ECR User Guide, lifecycle policy properties:
    several prefixes or patterns of one rule must all be matched)."""
    import fnmatch

    selection = rule["selection"]
    status = selection["tagStatus"]
    if status == "any":
        return True
    if status == "untagged":
        return not image.image_tags
    prefixes, patterns = selection.get("tagPrefixList") or [], selection.get("tagPatternList") or []
    return bool(image.image_tags) and all(any(t.startswith(p) for t in image.image_tags) for p in prefixes) and all(
        any(fnmatch.fnmatchcase(t, p) for t in image.image_tags) for p in patterns
    )


def _ecr_apply_lifecycle(repository):
    """ECR lifecycle policy evaluation (ECR User Guide, "Lifecycle policy evaluation rules"): rules in priority
    order; an image that a rule selects is never expired by a rule of lower priority, which still counts it;
    imageCountMoreThan expires all but the newest countNumber images of its selection (by push time),
    sinceImagePushed those pushed more than countNumber days ago."""
    import json
    import time

    if not repository.lifecycle_policy:
        return
    claimed, expired = set(), []
    newest_first = sorted(enumerate(repository.images), key=lambda pair: (pair[1].image_pushed_at, pair[0]), reverse=True)
    for rule in sorted(json.loads(repository.lifecycle_policy)["rules"], key=lambda r: r["rulePriority"]):
        selected = [image for _index, image in newest_first if _ecr_lifecycle_selects(rule, image)]
        count = rule["selection"]["countNumber"]
        if rule["selection"]["countType"] == "imageCountMoreThan":
            expiring = selected[count:]
        else:
            expiring = [image for image in selected if image.image_pushed_at < time.time() - count * 86400]
        expired += [image for image in expiring if id(image) not in claimed]
        claimed.update(id(image) for image in selected)
    repository.images = [image for image in repository.images if image not in expired]


def _ecr_replicates_and_expires():
    """ECR: moto stores a registry's replication configuration but copies nothing, and never applies a
    lifecycle policy. As AWS does: an image pushed to a repository that a replication rule of its region selects
    (no filter, or a PREFIX_MATCH filter) is copied, with its tag and digest, to each destination region
    (creating the repository there when missing, with default settings), after ECR_REPLICATION_MINUTES in
    rehearsal mode; replicated images are not replicated again. After every push the repository's lifecycle
    policy is applied (AWS applies it within 24 hours; here at once)."""
    import threading

    from moto.ecr.exceptions import ImageAlreadyExistsException
    from moto.ecr.models import ECRBackend, ecr_backends

    original = ECRBackend.put_image

    def copy(image, account, region, tag):
        backend = ecr_backends[account][region]
        if image.repository_name not in backend.repositories:
            backend.create_repository(image.repository_name, None, None, None, None, [])
        try:
            original(backend, image.repository_name, image.image_manifest, tag, image.image_manifest_media_type,
                     image.image_digest)
        except ImageAlreadyExistsException:
            return
        _ecr_apply_lifecycle(backend.repositories[image.repository_name])

    @functools.wraps(original)
    def put_image(self, repository_name, image_manifest, image_tag, image_manifest_mediatype=None, digest=None):
        image = original(self, repository_name, image_manifest, image_tag, image_manifest_mediatype, digest)
        _ecr_apply_lifecycle(self.repositories[repository_name])
        for rule in self.replication_config.get("rules", []):
            filters = rule.get("repositoryFilters") or []
            if filters and not any(repository_name.startswith(f["filter"]) for f in filters):
                continue
            for destination in rule["destinations"]:
                job = threading.Timer(_rehearsal_seconds(ECR_REPLICATION_MINUTES), copy,
                                      (image, destination["registryId"], destination["region"], image_tag))
                job.daemon = True
                job.start()
                if not job.interval:
                    job.join()
        return image

    ECRBackend.put_image = put_image


# ECS: a Fargate deployment provisions its tasks, pulls the image and passes the health checks in a couple of
# minutes when all is well; the circuit breaker gives up after a few failed launches.
ECS_ROLLOUT_MINUTES = 2
ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/(?P<repository>[^:@]+)"
    r"(:(?P<tag>[^@]+))?(@(?P<digest>sha256:[0-9a-f]{64}))?$"
)


def _ecs_network_reaches(service, services):
    """The AWS services (of the service's region) its tasks can reach: all of them through a NAT gateway (or an
    internet gateway with a public IP); otherwise only those with an available VPC endpoint in their VPC."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[service._account_id][service.region_name]
    vpc_config = service.network_configuration.get("awsvpcConfiguration", {})
    subnets = [ec2.get_subnet(subnet_id) for subnet_id in vpc_config.get("subnets", [])]
    if not subnets:
        return set(services)
    vpc_id = subnets[0].vpc_id
    tables = [t for t in ec2.route_tables.values() if t.vpc_id == vpc_id]
    for subnet in subnets:
        table = next((t for t in tables if subnet.id in t._associations.values()), None) or next(
            (t for t in tables if t.main_association_id), None)
        for route in table.routes if table else []:
            public = vpc_config.get("assignPublicIp") == "ENABLED" and (route.gateway and route.gateway.id.startswith("igw-"))
            if route.destination_cidr_block == "0.0.0.0/0" and (route.nat_gateway or public):
                return set(services)
    prefix = f"com.amazonaws.{service.region_name}."
    return {
        e.service_name[len(prefix):] for e in ec2.vpc_end_points.values()
        if e.vpc_id == vpc_id and e.state == "available" and e.service_name.startswith(prefix)
    }


def _ecs_start_problem(service, task_definition):
    """Why a Fargate task of `task_definition` cannot start (None when it can), by AWS's rules: the image must
    exist in ECR and be reachable (an ECR image of another region, or any other registry, needs a route to the
    internet); the awslogs driver needs CloudWatch Logs, secrets need Secrets Manager, ECR needs its API, its
    registry and S3 (the layers)."""
    from moto.ecr.models import ecr_backends

    for container in task_definition.container_definitions:
        image, needs = container["image"], set()
        match = ECR_IMAGE.match(image)
        if match and match["region"] == service.region_name:
            needs |= {"ecr.api", "ecr.dkr", "s3"}
        if (container.get("logConfiguration") or {}).get("logDriver") == "awslogs":
            needs.add("logs")
        if any(":secretsmanager:" in s.get("valueFrom", "") for s in container.get("secrets") or []):
            needs.add("secretsmanager")
        reachable = _ecs_network_reaches(service, needs | {"internet"})
        # Another registry, or ECR of another region: only through the internet (VPC endpoints are regional).
        if (not match or match["region"] != service.region_name) and "internet" not in reachable:
            return (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve "
                    f"ref {image}: dial tcp: i/o timeout")
        if needs - reachable:
            return (f"ResourceInitializationError: unable to pull secrets or registry auth: the task cannot reach "
                    f"{', '.join(sorted(needs - reachable))} (no route and no VPC endpoint): i/o timeout")
        if match:
            repository = ecr_backends[match["account"]][match["region"]].repositories.get(match["repository"])
            found = repository and any(
                match["digest"] == i.image_digest if match["digest"] else (match["tag"] or "latest") in i.image_tags
                for i in repository.images)
            if not found:
                return f"CannotPullContainerError: pull image manifest has been retried 5 time(s): {image}: not found"
    return None


def _ecs_deployments_run():
    """ECS: moto runs no task: a service stays IN_PROGRESS with 0 running forever, and UpdateService with a new
    task definition starts no deployment (and stores the task definition as given, not as its ARN). As AWS
    does: a new task definition (or forceNewDeployment) starts a new PRIMARY deployment; ECS_ROLLOUT_MINUTES
    after it started (rehearsal mode; at once otherwise) it is COMPLETED with the desired count running when its
    tasks can start (_ecs_start_problem), and older deployments are drained; otherwise the circuit breaker marks
    it FAILED with the reason in the service's events and, with rollback on, redeploys the last completed
    deployment's task definition."""
    import uuid

    from moto.core.utils import utcnow
    from moto.ecs.models import EC2ContainerServiceBackend

    original_update, original_describe = EC2ContainerServiceBackend.update_service, EC2ContainerServiceBackend.describe_services

    def event(service, message):
        service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": f"(service {service.name}) {message}"})

    def deploy(service, task_definition_arn):
        for deployment in service.deployments:
            deployment["status"] = "ACTIVE"
        now, deployment_id = utcnow(), f"ecs-svc/{uuid.uuid4().int % 10**19}"
        service.deployments.insert(0, {
            "id": deployment_id, "status": "PRIMARY", "taskDefinition": task_definition_arn,
            "desiredCount": service.desired_count, "pendingCount": service.desired_count, "runningCount": 0,
            "failedTasks": 0, "createdAt": now, "updatedAt": now, "launchType": service.launch_type,
            "platformVersion": service.platform_version, "networkConfiguration": service.network_configuration,
            "rolloutState": "IN_PROGRESS", "rolloutStateReason": f"ECS deployment {deployment_id} in progress.",
        })
        service.task_definition = task_definition_arn

    def counts(backend, service, running, pending):
        """The service's task counts; its cluster's counts are the sum over its services (see describe_clusters)."""
        service.running_count, service.pending_count = running, pending

    def settle(backend, service):
        for deployment in [d for d in service.deployments if d.get("rolloutState") == "IN_PROGRESS"]:
            if (utcnow() - deployment["createdAt"]).total_seconds() < _rehearsal_seconds(ECS_ROLLOUT_MINUTES):
                continue
            problem = _ecs_start_problem(service, backend.describe_task_definition(deployment["taskDefinition"]))
            deployment["updatedAt"] = utcnow()
            if problem is None:
                deployment.update(rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
                                  runningCount=service.desired_count, pendingCount=0, desiredCount=service.desired_count)
                service.deployments = [deployment]
                counts(backend, service, service.desired_count, 0)
                event(service, "has reached a steady state.")
                continue
            deployment.update(rolloutState="FAILED", rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.",
                              runningCount=0, pendingCount=0, failedTasks=max(deployment["failedTasks"], 10))
            counts(backend, service, service.running_count, 0)
            event(service, f"(task {uuid.uuid4().hex}) failed to start: {problem}")
            event(service, f"(deployment {deployment['id']}) deployment failed: tasks failed to start.")
            breaker = (getattr(service, "deployment_configuration", None) or {}).get("deploymentCircuitBreaker") or {}
            previous = [d for d in service.deployments if d is not deployment and d.get("rolloutState") == "COMPLETED"]
            if breaker.get("rollback") and previous:
                event(service, f"(deployment {deployment['id']}) rolling back to {previous[0]['taskDefinition']}.")
                deploy(service, previous[0]["taskDefinition"])
                service.deployments = [service.deployments[0], deployment]

    @functools.wraps(original_update)
    def update_service(self, service_properties):
        service = self._get_service(service_properties.get("cluster", "default"), service_properties["service"].split("/")[-1])
        before = service.task_definition
        wanted = service_properties.get("task_definition")
        force = service_properties.get("force_new_deployment")
        service = original_update(self, service_properties)
        if wanted:
            service.task_definition = self.describe_task_definition(wanted).arn
        if wanted and service.task_definition != before or force:
            deploy(service, service.task_definition)
        return service

    @functools.wraps(original_describe)
    def describe_services(self, cluster_str, service_names_or_arns):
        services, failures = original_describe(self, cluster_str, service_names_or_arns)
        for service in services:
            if service.status == "ACTIVE":
                settle(self, service)
        return services, failures

    original_clusters = EC2ContainerServiceBackend.describe_clusters

    @functools.wraps(original_clusters)
    def describe_clusters(self, *args, **kwargs):
        # moto adds and subtracts a service's counts to its cluster's on every call, and drifts; AWS counts the
        # cluster's tasks: those of its services that are not INACTIVE (this platform starts no standalone task).
        clusters = original_clusters(self, *args, **kwargs)
        for cluster in clusters[0] if isinstance(clusters, tuple) else clusters:
            services = [v for v in self.services.values() if v.cluster_name == cluster.name and v.status != "INACTIVE"]
            cluster.running_tasks_count = sum(v.running_count for v in services)
            cluster.pending_tasks_count = sum(v.pending_count for v in services)
        return clusters

    EC2ContainerServiceBackend.update_service = update_service
    EC2ContainerServiceBackend.describe_services = describe_services
    EC2ContainerServiceBackend.describe_clusters = describe_clusters


def _ecs_latest_active_revision():
    """ECS: moto's DescribeTaskDefinition with a family alone returns the family's last revision even when it is
    INACTIVE; AWS uses the latest ACTIVE revision (API reference, DescribeTaskDefinition: "If a revision isn't
    specified, the latest ACTIVE revision is used") and answers ClientException when there is none."""
    from moto.ecs.exceptions import TaskDefinitionNotFoundException
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.describe_task_definition

    @functools.wraps(original)
    def describe_task_definition(self, task_definition_str):
        name = task_definition_str.split("/")[-1]
        if ":" in name:
            return original(self, task_definition_str)
        active = [r for r, d in self.task_definitions.get(name, {}).items() if d.status == "ACTIVE"]
        if not active:
            raise TaskDefinitionNotFoundException()
        return original(self, f"{name}:{max(active)}")

    EC2ContainerServiceBackend.describe_task_definition = describe_task_definition


# Aurora PostgreSQL versions: "Release calendar for Aurora PostgreSQL minor versions" (Aurora PostgreSQL Release Notes,
# aurorapostgresql-release-calendar), as published with rows up to 18.4 (released 21 August 2026), read 2 December 2026.
# Each major: (minor, Aurora end of standard support date, RDS Extended Support eligible). AWS offers a minor until its
# end of standard support; after the major's end of standard support (13: 28 February 2026) only the Extended Support
# eligible minors (marked * in the calendar) remain. Major 18 is left out: the instance class data below stops at 17.
AURORA_POSTGRESQL_AS_OF = "2026-12-02"
AURORA_POSTGRESQL_CALENDAR = {
    "17": [("17.10", "2027-12-31", False), ("17.9", "2027-09-30", False), ("17.7", "2030-02-28", False),
           ("17.6", "2027-04-30", False), ("17.5", "2026-12-31", False), ("17.4", "2026-11-30", False)],
    "16": [("16.14", "2027-12-31", False), ("16.13", "2027-09-30", False), ("16.11", "2027-05-31", False),
           ("16.10", "2027-04-30", False), ("16.9", "2026-12-31", False), ("16.8", "2029-02-28", False)],
    "15": [("15.18", "2027-12-31", False), ("15.17", "2027-09-30", False), ("15.15", "2027-05-31", False),
           ("15.14", "2027-04-30", False), ("15.13", "2026-12-31", False), ("15.12", "2026-11-30", False),
           ("15.10", "2028-02-29", False)],
    "14": [("14.23", "2027-02-28", False), ("14.22", "2027-02-28", False), ("14.20", "2027-02-28", False),
           ("14.19", "2027-02-28", False), ("14.18", "2026-12-31", False), ("14.17", "2026-11-30", False),
           ("14.6", "2027-02-28", False)],
    "13": [("13.23", "2026-02-28", True), ("13.9", "2026-02-28", True)],
}
# Instance classes (Aurora User Guide, "Supported DB engines for DB instance classes"): moto's Aurora PostgreSQL
# options (describe-orderable-db-instance-options output, us-east-1, up to 15.2) list the same 36 classes for every
# version of 13, 14 and 15 (db.t3.medium/large, db.t4g.medium/large, db.r5.*, db.r6g.*, db.r6i.*, db.x2g.*,
# db.serverless), which the guide lists for 16 and 17 too; the guide adds db.r7g, db.r7i and db.r8g from these versions.
AURORA_POSTGRESQL_NEWER_CLASSES = {
    "db.r7g": (["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
               {"13": "13.8", "14": "14.5", "15": "15.2", "16": "16.1", "17": "17.4"}),
    "db.r7i": (["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
               {"13": "13.12", "14": "14.9", "15": "15.4", "16": "16.1", "17": "17.4"}),
    "db.r8g": (["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
               {"13": "13.16", "14": "14.13", "15": "15.8", "16": "16.4", "17": "17.4"}),
}


def _version_key(version):
    return tuple(int(part) for part in version.split("."))


def _aurora_postgresql_versions():
    """{major: [minor, ...] newest first}: the minors AWS offered on AURORA_POSTGRESQL_AS_OF."""
    return {major: [v for v, end, extended in rows if extended or end >= AURORA_POSTGRESQL_AS_OF]
            for major, rows in AURORA_POSTGRESQL_CALENDAR.items()}


def _aurora_postgresql_defaults():
    """Each major's default minor, and the engine's default version. AWS publishes no table of defaults (the Aurora User
    Guide, "Default Amazon Aurora versions", shows describe-db-engine-versions --default-only as the authority); in its
    sample output every major's default (16.4, 15.8, 14.13, 13.16) was that major's newest minor, and the engine's
    default (16.4) that of the newest major. The same rule here."""
    versions = _aurora_postgresql_versions()
    per_major = {major: minors[0] for major, minors in versions.items() if minors}
    return per_major, per_major[max(per_major, key=int)]


@functools.cache
def _moto_aurora_postgresql_options():
    """moto's recorded Aurora PostgreSQL options (us-east-1 only, up to 15.2), decoded."""
    from moto.rds.utils import decode_orderable_db_instance
    from moto.utilities.utils import load_resource

    return [decode_orderable_db_instance(o) for o in load_resource("rds/resources/cluster_options/aurora-postgresql.json")]


def _aurora_postgresql_classes(version):
    """The instance classes AWS offers for an Aurora PostgreSQL version (see AURORA_POSTGRESQL_NEWER_CLASSES)."""
    major = version.split(".")[0]
    base = {o["DBInstanceClass"] for o in _moto_aurora_postgresql_options() if o["EngineVersion"] == "15.2"}
    for family, (sizes, minimum) in AURORA_POSTGRESQL_NEWER_CLASSES.items():
        if major in minimum and _version_key(version) >= _version_key(minimum[major]):
            base |= {f"{family}.{size}" for size in sizes}
    return base


def _aurora_postgresql_orderable(account, region, engine_version=None, instance_class=None):
    """DescribeOrderableDBInstanceOptions for aurora-postgresql: one option per offered version and class, in the
    request's region. Availability zones are the region's (moto's EC2 zones); in us-east-1, moto's recorded per-class
    zones (AWS's: us-east-1e lacks the newer classes), and for the classes moto has no record of (r7g, r7i, r8g) the
    zones of moto's Graviton and 6th-generation classes, which all lack us-east-1e."""
    from moto.ec2.models import ec2_backends

    recorded = _moto_aurora_postgresql_options()
    template = {o["DBInstanceClass"]: o for o in recorded if o["EngineVersion"] == "15.2"}
    zones = [z.name for z in ec2_backends[account][region].describe_availability_zones()]
    options = []
    for minors in _aurora_postgresql_versions().values():
        for version in minors:
            if engine_version and engine_version != version:
                continue
            for klass in sorted(_aurora_postgresql_classes(version)):
                if instance_class and instance_class != klass:
                    continue
                option = dict(template.get(klass) or template["db.r6g.large"])
                if region == "us-east-1":
                    names = [z["Name"] for z in (template.get(klass) or template["db.r6g.large"])["AvailabilityZones"]]
                else:
                    names = zones
                option.update(EngineVersion=version, DBInstanceClass=klass,
                              AvailabilityZones=[{"Name": name} for name in names])
                options.append(option)
    return options


def _rds_page(response, key, items):
    """One page of `items` as RDS paginates (MaxRecords, default 100; Marker: where the next page starts). moto's own
    paginator needs a unique attribute, which these records lack."""
    from moto.core.responses import ActionResult

    start = int(response._get_param("Marker") or 0)
    size = int(response._get_param("MaxRecords") or 100)
    result = {key: items[start:start + size]}
    if start + size < len(items):
        result["Marker"] = str(start + size)
    return ActionResult(result)


def _rds_aurora_postgresql_engine_versions():
    """RDS: moto does not implement DescribeDBEngineVersions (NotImplementedError). For aurora-postgresql, answer as
    AWS does from AWS's release calendar (AURORA_POSTGRESQL_CALENDAR): Engine, EngineVersion (a version, or a major
    such as "16" for all its minors, as in the Aurora User Guide's default-version script), DBParameterGroupFamily
    (aurora-postgresql<major>), DefaultOnly (the default of each major asked for; with neither a version nor a family,
    the engine's default alone) and MaxRecords/Marker. Any other engine answers an empty list (scoped to this data)."""
    from moto.rds.responses import RDSResponse

    def record(version, newer, default):
        major = version.split(".")[0]
        return {
            "Engine": "aurora-postgresql", "EngineVersion": version, "MajorEngineVersion": major,
            "DBParameterGroupFamily": f"aurora-postgresql{major}", "DBEngineDescription": "Aurora (PostgreSQL)",
            "DBEngineVersionDescription": f"Aurora PostgreSQL (Compatible with PostgreSQL {version})",
            "ValidUpgradeTarget": [{"Engine": "aurora-postgresql", "EngineVersion": target, "Description":
                                    f"Aurora PostgreSQL (Compatible with PostgreSQL {target})", "AutoUpgrade": False,
                                    "IsMajorVersionUpgrade": False} for target in reversed(newer)],
            "ExportableLogTypes": ["postgresql"], "SupportsLogExportsToCloudwatchLogs": True,
            "SupportsReadReplica": True, "SupportedEngineModes": ["provisioned"], "Status": "available",
            "SupportsParallelQuery": False, "SupportsGlobalDatabases": True, "TagList": [],
        }

    def describe_db_engine_versions(self):
        engine, version = self._get_param("Engine"), self._get_param("EngineVersion")
        family, default_only = self._get_param("DBParameterGroupFamily"), self._get_param("DefaultOnly")
        statuses = {v for f in self._get_param("Filters") or [] if f["Name"] == "status" for v in f["Values"]}
        per_major, engine_default = _aurora_postgresql_defaults()
        found = []
        for major, minors in sorted(_aurora_postgresql_versions().items(), key=lambda item: int(item[0])):
            for index, minor in reversed(list(enumerate(minors))):
                if engine not in (None, "aurora-postgresql") or family not in (None, f"aurora-postgresql{major}"):
                    continue
                if version and version not in (minor, major):
                    continue
                if statuses and "available" not in statuses:
                    continue
                if default_only and (minor != per_major[major] or not (version or family) and minor != engine_default):
                    continue
                found.append(record(minor, minors[:index], minor == per_major[major]))
        return _rds_page(self, "DBEngineVersions", found)

    RDSResponse.describe_db_engine_versions = describe_db_engine_versions


def _rds_aurora_postgresql_orderable_options():
    """RDS: moto's DescribeOrderableDBInstanceOptions for aurora-postgresql lists only us-east-1's zones in every region,
    ignores DBInstanceClass (and LicenseModel, Vpc) and stops at 15.2. As AWS does: the options of the versions and
    classes AWS offers (_aurora_postgresql_orderable), in the request's region, filtered by EngineVersion,
    DBInstanceClass, LicenseModel (postgresql-license) and Vpc (Aurora is VPC-only); a class or version AWS does not
    offer gives an empty list."""
    from moto.rds.responses import RDSResponse

    original = RDSResponse.describe_orderable_db_instance_options

    @functools.wraps(original)
    def describe_orderable_db_instance_options(self):
        if self._get_param("Engine") != "aurora-postgresql":
            return original(self)
        options = _aurora_postgresql_orderable(self.current_account, self.region, self._get_param("EngineVersion"),
                                               self._get_param("DBInstanceClass"))
        if self._get_param("LicenseModel") not in (None, "postgresql-license") or self._get_param("Vpc") is False:
            options = []
        return _rds_page(self, "OrderableDBInstanceOptions", options)

    RDSResponse.describe_orderable_db_instance_options = describe_orderable_db_instance_options


def _rds_aurora_postgresql_refusals():
    """RDS: moto creates an aurora-postgresql cluster of any EngineVersion (12.7 when none is given) and a DB instance of
    any class in it. As AWS does: CreateDBCluster without EngineVersion uses the engine's default version (Aurora User
    Guide, "Default Amazon Aurora versions"); one AWS does not offer is refused with InvalidParameterCombination
    "Cannot find version X for aurora-postgresql" (a major alone too: no document says CreateDBCluster resolves it);
    CreateDBInstance in such a cluster with a class not orderable for the cluster's version is refused with
    InvalidParameterCombination, AWS's message."""
    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import RDSBackend

    original_cluster, original_instance = RDSBackend.create_db_cluster, RDSBackend.create_db_instance

    @functools.wraps(original_cluster)
    def create_db_cluster(self, kwargs):
        if kwargs.get("engine") == "aurora-postgresql":
            version = kwargs.get("engine_version")
            if not version:
                kwargs["engine_version"] = _aurora_postgresql_defaults()[1]
            elif version not in {v for minors in _aurora_postgresql_versions().values() for v in minors}:
                raise InvalidParameterCombination(f"Cannot find version {version} for aurora-postgresql")
        return original_cluster(self, kwargs)

    @functools.wraps(original_instance)
    def create_db_instance(self, db_kwargs):
        cluster = self.clusters.get(db_kwargs.get("db_cluster_identifier") or "")
        klass = db_kwargs.get("db_instance_class")
        if cluster is not None and cluster.engine == "aurora-postgresql" and db_kwargs.get("engine") in (None, cluster.engine):
            if klass not in _aurora_postgresql_classes(cluster.engine_version):
                raise InvalidParameterCombination(
                    f"RDS does not support creating a DB instance with the following combination: DBInstanceClass="
                    f"{klass}, Engine=aurora-postgresql, EngineVersion={cluster.engine_version}, LicenseModel="
                    f"postgresql-license. For supported combinations of instance class and database engine version, "
                    f"see the documentation.")
        return original_instance(self, db_kwargs)

    RDSBackend.create_db_cluster, RDSBackend.create_db_instance = create_db_cluster, create_db_instance


def _alb_deletion_protection_refusal():
    """ELBv2: moto deletes a load balancer whatever its deletion protection. As AWS does (DeleteLoadBalancer: "You
    can't delete a load balancer if deletion protection is enabled"), one whose `deletion_protection.enabled`
    attribute is true is refused with OperationNotPermitted."""
    from moto.elbv2.exceptions import ELBClientError
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.delete_load_balancer

    @functools.wraps(original)
    def delete_load_balancer(self, arn):
        balancer = self.load_balancers.get(arn)
        if balancer is not None and str(balancer.attrs.get("deletion_protection.enabled", "false")).lower() == "true":
            raise ELBClientError("OperationNotPermitted", f"Load balancer '{arn}' cannot be deleted because deletion "
                                                          "protection is enabled")
        return original(self, arn)

    ELBv2Backend.delete_load_balancer = delete_load_balancer


def _vpc_endpoint_reset_policy():
    """EC2: moto ignores ModifyVpcEndpoint's ResetPolicy. As AWS documents it (EC2 API Reference, ModifyVpcEndpoint:
    "(Gateway endpoint) Specify true to reset the policy document to the default policy. The default policy allows
    full access to the service"): a gateway endpoint gets the full-access default policy back."""
    import json

    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.responses.vpcs import VPCs

    original = VPCs.modify_vpc_endpoint

    @functools.wraps(original)
    def modify_vpc_endpoint(self):
        result = original(self)
        if self._get_bool_param("ResetPolicy", if_none=False):
            [endpoint] = self.ec2_backend.describe_vpc_endpoints(vpc_end_point_ids=[self._get_param("VpcEndpointId")])
            if endpoint.vpc_endpoint_type.lower() == "gateway":
                endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
        return result

    VPCs.modify_vpc_endpoint = modify_vpc_endpoint


def _secret_marked_for_deletion_message():
    """Secrets Manager: moto refuses GetSecretValue on a secret scheduled for deletion with its own wording ("currently
    marked deleted"); AWS's InvalidRequestException says "You can't perform this operation on the secret because it
    was marked for deletion.", the text by which the amazon.aws lookup's `on_deleted` recognises the case."""
    from moto.secretsmanager.exceptions import InvalidRequestException
    from moto.secretsmanager.models import SecretsManagerBackend

    original = SecretsManagerBackend.get_secret_value

    @functools.wraps(original)
    def get_secret_value(self, secret_id, *args, **kwargs):
        if secret_id in self.secrets and self.secrets[secret_id].is_deleted():
            raise InvalidRequestException(
                "You can't perform this operation on the secret because it was marked for deletion.")
        return original(self, secret_id, *args, **kwargs)

    SecretsManagerBackend.get_secret_value = get_secret_value


def _kms_key_arns():
    """KMS: AWS takes a key ID or a key ARN as the KeyId of EnableKey, DisableKey, ScheduleKeyDeletion and
    CancelKeyDeletion (KMS API Reference); moto looks the raw value up among its key IDs and fails with a KeyError
    (HTTP 500) for an ARN, the form amazon.aws.kms_key sends. The patch resolves an ARN to its key ID first."""
    from moto.kms.models import KmsBackend

    def by_id(original):
        @functools.wraps(original)
        def call(self, key_id, *args, **kwargs):
            return original(self, self.get_key_id(key_id), *args, **kwargs)
        return call

    for name in ("enable_key", "disable_key", "schedule_key_deletion", "cancel_key_deletion"):
        setattr(KmsBackend, name, by_id(getattr(KmsBackend, name)))


def _backup_selections():
    """AWS Backup: moto has plans and vaults but no backup selections (Create/Get/List/DeleteBackupSelection) and no
    UpdateBackupPlan. The patch keeps selections per plan as AWS does (a plan's selection names are unique; AWS has no
    update of a selection), updates a plan's rules with a new VersionId, and refuses what AWS refuses
    (AWS Backup API Reference): DeleteBackupPlan while the plan still has selections (InvalidRequestException) and
    a selection of a plan that does not exist (ResourceNotFoundException). As AWS, it frees a deleted plan's name,
    answers DescribeBackupVault of a vault that does not exist with AccessDeniedException (403, what AWS returns
    even to a caller with every permission) and returns the vault's NumberOfRecoveryPoints (0: moto runs no job)."""
    import json
    from copy import deepcopy

    from moto.backup import models, responses
    from moto.backup.exceptions import AlreadyExistsException, InvalidRequestException, ResourceNotFoundException
    from moto.core.exceptions import JsonRESTError
    from moto.core.utils import unix_time
    from moto.moto_api._internal import mock_random

    backend_class, response_class = models.BackupBackend, responses.BackupResponse

    def plan_of(backend, plan_id):
        plan = backend.plans.get(plan_id)
        if plan is None or plan.deletion_date is not None:
            raise ResourceNotFoundException(msg="Failed reading Backup plan with provided version")
        return plan

    def selections(plan):
        return plan.__dict__.setdefault("selections", {})

    def path_ids(response):
        # /backup/plans/<plan id>/selections/[<selection id>]
        parts = response.path.split("?")[0].strip("/").split("/")
        return parts[2], (parts[4] if len(parts) > 4 else None)

    def create_backup_selection(self):
        plan_id, dummy = path_ids(self)
        plan = plan_of(self.backup_backend, plan_id)
        params = json.loads(self.body)
        selection = dict(params["BackupSelection"])
        if any(s["BackupSelection"]["SelectionName"] == selection["SelectionName"] for s in selections(plan).values()):
            raise AlreadyExistsException(msg="Backup selection with the same name already exists")
        selection_id = str(mock_random.uuid4())
        selections(plan)[selection_id] = {"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": unix_time(),
                                          "CreatorRequestId": params.get("CreatorRequestId"), "BackupSelection": selection}
        return json.dumps({"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": unix_time()})

    def selection_of(self):
        plan_id, selection_id = path_ids(self)
        found = selections(plan_of(self.backup_backend, plan_id)).get(selection_id)
        if found is None:
            raise ResourceNotFoundException(msg="Failed reading Backup selection")
        return plan_id, selection_id, found

    def get_backup_selection(self):
        return json.dumps({k: v for k, v in selection_of(self)[2].items() if v is not None})

    def list_backup_selections(self):
        plan_id, dummy = path_ids(self)
        return json.dumps({"BackupSelectionsList": [
            {"SelectionId": s["SelectionId"], "SelectionName": s["BackupSelection"]["SelectionName"],
             "BackupPlanId": plan_id, "CreationDate": s["CreationDate"], "IamRoleArn": s["BackupSelection"].get("IamRoleArn")}
            for s in selections(plan_of(self.backup_backend, plan_id)).values()]})

    def delete_backup_selection(self):
        plan_id, selection_id, dummy = selection_of(self)
        del selections(self.backup_backend.plans[plan_id])[selection_id]
        return "{}"

    def update_backup_plan(self):
        plan = plan_of(self.backup_backend, self.path.split("?")[0].strip("/").split("/")[2])
        rules = deepcopy(json.loads(self.body)["BackupPlan"]["Rules"])
        for rule in rules:
            rule.setdefault("ScheduleExpression", "cron(0 5 ? * * *)")
            rule.setdefault("StartWindowMinutes", 480)
            rule.setdefault("CompletionWindowMinutes", 10080)
            rule.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
            rule["RuleId"] = str(mock_random.uuid4())
        plan.backup_plan = dict(json.loads(self.body)["BackupPlan"], Rules=rules)
        plan.version_id = mock_random.get_random_string(length=48)
        return json.dumps(plan.to_dict())

    original_delete_plan = backend_class.delete_backup_plan

    def delete_backup_plan(self, backup_plan_id):
        if selections(plan_of(self, backup_plan_id)):
            raise InvalidRequestException(msg="Related backup plan selections must be deleted prior to backup plan deletion")
        return original_delete_plan(self, backup_plan_id)

    original_create_plan = backend_class.create_backup_plan

    def create_backup_plan(self, backup_plan, backup_plan_tags, creator_request_id):
        # Only live plans hold a name (moto also counts deleted ones).
        deleted = {k: p for k, p in self.plans.items() if p.deletion_date is not None}
        for k in deleted:
            del self.plans[k]
        try:
            return original_create_plan(self, backup_plan, backup_plan_tags, creator_request_id)
        finally:
            self.plans.update(deleted)

    class AccessDeniedException(JsonRESTError):
        code = 403

    def describe_backup_vault(self):
        vault = self.backup_backend.vaults.get(self.path.split("?")[0].strip("/").split("/")[-1])
        if vault is None:
            raise AccessDeniedException("AccessDeniedException", "Insufficient privileges to perform this action.")
        return json.dumps(vault.to_list_dict())

    for name, method in [("create_backup_selection", create_backup_selection), ("get_backup_selection", get_backup_selection),
                         ("list_backup_selections", list_backup_selections),
                         ("delete_backup_selection", delete_backup_selection), ("update_backup_plan", update_backup_plan),
                         ("describe_backup_vault", describe_backup_vault)]:
        setattr(response_class, name, method)
    backend_class.delete_backup_plan = delete_backup_plan
    backend_class.create_backup_plan = create_backup_plan


def _aws_managed_policies():
    """IAM: AWS managed policies (arn:aws:iam::aws:policy/...) exist in every account; moto loads them only with
    MOTO_IAM_LOAD_MANAGED_POLICIES=true, so attaching one (AmazonRDSEnhancedMonitoringRole) fails otherwise."""
    import os

    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def _rds_event_subscription_changes():
    """RDS: moto creates, describes and deletes event subscriptions but has no ModifyEventSubscription,
    AddSourceIdentifierToSubscription or RemoveSourceIdentifierFromSubscription ("not implemented"), so a changed
    subscription could never converge. They change the stored subscription as AWS documents them: Modify sets the
    topic, source type, categories and Enabled it is given (and leaves the rest); Add/Remove add or drop one source
    identifier; each answers the subscription, and an unknown name is SubscriptionNotFound."""
    from moto.core.responses import ActionResult
    from moto.rds.responses import RDSResponse

    def subscription(self):
        return self.backend.describe_event_subscriptions(self.params.get("SubscriptionName"))[0]

    def modify_event_subscription(self):
        found = subscription(self)
        for param, attribute in (("SnsTopicArn", "sns_topic_arn"), ("SourceType", "source_type"),
                                 ("EventCategories", "event_categories"), ("Enabled", "enabled")):
            if param in self.params:
                setattr(found, attribute, self.params[param])
        return ActionResult({"EventSubscription": found})

    def add_source_identifier_to_subscription(self):
        found = subscription(self)
        if self.params["SourceIdentifier"] not in found.source_ids:
            found.source_ids = [*found.source_ids, self.params["SourceIdentifier"]]
        return ActionResult({"EventSubscription": found})

    def remove_source_identifier_from_subscription(self):
        found = subscription(self)
        found.source_ids = [source for source in found.source_ids if source != self.params["SourceIdentifier"]]
        return ActionResult({"EventSubscription": found})

    RDSResponse.modify_event_subscription = modify_event_subscription
    RDSResponse.add_source_identifier_to_subscription = add_source_identifier_to_subscription
    RDSResponse.remove_source_identifier_from_subscription = remove_source_identifier_from_subscription


PATCHES = [
    _aws_managed_policies,
    _alb_deletion_protection_refusal,
    _secret_marked_for_deletion_message,
    _kms_key_arns,
    _backup_selections,
    _keep_performance_insights,
    _seed_cluster_parameter_defaults,
    _keep_performance_insights_retention,
    _alb_default_attributes,
    _alb_access_log_test_file,
    _bucket_policy_conditions,
    _flow_logs_to_an_s3_folder,
    _vpc_endpoint_reset_policy,
    _wafv2_associations,
    _alb_redirect_defaults,
    _keep_ecs_service_settings,
    _ecs_empty_tag_list,
    _ecr_replicates_and_expires,
    _ecs_deployments_run,
    _ecs_latest_active_revision,
    _rds_aurora_postgresql_engine_versions,
    _rds_aurora_postgresql_orderable_options,
    _rds_aurora_postgresql_refusals,
    _rds_event_subscription_changes,
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--rehearsal", type=float, metavar="SCALE",
                        help="rehearsal mode (tests/rehearsal.py): SCALE seconds of emulator time per AWS minute")
    args = parser.parse_args(argv)
    for patch in PATCHES:
        patch()
    if args.rehearsal:
        import rehearsal

        rehearsal.install(args.rehearsal)
    from moto.server import main as moto_main

    # Loopback only: nothing outside this machine can reach the emulator.
    moto_main(["--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
