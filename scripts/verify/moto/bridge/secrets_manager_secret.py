"""AWS::SecretsManager::Secret is created through moto's own Secrets Manager.

moto behaviour: moto's CloudFormation has no model for AWS::SecretsManager::Secret (moto's Secrets Manager API
exists): the secret is skipped, so the database's credentials and the cache's AUTH token do not exist, and the
dynamic references to them cannot resolve.

The patch: a model of the type that calls moto's CreateSecret (GetRandomPassword for GenerateSecretString, with its
options, SecretStringTemplate and GenerateStringKey); Ref and Fn::GetAtt Id give the secret's ARN.
"""
from __future__ import annotations

import json

from .arn_model import ArnModel
from .patch import Observed, Patch, clear_model_caches, client, deploy, log


def secrets_manager_secret_model():
    from moto.core.common_models import CloudFormationModel
    from moto.secretsmanager.models import secretsmanager_backends

    class CloudFormationSecret(ArnModel, CloudFormationModel):
        __module__ = 'moto.secretsmanager.bridge'
        TYPE = 'AWS::SecretsManager::Secret'
        NAME_TYPE = 'Name'
        ATTRIBUTES = ('Id',)

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            properties = cloudformation_json['Properties']
            backend = secretsmanager_backends[account_id][region_name]
            secret_string = properties.get('SecretString')
            generate = properties.get('GenerateSecretString')
            if generate is not None:
                flag = lambda key, default=False: str(generate.get(key, default)).lower() == 'true'  # noqa: E731
                password = json.loads(backend.get_random_password(
                    password_length=int(generate.get('PasswordLength', 32)),
                    exclude_characters=generate.get('ExcludeCharacters', ''),
                    exclude_numbers=flag('ExcludeNumbers'), exclude_punctuation=flag('ExcludePunctuation'),
                    exclude_uppercase=flag('ExcludeUppercase'), exclude_lowercase=flag('ExcludeLowercase'),
                    include_space=flag('IncludeSpace'),
                    require_each_included_type=flag('RequireEachIncludedType', True)))['RandomPassword']
                if generate.get('SecretStringTemplate') and generate.get('GenerateStringKey'):
                    value = json.loads(generate['SecretStringTemplate'])
                    value[generate['GenerateStringKey']] = password
                    secret_string = json.dumps(value)
                else:
                    secret_string = password
            backend.create_secret(
                name=resource_name, secret_string=secret_string, secret_binary=None,
                description=properties.get('Description'), tags=properties.get('Tags'),
                kms_key_id=properties.get('KmsKeyId'), client_request_token=None,
                replica_regions=properties.get('ReplicaRegions') or [], force_overwrite=False)
            arn = backend.describe_secret(resource_name).arn
            log(f'{kwargs.get("LogicalId")}: secret {arn} (AWS::SecretsManager::Secret, through CreateSecret)')
            return cls(arn)

    return CloudFormationSecret


def install() -> None:
    secrets_manager_secret_model()
    clear_model_caches()


def probe() -> Observed:
    status, outputs, error = deploy(
        {'Secret': {'Type': 'AWS::SecretsManager::Secret', 'Properties': {
            'Name': 'probe', 'GenerateSecretString': {
                'SecretStringTemplate': '{"username": "app"}', 'GenerateStringKey': 'password',
                'PasswordLength': 24, 'ExcludePunctuation': True}}}},
        {'Ref': {'Ref': 'Secret'}})
    try:
        value = json.loads(client('secretsmanager').get_secret_value(SecretId='probe')['SecretString'])
    except Exception as err:  # noqa: BLE001 - no such secret
        return Observed(False, f'{status}: no secret created ({type(err).__name__}); Ref {outputs.get("Ref")!r} '
                        f'{error}'.strip())
    as_aws = (value.get('username') == 'app' and len(value.get('password', '')) == 24
              and str(outputs.get('Ref', '')).startswith('arn:aws:secretsmanager:'))
    return Observed(as_aws, f'secret with keys {sorted(value)}, a {len(value.get("password", ""))}-character '
                    f'password; Ref {outputs.get("Ref")!r}')


PATCH = Patch(
    name='secrets-manager-secret',
    behaviour='AWS::SecretsManager::Secret is not modelled by CloudFormation: no secret is created',
    upstream='not reported upstream (getmoto/moto searched 2026-12)',
    install=install,
    probe=probe,
)
