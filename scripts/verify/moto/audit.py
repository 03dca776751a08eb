#!/usr/bin/env python3
"""Decides whether the examples app's deployment to moto (deploy.sh) succeeded, from moto's own APIs and log.

moto's CloudFormation reports CREATE_COMPLETE even where it created nothing (a type it does not model) or where a
request failed halfway (an HTTP 500 that the CLI's SDK retried), so the stack status alone proves little. This audit
checks, and prints as a PASS/FAIL table:

- deployment: every stack of the cloud assembly (and each environment's CDKToolkit) is CREATE_COMPLETE, answers
  ListStackResources, holds the synthesized template, and lists every resource of it (only resources under a
  Condition may be absent);
- emulator coverage: skipped-types.json names the moto version the server ran; the resource types moto skipped (the
  bridge's placeholders, bridge/unmodelled_placeholders.py, and moto's own "No Moto CloudFormation support" lines,
  which must agree) are exactly those of skipped-types.json, each with its reason; every custom resource ran its
  handler successfully; no Fn::GetAtt went unresolved;
- server log: no HTTP 5xx, no Python traceback, no failed custom resource or dynamic reference;
- architecture, through the service APIs (EC2, ELBv2, Auto Scaling, RDS, S3, Secrets Manager, SNS, SSM): the VPC
  and its subnets per tier (by their routes), NAT gateways, load balancer, listeners and their rules, the load
  balancer's security group, the Auto Scaling group and its instances, the database, the buckets, the disaster
  recovery replica, secrets, topics, and the custom resources' results. Parts of the architecture whose types moto
  skipped are listed as SKIP, with the reason; they are not tested;
- the domain variant (deploy.sh --domain passes --domain-name, --zone-name, --hosted-zone-id), through ACM, ELBv2
  and Route 53: listeners on 80 and 443; the HTTPS listener's certificate (the template's, for origin.<zone>, in
  the stack's region, ISSUED) and TLS policy (API = template); HTTP redirecting to HTTPS 443 with a 301; the viewer
  certificate for the domain in us-east-1 (in the main stack there, else in the us-east-1 companion stack, whose
  ARN reaches the main stack through SSM); the public zone's A record origin.<zone> aliasing the load balancer,
  A/AAAA <domain> in CloudFront's zone aliasing the distribution (its placeholder while moto skips CloudFront:
  SKIP for the rest); the certificates' DNS validation records. skipped-types.json is matched per variant;
- the application and static content (ProductionWebApp's application and staticContent): the launch template's user
  data (decoded) downloads one release with `aws s3api get-object`, whose bucket and key hold, in moto's S3 (the CDK
  CLI uploaded the asset), a zip with server.js (the files of examples/application/dist/release); the instance
  role's customer-managed policy grants exactly s3:GetObject on exactly that object, and only that in S3; the
  static content deployment (Custom::CDKBucketDeployment, its Python handler run by server.py with its AWS CLI layer)
  targets the static assets bucket under static/, the distribution (its placeholder) with ['/static/*'], Prune
  false; the objects under static/ equal examples/application/static (names and bytes); the server log says the
  invalidation was not run (CloudFront is skipped); the deployment function's runtime, reserved concurrency 1,
  application subnets and layer (API), its role's S3 objects (the source archive exactly, and static/*), its
  dead-letter queue (template to the deployed queue: moto's Lambda does not keep DeadLetterConfig);
- the origin header rotation: its function's shipped code, run with the Lambda runtime's AWS SDK (--node-path)
  through Secrets Manager's four steps against the deployed secret and listener rules and a distribution created
  for it, since moto skips the schedule and CloudFront: the rules accept both values while CloudFront sends the new
  one, then the new one alone, AWSCURRENT moves, and no value is logged.

Usage: audit.py --endpoint http://127.0.0.1:PORT --assembly cdk.out --moto-log moto.log --allow-list skipped-types.json
       [--node-path DIR] [--domain-name www.example.com --zone-name example.com --hosted-zone-id ZONEID]
Exit code 0 when nothing FAILs.
"""
from __future__ import annotations

import argparse
import base64
import collections
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
import zipfile
from typing import Any, Callable

import boto3
from botocore.config import Config

# The architecture the library's specification gives the example.
SPEC_SUBNETS = {
    'public': {'10.0.1.0/24', '10.0.2.0/24'},
    'application': {'10.0.10.0/24', '10.0.11.0/24'},
    'data': {'10.0.20.0/24', '10.0.21.0/24'},
}
SPEC_NAT_GATEWAYS = 2
SPEC_ASG = (2, 2, 6)  # min, desired, max
SPEC_BUCKETS = ('StaticAssets', 'Backups', 'Logs')  # StorageBuckets' buckets, by construct ID
CLOUDFRONT_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing'
ORIGIN_HEADER = 'X-Origin-Verify'
PLACEHOLDER = ':moto-skipped/'
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))

# Parts of the architecture moto may skip, reported as SKIP rows when their type is among the skipped ones.
SKIPPABLE_COMPONENTS = {
    'AWS::ElastiCache::ReplicationGroup': 'ElastiCache Redis replication group (cache tier)',
    'AWS::CloudFront::Distribution': 'CloudFront distribution (edge)',
    'AWS::WAFv2::WebACL': 'AWS WAF web ACL (edge)',
    'AWS::CloudWatch::Alarm': 'CloudWatch alarms (observability)',
    'AWS::CloudTrail::Trail': 'CloudTrail trail (observability)',
    'AWS::Backup::BackupPlan': 'AWS Backup plan (data tier)',
    'AWS::EC2::NetworkAcl': 'network ACLs (network)',
    'AWS::EC2::SecurityGroupEgress': 'security group egress rules between tiers',
    'AWS::S3::BucketPolicy': 'bucket policies (TLS-only, CloudFront access, log delivery)',
    'AWS::SecretsManager::RotationSchedule': 'secret rotation schedules (database credentials, cache AUTH token; the '
                                             'origin header rotation\'s code is run by its own section)',
}

# What this rung does not test, whatever the run: printed with the table.
NOT_TESTED = [
    'Anything of a type moto skipped (the SKIP rows and skipped-types.json): nothing is created for it.',
    'IAM: moto stores roles and policies but enforces none of them; nothing here proves a permission is enough or '
    'not too broad.',
    'Properties moto ignores on types it does model, e.g. RDS DeletionProtection, IAM database authentication, '
    'Performance Insights, enhanced monitoring and log exports; S3 lifecycle, logging, replication, public access '
    'block and object lock; security group inline egress; KMS key policies; Auto Scaling instance spread across '
    'AZs (moto puts them in the first subnet); the launch template\'s contents beyond the release download; VPC flow '
    'log delivery.',
    'Runtime behaviour: no instance boots, no traffic flows through the load balancer, CloudFront or WAF, no '
    'database or cache accepts a connection, no backup, replication or rotation runs, no alarm fires.',
    'Custom resources: only Create, with Node.js and Python handlers run outside the Lambda sandbox (server.py; '
    'Python handlers on the moto venv\'s Python and boto3, whatever the function\'s runtime version); Update and '
    'Delete are not exercised, nor the auth token rotation function (its schedule is skipped). The static content '
    'deployment\'s CloudFront invalidation is not run (the distribution is skipped); the function\'s VPC, reserved '
    'concurrency and dead-letter queue play no part in the run.',
    'Updates, drift and deletion of the stacks (one fresh deployment only).',
    'Domain variant (deploy.sh --domain): ACM validation itself (moto issues a requested certificate without any DNS '
    'lookup; server.py writes the validation records as CloudFormation does, and the audit finds them in the zone); '
    'that the TLS policy name exists (moto accepts any); certificate key algorithm and transparency logging; '
    'anything on CloudFront\'s side (aliases, viewer certificate, minimum TLS version: the distribution is '
    'skipped, so the www alias records name its placeholder); that alias targets resolve (moto does not check them).',
]


class Audit:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.section = ''

    def add(self, status: str, check: str, detail: str = '') -> None:
        self.rows.append((self.section, status, check, detail))

    def check(self, ok: bool, check: str, detail: str = '') -> bool:
        self.add('PASS' if ok else 'FAIL', check, detail)
        return ok

    def guard(self, check: str, fn: Callable[[], Any]) -> Any:
        """Runs fn; an exception is a FAIL of `check` (the audit goes on)."""
        try:
            return fn()
        except Exception as err:  # noqa: BLE001 - any error is a failed check
            self.add('FAIL', check, f'{type(err).__name__}: {err}')
            return None

    def failures(self) -> int:
        return sum(1 for row in self.rows if row[1] == 'FAIL')

    def print(self) -> None:
        width = min(72, max(len(row[2]) for row in self.rows))
        section = None
        for row_section, status, check, detail in self.rows:
            if row_section != section:
                section = row_section
                print(f'\n--- {section}')
            print(f'{status:<5} {check:<{width}}  {detail}'.rstrip())
        counts = collections.Counter(row[1] for row in self.rows)
        print(f'\n{counts["PASS"]} passed, {counts["FAIL"]} failed, {counts["SKIP"]} skipped, '
              f'{counts["INFO"]} info')


