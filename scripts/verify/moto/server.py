#!/usr/bin/env python3
"""moto's server (same arguments as `moto_server`), changed only where a CDK deployment without Docker needs it.

moto 5.2.5's CloudFormation skips resource types it does not model, hands custom resources to Lambda code it cannot
run without Docker, and has a few bugs that turn a valid template into an HTTP 500 (which the CLI's SDK retries, and
the retried ExecuteChangeSet then "succeeds" with the rest of the stack missing). Each change below is logged on
stderr as `moto-bridge: ...` lines, so the server log shows what it did; audit.py reads them.

1. Custom resources run their Lambda code (CustomModel). Stock moto invokes the function on a background thread
   (Docker) and goes on at once: the resources that use the custom resource's attributes get None. Here the
   function's deployment package (from moto's Lambda backend: what the CDK CLI published to moto's S3) is unpacked
   and its handler run with Node.js (lambda-runner.js), synchronously, against this same server (AWS_ENDPOINT_URL);
   the properties are sent as CloudFormation sends them (every scalar a string: "true", "false", "1"; moto passes
   the template's JSON values); the CloudFormation response it sends gives the physical ID and Data, and FAILED (or
   a crash, or no response) fails the deployment, as in CloudFormation. Python handlers run the same way, with
   lambda-runner.py (item 5). Not emulated: runtimes other than Node.js and Python, the Lambda sandbox (the code runs with moto's test
   credentials; moto does not enforce IAM; a function's VPC, reserved concurrency and dead-letter queue play no part),
   Update and Delete events.
2. A type moto's CloudFormation does not model gets a placeholder (after moto's own "No Moto CloudFormation support
   for <type>" line) instead of nothing: nothing is created and its properties are not evaluated, as in stock moto,
   but Ref gives an ARN-shaped `arn:aws:<service>:<region>:<account>:moto-skipped/<kind>/<logical id>/not-deployed`
   and Fn::GetAtt a `moto-skipped-...` text, where stock moto gives None, which makes the resources that refer to it
   invalid (an IAM policy without a Resource, "None/*" ARNs). ListStackResources shows the placeholder's physical
   ID; audit.py compares the placeholders' types with skipped-types.json.
3. AWS::SecretsManager::Secret (not modelled by moto) is created through moto's CreateSecret (GetRandomPassword for
   GenerateSecretString), and {{resolve:secretsmanager:...}} / {{resolve:ssm:...}} dynamic references in resource
   properties are resolved, as CloudFormation does before creating a resource (moto leaves them as text).
   AWS::CertificateManager::Certificate (not modelled by moto) is requested through moto's RequestCertificate, its
   DNS validation records are written to the hosted zone(s) of DomainValidationOptions, and it completes ISSUED
   (see acm_certificate_model for what moto's ACM does and does not check).
4. Fixes to types moto models, each passing a CloudFormation property to moto's own API:
   - AWS::EC2::SecurityGroupIngress with SourcePrefixListId (moto asserts a CIDR or group: HTTP 500).
   - AWS::RDS::DBInstance: DBParameterGroupName given as the group object (HTTP 500), VPCSecurityGroups read under
     the wrong key (dropped); and a backup window that ends when the maintenance window starts counted as an
     overlap (RDS accepts adjacent windows).
   - AWS::S3::Bucket: VersioningConfiguration applied (moto applies only BucketEncryption and Tags).
   - AWS::Lambda::Function: Layers attached (moto drops them; a Ref to a layer version gives an object).
   - AWS::EC2::SubnetRouteTableAssociation also made with AssociateRouteTable (moto's own record of it does not
     show in DescribeRouteTables).
   - AWS::ElasticLoadBalancingV2::LoadBalancer LoadBalancerFullName and CanonicalHostedZoneID, and TargetGroup
     TargetGroupFullName (and the target group's other attributes): moto gives none (None in the template's text,
     or HTTP 500).
5. Python custom resource handlers (aws-cdk-lib's Custom::CDKBucketDeployment, whose singleton function runs its
   Python handler with the AWS CLI v1 of the AwsCliLayer) run for real: the deployment package is unpacked as for
   Node.js, the function's layers (moto's layer versions: what the CDK CLI published) are unpacked in order into one
   directory that plays /opt, and lambda-runner.py runs the handler with this server's Python (the moto venv: its
   boto3 stands in for the runtime's; MOTO_BRIDGE_PYTHON overrides), starting `/opt/...` programs from that directory
   with the same Python (the layer's `aws` script names Lambda's /var/lang/bin/python). The handler and the CLI reach
   this server through AWS_ENDPOINT_URL: the static files really are copied from the asset archive in moto's S3 to
   the destination bucket. A Custom::CDKBucketDeployment whose DistributionId is a placeholder (CloudFront is not
   modelled by moto) runs without DistributionId, so its handler skips the invalidation, logged as
   `<logical id>: invalidation of <distribution> (<paths>) not run: CloudFront is not deployed in moto`; the deployed
   template keeps the property. Not emulated: the function's Python version (logged with each invocation), the
   invalidation itself.

The Lambda API stays moto's Docker-less one (lambda.use_docker false: Invoke does not run code).

Environment:
  MOTO_BRIDGE_NODE_PATH  node_modules with the AWS SDK v3 clients the handlers require (the Lambda runtime's SDK)
  MOTO_BRIDGE_NODE       the Node.js binary (default: `node` on PATH)
  MOTO_BRIDGE_PYTHON     the Python of Python handlers (default: this server's, the moto venv's)
"""
from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import Any

