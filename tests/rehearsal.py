# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rehearsal mode of the emulator: AWS's waits and refusals, on a compressed clock.

`python tests/emulator.py --rehearsal SCALE` installs these patches after the normal ones. SCALE is
seconds of emulator time per minute of AWS time (0.5: an RDS instance that AWS creates in about ten
minutes is `creating` for five seconds). Without the flag nothing here is installed, SCALE stays 0 (so
`seconds()`, which other emulator patches use, is 0) and the emulator creates everything at once, as moto
does.

Each patch reproduces one documented or well-known AWS behaviour; the durations below are typical AWS
times in AWS minutes (the Terraform AWS provider's waiters and the AWS user guides are the record).
States are computed when they are read, from the time a resource was created or deleted, and a short
settle step before and after every EC2, RDS, ELBv2 and ECS call purges what AWS has finished deleting
and keeps the network interfaces AWS manages in step with their owners. No thread sleeps.
"""

import functools
import threading
import time
import uuid

RDS_CLUSTER_CREATING = 4  # CreateDBCluster -> available
RDS_INSTANCE_CREATING = 10  # CreateDBInstance -> available
RDS_INSTANCE_DELETING = 5  # DeleteDBInstance: listed as deleting, then gone
RDS_CLUSTER_DELETING = 3  # DeleteDBCluster: listed as deleting, then gone
RDS_CLUSTER_SNAPSHOT_CREATING = 5  # CreateDBClusterSnapshot -> available
ALB_PROVISIONING = 3  # CreateLoadBalancer -> active
ALB_INTERFACES_LINGER = 2  # a load balancer's network interfaces outlive it
TARGET_GROUP_IN_USE_AFTER_ALB = 1  # DeleteTargetGroup refused after its load balancer is deleted
ENDPOINT_PENDING = 2  # interface endpoint pending -> available
ENDPOINT_DELETING = 1.5  # interface endpoint deleting -> deleted
ENDPOINT_DELETED_LISTED = 10  # a deleted endpoint is still listed as deleted
ECS_SERVICE_DRAINING = 1  # DeleteService: DRAINING -> INACTIVE
ECS_TASK_INTERFACES_LINGER = 1  # a stopped task's network interface outlives it
SECRET_NAME_RESERVED = 0.5  # a force-deleted secret's name cannot be reused

SCALE = 0.0  # seconds of emulator time per AWS minute; 0.0 when rehearsal mode is off
SETTLED_SERVICES = {"ec2", "rds", "elbv2", "ecs"}
_SETTLERS = []  # settle steps, run in order: fn(account_id, region)
_LOCK = threading.RLock()


def seconds(aws_minutes):
    """Emulator seconds that `aws_minutes` of AWS time take (0 when rehearsal mode is off)."""
    return aws_minutes * SCALE


def _within(started, aws_minutes):
    """True while fewer than `aws_minutes` AWS minutes have passed since `started` (a time.monotonic())."""
    return started is not None and time.monotonic() - started < seconds(aws_minutes)


def _backend(backends, account_id, region):
    """The existing backend of a service for account and region, or None (never creates one)."""
    return dict.get(dict.get(backends, account_id) or {}, region)


def _live(cls, name, live, store=None):
    """Make `cls.<name>` computed on read, `live(obj, stored)`, from what moto stores (in `store`), and
    stamp every new object with its creation time, `obj._rh_born`."""
    store = store or f"_rh_{name}"
    original_init = cls.__init__

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        self._rh_born = time.monotonic()
        original_init(self, *args, **kwargs)

    cls.__init__ = init
    setattr(cls, name, property(lambda self: live(self, self.__dict__.get(store)),
                                lambda self, value: self.__dict__.__setitem__(store, value)))


def _wrap(cls, name, make):
    """Replace method `name` of `cls` by `make(original)`."""
    setattr(cls, name, functools.wraps(getattr(cls, name))(make(getattr(cls, name))))


def _rds_lifecycle():
    """RDS: a DB cluster is `creating` about 4 minutes and a DB instance about 10 before `available`; a
    deleted instance is listed as `deleting` about 5 minutes and a deleted cluster about 3, then they are
    gone (Terraform's waitDBClusterInstanceDeleted / waitDBClusterDeleted poll through `deleting`).
    Aurora lets DeleteDBCluster through once every member is `deleting` (Aurora User Guide, "Deleting an
    Aurora DB cluster"), so a deleting instance no longer counts as a member (nor shows in DBClusterMembers)
    and moto's own refusal (InvalidDBClusterStateFault "Cluster cannot be deleted, it still contains DB
    instances in non-deleting state.") covers the rest. Deleting what is already `deleting` is refused
    (InvalidDBInstanceState "... is already being deleted", which Terraform's instance delete tolerates)."""
    from moto.rds.exceptions import InvalidDBClusterStateFault, RDSClientError
    from moto.rds.models import DBCluster, DBInstance, RDSBackend, rds_backends

    def cluster_status(cluster, stored):
        if getattr(cluster, "_rh_deleted", None):
            return "deleting"
        if stored == "creating":
            return "creating" if _within(cluster._rh_born, RDS_CLUSTER_CREATING) else "available"
        return stored

    def instance_status(db, stored):
        if getattr(db, "_rh_deleted", None):
            return "deleting"
        return "creating" if stored == "available" and _within(db._rh_born, RDS_INSTANCE_CREATING) else stored

    _live(DBCluster, "status", cluster_status, store="_status")
    _live(DBInstance, "status", instance_status)
    members = DBCluster.members.fget
    DBCluster.members = property(lambda self: [db for db in members(self) if not getattr(db, "_rh_deleted", None)])

    def make_delete_instance(original):
        def delete_db_instance(self, db_instance_identifier, **kwargs):
            if getattr(self.databases.get(db_instance_identifier), "_rh_deleted", None):
                raise RDSClientError("InvalidDBInstanceState",
                                     f"Instance {db_instance_identifier} is already being deleted.")
            db = original(self, db_instance_identifier, **kwargs)
            db._rh_deleted = time.monotonic()
            self.databases[db_instance_identifier] = db
            return db
        return delete_db_instance

    def make_delete_cluster(original):
        def delete_db_cluster(self, cluster_identifier, snapshot_name=None):
            if getattr(self.clusters.get(cluster_identifier), "_rh_deleted", None):
                raise InvalidDBClusterStateFault(f"Cluster {cluster_identifier} is already being deleted.")
            cluster = original(self, cluster_identifier, snapshot_name)
            cluster._rh_deleted = time.monotonic()
            self.clusters[cluster_identifier] = cluster
            return cluster
        return delete_db_cluster

    _wrap(RDSBackend, "delete_db_instance", make_delete_instance)
    _wrap(RDSBackend, "delete_db_cluster", make_delete_cluster)

    def purge(account_id, region):
        rds = _backend(rds_backends, account_id, region)
        registries = ((rds.databases, RDS_INSTANCE_DELETING), (rds.clusters, RDS_CLUSTER_DELETING)) if rds else ()
        for registry, minutes in registries:
            for key, resource in list(registry.items()):
                if getattr(resource, "_rh_deleted", None) and not _within(resource._rh_deleted, minutes):
                    registry.pop(key, None)

    _SETTLERS.append(purge)


def _rds_refusals():
    """RDS refuses, as AWS does: ModifyDBCluster on a cluster that is not `available`
    (InvalidDBClusterStateFault "DB cluster is not available for modification with status creating"),
    ModifyDBInstance on an instance that is not (InvalidDBInstanceState "Database instance is not in
    available state."), and CreateDBInstance into a cluster that is being deleted. CreateDBInstance into
    a `creating` cluster is accepted, as on AWS: the Aurora User Guide's CLI procedure ("Creating an
    Amazon Aurora DB cluster") runs create-db-instance right after create-db-cluster, with no wait, and
    the console creates the writer together with the cluster (moto accepts it too)."""
    from moto.rds.exceptions import InvalidDBClusterStateFault, RDSClientError
    from moto.rds.models import RDSBackend

    def make_modify_cluster(original):
        def modify_db_cluster(self, kwargs):
            cluster = self.clusters.get(kwargs.get("db_cluster_identifier") or "")
            if cluster is not None and cluster.status != "available":
                raise InvalidDBClusterStateFault(
                    f"DB cluster is not available for modification with status {cluster.status}")
            return original(self, kwargs)
        return modify_db_cluster

    def make_modify_instance(original):
        def modify_db_instance(self, db_instance_identifier, db_kwargs):
            db = self.databases.get(db_instance_identifier or "")
            if db is not None and db.status != "available":
                raise RDSClientError("InvalidDBInstanceState", "Database instance is not in available state.")
            return original(self, db_instance_identifier, db_kwargs)
        return modify_db_instance

    def make_create(original):
        def create_db_instance(self, db_kwargs):
            cluster_id = db_kwargs.get("db_cluster_identifier")
            if cluster_id and getattr(self.clusters.get(cluster_id), "_rh_deleted", None):
                raise InvalidDBClusterStateFault(
                    f"The requested operation can't be performed while the cluster {cluster_id} is in state deleting.")
            return original(self, db_kwargs)
        return create_db_instance

    _wrap(RDSBackend, "modify_db_cluster", make_modify_cluster)
    _wrap(RDSBackend, "modify_db_instance", make_modify_instance)
    _wrap(RDSBackend, "create_db_instance", make_create)


def _rds_cluster_snapshot_creating():
    """RDS: a manual DB cluster snapshot is `creating` (PercentProgress rising) for minutes before it is
    `available` (DBClusterSnapshot, RDS API Reference: Status "creating", "available", PercentProgress; botocore's
    DBClusterSnapshotAvailable waiter polls for it, 30 s apart, up to 30 minutes), and DeleteDBClusterSnapshot is
    refused meanwhile with InvalidDBClusterSnapshotStateFault (DeleteDBClusterSnapshot: "The DB cluster snapshot
    must be in the available state to be deleted."). moto makes it `available` at once and deletes it in any state.
    5 AWS minutes here: Aurora snapshots are incremental at the storage layer, and a small database's take minutes."""
    from moto.rds.exceptions import InvalidDBClusterSnapshotStateFault
    from moto.rds.models import DBClusterSnapshot, RDSBackend

    def creating(snapshot):
        return _within(snapshot._rh_born, RDS_CLUSTER_SNAPSHOT_CREATING)

    def status(snapshot, stored):
        return "creating" if stored == "available" and creating(snapshot) else stored

    def progress(snapshot, stored):
        if stored != 100 or not creating(snapshot):
            return stored
        return int(100 * (time.monotonic() - snapshot._rh_born) / seconds(RDS_CLUSTER_SNAPSHOT_CREATING))

    _live(DBClusterSnapshot, "status", status)
    # The creation stamp is set by the first _live: this one only makes the progress computed too.
    DBClusterSnapshot.percent_progress = property(
        lambda self: progress(self, self.__dict__.get("_rh_percent_progress")),
        lambda self, value: self.__dict__.__setitem__("_rh_percent_progress", value))

    def make_delete(original):
        def delete_db_cluster_snapshot(self, db_snapshot_identifier):
            snapshot = self.cluster_snapshots.get(db_snapshot_identifier)
            if snapshot is not None and snapshot.status != "available":
                raise InvalidDBClusterSnapshotStateFault(
                    f"Cannot delete the snapshot because it is not in the available state (it is {snapshot.status}).")
            return original(self, db_snapshot_identifier)
        return delete_db_cluster_snapshot

    _wrap(RDSBackend, "delete_db_cluster_snapshot", make_delete)


def _alb_lifecycle():
    """ELBv2: a new load balancer is `provisioning` about 3 minutes before `active` (Terraform's
    waitLoadBalancerActive); DeleteTargetGroup fails with ResourceInUse while a listener or rule forwards
    to the group (moto already refuses that) and for about a minute after its load balancer was deleted,
    while AWS finishes tearing the load balancer down."""
    from moto.elbv2.exceptions import ResourceInUseError
    from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer

    def state(lb, stored):
        if stored in ("provisioning", "active") and _within(lb._rh_born, ALB_PROVISIONING):
            return "provisioning"
        return "active" if stored == "provisioning" else stored

    _live(FakeLoadBalancer, "state", state)

    def make_delete_lb(original):
        def delete_load_balancer(self, arn):
            for group in self.target_groups.values():
                if arn in group.load_balancer_arns:
                    group._rh_lb_deleted = time.monotonic()
            return original(self, arn)
        return delete_load_balancer

    def make_delete_group(original):
        def delete_target_group(self, target_group_arn):
            group = self.target_groups.get(target_group_arn)
            if _within(getattr(group, "_rh_lb_deleted", None), TARGET_GROUP_IN_USE_AFTER_ALB):
                raise ResourceInUseError(
                    f"The target group '{target_group_arn}' is currently in use by a listener or a rule")
            return original(self, target_group_arn)
        return delete_target_group

    _wrap(ELBv2Backend, "delete_load_balancer", make_delete_lb)
    _wrap(ELBv2Backend, "delete_target_group", make_delete_group)


def _vpc_endpoint_lifecycle():
    """VPC endpoints: an interface endpoint is `pending` about 2 minutes before `available` (gateway
    endpoints are available at once); DeleteVpcEndpoints leaves an interface endpoint `deleting` about 1.5
    minutes (keeping its network interfaces), then it is listed as `deleted` for a while (10 minutes here),
    as DescribeVpcEndpoints shows on AWS, then gone. The live state is the model's `state`, so the
    vpc-endpoint-state filter and every other reader see it."""
    from moto.ec2.models import EC2Backend, ec2_backends
    from moto.ec2.models.vpcs import VPCEndPoint

    def interface(endpoint):
        return (endpoint.vpc_endpoint_type or "").lower() == "interface"

    def deleting_minutes(endpoint):
        return ENDPOINT_DELETING if interface(endpoint) else 0

    def state(endpoint, stored):
        deleted = getattr(endpoint, "_rh_deleted", None)
        if deleted:
            return "deleting" if _within(deleted, deleting_minutes(endpoint)) else "deleted"
        return "pending" if interface(endpoint) and _within(endpoint._rh_born, ENDPOINT_PENDING) else stored

    _live(VPCEndPoint, "state", state)

    def make_delete(original):
        def delete_vpc_endpoints(self, vpce_ids=None):
            for vpce_id in vpce_ids or []:
                endpoint = self.vpc_end_points.get(vpce_id)
                if endpoint is None or getattr(endpoint, "_rh_deleted", None):
                    continue
                if not interface(endpoint):  # moto removes the routes; AWS does so at once too
                    original(self, [vpce_id])
                endpoint._rh_deleted = time.monotonic()
        return delete_vpc_endpoints

    _wrap(EC2Backend, "delete_vpc_endpoints", make_delete)

    def purge(account_id, region):
        ec2 = _backend(ec2_backends, account_id, region)
        for key, endpoint in list(ec2.vpc_end_points.items()) if ec2 else ():
            deleted = getattr(endpoint, "_rh_deleted", None)
            if deleted and not _within(deleted, deleting_minutes(endpoint) + ENDPOINT_DELETED_LISTED):
                ec2.vpc_end_points.pop(key, None)

    _SETTLERS.append(purge)


def _managed_network_interfaces():
    """EC2: the network interfaces AWS creates for managed resources, in DescribeNetworkInterfaces with
    AWS's Description, InterfaceType and RequesterManaged and the owner's security groups: one per subnet
    of a load balancer ("ELB app/<name>/<id>", with a public address when internet-facing), one per subnet
    of an interface endpoint ("VPC Endpoint Interface vpce-...", type vpc_endpoint; moto creates these,
    they are completed here), one per DB instance ("RDSNetworkInterface") and one per running ECS task
    (awsvpc; "arn:aws:ecs:...:attachment/..."). They outlive their owner as on AWS: a load balancer's about
    2 minutes, a stopped task's about 1, an endpoint's until it has finished deleting, a DB instance's until
    it is gone."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.utils import random_private_ip, random_public_ip
    from moto.ecs.models import ecs_backends
    from moto.elbv2.models import elbv2_backends
    from moto.rds.models import rds_backends

    def owners(account_id, region, ec2):
        """key -> what the interface should be, for every owner that needs one now."""
        wanted = {}
        elbv2 = _backend(elbv2_backends, account_id, region)
        for lb in list(elbv2.load_balancers.values()) if elbv2 else ():
            kind = "app" if lb.type == "application" else "net"
            for subnet in lb.subnets:
                wanted["elb", lb.arn, subnet.id] = dict(
                    subnet=subnet.id, groups=lb.security_groups, requester="amazon-elb",
                    description=f"ELB {kind}/{lb.name}/{lb.arn.rsplit('/', 1)[-1]}",
                    type="interface" if kind == "app" else "network_load_balancer",
                    public=lb.scheme != "internal", linger=ALB_INTERFACES_LINGER)
        for endpoint in list(ec2.vpc_end_points.values()):
            if (endpoint.vpc_endpoint_type or "").lower() == "interface" and endpoint.state != "deleted":
                for eni_id in endpoint.network_interface_ids:
                    wanted["vpce", endpoint.id, eni_id] = dict(
                        adopt=eni_id, groups=endpoint.security_group_ids, type="vpc_endpoint",
                        description=f"VPC Endpoint Interface {endpoint.id}")
        rds = _backend(rds_backends, account_id, region)
        for db in list(rds.databases.values()) if rds else ():
            name = getattr(db, "_db_subnet_group_name", None) or getattr(getattr(db, "cluster", None),
                                                                         "db_subnet_group_name", None)
            subnets = list(getattr(rds.subnet_groups.get(name or ""), "_subnets", []))
            if subnets:
                subnet = next((s for s in subnets if s.availability_zone == db.availability_zone), subnets[0])
                wanted["rds", db.arn] = dict(
                    subnet=subnet.id, groups=db.vpc_security_group_ids, requester="amazon-rds",
                    description="RDSNetworkInterface", public=bool(getattr(db, "publicly_accessible", False)))
        ecs = _backend(ecs_backends, account_id, region)
        for service in list(ecs.services.values()) if ecs else ():
            awsvpc = (service.network_configuration or {}).get("awsvpcConfiguration") or {}
            subnets = awsvpc.get("subnets") or []
            running = 0 if getattr(service, "_rh_deleted", None) or not subnets else int(service.running_count or 0)
            for task in range(running):
                wanted["ecs", service.arn, task] = dict(
                    subnet=subnets[task % len(subnets)], groups=awsvpc.get("securityGroups") or [],
                    description=f"arn:aws:ecs:{region}:{account_id}:attachment/{uuid.uuid4()}",
                    public=awsvpc.get("assignPublicIp") == "ENABLED", linger=ECS_TASK_INTERFACES_LINGER)
        return wanted

    def create(ec2, spec):
        groups = [g for g in (ec2.get_security_group_from_id(i) for i in spec.get("groups") or []) if g]
        if "adopt" in spec:
            eni = ec2.enis.get(spec["adopt"])
            if eni is not None:  # moto's address is outside the subnet and its group the VPC's default
                eni.private_ip_address = random_private_ip(eni.subnet.cidr_block)
                eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": eni.private_ip_address}]
                eni._group_set = groups or eni._group_set
        else:
            subnet = next((s[spec["subnet"]] for s in ec2.subnets.values() if spec["subnet"] in s), None)
            eni = subnet and ec2.create_network_interface(subnet, None, group_ids=[g.id for g in groups],
                                                          description=spec["description"])
            if eni is not None and spec.get("public"):
                eni.public_ip = random_public_ip()
        if eni is not None:
            eni.description, eni.interface_type = spec["description"], spec.get("type", "interface")
            eni.requester_managed, eni.status, eni._rh_linger = True, "in-use", spec.get("linger", 0)
            eni.requester_id = spec.get("requester", eni.requester_id)
        return eni

    def settle(account_id, region):
        ec2 = _backend(ec2_backends, account_id, region)
        if ec2 is None:
            return
        wanted = owners(account_id, region, ec2)
        managed = ec2.__dict__.setdefault("_rh_interfaces", {})
        for key, eni in list(managed.items()):
            if key in wanted:
                continue
            del managed[key]
            if key[0] != "released" and eni._rh_linger:  # its owner just went: AWS keeps it a while
                eni._rh_released = time.monotonic()
                managed["released", eni.id] = eni
            elif key[0] == "released" and _within(eni._rh_released, eni._rh_linger):
                managed[key] = eni
            else:
                ec2.enis.pop(eni.id, None)
        for key, spec in wanted.items():
            if key not in managed:
                eni = create(ec2, spec)
                if eni is not None:
                    managed[key] = eni

    _SETTLERS.append(settle)


def _network_dependency_violations():
    """EC2 refuses, with AWS's DependencyViolation messages, while network interfaces (the managed ones
    above or any other) use them: DeleteSecurityGroup ("resource sg-... has a dependent object"),
    DeleteSubnet ("The subnet 'subnet-...' has dependencies and cannot be deleted."), and
    DetachInternetGateway while an interface in the VPC has a public address, such as an internet-facing
    load balancer's ("Network vpc-... has some mapped public address(es). Please unmap those public
    address(es) before detaching the gateway."). DeleteVpc fails while anything remains: moto already
    refuses subnets (so every interface), extra route tables and VPN gateways; added here are security
    groups other than the default one, an attached internet gateway and endpoints not yet deleted."""
    from moto.ec2.exceptions import DependencyViolationError
    from moto.ec2.models import EC2Backend

    def interfaces(ec2, test):
        return [eni for eni in list(ec2.enis.values()) if test(eni)]

    def make_delete_group(original):
        def delete_security_group(self, name=None, group_id=None):
            group = (self.get_security_group_from_id(group_id) if group_id
                     else self.get_security_group_by_name_or_id(name))
            if group is not None and interfaces(self, lambda eni: group.id in {g.id for g in eni.group_set}):
                raise DependencyViolationError(f"resource {group.id} has a dependent object")
            return original(self, name=name, group_id=group_id)
        return delete_security_group

    def make_delete_subnet(original):
        def delete_subnet(self, subnet_id):
            if interfaces(self, lambda eni: eni.subnet.id == subnet_id):
                raise DependencyViolationError(f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
            return original(self, subnet_id)
        return delete_subnet

    def make_detach(original):
        def detach_internet_gateway(self, internet_gateway_id, vpc_id):
            igw = self.internet_gateways.get(internet_gateway_id)
            if igw is not None and igw.vpc is not None and igw.vpc.id == vpc_id and interfaces(
                    self, lambda eni: eni.public_ip and eni.subnet.vpc_id == vpc_id):
                raise DependencyViolationError(
                    f"Network {vpc_id} has some mapped public address(es). "
                    "Please unmap those public address(es) before detaching the gateway.")
            return original(self, internet_gateway_id, vpc_id)
        return detach_internet_gateway

    def make_delete_vpc(original):
        def delete_vpc(self, vpc_id):
            groups = [g for g in self.groups.get(vpc_id, {}).values() if g.name != "default"]
            gateways = [g for g in self.internet_gateways.values() if g.vpc is not None and g.vpc.id == vpc_id]
            endpoints = [e for e in self.vpc_end_points.values() if e.vpc_id == vpc_id and e.state != "deleted"]
            if groups or gateways or endpoints:
                raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
            return original(self, vpc_id)
        return delete_vpc

    _wrap(EC2Backend, "delete_security_group", make_delete_group)
    _wrap(EC2Backend, "delete_subnet", make_delete_subnet)
    _wrap(EC2Backend, "detach_internet_gateway", make_detach)
    _wrap(EC2Backend, "delete_vpc", make_delete_vpc)


def _ecs_draining():
    """ECS: DeleteService leaves the service DRAINING about a minute (its tasks stop) before INACTIVE;
    DeleteCluster fails with ClusterContainsServicesException ("The Cluster cannot be deleted while
    Services are active.") while a service is ACTIVE and with ClusterContainsTasksException ("The Cluster
    cannot be deleted while Tasks are active.") while one drains or a task runs. moto refuses neither."""
    from moto.ecs.exceptions import ECSException
    from moto.ecs.models import EC2ContainerServiceBackend, Service

    def status(service, stored):
        return "DRAINING" if _within(getattr(service, "_rh_deleted", None), ECS_SERVICE_DRAINING) else stored

    _live(Service, "status", status)

    def make_delete_service(original):
        def delete_service(self, cluster_name, service_name, force):
            service = original(self, cluster_name, service_name, force)
            service._rh_deleted = getattr(service, "_rh_deleted", None) or time.monotonic()
            return service
        return delete_service

    def make_delete_cluster(original):
        def delete_cluster(self, cluster_str):
            cluster = self._get_cluster(cluster_str)
            statuses = {s.status for s in list(self.services.values()) if s.cluster_name == cluster.name}
            if "ACTIVE" in statuses:
                raise ECSException("ClusterContainsServicesException",
                                   "The Cluster cannot be deleted while Services are active.")
            tasks = [t for t in self.tasks.get(cluster.name, {}).values() if t.last_status != "STOPPED"]
            if "DRAINING" in statuses or tasks:
                raise ECSException("ClusterContainsTasksException",
                                   "The Cluster cannot be deleted while Tasks are active.")
            return original(self, cluster_str)
        return delete_cluster

    _wrap(EC2ContainerServiceBackend, "delete_service", make_delete_service)
    _wrap(EC2ContainerServiceBackend, "delete_cluster", make_delete_cluster)


def _secret_name_reserved():
    """Secrets Manager: after DeleteSecret with ForceDeleteWithoutRecovery the name stays reserved for a
    short while (AWS deletes asynchronously), and CreateSecret with it fails with InvalidRequestException
    "You can't create this secret because a secret with this name is already scheduled for deletion.\""""
    from moto.secretsmanager.exceptions import InvalidRequestException
    from moto.secretsmanager.models import SecretsManagerBackend

    def make_delete(original):
        def delete_secret(self, secret_id, recovery_window_in_days, force_delete_without_recovery):
            existed = self._is_valid_identifier(secret_id)
            arn, name, date = original(self, secret_id, recovery_window_in_days, force_delete_without_recovery)
            if existed and force_delete_without_recovery:
                self.__dict__.setdefault("_rh_reserved", {})[name] = time.monotonic()
            return arn, name, date
        return delete_secret

    def make_create(original):
        def create_secret(self, name, *args, **kwargs):
            if _within(self.__dict__.get("_rh_reserved", {}).get(name), SECRET_NAME_RESERVED):
                raise InvalidRequestException("You can't create this secret because a secret with this name "
                                              "is already scheduled for deletion.")
            return original(self, name, *args, **kwargs)
        return create_secret

    _wrap(SecretsManagerBackend, "delete_secret", make_delete)
    _wrap(SecretsManagerBackend, "create_secret", make_create)


PATCHES = [
    _rds_lifecycle,
    _rds_refusals,
    _rds_cluster_snapshot_creating,
    _alb_lifecycle,
    _vpc_endpoint_lifecycle,
    _managed_network_interfaces,
    _network_dependency_violations,
    _ecs_draining,
    _secret_name_reserved,
]


def _settle_around_calls():
    """Run the settle steps before and after every call to the services they concern."""
    from moto.core.responses import BaseResponse

    original = BaseResponse.call_action

    def settle(response):
        account_id, region = getattr(response, "current_account", None), getattr(response, "region", None)
        with _LOCK:
            for step in _SETTLERS if account_id and region else ():
                step(account_id, region)

    @functools.wraps(original)
    def call_action(self):
        if self.service_name not in SETTLED_SERVICES:
            return original(self)
        settle(self)
        try:
            return original(self)
        finally:
            settle(self)

    BaseResponse.call_action = call_action


def install(scale):
    """Turn rehearsal mode on: `scale` seconds of emulator time per AWS minute."""
    global SCALE
    if float(scale) <= 0:
        raise ValueError(f"--rehearsal needs a positive scale, not {scale!r}")
    SCALE = float(scale)
    for patch in PATCHES:
        patch()
    _settle_around_calls()
