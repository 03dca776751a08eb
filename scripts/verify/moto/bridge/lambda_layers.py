"""AWS::Lambda::Function attaches its Layers.

moto behaviour: moto's function model drops Layers (moto's CreateFunction takes them): the function is created
without its layers, and a Ref to an AWS::Lambda::LayerVersion gives moto's layer version object, not its ARN.
aws-cdk-lib's BucketDeployment runs the AWS CLI from its AwsCliLayer.

The patch: the layers are attached as CreateFunction does, by their version ARNs, so that GetFunction lists them and
custom_resource_handlers.py finds them.
"""
from __future__ import annotations

from .patch import Observed, Patch, client, deploy, lambda_role, log, wrap_create, zipped


def with_layers(create, cloudformation_json, account_id, region_name, kwargs):
    fn = create()
    layers = cloudformation_json['Properties'].get('Layers') or []
    if layers:
        arns = [layer if isinstance(layer, str) else layer.arn for layer in layers]
        fn.layers = fn._get_layers_data(arns)
        log(f'{kwargs.get("LogicalId")}: layers {", ".join(arns)} attached to {fn.function_name} (Layers, as '
            'CreateFunction takes them)')
    return fn


def install() -> None:
    from moto.awslambda.models import LambdaFunction
    wrap_create(LambdaFunction, with_layers)


def probe() -> Observed:
    s3 = client('s3')
    s3.create_bucket(Bucket='probe-assets')
    s3.put_object(Bucket='probe-assets', Key='layer.zip', Body=zipped({'python/probe_layer.py': 'X = 1\n'}))
    s3.put_object(Bucket='probe-assets', Key='code.zip', Body=zipped({'index.py': 'def handler(e, c): pass\n'}))
    status, outputs, error = deploy({
        'Layer': {'Type': 'AWS::Lambda::LayerVersion', 'Properties': {
            'Content': {'S3Bucket': 'probe-assets', 'S3Key': 'layer.zip'}, 'CompatibleRuntimes': ['python3.12']}},
        'Function': {'Type': 'AWS::Lambda::Function', 'Properties': {
            'Runtime': 'python3.12', 'Handler': 'index.handler', 'Role': lambda_role('probe-layers'),
            'Code': {'S3Bucket': 'probe-assets', 'S3Key': 'code.zip'}, 'Layers': [{'Ref': 'Layer'}]}}},
        {'Function': {'Ref': 'Function'}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    layers = [layer['Arn'] for layer in
              client('lambda').get_function(FunctionName=outputs['Function'])['Configuration'].get('Layers', [])]
    as_aws = len(layers) == 1 and ':layer:' in layers[0]
    return Observed(as_aws, f'{status}: GetFunction lists layers {layers}')


PATCH = Patch(
    name='lambda-layers',
    behaviour="AWS::Lambda::Function's Layers are dropped (the function has no layers)",
    upstream='not reported upstream (getmoto/moto searched 2026-12); getmoto/moto#3563 added Layers to '
             "CreateFunction and LayerVersion to CloudFormation, not Function's Layers",
    install=install,
    probe=probe,
)