class Stack:
    def __init__(self, artifact_id: str, name: str, region: str, template: dict[str, Any] | None):
        self.artifact_id = artifact_id
        self.name = name
        self.region = region
        self.template = template
        self.summaries: list[dict[str, Any]] = []

    @property
    def label(self) -> str:
        return f'{self.name} ({self.region})'

    def resources(self, resource_type: str, path: str = '') -> list[dict[str, Any]]:
        """The stack's resources of `resource_type` whose construct path matches the regex `path`: dicts with
        logical, physical, properties and path."""
        physical = {s['LogicalResourceId']: s['PhysicalResourceId'] for s in self.summaries}
        found = []
        for logical, resource in (self.template or {}).get('Resources', {}).items():
            cdk_path = resource.get('Metadata', {}).get('aws:cdk:path', '')
            if resource['Type'] == resource_type and re.search(path, cdk_path):
                found.append({'logical': logical, 'physical': physical.get(logical), 'path': cdk_path,
                              'properties': resource.get('Properties', {})})
        return found


def short(path: str) -> str:
    """A construct path without its stack and its trailing /Resource: App/Data/Database/Secret."""
    parts = path.split('/')[1:]
    return '/'.join(parts[:-1] if parts and parts[-1] in ('Resource', 'Default') else parts)


def client_factory(endpoint: str) -> Callable[[str, str], Any]:
    config = Config(retries={'max_attempts': 2, 'mode': 'standard'}, s3={'addressing_style': 'path'})
    cache: dict[tuple[str, str], Any] = {}

    def client(service: str, region: str) -> Any:
        if (service, region) not in cache:
            cache[(service, region)] = boto3.client(
                service, endpoint_url=endpoint, region_name=region, config=config,
                aws_access_key_id='testing', aws_secret_access_key='testing', aws_session_token='testing')
        return cache[(service, region)]

    return client


def parse_template(body: str) -> dict[str, Any]:
    """A template's text, JSON or YAML (the CDK bootstrap template), with CloudFormation's short-form tags."""
    try:
        return json.loads(body)
    except ValueError:
        import yaml  # noqa: PLC0415 - moto's dependency
        from moto.cloudformation.utils import yaml_tag_constructor  # noqa: PLC0415
        yaml.add_multi_constructor('', yaml_tag_constructor, Loader=yaml.SafeLoader)
        return yaml.safe_load(body)


