# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures: one emulator for the whole session, playbook runs, AWS read-back, request log.

The emulator is tests/emulator.py (moto's server with the documented patches) on a free loopback
port, with its request recorder on, so a test can prove which API calls a run made.
"""

import base64
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parent.parent
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name("ansible-playbook"))
# Reads are Describe/List/Get (and the like); everything else changes AWS.
READ_ACTION = re.compile(r"^(Describe|List|Get|Head|Search|Lookup|Batch(Get|Check))")
ENV_REGIONS = {"dev": "eu-west-1", "staging": "us-west-2", "prod": "us-east-1"}
# The shared repository's home: images are pushed there and replicated to the other regions.
HOME_REGION = ENV_REGIONS["dev"]
REPOSITORY = "payment-processor"
# The roles' poll intervals (seconds between two looks while waiting): rehearsal tests and the bench shorten them.
POLL_DELAYS = ("ecr_replication_delay", "vpc_endpoint_wait_delay", "rds_wait_delay", "ecs_rollout_delay",
               "rds_delete_delay", "vpc_delete_delay", "alb_delete_delay", "ecs_delete_delay")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The inventory sources scripts/demo_certificates.py writes (git-ignored): the emulator's certificates for the
# environments that serve only HTTPS.
HTTPS_ENVS = ("staging", "prod")
CERTIFICATE_INVENTORIES = [REPO / "inventories" / env / "emulator.yml" for env in HTTPS_ENVS]


class Emulator:
    def __init__(self, tmp_dir, rehearsal=None):
        self._saved_inventories = None
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tmp_dir) / "requests.jsonl"
        env = dict(os.environ, MOTO_ENABLE_RECORDING="true", MOTO_RECORDER_FILEPATH=str(self.log))
        options = ["--rehearsal", str(rehearsal)] if rehearsal else []
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "emulator.py"), "--port", str(self.port), *options],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                self._post("/moto-api/recorder/stop-recording")
                break
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the emulator did not start")
                time.sleep(0.2)

    def _post(self, path):
        urllib.request.urlopen(urllib.request.Request(self.url + path, method="POST"), timeout=30).read()

    def reset(self):
        """Forget every resource (and the recording): a fresh, empty AWS."""
        self._post("/moto-api/reset")
        self._post("/moto-api/recorder/reset-recording")

    def start_recording(self):
        self._post("/moto-api/recorder/reset-recording")
        self._post("/moto-api/recorder/start-recording")

    def stop_recording(self):
        """Stop recording and return the recorded API actions, in order."""
        self._post("/moto-api/recorder/stop-recording")
        actions = []
        if self.log.exists():
            for line in self.log.read_text().splitlines():
                if line.strip():
                    actions.append(action_of(json.loads(line)))
        return [a for a in actions if a]

    def import_certificates(self):
        """As `make demo` does: a self-signed certificate for staging and prod in this emulator's ACM, named in
        inventories/<env>/emulator.yml (scripts/demo_certificates.py), so that a deploy takes the HTTPS path. What
        those files held before comes back at stop() (another emulator, e.g. `make demo`'s, may own them)."""
        if self._saved_inventories is None:
            self._saved_inventories = {path: path.read_text() if path.exists() else None for path in CERTIFICATE_INVENTORIES}
        subprocess.run([sys.executable, str(REPO / "scripts" / "demo_certificates.py")], env=emulator_environment(self.url),
                       cwd=REPO, check=True, capture_output=True, timeout=120)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        for path, text in (self._saved_inventories or {}).items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text)
        self._saved_inventories = None


def action_of(request):
    """The API action of one recorded request: query/form and JSON APIs by name, REST ones by method and path."""
    headers = request.get("headers") or {}
    target = headers.get("X-Amz-Target")
    if target:
        return target.split(".")[-1]
    body = request.get("body") or ""
    if request.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    url = urllib.parse.urlsplit(request.get("url", ""))
    if url.path.startswith("/moto-api"):
        return None
    params = urllib.parse.parse_qs(url.query)
    if "Action=" in body:
        params.update(urllib.parse.parse_qs(body))
    if "Action" in params:
        return params["Action"][0]
    return f"{request.get('method', 'GET')} {url.path}"


# REST calls that read although they are POSTs (Route 53's batch tag listing).
REST_READS = re.compile(r"^POST /2013-04-01/tags/hostedzone$")


def writes(actions):
    """The calls among `actions` that change AWS."""
    return [
        a for a in actions if not (READ_ACTION.match(a) or a.startswith(("GET ", "HEAD ")) or REST_READS.match(a))
    ]


@dataclass
class Run:
    rc: int
    output: str

    @property
    def changed(self):
        """Sum of changed= over every host of the PLAY RECAP."""
        return sum(int(n) for n in re.findall(r"\schanged=(\d+)", self.output))

    @property
    def failed(self):
        return self.rc != 0


def emulator_environment(url, base=None):
    """`base` aimed at the emulator at `url`: never a real account (dummy credentials, no profile or token)."""
    foreign = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in foreign}
    env.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="eu-west-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def aws_clients(url):
    """boto3 clients against the emulator at `url`: client('ec2', 'dev') or client('ec2', region='us-east-1')."""

    def client(service, env=None, region=None):
        return boto3.client(service, region_name=region or ENV_REGIONS[env], endpoint_url=url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    return client


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    emulator = Emulator(tmp_path_factory.mktemp("emulator"))
    saved = dict(os.environ)
    environment = emulator_environment(emulator.url)
    os.environ.clear()
    os.environ.update(environment)
    yield emulator
    emulator.stop()
    os.environ.clear()
    os.environ.update(saved)


def run_playbook(playbook, *envs, extra_vars=None, check=False, verbosity=0, timeout=1800):
    """Run a playbook from the repository root against the given environments' inventories."""
    cmd = [ANSIBLE_PLAYBOOK, playbook]
    for env in envs:
        cmd += ["-i", f"inventories/{env}"]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if check:
        cmd += ["--check", "--diff"]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = subprocess.run(
        cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=dict(os.environ, ANSIBLE_NOCOLOR="1"), check=False,
    )
    return Run(proc.returncode, proc.stdout + proc.stderr)


# A warning or deprecation ansible printed: a normal run prints none (plugins/callback/summary.py drops only
# the known upstream ones it lists).
WARNING = re.compile(r"^\[(DEPRECATION )?WARNING\]: .*$", re.MULTILINE)


def readme_usage():
    """The README's Usage block, line by line: the emulator's `export` line first, then the commands."""
    text = (REPO / "README.md").read_text()
    block = text.split("\n## Usage\n", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def readme_command(word):
    """The one command of the README's Usage block that contains `word` (e.g. "teardown.yml", "--check")."""
    [command] = [line for line in readme_usage()[1:] if word in line]
    return command


def run_as_written(command, url, timeout=1800):
    """`command` as a user pastes it after the README's export line, in a shell with nothing else set (no
    AWS_DEFAULT_REGION either): only PATH and HOME, then the export line, aimed at the emulator at `url`."""
    export = readme_usage()[0].replace("http://127.0.0.1:5000", url)
    assert "http://127.0.0.1:5000" not in export and url in export, "the README's export line names port 5000"
    proc = subprocess.run(
        ["bash", "-c", f"{export}\n{command}"], cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ["HOME"]},
    )
    return Run(proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def aws(emulator):
    """boto3 clients against the emulator: aws('ec2', 'dev') or aws('ec2', region='us-east-1')."""
    return aws_clients(emulator.url)


@dataclass
class Deployment:
    first: Run
    first_requests: list  # (action, decoded body) of every call the first run made
    rerun: Run
    rerun_calls: list
    check: Run
    no_image: Run  # the very first run, before any image was pushed
    no_image_calls: list

    def bodies(self, action):
        """The request bodies of every `action` call of the first run."""
        return [body for name, body in self.first_requests if name == action]


@pytest.fixture(scope="session")
def platform(emulator):
    """dev, staging and prod deployed in one run on an empty emulator (recorded, at -v), then re-run
    (recorded) and run in check mode with the README's commands. Read-only tests share it; tests that change AWS put back
    what they changed, and the teardown tests run last."""
    emulator.reset()
    # staging and prod serve only HTTPS: their certificates are in ACM before the first deploy, as on an account.
    emulator.import_certificates()
    # As a first deploy on a real account goes: no image yet, so the run stops after the registry.
    emulator.start_recording()
    no_image = run_playbook("site.yml", "dev", "staging", "prod")
    no_image_calls = emulator.stop_recording()
    push_image(emulator.url, HOME_REGION, "latest")
    emulator.start_recording()
    first = run_playbook("site.yml", "dev", "staging", "prod", verbosity=1)
    emulator.stop_recording()
    assert not first.failed, first.output[-5000:]
    first_requests = recorded_requests(emulator)
    # The re-run and the check are the README's own commands, run as a user pastes them.
    emulator.start_recording()
    rerun = run_as_written(readme_command("# deploy all three"), emulator.url)
    calls = emulator.stop_recording()
    check = run_as_written(readme_command("--check --diff"), emulator.url)
    return Deployment(first, first_requests, rerun, calls, check, no_image, no_image_calls)


def tags_of(resource, key="Tags"):
    """AWS's [{'Key': k, 'Value': v}] as a dict."""
    return {t["Key"]: t["Value"] for t in resource.get(key) or []}


def contract_tags(env):
    return {"Environment": env, "Project": "payment-processing", "ManagedBy": "ansible"}


def recorded_requests(emulator):
    """(action, decoded body) of every call in the last recording (after stop_recording)."""
    requests = []
    if emulator.log.exists():
        for line in emulator.log.read_text().splitlines():
            if line.strip():
                request = json.loads(line)
                body = request.get("body") or ""
                if request.get("body_encoded"):
                    body = base64.b64decode(body).decode("utf-8", "replace")
                requests.append((action_of(request), body))
    return requests


def push_image(url, region, tag, label="placeholder"):
    """Push a placeholder image (scripts/placeholder_image.py, through the ECR API) to the shared repository;
    a different `label` gives a different image. Returns its digest."""
    spec = importlib.util.spec_from_file_location("placeholder_image", REPO / "scripts" / "placeholder_image.py")
    placeholder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(placeholder)
    ecr = aws_clients(url)("ecr", region=region)
    try:
        return placeholder.push(ecr, REPOSITORY, tag, label)
    except ecr.exceptions.ImageAlreadyExistsException:  # the same image under the same tag: already there
        return ecr.describe_images(repositoryName=REPOSITORY, imageIds=[{"imageTag": tag}])["imageDetails"][0]["imageDigest"]


def leftovers(aws, env):
    """Every resource of `env` that AWS still holds, by kind."""
    p = f"{env}-payment"
    ec2, left = aws("ec2", env), {}
    left["vpcs"] = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [env]}])["Vpcs"]
    left["subnets"] = ec2.describe_subnets(Filters=[{"Name": "tag:Environment", "Values": [env]}])["Subnets"]
    left["security groups"] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{p}-*"]}])["SecurityGroups"]
    left["endpoints"] = [
        e for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "tag:Environment", "Values": [env]}])["VpcEndpoints"]
        if e["State"].lower() != "deleted"
    ]
    left["internet gateways"] = ec2.describe_internet_gateways(Filters=[{"Name": "tag:Environment", "Values": [env]}])["InternetGateways"]
    left["route tables"] = ec2.describe_route_tables(Filters=[{"Name": "tag:Environment", "Values": [env]}])["RouteTables"]
    rds = aws("rds", env)
    left["db clusters"] = [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"].startswith(p)]
    left["db instances"] = [i for i in rds.describe_db_instances()["DBInstances"] if i["DBInstanceIdentifier"].startswith(p)]
    left["db subnet groups"] = [g for g in rds.describe_db_subnet_groups()["DBSubnetGroups"] if g["DBSubnetGroupName"].startswith(p)]
    left["db parameter groups"] = [
        g for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"] if g["DBClusterParameterGroupName"].startswith(p)
    ]
    # A protected environment's teardown keeps its final snapshot (and schedules its secret for deletion): the
    # teardown tests name what they allow.
    left["db snapshots"] = [
        s for s in rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
        if s["DBClusterSnapshotIdentifier"].startswith(p)
    ]
    left["secrets"] = [s for s in aws("secretsmanager", env).list_secrets(IncludePlannedDeletion=True)["SecretList"] if s["Name"].startswith(p)]
    ecs = aws("ecs", env)
    left["ecs clusters"] = [c for c in ecs.describe_clusters(clusters=[f"{p}-cluster"])["clusters"] if c["status"] != "INACTIVE"]
    left["task definitions"] = ecs.list_task_definitions(familyPrefix=f"{p}-task", status="ACTIVE")["taskDefinitionArns"]
    elb = aws("elbv2", env)
    left["load balancers"] = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"].startswith(p)]
    left["target groups"] = [tg for tg in elb.describe_target_groups()["TargetGroups"] if tg["TargetGroupName"].startswith(p)]
    left["iam roles"] = [r for r in aws("iam", env).list_roles()["Roles"] if r["RoleName"].startswith(p)]
    left["log groups"] = [g for prefix in (f"/ecs/{p}", f"aws-waf-logs-{p}", f"/aws/rds/cluster/{p}-")
                          for g in aws("logs", env).describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]]
    left["web ACLs"] = [a for a in aws("wafv2", env).list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"].startswith(p)]
    left["flow logs"] = ec2.describe_flow_logs(Filters=[{"Name": "tag:Name", "Values": [f"{p}-flow-logs"]}])["FlowLogs"]
    # The audit bucket's name is global (it carries the account and region): any bucket of the environment's prefix.
    left["buckets"] = [b for b in aws("s3", env).list_buckets()["Buckets"] if b["Name"].startswith(f"{p}-audit-logs-")]
    left["alarms"] = aws("cloudwatch", env).describe_alarms(AlarmNamePrefix=p)["MetricAlarms"]
    left["sns topics"] = [t for t in aws("sns", env).list_topics()["Topics"] if t["TopicArn"].split(":")[-1].startswith(p)]
    left["rds event subscriptions"] = [s for s in rds.describe_event_subscriptions()["EventSubscriptionsList"]
                                       if s["CustSubscriptionId"].startswith(p)]
    left["scalable targets"] = aws("application-autoscaling", env).describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    left["hosted zones"] = aws("route53", env).list_hosted_zones_by_name(DNSName=f"{env}.payment.internal")["HostedZones"]
    left["hosted zones"] = [z for z in left["hosted zones"] if z["Name"] == f"{env}.payment.internal."]
    # A key scheduled for deletion is gone as far as the environment goes (KMS deletes it after the window).
    left["kms keys"] = [key for key in env_keys(aws, env) if key["KeyState"] != "PendingDeletion"]
    backup = aws("backup", env)
    left["backup plans"] = [b for b in backup.list_backup_plans()["BackupPlansList"] if b["BackupPlanName"].startswith(p)]
    left["backup vaults"] = [v for v in backup.list_backup_vaults()["BackupVaultList"] if v["BackupVaultName"].startswith(p)]
    return {kind: found for kind, found in left.items() if found}


def env_keys(aws, env):
    """The environment's KMS key (the one its alias names), as DescribeKey gives it: [] or [key]."""
    kms = aws("kms", env)
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/{env}-payment" and a.get("TargetKeyId")]
    return [kms.describe_key(KeyId=a["TargetKeyId"])["KeyMetadata"] for a in aliases]