from moto.core.models import default_user_config
from moto.cloudformation import custom_model
from moto.cloudformation.exceptions import ValidationError
from moto.moto_api._internal import mock_random

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lambda-runner.js')
PYTHON_RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lambda-runner.py')
RESPONSE_HOST = 'cloudformation-response.moto-bridge.invalid'
CODE_ROOT = tempfile.mkdtemp(prefix='moto-bridge-code-')
atexit.register(shutil.rmtree, CODE_ROOT, True)


def log(message: str) -> None:
    sys.stderr.write(f'moto-bridge: {message}\n')
    sys.stderr.flush()


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
    runtime = str(fn.run_time or '')
    port = os.environ['MOTO_PORT']
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


def as_cloudformation_sends(value: Any) -> Any:
    """Resource properties as CloudFormation sends them to a custom resource: every scalar a string (true/false for
    booleans, numbers as written), in the same lists and objects. moto hands the template's JSON values on as they are
    (aws-cdk-lib's BucketDeployment handler calls .lower() on its Prune and Extract)."""
    if isinstance(value, dict):
        return {k: as_cloudformation_sends(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_cloudformation_sends(v) for v in value]
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    return value


def without_invalidation(logical_id: str, resource_type: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The properties handed to the handler: a Custom::CDKBucketDeployment's DistributionId is left out when it names
    a placeholder (CloudFront is not modelled by moto: there is no distribution to invalidate), so that the handler
    deploys the files and skips the invalidation, which it does only when DistributionId is given. The deployed
    template keeps the property (audit.py checks it there)."""
    distribution = str(properties.get('DistributionId') or '')
    if resource_type != 'Custom::CDKBucketDeployment' or f':{PLACEHOLDER_MARKER}/' not in distribution:
        return properties
    name = distribution.split(f':{PLACEHOLDER_MARKER}/', 1)[1].split('/')[1]
    paths = ', '.join(properties.get('DistributionPaths') or [])
    log(f'{logical_id}: invalidation of {name} ({paths}) not run: CloudFront is not deployed in moto '
        f'(DistributionId {distribution} is a placeholder; the handler runs without it)')
    return {k: v for k, v in properties.items() if k != 'DistributionId'}


def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    from moto.awslambda.utils import get_backend as get_lambda_backend
    from moto.cloudformation import cloudformation_backends

    logical_id = kwargs['LogicalId']
    stack_id = kwargs['StackId']
    properties = cloudformation_json['Properties']
    service_token = properties['ServiceToken']
    fn = get_lambda_backend(account_id, region_name).get_function(service_token)

    request_id = str(mock_random.uuid4())
    resource = cls(region_name, request_id, logical_id, resource_name)
    stack = cloudformation_backends[account_id][region_name].get_stack(stack_id)
    stack.add_custom_resource(resource)

    event = {
        'RequestType': 'Create',
        'ServiceToken': service_token,
        'ResponseURL': f'https://{RESPONSE_HOST}/{request_id}',
        'StackId': stack_id,
        'RequestId': request_id,
        'LogicalResourceId': logical_id,
        'ResourceType': kwargs['ResourceType'],
        'ResourceProperties': as_cloudformation_sends(
            without_invalidation(logical_id, kwargs['ResourceType'], properties)),
    }
    response = invoke(fn, event, region_name)
    if response.get('Status') != 'SUCCESS':
        log(f'{logical_id} FAILED: {response.get("Reason")}')
        raise ValidationError(message=f'Custom resource {logical_id} failed to create: {response.get("Reason")}')
    resource.resource_name = response.get('PhysicalResourceId') or resource_name
    resource.set_data(response.get('Data') or {})
    log(f'{logical_id} SUCCESS: physical id {resource.resource_name}, attributes {sorted(resource.data)}')
    return resource


def security_group_ingress_with_prefix_list(original):
    """moto's AWS::EC2::SecurityGroupIngress takes a CIDR or a source group, not a SourcePrefixListId (it fails an
    assertion, HTTP 500): pass that one to moto's own AuthorizeSecurityGroupIngress, which takes prefix lists."""

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json['Properties']
        prefix_list = properties.get('SourcePrefixListId')
        others = ('CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'SourceSecurityGroupName')
        if not prefix_list or any(properties.get(key) for key in others):
            return original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        group_id = properties.get('GroupId')
        group = (backend.describe_security_groups(group_ids=[group_id]) if group_id
                 else backend.describe_security_groups(groupnames=[properties['GroupName']]))[0]
        entry = {'PrefixListId': prefix_list}
        if properties.get('Description'):
            entry['Description'] = properties['Description']
        backend.authorize_security_group_ingress(
            group_name_or_id=group.id, ip_protocol=str(properties['IpProtocol']),
            from_port=properties.get('FromPort'), to_port=properties.get('ToPort'), ip_ranges=[],
            source_groups=[], prefix_list_ids=[entry])
        log(f'{kwargs.get("LogicalId")}: ingress to {group.id} from prefix list {prefix_list} '
            '(SourcePrefixListId, forwarded to AuthorizeSecurityGroupIngress)')
        return cls(group, properties)

    return classmethod(create)


def db_instance_with_parameter_group(original):
    """moto's AWS::RDS::DBInstance passes a Ref to an AWS::RDS::DBParameterGroup on as the group object, not its name
    (AttributeError, HTTP 500), and reads the security groups from `VpcSecurityGroupIds`, where CloudFormation has
    `VPCSecurityGroups`: hand moto the name, and the security groups under the key it reads."""

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json['Properties']
        group = properties.get('DBParameterGroupName')
        if group is not None and not isinstance(group, str):
            properties['DBParameterGroupName'] = group.name
        if 'VPCSecurityGroups' in properties and 'VpcSecurityGroupIds' not in properties:
            properties['VpcSecurityGroupIds'] = properties['VPCSecurityGroups']
        return original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    return classmethod(create)


def windows_that_touch_do_not_overlap(original):
    """moto's RDS rejects a backup window that ends when the maintenance window starts (02:00-03:00 and
    sun:03:00-sun:04:00) as overlapping: it counts an overlap of 0 seconds as one. RDS accepts adjacent windows."""

    def overlap(*args):
        seconds = original(*args)
        return -1 if seconds == 0 else seconds

    return overlap


def elbv2_full_names():
    """moto's load balancer has no LoadBalancerFullName attribute (GetAtt gives None, which Fn::Join turns into the
    text "None"), and its target group no GetAtt at all (AttributeError, HTTP 500). Both full names are the
    resource part of the ARN, as CloudWatch's dimensions use them. The load balancer's CanonicalHostedZoneID (an
    alias record's target zone) is moto's own value, the one DescribeLoadBalancers gives (GetAtt gave None)."""
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    original = FakeLoadBalancer.get_cfn_attribute

    def load_balancer_attribute(self, attribute_name):
        if attribute_name == 'LoadBalancerFullName':
            return self.arn.split(':loadbalancer/', 1)[1]
        if attribute_name == 'CanonicalHostedZoneID':
            log(f'{self.name}: CanonicalHostedZoneID {self.canonical_hosted_zone_id} (Fn::GetAtt; moto has it, as '
                'DescribeLoadBalancers shows, but does not give it to CloudFormation)')
            return self.canonical_hosted_zone_id
        return original(self, attribute_name)

    def target_group_attribute(self, attribute_name):
        if attribute_name == 'TargetGroupFullName':
            return self.arn.split(':', 5)[5]
        if attribute_name == 'TargetGroupName':
            return self.name
        if attribute_name == 'TargetGroupArn':
            return self.arn
        if attribute_name == 'LoadBalancerArns':
            return list(self.load_balancer_arns)
        raise NotImplementedError(f'"Fn::GetAtt" : [ "{{0}}" , "{attribute_name}" ]"')

    FakeLoadBalancer.get_cfn_attribute = load_balancer_attribute
    FakeTargetGroup.get_cfn_attribute = target_group_attribute


def route_table_association_visible(original):
    """moto's AWS::EC2::SubnetRouteTableAssociation records the association where DescribeRouteTables does not look
    (its Associations stay empty): also make it through moto's own AssociateRouteTable."""

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        association = original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        from moto.ec2.models import ec2_backends
        properties = cloudformation_json['Properties']
        ec2_backends[account_id][region_name].associate_route_table(
            properties['RouteTableId'], subnet_id=properties['SubnetId'])
        return association

    return classmethod(create)


def function_with_layers(original):
    """moto's AWS::Lambda::Function drops Layers (moto's CreateFunction takes them): the function is created without
    its layers, and a Ref to an AWS::Lambda::LayerVersion gives moto's layer version object, not its ARN. Attach them
    as CreateFunction does, by their version ARNs, so that GetFunction lists them and the bridge finds them (item 5)."""

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        fn = original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        layers = cloudformation_json['Properties'].get('Layers') or []
        if layers:
            arns = [layer if isinstance(layer, str) else layer.arn for layer in layers]
            fn.layers = fn._get_layers_data(arns)
            log(f'{kwargs.get("LogicalId")}: layers {", ".join(arns)} attached to {fn.function_name} (Layers, as '
                'CreateFunction takes them)')
        return fn

    return classmethod(create)


def bucket_with_versioning(original):
    """moto's AWS::S3::Bucket applies only BucketEncryption and Tags: apply VersioningConfiguration too, through
    moto's own PutBucketVersioning."""

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        bucket = original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        status = (cloudformation_json['Properties'].get('VersioningConfiguration') or {}).get('Status')
        if status:
            from moto.s3.models import s3_backends
            from moto.utilities.utils import get_partition
            s3_backends[account_id][get_partition(region_name)].put_bucket_versioning(bucket.name, status)
            log(f'{kwargs.get("LogicalId")}: versioning {status} on bucket {bucket.name} (through PutBucketVersioning)')
        return bucket

    return classmethod(create)


class ArnModel:
    """The common part of the bridged and placeholder resource types, mixed into moto's CloudFormationModel (which
    finds the types among its direct subclasses only): a resource known by its ARN (Ref and physical ID), with the
    attributes named in ATTRIBUTES (each the ARN too), which CloudFormation updates and deletes leave alone."""
    ATTRIBUTES: tuple = ()

    def __init__(self, arn: str):
        self.arn = arn

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name in self.ATTRIBUTES:
            return self.arn
        raise NotImplementedError(f'"Fn::GetAtt" : [ "{{0}}" , "{attribute_name}" ]"')

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        return None


def secrets_manager_secret_model():
    """AWS::SecretsManager::Secret, which moto's CloudFormation does not model, created through moto's own Secrets
    Manager (CreateSecret; GetRandomPassword for GenerateSecretString), so that the secret exists and the dynamic
    references to it resolve."""
    from moto.core.common_models import CloudFormationModel
    from moto.secretsmanager.models import secretsmanager_backends

    class CloudFormationSecret(ArnModel, CloudFormationModel):
        __module__ = 'moto.secretsmanager.bridge'
        ATTRIBUTES = ('Id',)

        @staticmethod
        def cloudformation_name_type() -> str:
            return 'Name'

        @staticmethod
        def cloudformation_type() -> str:
            return 'AWS::SecretsManager::Secret'

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


def acm_certificate_model():
    """AWS::CertificateManager::Certificate, which moto's CloudFormation does not model, created as CloudFormation
    does: a certificate requested through moto's own ACM (RequestCertificate with DomainName, SubjectAlternativeNames
    and tags: an AMAZON_ISSUED certificate, not an imported one), its DNS validation CNAME records written to the
    hosted zones given in DomainValidationOptions (Route 53 ChangeResourceRecordSets, UPSERT; the zone must exist,
    be public and contain the name), and the resource complete only once the certificate is ISSUED.

    moto's ACM answers PENDING_VALIDATION until MOTO_ACM_VALIDATION_WAIT seconds (default 60) have passed, then
    ISSUED, whatever the DNS holds: main() sets that wait to 0, and the bridge itself checks that every validation
    record is in the zone before it accepts the ISSUED status. moto's ELBv2 CreateListener needs the certificate only
    to exist in ACM in the load balancer's region (it does not look at the status), so no self-signed certificate
    (ImportCertificate) is needed. Not emulated: EMAIL validation, validation records of another account, ACM's own
    DNS lookup, CertificateTransparencyLoggingPreference and KeyAlgorithm (moto's keys are RSA 2048)."""
    import time

    from moto.acm.models import acm_backends
    from moto.core.common_models import CloudFormationModel
    from moto.route53.models import route53_backends
    from moto.utilities.utils import get_partition

    class CloudFormationCertificate(ArnModel, CloudFormationModel):
        __module__ = 'moto.acm.bridge'

        @staticmethod
        def cloudformation_name_type() -> str:
            return ''

        @staticmethod
        def cloudformation_type() -> str:
            return 'AWS::CertificateManager::Certificate'

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            logical_id = kwargs.get('LogicalId')
            properties = cloudformation_json['Properties']
            domain = properties['DomainName']
            sans = [name for name in properties.get('SubjectAlternativeNames') or [] if name != domain]
            method = properties.get('ValidationMethod', 'EMAIL')
            if method != 'DNS' or properties.get('CertificateAuthorityArn'):
                raise ValidationError(message=f'moto-bridge: {logical_id}: only DNS-validated public certificates '
                                      f'are bridged (ValidationMethod {method})')
            zones = {option['DomainName']: option.get('HostedZoneId')
                     for option in properties.get('DomainValidationOptions') or []}
            unvalidated = [name for name in [domain, *sans] if not zones.get(name)]
            if unvalidated:
                # CloudFormation would wait (up to 72 hours) for someone else to create the records.
                raise ValidationError(message=f'moto-bridge: {logical_id}: no HostedZoneId in DomainValidationOptions '
                                      f'for {", ".join(unvalidated)}: the certificate would never be validated')
            route53 = route53_backends[account_id][get_partition(region_name)]
            for name in set(zones.values()):
                if route53.get_hosted_zone(name).private_zone:  # NoSuchHostedZone if it does not exist
                    raise ValidationError(message=f'moto-bridge: {logical_id}: hosted zone {name} is private: '
                                          'ACM cannot validate through it')
            acm = acm_backends[account_id][region_name]
            arn = acm.request_certificate(
                domain_name=domain, idempotency_token=None, subject_alt_names=sans or None,
                tags=properties.get('Tags') or [])
            options = acm.describe_certificate(arn).describe()['Certificate']['DomainValidationOptions']
            records = []
            for option in options:
                record = option['ResourceRecord']
                zone_id = zones[option['DomainName']]
                route53.change_resource_record_sets(zone_id, [{'Action': 'UPSERT', 'ResourceRecordSet': {
                    'Name': record['Name'], 'Type': record['Type'], 'TTL': '300',
                    'ResourceRecords': [{'Value': record['Value']}]}}])
                found = [r for r in route53.get_hosted_zone(zone_id).rrsets
                         if r.name == record['Name'] and r.type == record['Type'] and r.records == [record['Value']]]
                if not found:
                    raise ValidationError(message=f'moto-bridge: {logical_id}: validation record {record["Name"]} '
                                          f'not found in {zone_id} after writing it')
                records.append(f'{record["Name"]} {record["Type"]} in {zone_id}')
            deadline = time.time() + 10
            while (status := acm.describe_certificate(arn).status) == 'PENDING_VALIDATION' and time.time() < deadline:
                time.sleep(0.05)
            if status != 'ISSUED':
                raise ValidationError(message=f'moto-bridge: {logical_id}: certificate {arn} is {status}, not ISSUED')
            log(f'{logical_id}: certificate {arn} for {", ".join([domain, *sans])} (AWS::CertificateManager::'
                f'Certificate, through RequestCertificate: AMAZON_ISSUED, not imported); DNS validation record(s) '
                f'{"; ".join(records)} (through ChangeResourceRecordSets, as CloudFormation writes them); {status} '
                '(moto issues requested certificates after MOTO_ACM_VALIDATION_WAIT, set to 0, without looking at '
                'DNS; moto\'s CreateListener needs the certificate to exist, not to be ISSUED)')
            return cls(arn)

    return CloudFormationCertificate


DYNAMIC_REFERENCE = re.compile(r'\{\{resolve:(secretsmanager|ssm):([^}]*)\}\}')


def resolve_dynamic_references(value: Any, account_id: str, region_name: str) -> Any:
    """The resource properties with {{resolve:secretsmanager:...}} and {{resolve:ssm:...}} replaced by their values,
    as CloudFormation does before it creates a resource (moto leaves them as text). One that does not resolve (such
    as a reference to a placeholder) fails the resource, as in CloudFormation."""
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


PLACEHOLDER_MARKER = 'moto-skipped'


def placeholder_model():
    """The stand-in for a resource whose type moto's CloudFormation does not model (see the module's docstring)."""
    from moto.core.common_models import CloudFormationModel

    class SkippedResource(ArnModel, CloudFormationModel):
        # moto files its models by the service in their module's name (moto.<service>....).
        __module__ = 'moto.cloudformation.bridge'

        def __init__(self, resource_type: str, logical_id: str, account_id: str, region_name: str):
            # Shaped like a real ARN, with as many "/" parts as the deepest (a WAFv2 web ACL's
            # global/webacl/<name>/<id>), for templates that Fn::Split and Fn::Select them.
            _, service, kind = resource_type.lower().split('::')
            self.logical_id = logical_id
            self.arn = (f'arn:aws:{service}:{region_name}:{account_id}:'
                        f'{PLACEHOLDER_MARKER}/{kind}/{logical_id}/not-deployed')

        @staticmethod
        def cloudformation_name_type() -> str:
            return ''

        @staticmethod
        def cloudformation_type() -> str:
            return 'Moto::Bridge::SkippedResource'

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return True

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name == 'Arn':
                return self.arn
            if attribute_name.endswith('Arn'):
                return f'{self.arn}/{attribute_name}'
            return f'{PLACEHOLDER_MARKER}-{self.logical_id}-{attribute_name}'.lower().replace('.', '-')

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            resource = cls(kwargs['ResourceType'], kwargs['LogicalId'], account_id, region_name)
            log(f'placeholder for {kwargs["LogicalId"]} ({kwargs["ResourceType"]}, not modelled by moto): '
                f'{resource.arn}')
            return resource

    return SkippedResource


def install_placeholders():
    """resource_class_from_type answers the placeholder model where moto has none (after moto logs its
    "No Moto CloudFormation support for <type>"), and parse_resource leaves a placeholder's properties alone, as moto
    does for a type it skips: nothing in them is evaluated."""
    from moto.cloudformation import parsing

    skipped = placeholder_model()
    original_class_from_type = parsing.resource_class_from_type
    original_parse_resource = parsing.parse_resource

    def resource_class_from_type(resource_type: str):
        resource_class = original_class_from_type(resource_type)
        if resource_class is None and resource_type not in parsing.NULL_MODELS:
            return skipped
        return resource_class

    def parse_resource(resource_json, resources_map):
        resource_type = resource_json['Type']
        if resource_class_from_type(resource_type) is skipped:
            return skipped, resource_json, resource_type
        parsed = original_parse_resource(resource_json, resources_map)
        if parsed:
            resource_class, cleaned, _ = parsed
            cleaned = resolve_dynamic_references(
                cleaned, resources_map._account_id, resources_map._region_name)
            parsed = (resource_class, cleaned, resource_type)
        return parsed

    parsing.resource_class_from_type = resource_class_from_type
    parsing.parse_resource = parse_resource


def main() -> None:
    # The Lambda API without Docker (moto's "lambda simple" backend): Invoke does not run code. Custom resources run
    # theirs through the bridge above.
    default_user_config.setdefault('lambda', {})['use_docker'] = False
    custom_model.CustomModel.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    from moto.ec2.models.security_groups import SecurityGroupIngress
    SecurityGroupIngress.create_from_cloudformation_json = security_group_ingress_with_prefix_list(
        SecurityGroupIngress.create_from_cloudformation_json)
    from moto.rds.models import DBInstance
    DBInstance.create_from_cloudformation_json = db_instance_with_parameter_group(
        DBInstance.create_from_cloudformation_json)
    from moto.rds import utils as rds_utils
    rds_utils.get_overlap_between_two_date_ranges = windows_that_touch_do_not_overlap(
        rds_utils.get_overlap_between_two_date_ranges)
    from moto.ec2.models.subnets import SubnetRouteTableAssociation
    SubnetRouteTableAssociation.create_from_cloudformation_json = route_table_association_visible(
        SubnetRouteTableAssociation.create_from_cloudformation_json)
    from moto.awslambda.models import LambdaFunction
    LambdaFunction.create_from_cloudformation_json = function_with_layers(
        LambdaFunction.create_from_cloudformation_json)
    from moto.s3.models import FakeBucket
    FakeBucket.create_from_cloudformation_json = bucket_with_versioning(FakeBucket.create_from_cloudformation_json)
    elbv2_full_names()
    secrets_manager_secret_model()
    # moto's ACM issues a requested certificate once this many seconds have passed (default 60): at once, as the
    # certificate bridge writes the validation records itself (see acm_certificate_model).
    from moto import settings
    settings.ACM_VALIDATION_WAIT = int(os.environ.get('MOTO_ACM_VALIDATION_WAIT', '0'))
    acm_certificate_model()
    from moto.cloudformation import parsing
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    install_placeholders()
    log(f'custom resources run through {RUNNER} (NODE_PATH={os.environ.get("MOTO_BRIDGE_NODE_PATH", "")}) and '
        f'{PYTHON_RUNNER} (Python {os.environ.get("MOTO_BRIDGE_PYTHON") or sys.executable})')

    from moto.server import main as moto_main
    moto_main(sys.argv[1:])


if __name__ == '__main__':
    main()