def load_assembly(directory: str) -> list[Stack]:
    with open(os.path.join(directory, 'manifest.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    stacks = []
    for artifact_id, artifact in manifest['artifacts'].items():
        if artifact['type'] != 'aws:cloudformation:stack':
            continue
        properties = artifact.get('properties', {})
        with open(os.path.join(directory, properties['templateFile']), encoding='utf-8') as f:
            template = json.load(f)
        region = artifact['environment'].rsplit('/', 1)[1]
        stacks.append(Stack(artifact_id, properties.get('stackName') or artifact_id, region, template))
    return stacks


def audit_deployment(audit: Audit, client, stacks: list[Stack]) -> dict[str, list[str]]:
    """Stack status, resources, templates. Returns the skipped (placeholder) resources by type."""
    audit.section = 'Deployment'
    skipped: dict[str, list[str]] = collections.defaultdict(list)
    no_physical_id: dict[str, int] = collections.Counter()
    for stack in stacks:
        cfn = client('cloudformation', stack.region)
        described = audit.guard(f'{stack.label}: DescribeStacks',
                                lambda: cfn.describe_stacks(StackName=stack.name)['Stacks'][0])
        if not described:
            continue
        audit.check(described['StackStatus'] == 'CREATE_COMPLETE', f'{stack.label}: status',
                    described['StackStatus'])

        def list_resources() -> list[dict[str, Any]]:
            pages = cfn.get_paginator('list_stack_resources').paginate(StackName=stack.name)
            return [s for page in pages for s in page['StackResourceSummaries']]

        summaries = audit.guard(f'{stack.label}: ListStackResources', list_resources)
        if summaries is None:
            continue
        deployed = audit.guard(f'{stack.label}: GetTemplate', lambda: cfn.get_template(StackName=stack.name))
        if deployed is not None:
            body = deployed['TemplateBody']
            body = body if isinstance(body, dict) else parse_template(body)
            if stack.template is None:
                stack.template = body
            else:
                audit.check(body == stack.template, f'{stack.label}: deployed template is the synthesized one')
        stack.summaries = [s for s in summaries if s['LogicalResourceId']]
        declared = stack.template.get('Resources', {}) if stack.template else {}
        listed = {s['LogicalResourceId'] for s in stack.summaries}
        missing = sorted(set(declared) - listed)
        conditional = [m for m in missing if 'Condition' in declared[m]]
        unexplained = [m for m in missing if 'Condition' not in declared[m]]
        detail = f'{len(listed)} of {len(declared)} listed'
        if conditional:
            detail += f'; not created under a Condition: {", ".join(conditional)}'
        if unexplained:
            detail += f'; MISSING: {", ".join(unexplained)}'
        audit.check(not unexplained and not (listed - set(declared)), f'{stack.label}: every resource listed', detail)
        for summary in stack.summaries:
            if PLACEHOLDER in summary['PhysicalResourceId']:
                skipped[summary['ResourceType']].append(f'{stack.name}/{summary["LogicalResourceId"]}')
            elif not summary['PhysicalResourceId']:
                no_physical_id[summary['ResourceType']] += 1
        placeholders = sum(1 for s in stack.summaries if PLACEHOLDER in s['PhysicalResourceId'])
        audit.add('INFO', f'{stack.label}: deployed by moto / placeholders',
                  f'{len(stack.summaries) - placeholders} / {placeholders}')
    if no_physical_id:
        audit.add('INFO', 'created without a physical ID in ListStackResources (moto models\' quirk)',
                  ', '.join(f'{t} x{n}' for t, n in sorted(no_physical_id.items())))
    return skipped


VARIANTS = ('default', 'domain')


def audit_coverage(audit: Audit, stacks: list[Stack], skipped: dict[str, list[str]], allow_list: dict[str, Any],
                   log: str, variant: str) -> None:
    """The skipped types against skipped-types.json, exactly, for this run's variant. An entry is a reason (every
    variant), or {"reason": ..., "variants": [...]} for a type that only some variants skip: outside those it must
    not be skipped, and it is not stale when absent."""
    audit.section = f'Emulator coverage (skipped-types.json, {variant} variant)'
    running = re.findall(r'moto-bridge: \d+ patches installed on moto (\S+):', log)
    audit.check(running == [allow_list.get('moto')], 'skipped-types.json was reviewed for the moto that ran',
                f'skipped-types.json: moto {allow_list.get("moto")}; the server: moto {", ".join(running) or "?"}')
    allowed: dict[str, str] = {}
    for resource_type, entry in allow_list.get('skippedTypes', {}).items():
        variants = entry.get('variants', []) if isinstance(entry, dict) else list(VARIANTS)
        unknown = sorted(set(variants) - set(VARIANTS))
        if unknown or not variants:
            audit.add('FAIL', f'allow-list entry with unknown or no variants: {resource_type}', f'{unknown}')
        if variant in variants:
            allowed[resource_type] = entry.get('reason', '') if isinstance(entry, dict) else entry
        elif resource_type not in skipped:
            audit.add('INFO', f'not this variant\'s: {resource_type}', f'allowed only in {", ".join(variants)}')
    for resource_type in sorted(set(skipped) | set(allowed)):
        resources = skipped.get(resource_type, [])
        if resource_type not in allowed:
            audit.add('FAIL', f'skipped, not allowed in the {variant} variant: {resource_type}',
                      f'{len(resources)}: {", ".join(resources[:3])}{" ..." if len(resources) > 3 else ""}')
        elif not resources:
            audit.add('FAIL', f'stale allow-list entry: {resource_type}', 'nothing of this type was skipped')
        elif not str(allowed[resource_type]).strip():
            audit.add('FAIL', f'allowed without a reason: {resource_type}')
        else:
            audit.add('PASS', f'skipped, allowed: {resource_type} x{len(resources)}', allowed[resource_type])
    logged = set(re.findall(r'No Moto CloudFormation support for (\S+)', log))
    audit.check(logged == set(skipped), 'moto\'s "No Moto CloudFormation support" lines name the same types',
                f'only in the log: {sorted(logged - set(skipped))}; only as placeholders: '
                f'{sorted(set(skipped) - logged)}' if logged != set(skipped) else f'{len(logged)} types')

    audit.section = 'Custom resources (run by server.py\'s bridge)'
    for stack in stacks:
        for logical, resource in (stack.template or {}).get('Resources', {}).items():
            if not resource['Type'].startswith('Custom::'):
                continue
            ok = f'moto-bridge: {logical} SUCCESS' in log
            physical = next((s['PhysicalResourceId'] for s in stack.summaries if s['LogicalResourceId'] == logical),
                            None)
            path = short(resource.get('Metadata', {}).get('aws:cdk:path', logical))
            audit.check(ok and bool(physical), f'{path} ({resource["Type"]})',
                        f'{stack.name}/{logical}: handler ran: {ok}; physical ID {physical}')


def audit_log(audit: Audit, log: str) -> None:
    audit.section = 'moto server log'
    statuses = collections.Counter(re.findall(r'" (\d{3}) -', log))
    audit.add('INFO', 'HTTP responses', ', '.join(f'{code}: {n}' for code, n in sorted(statuses.items())))
    errors = sum(n for code, n in statuses.items() if code.startswith('5'))
    audit.check(errors == 0, 'no HTTP 5xx', f'{errors}')
    tracebacks = log.count('Traceback (most recent call last)')
    audit.check(tracebacks == 0, 'no Python traceback', f'{tracebacks}')
    failed = re.findall(r'moto-bridge: (.* FAILED.*|cannot resolve.*)', log)
    audit.check(not failed, 'no failed custom resource or dynamic reference', '; '.join(failed)[:300])
    unresolved = sorted(set(re.findall(r'"Fn::GetAtt" : \[ "([^"]+)" , "([^"]+)" \]', log)))
    audit.check(not unresolved, 'no Fn::GetAtt that moto could not resolve (it would give None)',
                ', '.join(f'{r}.{a}' for r, a in unresolved))


def audit_architecture(audit: Audit, client, stacks: list[Stack], skipped: dict[str, list[str]],
                       domain: Domain | None, log: str) -> None:
    main = next((s for s in stacks if s.resources('AWS::EC2::VPC')), None)
    audit.section = 'Architecture: network'
    if not audit.check(main is not None, 'a stack with the VPC'):
        return
    region = main.region
    ec2 = client('ec2', region)

    vpc = main.resources('AWS::EC2::VPC')[0]
    described = audit.guard('VPC exists', lambda: ec2.describe_vpcs(VpcIds=[vpc['physical']])['Vpcs'][0])
    if not described:
        return
    vpc_id = vpc['physical']
    audit.check(described['CidrBlock'] == vpc['properties'].get('CidrBlock'), 'VPC CIDR (API = template)',
                f'{vpc_id} {described["CidrBlock"]}')
    subnets = ec2.describe_subnets(Filters=[{'Name': 'vpc-id', 'Values': [vpc_id]}])['Subnets']
    template_cidrs = {s['properties'].get('CidrBlock') for s in main.resources('AWS::EC2::Subnet')}
    spec_cidrs = set().union(*SPEC_SUBNETS.values())
    audit.check(template_cidrs == spec_cidrs, 'template subnets are the spec\'s', ', '.join(sorted(template_cidrs)))
    audit.check({s['CidrBlock'] for s in subnets} == spec_cidrs, 'VPC subnets (API) are the spec\'s',
                f'{len(subnets)} subnets')

    route_tables = ec2.describe_route_tables(Filters=[{'Name': 'vpc-id', 'Values': [vpc_id]}])['RouteTables']
    default_route: dict[str, str] = {}
    for table in route_tables:
        target = next((r.get('GatewayId') or r.get('NatGatewayId') or '' for r in table['Routes']
                       if r.get('DestinationCidrBlock') == '0.0.0.0/0'), '')
        for association in table.get('Associations', []):
            if association.get('SubnetId'):
                default_route[association['SubnetId']] = target
    tiers: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for subnet in subnets:
        target = default_route.get(subnet['SubnetId'])
        tier = ('unassociated' if target is None else 'public' if target.startswith('igw-')
                else 'application' if target.startswith('nat-') else 'data' if target == '' else f'other ({target})')
        tiers[tier].append(subnet)
    for tier, cidrs in SPEC_SUBNETS.items():
        found = tiers.get(tier, [])
        how = {'public': 'default route to the internet gateway', 'application': 'default route to a NAT gateway',
               'data': 'no default route'}[tier]
        audit.check({s['CidrBlock'] for s in found} == cidrs, f'{tier} subnets ({how})',
                    ', '.join(sorted(f'{s["CidrBlock"]} {s["AvailabilityZone"]}' for s in found)))
        audit.check(len({s['AvailabilityZone'] for s in found}) == len(cidrs), f'{tier} subnets in distinct AZs')
    ids = {tier: {s['SubnetId'] for s in found} for tier, found in tiers.items()}

    gateways = ec2.describe_internet_gateways(
        Filters=[{'Name': 'attachment.vpc-id', 'Values': [vpc_id]}])['InternetGateways']
    audit.check(len(gateways) == 1, 'internet gateway attached', ', '.join(g['InternetGatewayId'] for g in gateways))
    nats = [n for n in ec2.describe_nat_gateways(Filters=[{'Name': 'vpc-id', 'Values': [vpc_id]}])['NatGateways']
            if n['State'] == 'available']
    audit.check(len(nats) == SPEC_NAT_GATEWAYS and {n['SubnetId'] for n in nats} == ids.get('public', set()),
                f'{SPEC_NAT_GATEWAYS} NAT gateways, one per public subnet',
                ', '.join(f'{n["NatGatewayId"]} in {n["SubnetId"]}' for n in nats))
    zone = {s['SubnetId']: s['AvailabilityZone'] for s in subnets}
    nat_zone = {n['NatGatewayId']: zone.get(n['SubnetId']) for n in nats}
    same_zone = all(nat_zone.get(default_route[s]) == zone[s] for s in ids.get('application', set()))
    audit.check(same_zone and bool(ids.get('application')), 'each application subnet uses the NAT gateway of its AZ')

    audit.section = 'Architecture: web tier'
    elb = client('elbv2', region)
    balancer = main.resources('AWS::ElasticLoadBalancingV2::LoadBalancer')
    if not domain:
        audit.add('SKIP', 'domain: certificates, HTTPS origin, alias records', 'the default variant has no domain '
                  '(deploy.sh --domain deploys and audits them)')
    if audit.check(len(balancer) == 1, 'one load balancer'):
        lb = audit.guard('load balancer exists', lambda: elb.describe_load_balancers(
            LoadBalancerArns=[balancer[0]['physical']])['LoadBalancers'][0])
        if lb:
            lb_subnets = {z['SubnetId'] for z in lb['AvailabilityZones']}
            audit.check(lb['Scheme'] == 'internet-facing' and lb['Type'] == 'application'
                        and lb_subnets == ids.get('public'), 'internet-facing application load balancer in the '
                        'public subnets', f'{lb["Scheme"]} {lb["Type"]} {sorted(lb_subnets)}')
            listeners = elb.describe_listeners(LoadBalancerArn=lb['LoadBalancerArn'])['Listeners']
            api_ports = {(listener['Port'], listener['Protocol']) for listener in listeners}
            template_ports = {(int(listener['properties']['Port']), listener['properties']['Protocol'])
                              for listener in main.resources('AWS::ElasticLoadBalancingV2::Listener')}
            audit.check(api_ports == template_ports, 'listeners (API = template)', ', '.join(
                f'{port}/{protocol}' for port, protocol in sorted(api_ports)))
            audit.check((80, 'HTTP') in api_ports, 'listener on port 80')
            if domain or any(port == 443 for port, _ in template_ports):
                audit.check((443, 'HTTPS') in api_ports and (443, 'HTTPS') in template_ports,
                            'listener on port 443 (HTTPS)')
            else:
                audit.add('SKIP', 'listener on port 443 (HTTPS)', 'the example has none: synthesized without '
                          'domainName/hostedZoneId/zoneName there is no certificate, so the load balancer serves '
                          'HTTP on 80 only (CloudFront reaches it over HTTP)')
            audit_origin_access(audit, client, main, elb, ec2, lb, listeners, domain)
            if domain:
                audit_domain(audit, client, stacks, main, lb, listeners, skipped, domain)
                audit.section = 'Architecture: web tier'

    autoscaling = client('autoscaling', region)
    groups = main.resources('AWS::AutoScaling::AutoScalingGroup')
    if audit.check(len(groups) == 1, 'one Auto Scaling group'):
        group = audit.guard('Auto Scaling group exists', lambda: autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=[groups[0]['physical']])['AutoScalingGroups'][0])
        if group:
            sizes = (group['MinSize'], group['DesiredCapacity'], group['MaxSize'])
            audit.check(sizes == SPEC_ASG, 'min/desired/max', '/'.join(map(str, sizes)))
            group_subnets = set(filter(None, group['VPCZoneIdentifier'].split(',')))
            audit.check(group_subnets == ids.get('application'), 'in the application subnets', ', '.join(
                sorted(group_subnets)))
            target_groups = {t['physical'] for t in main.resources('AWS::ElasticLoadBalancingV2::TargetGroup')}
            audit.check(bool(target_groups) and set(group['TargetGroupARNs']) == target_groups,
                        'registered with the load balancer\'s target group')
            instances = [i for i in group['Instances'] if i['LifecycleState'] == 'InService']
            placed = set()
            if instances:
                reservations = ec2.describe_instances(InstanceIds=[i['InstanceId'] for i in instances])
                placed = {i['SubnetId'] for r in reservations['Reservations'] for i in r['Instances']}
            audit.check(len(instances) == SPEC_ASG[1] and placed <= ids.get('application', set()),
                        f'{SPEC_ASG[1]} instances in service, in application subnets',
                        f'{len(instances)} in {sorted(placed)}')

    audit.section = 'Architecture: data tier'
    rds = client('rds', region)
    databases = main.resources('AWS::RDS::DBInstance')
    if audit.check(len(databases) == 1, 'one database instance'):
        db = audit.guard('database exists', lambda: rds.describe_db_instances(
            DBInstanceIdentifier=databases[0]['physical'])['DBInstances'][0])
        if db:
            audit.check(db['Engine'] == 'postgres', 'PostgreSQL', f'{db["Engine"]} {db["EngineVersion"]}')
            audit.check(db['MultiAZ'] is True, 'Multi-AZ')
            audit.check(db['StorageEncrypted'] is True and bool(db.get('KmsKeyId')), 'storage encrypted with a KMS key',
                        db.get('KmsKeyId', ''))
            audit.check(db['PubliclyAccessible'] is False, 'not publicly accessible')
            db_subnets = {s['SubnetIdentifier'] for s in db['DBSubnetGroup']['Subnets']}
            audit.check(db_subnets == ids.get('data'), 'subnet group = the data subnets', ', '.join(sorted(db_subnets)))
            groups = {g['VpcSecurityGroupId'] for g in db['VpcSecurityGroups']}
            physical = {s['LogicalResourceId']: s['PhysicalResourceId'] for s in main.summaries}
            declared = {physical.get(g.get('Fn::GetAtt', [None])[0]) for g in
                        databases[0]['properties'].get('VPCSecurityGroups', []) if isinstance(g, dict)}
            audit.check(bool(groups) and groups == declared, 'in its security group (API = template)',
                        ', '.join(sorted(groups)))
            secret = audit_secret_username(audit, client, main, db)
            if secret is not None:
                audit.check(secret, 'master user = the generated secret\'s username, password in Secrets Manager')
    for resource_type in ('AWS::ElastiCache::ReplicationGroup', 'AWS::Backup::BackupPlan'):
        if resource_type in skipped:
            audit.add('SKIP', SKIPPABLE_COMPONENTS[resource_type], f'{resource_type}: not modelled by moto')
    sm = client('secretsmanager', region)
    for secret in main.resources('AWS::SecretsManager::Secret'):
        described = audit.guard(f'secret {secret["logical"]}', lambda: sm.describe_secret(SecretId=secret['physical']))
        if described:
            wants_key = 'KmsKeyId' in secret['properties']
            audit.check(not wants_key or bool(described.get('KmsKeyId')),
                        f'secret {short(secret["path"])} exists' + (', KMS-encrypted' if wants_key else ''))

    audit.section = 'Architecture: storage'
    for name in SPEC_BUCKETS:
        found = main.resources('AWS::S3::Bucket', rf'/Storage/{name}Bucket/')
        if audit.check(len(found) == 1, f'{name} bucket declared', found[0]['path'] if found else ''):
            audit_bucket(audit, client('s3', region), found[0], name)
    for stack in stacks:
        if stack is main:
            continue
        for bucket in stack.resources('AWS::S3::Bucket', r'/Replica'):
            audit_bucket(audit, client('s3', stack.region), bucket, f'{stack.region} {short(bucket["path"])}')

    try:
        audit_application(audit, client, main, ids, log)
    except Exception as err:  # noqa: BLE001 - report, do not hide the rest
        audit.add('FAIL', 'application and static content audit stopped', f'{type(err).__name__}: {err}')

    audit.section = 'Architecture: edge and observability'
    sns = client('sns', region)
    for topic in main.resources('AWS::SNS::Topic'):
        attributes = audit.guard(f'topic {topic["logical"]}', lambda: sns.get_topic_attributes(
            TopicArn=topic['physical'])['Attributes'])
        if attributes is not None:
            wants_key = 'KmsMasterKeyId' in topic['properties']
            audit.check(not wants_key or bool(attributes.get('KmsMasterKeyId')),
                        f'SNS topic {short(topic["path"])} exists' + (', KMS-encrypted' if wants_key else ''))
    for resource_type in ('AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL', 'AWS::CloudWatch::Alarm',
                          'AWS::CloudTrail::Trail'):
        if resource_type in skipped:
            audit.add('SKIP', SKIPPABLE_COMPONENTS[resource_type],
                      f'{resource_type} x{len(skipped[resource_type])}: not modelled by moto')
    audit_custom_results(audit, client, stacks)

    audit.section = 'Not deployed by moto (see skipped-types.json)'
    for resource_type in ('AWS::EC2::NetworkAcl', 'AWS::EC2::SecurityGroupEgress', 'AWS::S3::BucketPolicy',
                          'AWS::SecretsManager::RotationSchedule'):
        if resource_type in skipped:
            audit.add('SKIP', SKIPPABLE_COMPONENTS[resource_type], f'{resource_type} x{len(skipped[resource_type])}')


RELEASE_DOWNLOAD = re.compile(r"aws s3api get-object --region (\S+) --bucket '([^']+)' --key '([^']+)'")


def local_files(directory: str) -> dict[str, bytes]:
    """The files under `directory`, by their path relative to it (with "/"), with their bytes."""
    files = {}
    for folder, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, 'rb') as f:
                files[os.path.relpath(path, directory).replace(os.sep, '/')] = f.read()
    return files


