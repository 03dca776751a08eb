"""Custom resources run their Lambda handler, synchronously, with Node.js or Python (no Docker).

moto behaviour: moto's CustomModel (AWS::CloudFormation::CustomResource, Custom::*) invokes the function on a
background thread, through Docker, and goes on at once: without Docker nothing runs, and Fn::GetAtt of the custom
resource gives None to the resources that use it.

The patch: CustomModel.create_from_cloudformation_json builds the event CloudFormation sends, runs the function's
deployment package (from moto's Lambda backend: what the CDK CLI published to moto's S3) with lambda-runner.js
(Node.js) or lambda-runner.py (Python; the function's layers unpacked in order into one directory that plays /opt),
against this same server (AWS_ENDPOINT_URL), and waits for the response the handler sends to the ResponseURL: its
physical ID and Data become the resource's, and FAILED (or a crash, or no response) fails the deployment, as in
CloudFormation. Other patches may change the event's properties first (EVENT_FILTERS: see
custom_resource_properties.py and bucket_deployment_invalidation.py).

Not emulated: runtimes other than Node.js and Python, the Lambda sandbox (the code runs with moto's test
credentials; moto does not enforce IAM; a function's VPC, reserved concurrency and dead-letter queue play no part),
the function's Python version (logged with each invocation), Update and Delete events. The Lambda API itself stays
moto's Docker-less one (server.py sets lambda.use_docker false: Invoke does not run code).

Environment: MOTO_BRIDGE_NODE_PATH (node_modules with the AWS SDK v3 clients the handlers require, as the Lambda
runtime provides them), MOTO_BRIDGE_NODE (default `node` on PATH), MOTO_BRIDGE_PYTHON (default this server's Python,
the moto venv's, whose boto3 stands in for the runtime's).
"""
from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from typing import Any, Callable

from .patch import Observed, Patch, deploy, function, log

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(HERE, 'lambda-runner.js')
PYTHON_RUNNER = os.path.join(HERE, 'lambda-runner.py')
RESPONSE_HOST = 'cloudformation-response.moto-bridge.invalid'
CODE_ROOT = tempfile.mkdtemp(prefix='moto-bridge-code-')
atexit.register(shutil.rmtree, CODE_ROOT, True)

# (logical id, resource type, properties) -> the properties the handler receives; other patches append theirs.
EVENT_FILTERS: list[Callable[[str, str, dict[str, Any]], dict[str, Any]]] = []


def unpack(fn: Any) -> str:
    """The directory holding the function's deployment package, unpacked once per package."""
    digest = hashlib.sha256(fn.code_bytes).hexdigest()
    directory = os.path.join(CODE_ROOT, digest)
    if not os.path.isdir(directory):
        with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as package:
            package.extractall(directory + '.tmp')
        os.rename(directory + '.tmp', directory)
    return directory


def unpack_layers(fn: Any) -> str:
    """A directory holding the function's layers (moto's layer versions, what the CDK CLI published), unpacked in
    their order, a later one's files over an earlier one's, as Lambda mounts them at /opt; once per set of layers."""
    from moto.awslambda.utils import get_backend as get_lambda_backend

    backend = get_lambda_backend(fn.account_id, fn.region)
    versions = [backend.layers_versions_by_arn(layer['Arn']) for layer in fn.layers or []]
    digest = hashlib.sha256(b''.join(hashlib.sha256(v.code_bytes).digest() for v in versions)).hexdigest()
    directory = os.path.join(CODE_ROOT, f'opt-{digest}')
    if not os.path.isdir(directory):
        for version in versions:
            with zipfile.ZipFile(io.BytesIO(version.code_bytes)) as layer:
                for member in layer.infolist():
                    extracted = layer.extract(member, directory + '.tmp')
                    mode = member.external_attr >> 16  # zipfile drops the permissions (the CLI's `aws` script)
                    if mode and not member.is_dir():
                        os.chmod(extracted, mode & 0o777)
        os.makedirs(directory + '.tmp', exist_ok=True)
        os.rename(directory + '.tmp', directory)
    return directory


