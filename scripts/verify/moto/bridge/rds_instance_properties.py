"""AWS::RDS::DBInstance gets its parameter group by name and its security groups from VPCSecurityGroups.

moto behaviour: moto's DBInstance model passes a Ref to an AWS::RDS::DBParameterGroup on as the group object, not its
name (AttributeError, HTTP 500), and reads the security groups from `VpcSecurityGroupIds`, where CloudFormation has
`VPCSecurityGroups`, so they are dropped.

The patch: hand moto the group's name, and the security groups under the key it reads.
"""
from __future__ import annotations

from .patch import Observed, Patch, client, deploy, wrap_create


def with_parameter_group_name(create, cloudformation_json, account_id, region_name, kwargs):
    properties = cloudformation_json['Properties']
    group = properties.get('DBParameterGroupName')
    if group is not None and not isinstance(group, str):
        properties['DBParameterGroupName'] = group.name
    if 'VPCSecurityGroups' in properties and 'VpcSecurityGroupIds' not in properties:
        properties['VpcSecurityGroupIds'] = properties['VPCSecurityGroups']
    return create()


def install() -> None:
    from moto.rds.models import DBInstance
    wrap_create(DBInstance, with_parameter_group_name)


def probe() -> Observed:
    ec2 = client('ec2')
    vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']
    group = ec2.create_security_group(GroupName='probe', Description='probe', VpcId=vpc)['GroupId']
    status, _, error = deploy({
        'Parameters': {'Type': 'AWS::RDS::DBParameterGroup', 'Properties': {
            'Family': 'postgres15', 'Description': 'probe', 'Parameters': {'rds.force_ssl': '1'}}},
        'Database': {'Type': 'AWS::RDS::DBInstance', 'Properties': {
            'Engine': 'postgres', 'EngineVersion': '15.10', 'DBInstanceClass': 'db.t3.micro', 'AllocatedStorage': '20',
            'MasterUsername': 'app', 'MasterUserPassword': 'probe-password',
            'DBParameterGroupName': {'Ref': 'Parameters'}, 'VPCSecurityGroups': [group]}}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    instance = client('rds').describe_db_instances()['DBInstances'][0]
    groups = [g['VpcSecurityGroupId'] for g in instance.get('VpcSecurityGroups', [])]
    parameters = [g['DBParameterGroupName'] for g in instance.get('DBParameterGroups', [])]
    as_aws = groups == [group] and len(parameters) == 1 and parameters[0] != 'default.postgres15'
    return Observed(as_aws, f'{status}: parameter groups {parameters}, security groups {groups}')


PATCH = Patch(
    name='rds-instance-properties',
    behaviour='AWS::RDS::DBInstance fails (HTTP 500) with DBParameterGroupName as a Ref to a DBParameterGroup, and '
              'drops VPCSecurityGroups',
    upstream='not reported upstream (getmoto/moto searched 2026-12)',
    install=install,
    probe=probe,
)
