"""{{resolve:secretsmanager:...}} and {{resolve:ssm:...}} in resource properties are resolved before the resource is
created, as CloudFormation does.

moto behaviour: moto's CloudFormation leaves dynamic references as text: an RDS instance's master password is the
literal `{{resolve:secretsmanager:...}}` string, not the secret's value (the secret and the database disagree).

The patch: parse_resource replaces each dynamic reference in a modelled resource's properties by its value, read
from moto's own Secrets Manager (secret id or ARN, SecretString, JSON key, version stage or id) or SSM (name, and
version); one that does not resolve (such as a reference to a placeholder) fails the resource, as in CloudFormation.
"""
from __future__ import annotations

import json
import re
from typing import Any

from .patch import Observed, Patch, client, deploy, log

DYNAMIC_REFERENCE = re.compile(r'\{\{resolve:(secretsmanager|ssm):([^}]*)\}\}')


def resolve_dynamic_references(value: Any, account_id: str, region_name: str) -> Any:
    """The value with its dynamic references replaced by what they refer to."""
    from moto.cloudformation.exceptions import ValidationError

    if isinstance(value, dict):
        return {k: resolve_dynamic_references(v, account_id, region_name) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_dynamic_references(v, account_id, region_name) for v in value]
    if not isinstance(value, str) or '{{resolve:' not in value:
        return value

    def resolve(match: re.Match) -> str:
        service, reference = match.groups()
        try:
            if service == 'ssm':
                from moto.ssm.models import ssm_backends
                name, _, version = reference.partition(':')
                parameter = ssm_backends[account_id][region_name].get_parameter(
                    f'{name}:{version}' if version else name)
                return parameter.value
            from moto.secretsmanager.models import secretsmanager_backends
            parts = reference.split(':')
            split = 7 if reference.startswith('arn:') else 1
            secret_id = ':'.join(parts[:split])
            rest = parts[split:] + [''] * 4
            _, json_key, version_stage, version_id = rest[:4]
            secret = secretsmanager_backends[account_id][region_name].get_secret_value(
                secret_id, version_id or None, version_stage or None)
            text = secret['SecretString']
            return str(json.loads(text)[json_key]) if json_key else text
        except Exception as err:  # noqa: BLE001 - any failure is CloudFormation's failure to resolve
            raise ValidationError(message=f'moto-bridge: cannot resolve {{{{resolve:{service}:{reference}}}}}: '
                                  f'{err!r}') from None

    references = [f'{service}:{reference.split(":SecretString")[0]}' for service, reference in
                  DYNAMIC_REFERENCE.findall(value)]
    resolved = DYNAMIC_REFERENCE.sub(resolve, value)
    log(f'resolved dynamic reference(s) to {", ".join(references)}')
    return resolved


def install() -> None:
    from moto.cloudformation import parsing

    original_parse_resource = parsing.parse_resource

    def parse_resource(resource_json, resources_map):
        parsed = original_parse_resource(resource_json, resources_map)
        if parsed:
            resource_class, cleaned, resource_type = parsed
            cleaned = resolve_dynamic_references(cleaned, resources_map._account_id, resources_map._region_name)
            parsed = (resource_class, cleaned, resource_type)
        return parsed

    parsing.parse_resource = parse_resource


def probe() -> Observed:
    """An SSM parameter whose value is a dynamic reference to a secret's JSON key, and one to another parameter."""
    client('secretsmanager').create_secret(Name='probe', SecretString='{"password": "s3cret"}')
    client('ssm').put_parameter(Name='/probe/source', Value='plain', Type='String')
    status, _, error = deploy({
        'FromSecret': {'Type': 'AWS::SSM::Parameter', 'Properties': {
            'Name': '/probe/secret', 'Type': 'String',
            'Value': '{{resolve:secretsmanager:probe:SecretString:password}}'}},
        'FromParameter': {'Type': 'AWS::SSM::Parameter', 'Properties': {
            'Name': '/probe/parameter', 'Type': 'String', 'Value': '{{resolve:ssm:/probe/source}}'}}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    values = [client('ssm').get_parameter(Name=name)['Parameter']['Value']
              for name in ('/probe/secret', '/probe/parameter')]
    return Observed(values == ['s3cret', 'plain'], f'the parameters hold {values[0]!r} and {values[1]!r}')


PATCH = Patch(
    name='dynamic-references',
    behaviour='{{resolve:secretsmanager:...}} and {{resolve:ssm:...}} in resource properties stay as text',
    upstream='not reported upstream (getmoto/moto searched 2026-12); getmoto/moto#3928 is about '
             'AWS::SSM::Parameter::Value parameters, not {{resolve:}}',
    install=install,
    probe=probe,
)