def invoke(fn: Any, event: dict[str, Any], region_name: str) -> dict[str, Any]:
    """Runs the function's handler on `event`; returns the CloudFormation response it sent."""
    from moto.cloudformation.exceptions import ValidationError

    runtime = str(fn.run_time or '')
    port = os.environ['MOTO_PORT']  # set by moto's server from its -p argument
    env = {
        'PATH': os.environ.get('PATH', ''),
        'HOME': os.environ.get('HOME', '/tmp'),
        'LAMBDA_TASK_ROOT': '',
        'AWS_ENDPOINT_URL': f'http://127.0.0.1:{port}',
        'AWS_REGION': region_name,
        'AWS_DEFAULT_REGION': region_name,
        'AWS_ACCESS_KEY_ID': 'testing',
        'AWS_SECRET_ACCESS_KEY': 'testing',
        'AWS_SESSION_TOKEN': 'testing',
        'AWS_EC2_METADATA_DISABLED': 'true',
        'AWS_EXECUTION_ENV': f'AWS_Lambda_{runtime}',
        'AWS_LAMBDA_FUNCTION_NAME': fn.function_name,
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE': str(fn.memory_size),
        'AWS_LAMBDA_FUNCTION_TIMEOUT': str(fn.timeout),
        'MOTO_BRIDGE_FUNCTION_ARN': fn.function_arn,
        'MOTO_BRIDGE_RESPONSE_HOST': RESPONSE_HOST,
    }
    code = unpack(fn)
    env['LAMBDA_TASK_ROOT'] = code
    if runtime.startswith('nodejs'):
        node = os.environ.get('MOTO_BRIDGE_NODE') or shutil.which('node')
        if not node:
            raise ValidationError(message='moto-bridge: no Node.js (node) to run custom resource handlers with')
        env['NODE_PATH'] = os.environ.get('MOTO_BRIDGE_NODE_PATH', '')
        # The AWS SDK's notice that it will need a newer Node.js: noise in every handler's log.
        env['NODE_NO_WARNINGS'] = '1'
        command = [node, RUNNER, code, fn.handler]
        how = runtime
    elif runtime.startswith('python'):
        python = os.environ.get('MOTO_BRIDGE_PYTHON') or sys.executable
        opt = unpack_layers(fn)
        env['PYTHONUNBUFFERED'] = '1'
        env['PYTHONDONTWRITEBYTECODE'] = '1'
        command = [python, PYTHON_RUNNER, code, opt, fn.handler]
        version = '.'.join(map(str, sys.version_info[:2])) if python == sys.executable else python
        how = (f'{runtime} run with Python {version} (boto3 of the moto venv), {len(fn.layers or [])} layer(s) '
               f'unpacked as /opt')
    else:
        raise ValidationError(message=f'moto-bridge: {fn.function_name} has runtime {runtime!r}; '
                              'only Node.js and Python custom resource handlers can run without Docker')
    env.update({k: str(v) for k, v in (fn.environment_vars or {}).items()})
    log(f'invoke {fn.function_name} ({how}, {fn.handler}) for {event["LogicalResourceId"]} '
        f'({event["ResourceType"]}, {event["RequestType"]})')
    try:
        completed = subprocess.run(
            command, input=json.dumps(event), env=env, cwd=code,
            capture_output=True, text=True, timeout=int(fn.timeout or 300) + 30, check=False)
    except subprocess.TimeoutExpired as err:
        raise ValidationError(message=f'moto-bridge: {fn.function_name} timed out after {err.timeout}s') from None
    for line in completed.stderr.splitlines():
        log(f'  | {line}')
    if completed.returncode != 0:
        raise ValidationError(message=f'moto-bridge: {fn.function_name} crashed (exit {completed.returncode}) '
                              f'for {event["LogicalResourceId"]}; see the moto server log')
    lines = [line for line in completed.stdout.splitlines() if line.startswith('{"response":')]
    if not lines:
        raise ValidationError(message=f'moto-bridge: {fn.function_name} sent no response')
    return json.loads(lines[-1])['response']


def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    from moto.awslambda.utils import get_backend as get_lambda_backend
    from moto.cloudformation import cloudformation_backends
    from moto.cloudformation.exceptions import ValidationError
    from moto.moto_api._internal import mock_random

    logical_id = kwargs['LogicalId']
    resource_type = kwargs['ResourceType']
    stack_id = kwargs['StackId']
    properties = cloudformation_json['Properties']
    service_token = properties['ServiceToken']
    fn = get_lambda_backend(account_id, region_name).get_function(service_token)

    request_id = str(mock_random.uuid4())
    resource = cls(region_name, request_id, logical_id, resource_name)
    stack = cloudformation_backends[account_id][region_name].get_stack(stack_id)
    stack.add_custom_resource(resource)

    for event_filter in EVENT_FILTERS:
        properties = event_filter(logical_id, resource_type, properties)
    event = {
        'RequestType': 'Create',
        'ServiceToken': service_token,
        'ResponseURL': f'https://{RESPONSE_HOST}/{request_id}',
        'StackId': stack_id,
        'RequestId': request_id,
        'LogicalResourceId': logical_id,
        'ResourceType': resource_type,
        'ResourceProperties': properties,
    }
    response = invoke(fn, event, region_name)
    if response.get('Status') != 'SUCCESS':
        log(f'{logical_id} FAILED: {response.get("Reason")}')
        raise ValidationError(message=f'Custom resource {logical_id} failed to create: {response.get("Reason")}')
    resource.resource_name = response.get('PhysicalResourceId') or resource_name
    resource.set_data(response.get('Data') or {})
    log(f'{logical_id} SUCCESS: physical id {resource.resource_name}, attributes {sorted(resource.data)}')
    return resource


