"""AWS::S3::Bucket applies its VersioningConfiguration.

moto behaviour: moto's bucket model applies only BucketEncryption and Tags of a template's bucket: versioning stays
off (the backups bucket's replication, and every bucket's object recovery, need it on).

The patch: after moto's own creation, the status goes through moto's PutBucketVersioning.
"""
from __future__ import annotations

from .patch import Observed, Patch, client, deploy, log, physical_id, wrap_create


def with_versioning(create, cloudformation_json, account_id, region_name, kwargs):
    bucket = create()
    status = (cloudformation_json['Properties'].get('VersioningConfiguration') or {}).get('Status')
    if status:
        from moto.s3.models import s3_backends
        from moto.utilities.utils import get_partition
        s3_backends[account_id][get_partition(region_name)].put_bucket_versioning(bucket.name, status)
        log(f'{kwargs.get("LogicalId")}: versioning {status} on bucket {bucket.name} (through PutBucketVersioning)')
    return bucket


def install() -> None:
    from moto.s3.models import FakeBucket
    wrap_create(FakeBucket, with_versioning)


def probe() -> Observed:
    status, _, error = deploy({'Bucket': {'Type': 'AWS::S3::Bucket', 'Properties': {
        'VersioningConfiguration': {'Status': 'Enabled'}}}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    versioning = client('s3').get_bucket_versioning(Bucket=physical_id('Bucket')).get('Status')
    return Observed(versioning == 'Enabled', f'GetBucketVersioning: {versioning!r}')


PATCH = Patch(
    name='s3-bucket-versioning',
    behaviour="AWS::S3::Bucket's VersioningConfiguration is not applied (only BucketEncryption and Tags are)",
    upstream='not reported upstream (getmoto/moto searched 2026-12)',
    install=install,
    probe=probe,
)
