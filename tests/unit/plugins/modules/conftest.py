# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for the module tests: in-process moto, running a module's main(), and watching its API calls.

Every test gets a fresh moto backend (``mock_aws``), so no network and no server is involved.
``run_module`` runs a module like Ansible does (arguments in, one JSON document out on stdout, then
exit) and returns that document. ``api`` records the AWS calls the module makes and can make one
operation fail, for the error paths moto cannot produce. ``no_boto`` loads a module as if botocore
were not installed, and ``run_module(..., as_script=True)`` runs it as ``__main__`` (``runpy.run_module``, by its
name, so that the collection loader of ``ansible-test units`` finds it too).
"""

import importlib.util
import json
import re
import runpy
import sys
from collections import namedtuple

import boto3
import botocore.client
import botocore.exceptions
import botocore.session
import pytest
from moto import mock_aws

from ansible.module_utils.testing import patch_module_args

from ansible_collections.payments.platform.tests.unit.plugins.modules.aws_env import ECS_CLUSTER, ECS_SERVICE, REGION

# Reads are Describe/List/Get; everything else changes AWS.
READ_ACTION = re.compile(r"^(Describe|List|Get)")

# Anything in the environment that could point boto3 at a real account or an endpoint.
_AWS_ENV = (
    "AWS_ENDPOINT_URL",
    "AWS_URL",
    "EC2_URL",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "EC2_REGION",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "EC2_SECURITY_TOKEN",
    "EC2_ACCESS_KEY",
    "EC2_SECRET_KEY",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_CA_BUNDLE",
)


@pytest.fixture(scope="session", autouse=True)
def shared_botocore_loader():
    """Speed only: each boto3 session parses the same service JSON again (~0.3 s a client); share one loader."""
    loaders = {}
    original = botocore.session.create_loader

    def create_loader(search_path_string=None):
        if search_path_string not in loaders:
            loaders[search_path_string] = original(search_path_string)
        return loaders[search_path_string]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", create_loader)
        yield


@pytest.fixture
def aws(monkeypatch, tmp_path):
    """Fresh in-process moto; returns ``aws(service, region=REGION, **client_kwargs)`` -> a boto3 client on it."""
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # no shared config or credentials file of the machine may leak in
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    with mock_aws():
        yield lambda service, region=REGION, **kwargs: boto3.client(service, region_name=region, **kwargs)


@pytest.fixture
def ecs_service(aws):
    """``ecs_service(cluster, service)`` -> the Application Auto Scaling resource id of a new ECS service.

    moto (like AWS) registers an ECS scalable target only for a service that exists."""
    ecs = aws("ecs")
    task_definition = ecs.register_task_definition(
        family="payment", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
    )["taskDefinition"]["taskDefinitionArn"]

    def create(cluster=ECS_CLUSTER, service=ECS_SERVICE):
        ecs.create_cluster(clusterName=cluster)
        ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=task_definition, desiredCount=1)
        return f"service/{cluster}/{service}"

    return create


Call = namedtuple("Call", "service region operation params")


class ApiCalls:
    """The AWS calls a module made while ``run_module`` ran it, and failures to inject into them."""

    def __init__(self):
        self.recording = False
        self.calls = []  # Call tuples, in order
        self._failures = {}

    def fail(self, operation, code="AccessDeniedException", message="Injected failure", exception=None):
        """Make every call of ``operation`` (e.g. "DescribeRepositories") raise; a ClientError by default."""
        self._failures[operation] = exception or botocore.exceptions.ClientError(
            {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation
        )

    @property
    def operations(self):
        return [call.operation for call in self.calls]

    @property
    def writes(self):
        return [operation for operation in self.operations if not READ_ACTION.match(operation)]

    def params_of(self, operation):
        return [call.params for call in self.calls if call.operation == operation]


@pytest.fixture
def api(monkeypatch):
    calls = ApiCalls()
    original = botocore.client.BaseClient._make_api_call

    def make_api_call(client, operation, params):
        if calls.recording:
            calls.calls.append(Call(client.meta.service_model.service_name, client.meta.region_name, operation, params))
            if operation in calls._failures:
                raise calls._failures[operation]
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", make_api_call)
    return calls


@pytest.fixture
def run_module(aws, api, capsys):
    """``run_module(module, args, check_mode=False, as_script=False)`` -> the module's result.

    A failed run returns the failure (``failed: true``, ``msg``...) rather than raising."""

    def run(module, args, check_mode=False, as_script=False):
        args = dict({"region": REGION}, **args)
        if check_mode:
            args["_ansible_check_mode"] = True
        capsys.readouterr()  # drop anything printed before
        api.recording = True
        try:
            with patch_module_args(args), pytest.raises(SystemExit) as exited:
                if as_script:  # the way Ansible runs it: the file as __main__
                    # a fresh run of its code, as Ansible's is, not the module object already imported
                    imported = sys.modules.pop(module.__name__)
                    try:
                        runpy.run_module(module.__name__, run_name="__main__")
                    finally:
                        sys.modules[module.__name__] = imported
                else:
                    module.main()
        finally:
            api.recording = False
        result = json.loads(capsys.readouterr().out)
        # exit code and result agree: 0 and no "failed", or 1 and failed=true
        assert exited.value.code == (1 if result.get("failed") else 0), result
        return result

    return run


def load_without_boto(module):
    """A fresh copy of ``module``'s file, imported as if botocore and boto3 were not installed."""
    saved = {name: sys.modules.pop(name, None) for name in ("botocore", "boto3")}
    sys.modules.update(dict.fromkeys(saved))  # None in sys.modules makes the import raise ImportError
    try:
        spec = importlib.util.spec_from_file_location(f"{module.__name__}_without_boto", module.__file__)
        copy = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(copy)
    finally:
        for name, original in saved.items():
            sys.modules.pop(name)
            if original is not None:
                sys.modules[name] = original
    return copy


@pytest.fixture
def no_boto(monkeypatch):
    """``no_boto(module)`` -> a copy of the module loaded without botocore/boto3, with amazon.aws told so too."""
    from ansible_collections.amazon.aws.plugins.module_utils import botocore as aws_botocore

    monkeypatch.setattr(aws_botocore, "HAS_BOTO3", False)
    return load_without_boto
