"""AWS::EC2::SecurityGroupIngress with SourcePrefixListId is authorized through moto's own API.

moto behaviour: moto's SecurityGroupIngress model asserts that a rule has a CIDR or a source group: one from a
prefix list (SourcePrefixListId; the load balancer's ingress from CloudFront's origin-facing prefix list) fails the
assertion, an HTTP 500.

The patch: such a rule (a prefix list and no CIDR or source group) goes to moto's AuthorizeSecurityGroupIngress,
which takes prefix lists; every other rule goes to moto's model as before.
"""
from __future__ import annotations

from .patch import Observed, Patch, client, deploy, log, physical_id, wrap_create


def from_prefix_list(create, cloudformation_json, account_id, region_name, kwargs):
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.security_groups import SecurityGroupIngress

    properties = cloudformation_json['Properties']
    prefix_list = properties.get('SourcePrefixListId')
    others = ('CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'SourceSecurityGroupName')
    if not prefix_list or any(properties.get(key) for key in others):
        return create()
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
    return SecurityGroupIngress(group, properties)


def install() -> None:
    from moto.ec2.models.security_groups import SecurityGroupIngress
    wrap_create(SecurityGroupIngress, from_prefix_list)


def probe() -> Observed:
    ec2 = client('ec2')
    vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName='probe', MaxEntries=1, AddressFamily='IPv4',
        Entries=[{'Cidr': '198.51.100.0/24'}])['PrefixList']['PrefixListId']
    status, _, error = deploy({
        'Group': {'Type': 'AWS::EC2::SecurityGroup', 'Properties': {'GroupDescription': 'probe', 'VpcId': vpc}},
        'Ingress': {'Type': 'AWS::EC2::SecurityGroupIngress', 'Properties': {
            'GroupId': {'Fn::GetAtt': ['Group', 'GroupId']}, 'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443,
            'SourcePrefixListId': prefix_list}}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    group = ec2.describe_security_groups(GroupIds=[physical_id('Group')])
    rules = [p for g in group['SecurityGroups'] for p in g['IpPermissions']]
    lists = [e['PrefixListId'] for p in rules for e in p.get('PrefixListIds', [])]
    return Observed(lists == [prefix_list], f'{status}: the group allows prefix lists {lists}')


PATCH = Patch(
    name='ec2-ingress-prefix-list',
    behaviour='AWS::EC2::SecurityGroupIngress with SourcePrefixListId fails an assertion (HTTP 500)',
    upstream="not reported upstream (getmoto/moto searched 2026-12); the model's rules came with getmoto/moto#3553 "
             '(CIDR and source group only)',
    install=install,
    probe=probe,
)