def policy_statements(iam, role_name: str) -> list[dict[str, Any]]:
    """The statements of the customer-managed policies attached to the role (moto's IAM, default versions)."""
    statements = []
    pages = iam.get_paginator('list_attached_role_policies').paginate(RoleName=role_name)
    for attached in [p for page in pages for p in page['AttachedPolicies']]:
        arn = attached['PolicyArn']
        if arn.startswith('arn:aws:iam::aws:'):
            continue
        version = iam.get_policy(PolicyArn=arn)['Policy']['DefaultVersionId']
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)['PolicyVersion']['Document']
        if isinstance(document, str):
            document = json.loads(urllib.parse.unquote(document))
        found = document.get('Statement', [])
        statements += found if isinstance(found, list) else [found]
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def audit_application(audit: Audit, client, main: Stack, ids: dict[str, set[str]], log: str) -> None:
    """The user's application and static content (ProductionWebApp's application and staticContent): the release
    object the instances download, and the static content deployment (aws-cdk-lib's BucketDeployment), whose Python
    handler server.py's bridge runs for real, without the CloudFront invalidation."""
    audit.section = 'Application release (WebApplication.fromAsset)'
    region = main.region
    ec2, s3, iam = client('ec2', region), client('s3', region), client('iam', region)
    templates = main.resources('AWS::EC2::LaunchTemplate', r'/Web/')
    if audit.check(len(templates) == 1, 'one launch template in the web tier',
                   ', '.join(short(t['path']) for t in templates)):
        versions = ec2.describe_launch_template_versions(LaunchTemplateId=templates[0]['physical'],
                                                         Versions=['$Latest'])['LaunchTemplateVersions']
        data = versions[0]['LaunchTemplateData'] if versions else {}
        user_data = base64.b64decode(data.get('UserData', '')).decode('utf-8', errors='replace')
        downloads = RELEASE_DOWNLOAD.findall(user_data)
        if audit.check(len(downloads) == 1, 'user data downloads one release (aws s3api get-object)',
                       f'{templates[0]["physical"]} v{versions[0]["VersionNumber"] if versions else "?"}: '
                       + '; '.join(f's3://{b}/{k} ({r})' for r, b, k in downloads)):
            download_region, bucket, key = downloads[0]
            audit.check(download_region == region, 'the download\'s region is the stack\'s', download_region)
            body = audit.guard('release object exists in S3',
                               lambda: s3.get_object(Bucket=bucket, Key=key)['Body'].read())
            if body is not None:
                audit.add('PASS', 'release object exists in S3 (uploaded by the CDK CLI)', f's3://{bucket}/{key}: '
                          f'{len(body)} bytes')
                names: dict[str, bytes] = {}
                try:
                    with zipfile.ZipFile(io.BytesIO(body)) as archive:
                        names = {n: archive.read(n) for n in archive.namelist() if not n.endswith('/')}
                except zipfile.BadZipFile as err:
                    audit.add('FAIL', 'release object is a zip', str(err))
                audit.check('server.js' in names, 'release object is a zip holding server.js',
                            f'{len(names)} file(s): {", ".join(sorted(names)[:5])}')
                release = os.path.join(ROOT, 'examples', 'application', 'dist', 'release')
                if os.path.isdir(release):
                    audit.check(names == local_files(release), 'release object = examples/application/dist/release '
                                '(names and bytes)', f'{len(local_files(release))} local file(s)')
            roles = main.resources('AWS::IAM::Role', r'/Web/InstanceRole/')
            profile_arn = data.get('IamInstanceProfile', {}).get('Arn', '')
            profile = audit.guard('launch template\'s instance profile', lambda: iam.get_instance_profile(
                InstanceProfileName=profile_arn.rsplit('/', 1)[-1])['InstanceProfile'])
            if audit.check(len(roles) == 1 and bool(profile) and [r['RoleName'] for r in profile['Roles']] == [
                    roles[0]['physical']], 'launch template\'s instance profile holds the instance role',
                    f'{profile_arn} -> {[r["RoleName"] for r in (profile or {}).get("Roles", [])]}'):
                statements = policy_statements(iam, roles[0]['physical'])
                s3_statements = [st for st in statements if any(str(a) == '*' or str(a).lower().startswith('s3:')
                                                                for a in as_list(st.get('Action', [])))]
                object_arn = f'arn:aws:s3:::{bucket}/{key}'
                exact = [st for st in s3_statements if st.get('Effect') == 'Allow' and 'Condition' not in st
                         and as_list(st['Action']) == ['s3:GetObject'] and as_list(st.get('Resource')) == [object_arn]]
                audit.check(len(s3_statements) == 1 and len(exact) == 1,
                            'instance role\'s managed policy: exactly s3:GetObject on exactly the release object',
                            '; '.join(f'{as_list(st.get("Action"))} on {as_list(st.get("Resource"))}'
                                      for st in s3_statements) or 'no S3 statement')

    audit.section = 'Static content (BucketDeployment, run by server.py\'s bridge)'
    deployments = main.resources('Custom::CDKBucketDeployment')
    if not audit.check(len(deployments) == 1, 'one static content deployment',
                       ', '.join(short(d['path']) for d in deployments)):
        return
    deployment = deployments[0]
    properties = deployment['properties']
    buckets = main.resources('AWS::S3::Bucket', r'/Storage/StaticAssetsBucket/')
    distributions = main.resources('AWS::CloudFront::Distribution')
    bucket = buckets[0] if len(buckets) == 1 else None
    distribution = distributions[0] if len(distributions) == 1 else None
    audit.check(bucket is not None and properties.get('DestinationBucketName') == {'Ref': bucket['logical']},
                'destination = the static assets bucket', json.dumps(properties.get('DestinationBucketName')))
    prefix = properties.get('DestinationBucketKeyPrefix')
    audit.check(prefix == 'static/', 'destination prefix static/', f'{prefix!r}')
    audit.check(distribution is not None and properties.get('DistributionId') == {'Ref': distribution['logical']},
                'invalidates the distribution', f'{json.dumps(properties.get("DistributionId"))} '
                f'(deployed: {distribution["physical"] if distribution else None})')
    audit.check(properties.get('DistributionPaths') == ['/static/*'], 'invalidation paths [\'/static/*\']',
                f'{properties.get("DistributionPaths")}')
    audit.check(str(properties.get('Prune')).lower() == 'false', 'Prune false (earlier files are kept)',
                f'{properties.get("Prune")!r}')
    invoked = re.findall(rf'moto-bridge: invoke \S+ \((.*)\) for {deployment["logical"]} \(', log)
    audit.check(bool(invoked) and invoked[-1].startswith('python') and '1 layer(s) unpacked as /opt' in invoked[-1],
                'its Python handler ran, with its AWS CLI layer', (invoked or [''])[-1])
    if bucket is not None and bucket['physical']:
        local = local_files(os.path.join(ROOT, 'examples', 'application', 'static'))
        pages = s3.get_paginator('list_objects_v2').paginate(Bucket=bucket['physical'], Prefix='static/')
        keys = sorted(o['Key'] for page in pages for o in page.get('Contents', []))
        deployed = {k[len('static/'):]: s3.get_object(Bucket=bucket['physical'], Key=k)['Body'].read() for k in keys}
        differ = sorted(set(deployed) ^ set(local))
        audit.check(bool(local) and deployed == local, 'static/ in the static assets bucket = examples/application/'
                    'static (names and bytes)', f'{bucket["physical"]}: {len(deployed)} object(s), {len(local)} '
                    f'local file(s){f"; differ: {differ}" if differ else ""}')
    if distribution is not None and PLACEHOLDER in str(distribution['physical']):
        line = (f'moto-bridge: {deployment["logical"]}: invalidation of {distribution["logical"]} (/static/*) not run: '
                'CloudFront is not deployed in moto')
        audit.check(line in log, 'the bridge says the invalidation was not run', line[len('moto-bridge: '):][:150])
        audit.add('SKIP', 'CloudFront invalidation of /static/*', 'AWS::CloudFront::Distribution is not modelled '
                  'by moto: the handler ran without DistributionId')

    audit.section = 'Static content deployment function'
    token = properties.get('ServiceToken', {})
    logical = token.get('Fn::GetAtt', [None])[0] if isinstance(token, dict) else None
    functions = [f for f in main.resources('AWS::Lambda::Function') if f['logical'] == logical]
    if not audit.check(len(functions) == 1, 'the deployment\'s function (its ServiceToken)', f'{logical}'):
        return
    fn = functions[0]
    lam = client('lambda', region)
    described = audit.guard('function exists', lambda: lam.get_function(FunctionName=fn['physical']))
    if not described:
        return
    config = described['Configuration']
    runtime = config.get('Runtime')
    audit.check(runtime == fn['properties'].get('Runtime') and str(runtime).startswith('python'),
                'runtime (API = template)', f'{runtime}')
    concurrency = described.get('Concurrency', {}).get('ReservedConcurrentExecutions')
    audit.check(concurrency == 1, 'reserved concurrency 1', f'{concurrency}')
    subnets = set(config.get('VpcConfig', {}).get('SubnetIds', []))
    audit.check(bool(subnets) and subnets == ids.get('application'), 'in the application subnets',
                ', '.join(sorted(subnets)))
    layers = [layer['Arn'] for layer in config.get('Layers', [])]
    audit.check(len(layers) == 1 and ':layer:' in layers[0], 'its AWS CLI layer attached', ', '.join(layers))
    statements = policy_statements(client('iam', region), str(config.get('Role', '')).rsplit('/', 1)[-1])
    objects = sorted({resource for st in statements if all(a.startswith('s3:') for a in as_list(st['Action']))
                      for resource in as_list(st.get('Resource', [])) if re.match(r'arn:aws:s3:::[^/]+/', resource)})
    keys = properties.get('SourceObjectKeys') or []
    expected = [f'arn:aws:s3:::{bucket["physical"]}/static/*'] if bucket is not None else []
    archives = [o for o in objects if len(keys) == 1 and o.endswith(f'/{keys[0]}') and '*' not in o]
    audit.check(len(archives) == 1 and sorted(set(objects) - set(archives)) == expected,
                'its role reads exactly the source archive and writes only static/* (managed policy)',
                '; '.join(objects))
    target = fn['properties'].get('DeadLetterConfig', {}).get('TargetArn', {})
    queues = [q for q in main.resources('AWS::SQS::Queue', r'/StaticContent/')
              if target == {'Fn::GetAtt': [q['logical'], 'Arn']}]
    if audit.check(len(queues) == 1, 'dead-letter target = the static content\'s queue (template)',
                   f'{json.dumps(target)}'):
        sqs = client('sqs', region)
        attributes = audit.guard('dead-letter queue exists', lambda: sqs.get_queue_attributes(
            QueueUrl=queues[0]['physical'], AttributeNames=['QueueArn', 'KmsMasterKeyId'])['Attributes'])
        if attributes is not None:
            reported = config.get('DeadLetterConfig', {}).get('TargetArn')
            audit.check(bool(attributes.get('KmsMasterKeyId')) and reported in (None, attributes['QueueArn']),
                        'dead-letter queue deployed, KMS-encrypted', f'{attributes["QueueArn"]}'
                        + ('' if reported else ' (moto\'s Lambda does not keep DeadLetterConfig: template to queue)'))


