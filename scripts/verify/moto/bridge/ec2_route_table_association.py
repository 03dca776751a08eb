"""AWS::EC2::SubnetRouteTableAssociation shows in DescribeRouteTables.

moto behaviour: moto's association model records the association where DescribeRouteTables does not look: the route
table's Associations stay empty, so which subnets a table routes (public through the internet gateway, private through
their zone's NAT gateway) cannot be audited.

The patch: the association is also made through moto's own AssociateRouteTable.
"""
from __future__ import annotations

from .patch import Observed, Patch, client, deploy, physical_id, wrap_create


def also_associated(create, cloudformation_json, account_id, region_name, kwargs):
    association = create()
    from moto.ec2.models import ec2_backends
    properties = cloudformation_json['Properties']
    ec2_backends[account_id][region_name].associate_route_table(
        properties['RouteTableId'], subnet_id=properties['SubnetId'])
    return association


def install() -> None:
    from moto.ec2.models.subnets import SubnetRouteTableAssociation
    wrap_create(SubnetRouteTableAssociation, also_associated)


def probe() -> Observed:
    status, _, error = deploy({
        'Vpc': {'Type': 'AWS::EC2::VPC', 'Properties': {'CidrBlock': '10.0.0.0/16'}},
        'Subnet': {'Type': 'AWS::EC2::Subnet', 'Properties': {'VpcId': {'Ref': 'Vpc'}, 'CidrBlock': '10.0.1.0/24'}},
        'Table': {'Type': 'AWS::EC2::RouteTable', 'Properties': {'VpcId': {'Ref': 'Vpc'}}},
        'Association': {'Type': 'AWS::EC2::SubnetRouteTableAssociation', 'Properties': {
            'RouteTableId': {'Ref': 'Table'}, 'SubnetId': {'Ref': 'Subnet'}}}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    table = client('ec2').describe_route_tables(RouteTableIds=[physical_id('Table')])['RouteTables'][0]
    subnets = [a.get('SubnetId') for a in table.get('Associations', [])]
    return Observed(subnets == [physical_id('Subnet')], f'DescribeRouteTables: the table is associated with {subnets}')


PATCH = Patch(
    name='ec2-route-table-association',
    behaviour='AWS::EC2::SubnetRouteTableAssociation does not show in DescribeRouteTables (Associations stay empty)',
    upstream="not reported upstream (getmoto/moto searched 2026-12); getmoto/moto#2495 (open) is the API's empty "
             'Associations on moto 1.3.13, not this',
    install=install,
    probe=probe,
)
