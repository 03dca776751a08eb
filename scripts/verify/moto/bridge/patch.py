"""What every patch of the bridge is made of, and the helpers their probes share.

A patch changes one behaviour of moto that a CDK deployment without Docker trips over. Its module says, in its
docstring and in its PATCH:
- `behaviour`: what stock moto does (in the pinned version, MOTO_VERSION of scripts/lib/moto-venv.sh), in one
  sentence;
- `upstream`: the getmoto/moto issue or pull request about it, or why there is none;
- `install`: the change, made once in server.py's process before moto's server starts (None when the workaround
  lives outside this process, as deploy.sh's environment);
- `probe`: a small deployment, run in-process under moto's mock_aws, that shows the behaviour. It returns
  `Observed(as_aws, what)`: as_aws is True when moto did what AWS does;
- `fills`: True when the patch makes moto do what AWS does (the probe passes with it); False when it only works
  around a gap it cannot fill (a type moto does not model): the probe then watches the gap, in both modes.

probe.py runs every probe twice, in two processes: against stock moto (expected: not as AWS, else moto has fixed it
and the patch is dead code to delete) and with every patch installed (expected: as AWS, for a patch that fills). So a
moto upgrade is: bump MOTO_VERSION (scripts/lib/moto-venv.sh), run `npx projen verify:moto:patches`, delete the
patches it reports fixed, repair the ones whose install or bridged probe fails, then run the deploy rungs.
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Optional

ACCOUNT = '123456789012'  # moto's default account
REGION = 'us-east-1'


def log(message: str) -> None:
    """A `moto-bridge: ...` line on stderr: the server log shows what the bridge did, and audit.py reads these."""
    sys.stderr.write(f'moto-bridge: {message}\n')
    sys.stderr.flush()


@dataclass(frozen=True)
class Observed:
    as_aws: bool
    what: str


@dataclass(frozen=True)
class Patch:
    name: str
    behaviour: str
    upstream: str
    install: Optional[Callable[[], None]]
    probe: Callable[[], Observed]
    fills: bool = True


def wrap_create(model: Any, change: Callable[..., Any]) -> None:
    """Replaces a moto model's create_from_cloudformation_json by
    `change(create, cloudformation_json, account_id, region_name, kwargs)`, where create() runs moto's own (on the
    same, possibly changed, cloudformation_json): the shape of every patch that fixes how moto creates a type."""
    original = model.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        return change(lambda: original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs),
                      cloudformation_json, account_id, region_name, kwargs)

    model.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)


def clear_model_caches() -> None:
    """moto's CloudFormation caches its map of resource types to models; a model class defined later (the bridge's
    own) is found only once it is cleared."""
    from moto.cloudformation import parsing
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


# ---- helpers of the probes (each runs under moto's mock_aws, in us-east-1) ----

def client(service: str) -> Any:
    import boto3
    return boto3.client(service, region_name=REGION)


def deploy(resources: dict[str, Any], outputs: Optional[dict[str, Any]] = None) -> tuple[str, dict[str, str], str]:
    """Creates a stack of these resources; returns its status, its outputs and the error (empty when none): moto
    fails a stack either by an exception out of CreateStack (its HTTP 500) or by the stack's status."""
    template = {'Resources': resources, 'Outputs': {k: {'Value': v} for k, v in (outputs or {}).items()}}
    cloudformation = client('cloudformation')
    try:
        cloudformation.create_stack(StackName='probe', TemplateBody=json.dumps(template),
                                    Capabilities=['CAPABILITY_IAM'])
    except Exception as err:  # noqa: BLE001 - any failure is the observation
        return 'FAILED', {}, f'{type(err).__name__}: {(str(err).splitlines() or ["(no message)"])[0][:160]}'
    stack = cloudformation.describe_stacks(StackName='probe')['Stacks'][0]
    found = {o['OutputKey']: o.get('OutputValue', '') for o in stack.get('Outputs') or []}
    return stack['StackStatus'], found, stack.get('StackStatusReason', '')


def physical_id(logical_id: str) -> str:
    return client('cloudformation').describe_stack_resource(
        StackName='probe', LogicalResourceId=logical_id)['StackResourceDetail']['PhysicalResourceId']


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def lambda_role(name: str) -> str:
    iam = client('iam')
    trust = {'Version': '2012-10-17', 'Statement': [
        {'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))['Role']['Arn']


def function(name: str, runtime: str, handler: str, files: dict[str, str]) -> str:
    """A Lambda function created through moto's CreateFunction (as the CDK CLI's assets would be); its ARN."""
    return client('lambda').create_function(
        FunctionName=name, Runtime=runtime, Role=lambda_role(name), Handler=handler,
        Code={'ZipFile': zipped(files)}, Timeout=30)['FunctionArn']