CLOUDFRONT_HOSTED_ZONE = 'Z2FDTNDATAQYW2'  # the fixed zone of every CloudFront alias target (partition aws)
VIEWER_CERTIFICATE_REGION = 'us-east-1'  # CloudFront's requirement


class Domain:
    """The domain variant's context (deploy.sh --domain): the site's name, the hosted zone's name and ID."""

    def __init__(self, name: str, zone_name: str, zone_id: str):
        self.name = name.rstrip('.')
        self.zone_name = zone_name.rstrip('.')
        self.zone_id = zone_id.rsplit('/', 1)[-1]

    @property
    def origin(self) -> str:
        return f'origin.{self.zone_name}'


def fqdn(name: str) -> str:
    return name.lower().rstrip('.') + '.'


def audit_domain(audit: Audit, client, stacks: list[Stack], main: Stack, lb, listeners, skipped: dict[str, list[str]],
                 domain: Domain) -> None:
    """The domain variant: the load balancer's certificate and TLS policy, the viewer certificate in us-east-1, and
    the alias records, through ACM, ELBv2 and Route 53 (API = template = the spec's names)."""
    audit.section = f'Architecture: domain ({domain.name}, zone {domain.zone_name} {domain.zone_id})'
    acm_main = client('acm', main.region)
    https = [listener for listener in listeners if listener['Port'] == 443]
    declared = [listener for listener in main.resources('AWS::ElasticLoadBalancingV2::Listener')
                if int(listener['properties'].get('Port', 0)) == 443]
    physical = {s['LogicalResourceId']: s['PhysicalResourceId'] for s in main.summaries}
    if audit.check(len(https) == 1 and len(declared) == 1, 'one HTTPS listener on 443 (API and template)'):
        listener, template = https[0], declared[0]['properties']
        arns = [c['CertificateArn'] for c in listener.get('Certificates', [])]
        refs = [c.get('CertificateArn', {}).get('Ref') for c in template.get('Certificates', [])
                if isinstance(c.get('CertificateArn'), dict)]
        audit.check(len(arns) == 1 and [physical.get(r) for r in refs] == arns,
                    'HTTPS listener\'s certificate = the template\'s certificate resource',
                    f'listener {arns}; template {", ".join(f"{r} = {physical.get(r)}" for r in refs)}')
        if arns:
            certificate = audit.guard('HTTPS listener\'s certificate in ACM', lambda: acm_main.describe_certificate(
                CertificateArn=arns[0])['Certificate'])
            if certificate:
                audit.check(certificate['DomainName'] == domain.origin and arns[0].split(':')[3] == main.region,
                            f'HTTPS listener\'s certificate is for {domain.origin}, in {main.region}',
                            f'{certificate["DomainName"]} {arns[0]}')
                audit.check(certificate['Status'] == 'ISSUED' and certificate['Type'] == 'AMAZON_ISSUED',
                            'HTTPS listener\'s certificate: ACM-issued (requested, DNS-validated)',
                            f'{certificate["Type"]} {certificate["Status"]}; in use by {certificate.get("InUseBy")}')
        policy = template.get('SslPolicy')
        audit.check(bool(policy) and listener.get('SslPolicy') == policy,
                    'HTTPS listener\'s TLS policy (API = template)',
                    f'{listener.get("SslPolicy")}; moto does not check that the policy exists')

    viewer = [(stack, c) for stack in stacks if stack.region == VIEWER_CERTIFICATE_REGION
              for c in stack.resources('AWS::CertificateManager::Certificate')
              if c['properties'].get('DomainName') == domain.name]
    in_main = main.region == VIEWER_CERTIFICATE_REGION
    if audit.check(len(viewer) == 1 and (viewer[0][0] is main) == in_main,
                   f'viewer certificate for {domain.name} declared in '
                   f'{"the main stack" if in_main else "a us-east-1 companion stack"}',
                   ', '.join(f'{stack.label} {short(c["path"])}' for stack, c in viewer)):
        stack, resource = viewer[0]
        acm_viewer = client('acm', VIEWER_CERTIFICATE_REGION)
        certificate = audit.guard('viewer certificate in ACM (us-east-1)', lambda: acm_viewer.describe_certificate(
            CertificateArn=resource['physical'])['Certificate'])
        if certificate:
            sans = set(resource['properties'].get('SubjectAlternativeNames') or []) | {domain.name}
            audit.check(certificate['DomainName'] == domain.name
                        and set(certificate['SubjectAlternativeNames']) == sans
                        and certificate['Status'] == 'ISSUED' and certificate['Type'] == 'AMAZON_ISSUED',
                        f'viewer certificate exists in {VIEWER_CERTIFICATE_REGION}: {domain.name}, ACM-issued',
                        f'{certificate["DomainName"]} {sorted(certificate["SubjectAlternativeNames"])} '
                        f'{certificate["Type"]} {certificate["Status"]} {resource["physical"]}')
        if stack is not main:
            # Handed to the main stack through an SSM parameter in us-east-1 (read by a cross-region reader).
            for parameter in stack.resources('AWS::SSM::Parameter'):
                if parameter['properties'].get('Value') == {'Ref': resource['logical']}:
                    value = audit.guard(f'SSM parameter {parameter["properties"].get("Name")}', lambda: client(
                        'ssm', stack.region).get_parameter(Name=parameter['physical'])['Parameter']['Value'])
                    audit.check(value == resource['physical'], 'viewer certificate ARN published for the main stack '
                                '(us-east-1 SSM parameter)', f'{parameter["physical"]}')

    route53 = client('route53', main.region)
    zone = audit.guard('hosted zone exists', lambda: route53.get_hosted_zone(Id=domain.zone_id)['HostedZone'])
    if not zone:
        return
    audit.check(fqdn(zone['Name']) == fqdn(domain.zone_name) and not zone['Config'].get('PrivateZone'),
                f'hosted zone {domain.zone_name} (public)', f'{zone["Id"]} {zone["Name"]}')
    pages = route53.get_paginator('list_resource_record_sets').paginate(HostedZoneId=domain.zone_id)
    records = [r for page in pages for r in page['ResourceRecordSets']]

    def find(name: str, kind: str) -> list[dict[str, Any]]:
        return [r for r in records if fqdn(r['Name']) == fqdn(name) and r['Type'] == kind]

    origin = find(domain.origin, 'A')
    target = origin[0].get('AliasTarget', {}) if len(origin) == 1 else {}
    lb_names = {fqdn(lb['DNSName']), fqdn('dualstack.' + lb['DNSName'])}
    audit.check(fqdn(target.get('DNSName', '')) in lb_names
                and target.get('HostedZoneId') == lb['CanonicalHostedZoneId'],
                f'A {domain.origin} aliases the load balancer',
                f'{target.get("DNSName")} in zone {target.get("HostedZoneId")} (load balancer: {lb["DNSName"]}, '
                f'{lb["CanonicalHostedZoneId"]})')
    distributions = main.resources('AWS::CloudFront::Distribution')
    distribution_skipped = 'AWS::CloudFront::Distribution' in skipped
    for kind in ('A', 'AAAA'):
        found = find(domain.name, kind)
        target = found[0].get('AliasTarget', {}) if len(found) == 1 else {}
        audit.check(bool(target) and target.get('HostedZoneId') == CLOUDFRONT_HOSTED_ZONE,
                    f'{kind} {domain.name}: alias record in CloudFront\'s zone',
                    f'{target.get("DNSName")} in zone {target.get("HostedZoneId")}')
        if not target or len(distributions) != 1:
            continue
        name = fqdn(target.get('DNSName', ''))
        if distribution_skipped:
            placeholder = fqdn(f'moto-skipped-{distributions[0]["logical"]}-DomainName'.lower())
            if audit.check(name == placeholder, f'{kind} {domain.name}: alias DNS name is the distribution\'s',
                           f'{name} (Fn::GetAtt of the skipped distribution: its placeholder)'):
                audit.add('SKIP', f'{kind} {domain.name} reaches the CloudFront distribution',
                          'AWS::CloudFront::Distribution is not modelled by moto: the alias names a placeholder, '
                          'not a *.cloudfront.net name')
        else:
            deployed = audit.guard('CloudFront distribution', lambda: client('cloudfront', VIEWER_CERTIFICATE_REGION)
                                   .get_distribution(Id=distributions[0]['physical'])['Distribution']['DomainName'])
            audit.check(name == fqdn(deployed or ''), f'{kind} {domain.name} aliases the distribution', name)
    if distribution_skipped and distributions:
        config = distributions[0]['properties'].get('DistributionConfig', {})
        certificate = config.get('ViewerCertificate', {})
        audit.add('SKIP', 'distribution\'s aliases and viewer certificate', f'not deployed (template: Aliases '
                  f'{config.get("Aliases")}, {certificate.get("MinimumProtocolVersion")}, '
                  f'{certificate.get("SslSupportMethod")})')

    validation = []
    for stack in stacks:
        for resource in stack.resources('AWS::CertificateManager::Certificate'):
            described = audit.guard(f'certificate {resource["logical"]}', lambda: client('acm', stack.region)
                                    .describe_certificate(CertificateArn=resource['physical'])['Certificate'])
            for option in (described or {}).get('DomainValidationOptions', []):
                record = option.get('ResourceRecord', {})
                present = [r for r in find(record.get('Name', ''), record.get('Type', ''))
                           if [v['Value'] for v in r.get('ResourceRecords', [])] == [record.get('Value')]]
                validation.append((option['DomainName'], bool(present)))
    audit.check(bool(validation) and all(ok for _, ok in validation),
                'DNS validation records of every certificate in the zone (written by server.py, as CloudFormation '
                'does)', ', '.join(f'{name}: {ok}' for name, ok in validation))


