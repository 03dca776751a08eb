"""A Custom::CDKBucketDeployment whose distribution is a placeholder deploys its files without the invalidation.

moto behaviour: moto's CloudFormation does not model AWS::CloudFront::Distribution (unmodelled_placeholders.py gives
it a placeholder ARN), so there is no distribution to invalidate: aws-cdk-lib's BucketDeployment handler, handed the
placeholder as its DistributionId, fails the deployment at CreateInvalidation.

The patch: an event filter of custom_resource_handlers.py that leaves DistributionId out of the handler's
properties when it names a placeholder; the handler then deploys the files and skips the invalidation, which it runs
only when DistributionId is given. It is logged as `<logical id>: invalidation of <distribution> (<paths>) not run:
CloudFront is not deployed in moto`, which audit.py looks for; the deployed template keeps the property (audit.py
checks it there). This is the bridge's choice, not a moto bug: it goes when moto models CloudFront distributions.
"""
from __future__ import annotations

from typing import Any

from . import custom_resource_handlers
from .patch import Observed, Patch, log
from .unmodelled_placeholders import PLACEHOLDER_MARKER


def without_invalidation(logical_id: str, resource_type: str, properties: dict[str, Any]) -> dict[str, Any]:
    distribution = str(properties.get('DistributionId') or '')
    if resource_type != 'Custom::CDKBucketDeployment' or f':{PLACEHOLDER_MARKER}/' not in distribution:
        return properties
    name = distribution.split(f':{PLACEHOLDER_MARKER}/', 1)[1].split('/')[1]
    paths = ', '.join(properties.get('DistributionPaths') or [])
    log(f'{logical_id}: invalidation of {name} ({paths}) not run: CloudFront is not deployed in moto '
        f'(DistributionId {distribution} is a placeholder; the handler runs without it)')
    return {k: v for k, v in properties.items() if k != 'DistributionId'}


def install() -> None:
    custom_resource_handlers.EVENT_FILTERS.append(without_invalidation)


def probe() -> Observed:
    """Whether moto's CloudFormation deploys a distribution: while it does not, the invalidation cannot run."""
    from .patch import deploy, physical_id

    status, _, error = deploy({'Distribution': {'Type': 'AWS::CloudFront::Distribution', 'Properties': {
        'DistributionConfig': {'Enabled': True, 'DefaultCacheBehavior': {
            'TargetOriginId': 'o', 'ViewerProtocolPolicy': 'redirect-to-https',
            'CachePolicyId': '658327ea-f89d-4fab-a63d-7e88639e58f6'},
            'Origins': [{'Id': 'o', 'DomainName': 'example.com', 'CustomOriginConfig': {
                'OriginProtocolPolicy': 'https-only'}}]}}}})
    if status == 'FAILED':
        return Observed(False, error)
    try:
        distribution = physical_id('Distribution')
    except Exception as err:  # noqa: BLE001 - stock moto keeps no record of a skipped resource
        return Observed(False, f'{status}, but no CloudFront distribution deployed (no stack resource: '
                        f'{type(err).__name__}): CreateInvalidation has nothing to invalidate')
    from .patch import client
    try:
        client('cloudfront').get_distribution(Id=distribution)
        return Observed(True, f'distribution {distribution} deployed: a real DistributionId can be invalidated')
    except Exception:  # noqa: BLE001 - no such distribution
        return Observed(False, f'no CloudFront distribution deployed (physical id {distribution!r}): '
                        'CreateInvalidation has nothing to invalidate')


PATCH = Patch(
    name='bucket-deployment-invalidation',
    behaviour='No CloudFront distribution is deployed (AWS::CloudFront::Distribution is not modelled), so '
              "BucketDeployment's invalidation of a placeholder distribution would fail",
    upstream='by design: a type moto does not model is skipped (getmoto/moto#111); no issue asks for '
             'AWS::CloudFront::Distribution in CloudFormation',
    install=install,
    probe=probe,
    fills=False,
)
