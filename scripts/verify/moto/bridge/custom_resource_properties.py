"""A custom resource's properties reach its handler as CloudFormation sends them: every scalar a string.

moto behaviour: moto's CustomModel hands the template's JSON values on as they are (true, 1), where CloudFormation
sends every scalar as a string ("true", "1") in the same lists and objects. Handlers written for CloudFormation break:
aws-cdk-lib's BucketDeployment handler calls .lower() on its Prune and Extract.

The patch: an event filter of custom_resource_handlers.py (it needs that patch: stock moto's own events go to Docker)
that turns every scalar into its CloudFormation string.
"""
from __future__ import annotations

from typing import Any

from . import custom_resource_handlers
from .patch import Observed, Patch


def as_cloudformation_sends(value: Any) -> Any:
    """Every scalar a string (true/false for booleans, numbers as written), in the same lists and objects."""
    if isinstance(value, dict):
        return {k: as_cloudformation_sends(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_cloudformation_sends(v) for v in value]
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    return value


def install() -> None:
    custom_resource_handlers.EVENT_FILTERS.append(lambda _logical_id, _type, properties: as_cloudformation_sends(
        properties))


def probe() -> Observed:
    status, outputs, error, invoked = custom_resource_handlers.custom_resource_probe({'Flag': True})
    if outputs.get('NodeFlag') or outputs.get('PythonFlag'):
        kinds = {outputs.get('NodeFlag'), outputs.get('PythonFlag')}
        return Observed(kinds == {'string', 'str'}, f'the handlers received Flag: true as {sorted(kinds)}')
    if invoked:
        flag = invoked[0]['ResourceProperties'].get('Flag')
        return Observed(isinstance(flag, str), f'moto handed Invoke (Docker) Flag: true as {flag!r} '
                        f'({type(flag).__name__})')
    return Observed(False, f'{status}: no handler ran and nothing was handed to Invoke {error}'.strip())


PATCH = Patch(
    name='custom-resource-properties',
    behaviour="Custom resource properties reach the handler as the template's JSON values (true, 1), not as "
              'CloudFormation sends them (every scalar a string)',
    upstream="not reported upstream (getmoto/moto searched 2026-12); CloudFormation's side is "
             'aws-cloudformation/cloudformation-coverage-roadmap#1037 (the properties reach the function as strings)',
    install=install,
    probe=probe,
)