def audit_origin_access(audit: Audit, client, main: Stack, elb, ec2, lb, listeners, domain: Domain | None) -> None:
    """Only CloudFront reaches the targets: the load balancer's security group admits only CloudFront's origin-facing
    prefix list, and the listeners forward only requests with the secret header, answering 403 otherwise. With a
    domain, the HTTP listener only redirects to HTTPS."""
    lists = ec2.describe_managed_prefix_lists(
        Filters=[{'Name': 'prefix-list-name', 'Values': [CLOUDFRONT_PREFIX_LIST]}])['PrefixLists']
    prefix_list = lists[0]['PrefixListId'] if lists else None
    groups = ec2.describe_security_groups(GroupIds=lb['SecurityGroups'])['SecurityGroups']
    permissions = [p for g in groups for p in g['IpPermissions']]
    only_cloudfront = bool(permissions) and all(
        not p['IpRanges'] and not p.get('Ipv6Ranges') and not p['UserIdGroupPairs']
        and [x['PrefixListId'] for x in p['PrefixListIds']] == [prefix_list] for p in permissions)
    audit.check(only_cloudfront, f'load balancer security group admits only {CLOUDFRONT_PREFIX_LIST}',
                ', '.join(f'{p["IpProtocol"]}/{p.get("FromPort")} from '
                          f'{[x["PrefixListId"] for x in p["PrefixListIds"]] or p["IpRanges"]}' for p in permissions))
    secrets = [s for s in main.resources('AWS::SecretsManager::Secret', r'OriginAccess')]
    expected = None
    if secrets:
        expected = client('secretsmanager', main.region).get_secret_value(SecretId=secrets[0]['physical'])['SecretString']
    for listener in listeners:
        default = [a['Type'] for a in listener['DefaultActions']]
        status = [a.get('FixedResponseConfig', {}).get('StatusCode') for a in listener['DefaultActions']]
        rules = [r for r in elb.describe_rules(ListenerArn=listener['ListenerArn'])['Rules'] if not r['IsDefault']]
        forwarding = [r for r in rules if any(a['Type'] == 'forward' for a in r['Actions'])]
        if domain and listener['Port'] == 80:
            redirect = [a.get('RedirectConfig', {}) for a in listener['DefaultActions']]
            to = [(r.get('Protocol'), str(r.get('Port')), r.get('StatusCode')) for r in redirect]
            audit.check(default == ['redirect'] and to == [('HTTPS', '443', 'HTTP_301')] and not rules,
                        'listener 80: redirects to HTTPS on 443 (301), no other rule',
                        f'default {default} {redirect}; {len(rules)} other rule(s)')
            continue
        guarded = all(any(c.get('Field') == 'http-header' and c['HttpHeaderConfig']['HttpHeaderName'] == ORIGIN_HEADER
                          and expected is not None and c['HttpHeaderConfig']['Values'] == [expected]
                          for c in r['Conditions']) for r in forwarding)
        audit.check(default == ['fixed-response'] and status == ['403'] and bool(forwarding) and guarded,
                    f'listener {listener["Port"]}: 403 by default, forwards only with the {ORIGIN_HEADER} secret',
                    f'default {default} {status}; {len(forwarding)} forwarding rule(s), header value = the '
                    f'origin secret (resolved dynamic reference): {guarded}')


