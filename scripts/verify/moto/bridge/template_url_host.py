"""CloudFormation reads a template from a TemplateURL on moto's own endpoint.

moto behaviour: moto's CloudFormation takes the bucket from a TemplateURL's path only when the URL contains
"localhost"; from any other host it takes the host's first label, so http://127.0.0.1:<port>/<bucket>/<key> (the URL
the CDK CLI builds from AWS_ENDPOINT_URL) reads bucket "127" and fails with NoSuchBucket.

The workaround is not in this process: deploy.sh sets AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION to
http://localhost:<port>, which the CDK CLI uses for the template URLs it hands to CloudFormation.
"""
from __future__ import annotations

from .patch import ACCOUNT, Observed, Patch, client


def probe() -> Observed:
    from moto.cloudformation.utils import get_stack_from_s3_url

    client('s3').create_bucket(Bucket='probe-templates')
    client('s3').put_object(Bucket='probe-templates', Key='stack.json', Body=b'{"Resources": {}}')
    url = 'http://127.0.0.1:5000/probe-templates/stack.json'
    try:
        get_stack_from_s3_url(url, account_id=ACCOUNT, partition='aws')
    except Exception as err:  # noqa: BLE001 - the failure is the observation
        return Observed(False, f'{url}: {type(err).__name__}: {str(err).splitlines()[0][:120]}')
    return Observed(True, f'{url}: the template was read')


PATCH = Patch(
    name='template-url-host',
    behaviour='A TemplateURL on 127.0.0.1 is read from bucket "127" (only a URL containing "localhost" is read '
              'path-style)',
    upstream='not reported upstream (getmoto/moto searched 2026-12); localstack/localstack#1506 met the same code '
             'path',
    install=None,
    probe=probe,
    fills=False,
)