def install() -> None:
    from moto.cloudformation import custom_model
    custom_model.CustomModel.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)


# ---- probe ----

NODE_HANDLER = '''
const https = require('https');
exports.handler = async (event) => {
  const body = JSON.stringify({ Status: 'SUCCESS', PhysicalResourceId: 'probe-node', StackId: event.StackId,
    RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { Ran: 'node', Flag: typeof event.ResourceProperties.Flag } });
  const url = new URL(event.ResponseURL);
  await new Promise((resolve, reject) => {
    const request = https.request({ hostname: url.hostname, path: url.pathname, method: 'PUT' }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
};
'''

PYTHON_HANDLER = '''
import json
import urllib.request


def handler(event, context):
    body = json.dumps({'Status': 'SUCCESS', 'PhysicalResourceId': 'probe-python', 'StackId': event['StackId'],
                       'RequestId': event['RequestId'], 'LogicalResourceId': event['LogicalResourceId'],
                       'Data': {'Ran': 'python', 'Flag': type(event['ResourceProperties']['Flag']).__name__}})
    urllib.request.urlopen(urllib.request.Request(event['ResponseURL'], data=body.encode(), method='PUT'))
'''


def custom_resource_probe(properties: dict[str, Any]) -> tuple[str, dict[str, str], str, list[dict[str, Any]]]:
    """Deploys a Node.js and a Python custom resource with these properties; gives the stack's status, outputs
    (each resource's Ran and Flag attributes), error, and the events moto itself handed to Lambda's Invoke (stock
    moto's way: recorded here, not run)."""
    from moto.awslambda.models import LambdaFunction

    os.environ.setdefault('MOTO_PORT', '5000')  # the handlers make no AWS call
    node = function('probe-node', 'nodejs20.x', 'index.handler', {'index.js': NODE_HANDLER})
    python = function('probe-python', 'python3.12', 'index.handler', {'index.py': PYTHON_HANDLER})
    invoked: list[dict[str, Any]] = []
    original = LambdaFunction.invoke
    LambdaFunction.invoke = lambda self, body, *_: invoked.append(json.loads(body))  # type: ignore[method-assign]
    try:
        status, outputs, error = deploy(
            {'Node': {'Type': 'Custom::Probe', 'Properties': {'ServiceToken': node, **properties}},
             'Python': {'Type': 'Custom::Probe', 'Properties': {'ServiceToken': python, **properties}}},
            {f'{name}{attribute}': {'Fn::GetAtt': [name, attribute]}
             for name in ('Node', 'Python') for attribute in ('Ran', 'Flag')})
        deadline = time.time() + 5
        while len(invoked) < 2 and time.time() < deadline and status != 'FAILED' and 'node' not in outputs.values():
            time.sleep(0.05)  # stock moto's invoke threads
    finally:
        LambdaFunction.invoke = original  # type: ignore[method-assign]
    return status, outputs, error, invoked


def probe() -> Observed:
    status, outputs, error, invoked = custom_resource_probe({'Flag': 'on'})
    ran = (outputs.get('NodeRan'), outputs.get('PythonRan'))
    what = (f'{status}; Fn::GetAtt Ran of the Node.js and Python custom resources: {ran[0]!r}, {ran[1]!r}; '
            f'{len(invoked)} handed to Invoke (Docker) {error}').strip()
    return Observed(ran == ('node', 'python'), what)


PATCH = Patch(
    name='custom-resource-handlers',
    behaviour='Custom resources are invoked through Docker on a background thread and the stack goes on at once: '
              'without Docker no handler runs and Fn::GetAtt of the resource is None',
    upstream='getmoto/moto#4658 (open): custom resources are invoked asynchronously and the stack stays '
             'CREATE_IN_PROGRESS; getmoto/moto#10028 (moto 5.2.2) made them honour use_docker, so that without '
             'Docker nothing runs',
    install=install,
    probe=probe,
)