def audit_secret_username(audit: Audit, client, main: Stack, db) -> bool | None:
    sm = client('secretsmanager', main.region)
    for secret in main.resources('AWS::SecretsManager::Secret', r'/Data/'):
        value = sm.get_secret_value(SecretId=secret['physical'])['SecretString']
        try:
            parsed = json.loads(value)
        except ValueError:
            continue
        if isinstance(parsed, dict) and 'username' in parsed:
            return parsed['username'] == db['MasterUsername'] and bool(parsed.get('password'))
    return None


def audit_bucket(audit: Audit, s3, bucket: dict[str, Any], name: str) -> None:
    bucket_name = bucket['physical']
    if audit.guard(f'{name} bucket exists', lambda: s3.head_bucket(Bucket=bucket_name)) is None:
        return
    versioning = s3.get_bucket_versioning(Bucket=bucket_name).get('Status')
    audit.check(versioning == 'Enabled', f'{name} bucket versioning', f'{bucket_name}: {versioning}')
    declared = bucket['properties'].get('BucketEncryption', {}).get('ServerSideEncryptionConfiguration', [{}])
    want = declared[0].get('ServerSideEncryptionByDefault', {}).get('SSEAlgorithm')
    rules = audit.guard(f'{name} bucket encryption', lambda: s3.get_bucket_encryption(
        Bucket=bucket_name)['ServerSideEncryptionConfiguration']['Rules'])
    if rules is not None:
        got = rules[0]['ApplyServerSideEncryptionByDefault']
        key = got.get('KMSMasterKeyID', '')
        audit.check(bool(want) and got['SSEAlgorithm'] == want and (want != 'aws:kms' or key.startswith('arn:')),
                    f'{name} bucket encryption', f'{got["SSEAlgorithm"]} {key}'.strip())


def audit_custom_results(audit: Audit, client, stacks: list[Stack]) -> None:
    """What the custom resources found: moto's own data, read back through the APIs."""
    for stack in stacks:
        for lookup in stack.resources('Custom::CdkProductionWebappPrefixListLookup'):
            name = lookup['properties'].get('PrefixListName')
            lists = client('ec2', stack.region).describe_managed_prefix_lists(
                Filters=[{'Name': 'prefix-list-name', 'Values': [name]}])['PrefixLists']
            audit.check([p['PrefixListId'] for p in lists] == [lookup['physical']],
                        f'prefix list lookup {lookup["logical"]} found {name}', f'{lookup["physical"]}')
        for reader in stack.resources('Custom::CdkProductionWebappCrossRegionReader'):
            region, name = reader['properties'].get('Region'), reader['properties'].get('ParameterName')
            parameter = audit.guard(f'cross-region reader {reader["logical"]}', lambda: client('ssm', region).get_parameter(
                Name=name)['Parameter'])
            if parameter:
                audit.check(reader['physical'] == name and bool(parameter['Value']),
                            f'cross-region reader {reader["logical"]} read {region} SSM', name)


def asset_directory(assembly: str, stack: Stack, code: dict[str, Any]) -> str | None:
    """The folder of the cloud assembly that holds a Lambda function's code asset (its `Code.S3Key` is the asset's hash
    and `.zip`), from the stack's asset manifest; None for code that is not a folder asset of this stack."""
    key = code.get('S3Key')
    if not isinstance(key, str) or not key.endswith('.zip'):
        return None
    with open(os.path.join(assembly, f'{stack.artifact_id}.assets.json'), encoding='utf-8') as f:
        source = json.load(f).get('files', {}).get(key[:-len('.zip')], {}).get('source', {})
    if source.get('packaging') != 'zip' or not source.get('path'):
        return None
    return os.path.join(assembly, source['path'])


def audit_origin_rotation(audit: Audit, client, stacks: list[Stack], assembly: str, node_path: str) -> None:
    """The origin header rotation function's shipped code, run with the Lambda runtime's AWS SDK against moto.

    moto skips the rotation schedule and CloudFront, and cannot run Lambda code without Docker, so this plays Secrets
    Manager's part: it enables rotation on the deployed secret, stages a new value as AWSPENDING, creates a
    distribution whose origin sends the current value, sets the deployed listener rules to accept it (what a
    deployment gives), and runs the four steps with lambda-runner.js. The function's environment is the deployed
    one (the rules' ARNs as moto's CloudFormation resolved them), with the distribution replaced by that one.
    """
    audit.section = 'Origin header rotation (the function\'s code, run against moto)'
    found = [(stack, fn) for stack in stacks for fn in stack.resources('AWS::Lambda::Function', '/OriginAccess/Rotation/')]
    if not audit.check(len(found) == 1, 'one origin header rotation function', ', '.join(short(fn['path']) for _, fn in found)):
        return
    stack, fn = found[0]
    region = stack.region
    found_secrets = stack.resources('AWS::SecretsManager::Secret', '/OriginAccess/Secret/')
    if not audit.check(len(found_secrets) == 1 and bool(found_secrets[0]['physical']), 'its secret deployed'):
        return
    arn = found_secrets[0]['physical']
    sm, cf, elb = client('secretsmanager', region), client('cloudfront', region), client('elbv2', region)
    env = audit.guard('function configuration', lambda: client('lambda', region).get_function_configuration(
        FunctionName=fn['physical'])['Environment']['Variables'])
    if not env:
        return
    rules = [r for r in env.get('RULE_ARNS', '').split(',') if r]
    audit.check(bool(rules) and all(r.startswith('arn:aws:elasticloadbalancing:') for r in rules),
                'RULE_ARNS: the deployed listener rules\' ARNs', f'{len(rules)} rule(s)')
    header = env.get('HEADER_NAME')

    current = sm.get_secret_value(SecretId=arn)['SecretString']
    sm.rotate_secret(SecretId=arn, RotationRules={'AutomaticallyAfterDays': 30}, RotateImmediately=False)
    token = str(uuid.uuid4())
    pending = ''.join(secrets.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')
                      for _ in range(int(env.get('VALUE_LENGTH', '48'))))
    sm.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=pending, VersionStages=['AWSPENDING'])
    distribution = cf.create_distribution(DistributionConfig={
        'CallerReference': token, 'Comment': 'audit', 'Enabled': True,
        'Origins': {'Quantity': 1, 'Items': [{
            'Id': 'alb', 'DomainName': 'origin.example.com',
            'CustomHeaders': {'Quantity': 1, 'Items': [{'HeaderName': header, 'HeaderValue': current}]},
            'CustomOriginConfig': {'HTTPPort': 80, 'HTTPSPort': 443, 'OriginProtocolPolicy': 'https-only'},
        }]},
        'DefaultCacheBehavior': {'TargetOriginId': 'alb', 'ViewerProtocolPolicy': 'redirect-to-https',
                                 'ForwardedValues': {'QueryString': False, 'Cookies': {'Forward': 'none'}}, 'MinTTL': 0},
    })['Distribution']['Id']

    def header_condition(rule: dict[str, Any]) -> dict[str, Any]:
        return next(c for c in rule['Conditions'] if c['Field'] == 'http-header'
                    and c['HttpHeaderConfig']['HttpHeaderName'].lower() == header.lower())

    for rule in elb.describe_rules(RuleArns=rules)['Rules']:
        conditions = [c for c in rule['Conditions'] if c is not header_condition(rule)]
        elb.modify_rule(RuleArn=rule['RuleArn'], Conditions=[
            {'Field': 'http-header', 'HttpHeaderConfig': {'HttpHeaderName': header, 'Values': [current]}}, *conditions])

    def accepted() -> list[set[str]]:
        return [set(header_condition(r)['HttpHeaderConfig']['Values']) for r in elb.describe_rules(RuleArns=rules)['Rules']]

    def sent() -> list[str]:
        config = cf.get_distribution_config(Id=distribution)['DistributionConfig']
        return [h['HeaderValue'] for o in config['Origins']['Items'] for h in o['CustomHeaders'].get('Items', [])
                if h['HeaderName'].lower() == header.lower()]

    # The code the function deploys: its asset folder in the cloud assembly (the bundle of src/handlers/), copied so that
    # nothing the run leaves lands in the assembly.
    asset = asset_directory(assembly, stack, fn['properties'].get('Code', {}))
    if not audit.check(asset is not None and os.path.isfile(os.path.join(asset, 'index.js')),
                       'its code asset in the cloud assembly', os.path.relpath(asset, assembly) if asset else 'not found'):
        return
    code = tempfile.mkdtemp(prefix='origin-rotation-')
    shutil.copytree(asset, code, dirs_exist_ok=True)
    endpoint = client('sts', region).meta.endpoint_url
    run_env = {
        'PATH': os.environ.get('PATH', ''), 'HOME': os.environ.get('HOME', '/tmp'), 'NODE_PATH': node_path,
        'NODE_NO_WARNINGS': '1', 'AWS_ENDPOINT_URL': endpoint, 'AWS_REGION': region, 'AWS_DEFAULT_REGION': region,
        'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing', 'AWS_SESSION_TOKEN': 'testing',
        'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_LAMBDA_FUNCTION_TIMEOUT': '60',
        **{k: str(v) for k, v in env.items()}, 'DISTRIBUTION_ID': distribution, 'POLL_MILLISECONDS': '200',
    }
    runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lambda-runner.js')

    def step(name: str) -> bool:
        completed = subprocess.run(
            ['node', runner, code, fn['properties']['Handler']], env=run_env, cwd=code, capture_output=True, text=True,
            input=json.dumps({'SecretId': arn, 'ClientRequestToken': token, 'Step': name}), timeout=120, check=False)
        logged = completed.stderr.strip().splitlines()
        leaked = any(value in completed.stderr + completed.stdout for value in (current, pending))
        return audit.check(completed.returncode == 0 and not leaked, f'{name} ran', (logged[-1] if logged else '')[:150]
                           + (' (a header value was logged)' if leaked else ''))

    if not step('createSecret'):
        return
    audit.check(sm.get_secret_value(SecretId=arn, VersionId=token)['SecretString'] == pending,
                'createSecret: the staged AWSPENDING value is kept')
    if not step('setSecret'):
        return
    audit.check(all(a == {current, pending} for a in accepted()), 'setSecret: the rules accept the current and the new value')
    audit.check(sent() == [pending], 'setSecret: the distribution sends the new value')
    # By stage: moto's GetSecretValue without one returns its default version, which UpdateSecretVersionStage keeps.
    audit.check(sm.get_secret_value(SecretId=arn, VersionStage='AWSCURRENT')['SecretString'] == current,
                'setSecret: AWSCURRENT is still the old value')
    if not step('testSecret') or not step('finishSecret'):
        return
    audit.check(sm.get_secret_value(SecretId=arn, VersionStage='AWSCURRENT')['SecretString'] == pending,
                'finishSecret: the new value is AWSCURRENT')
    audit.check(all(a == {pending} for a in accepted()), 'finishSecret: the rules accept the new value alone')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--endpoint', required=True)
    parser.add_argument('--assembly', required=True, help='the cloud assembly (cdk.out) that was deployed')
    parser.add_argument('--moto-log', required=True)
    parser.add_argument('--allow-list', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             'skipped-types.json'))
    parser.add_argument('--cli-version', default='')
    parser.add_argument('--domain-name', help='the domain variant: the site\'s name (context domainName)')
    parser.add_argument('--zone-name', help='the domain variant: the hosted zone\'s name (context zoneName)')
    parser.add_argument('--hosted-zone-id', help='the domain variant: the hosted zone\'s ID (context hostedZoneId)')
    parser.add_argument('--node-path', default='', help='node_modules with the Lambda runtime\'s AWS SDK clients')
    args = parser.parse_args()

    with open(args.allow_list, encoding='utf-8') as f:
        allow_list = json.load(f)
    with open(args.moto_log, encoding='utf-8', errors='replace') as f:
        log = re.sub(r'\x1b\[[0-9;]*m', '', f.read())
    client = client_factory(args.endpoint)
    given = [args.domain_name, args.zone_name, args.hosted_zone_id]
    if any(given) and not all(given):
        parser.error('--domain-name, --zone-name and --hosted-zone-id go together')
    domain = Domain(*given) if all(given) else None
    variant = 'domain' if domain else 'default'
    app_stacks = load_assembly(args.assembly)
    regions = sorted({s.region for s in app_stacks})
    bootstrap = [Stack(f'CDKToolkit-{region}', 'CDKToolkit', region, None) for region in regions]
    stacks = bootstrap + app_stacks

    import moto  # noqa: PLC0415 - the version of the server's package, from the same venv
    print(f'moto {moto.__version__} at {args.endpoint}; CDK CLI {args.cli_version or "?"}; '
          f'variant: {variant}{f" ({domain.name})" if domain else ""}; stacks: {", ".join(s.label for s in stacks)}')

    audit = Audit()
    skipped = audit_deployment(audit, client, stacks)
    audit_coverage(audit, app_stacks + bootstrap, skipped, allow_list, log, variant)
    audit_log(audit, log)
    try:
        audit_architecture(audit, client, app_stacks, skipped, domain, log)
    except Exception as err:  # noqa: BLE001 - report, do not hide the table
        audit.add('FAIL', 'architecture audit stopped', f'{type(err).__name__}: {err}')
    try:
        audit_origin_rotation(audit, client, app_stacks, args.assembly, args.node_path)
    except Exception as err:  # noqa: BLE001 - report, do not hide the table
        audit.add('FAIL', 'origin header rotation audit stopped', f'{type(err).__name__}: {err}')
    audit.print()
    print('\nNot tested by this rung:')
    for item in NOT_TESTED:
        print(f'  - {item}')
    failures = audit.failures()
    print(f'\nAUDIT: {"PASS" if failures == 0 else f"FAIL ({failures} failed checks)"}')
    return 0 if failures == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
