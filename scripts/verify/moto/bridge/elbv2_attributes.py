"""The load balancer's and target group's Fn::GetAtt attributes that CloudWatch and Route 53 need.

moto behaviour: moto's load balancer gives no LoadBalancerFullName (Fn::GetAtt gives None, which Fn::Join turns into
the text "None": every alarm dimension on it is wrong) and no CanonicalHostedZoneID (None: an alias record to the
load balancer has no zone, although DescribeLoadBalancers shows moto's value); its target group has no Fn::GetAtt at
all (TargetGroupFullName: an error, HTTP 500).

The patch: both full names are the resource part of the ARN, as CloudWatch's dimensions use them; the canonical
hosted zone is moto's own value; the target group also answers TargetGroupName, TargetGroupArn and
LoadBalancerArns.
"""
from __future__ import annotations

from .patch import Observed, Patch, client, deploy, log


def install() -> None:
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


def probe() -> Observed:
    ec2 = client('ec2')
    vpc = ec2.create_vpc(CidrBlock='10.0.0.0/16')['Vpc']['VpcId']
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.0.{i}.0/24', AvailabilityZone=f'us-east-1{zone}')[
        'Subnet']['SubnetId'] for i, zone in ((1, 'a'), (2, 'b'))]
    status, outputs, error = deploy(
        {'LoadBalancer': {'Type': 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'Properties': {'Subnets': subnets}},
         'TargetGroup': {'Type': 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Properties': {
             'VpcId': vpc, 'Port': 80, 'Protocol': 'HTTP'}}},
        {'LoadBalancerFullName': {'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName']},
         'CanonicalHostedZoneID': {'Fn::GetAtt': ['LoadBalancer', 'CanonicalHostedZoneID']},
         'TargetGroupFullName': {'Fn::GetAtt': ['TargetGroup', 'TargetGroupFullName']}})
    if status != 'CREATE_COMPLETE':
        return Observed(False, f'{status} {error}')
    elbv2 = client('elbv2')
    balancer = elbv2.describe_load_balancers()['LoadBalancers'][0]
    group = elbv2.describe_target_groups()['TargetGroups'][0]
    expected = {'LoadBalancerFullName': balancer['LoadBalancerArn'].split(':loadbalancer/', 1)[1],
                'CanonicalHostedZoneID': balancer['CanonicalHostedZoneId'],
                'TargetGroupFullName': group['TargetGroupArn'].split(':', 5)[5]}
    got = {name: outputs.get(name) for name in expected}
    return Observed(got == expected, f'{status}: Fn::GetAtt {got}')


PATCH = Patch(
    name='elbv2-attributes',
    behaviour='Fn::GetAtt of a load balancer\'s LoadBalancerFullName and CanonicalHostedZoneID gives None, and a '
              "target group's TargetGroupFullName fails",
    upstream='getmoto/moto#1341 (merged) lists CanonicalHostedZoneID and LoadBalancerFullName as not implemented; '
             'getmoto/moto#9117 gave DescribeLoadBalancers the zone, not Fn::GetAtt; TargetGroupFullName not '
             'reported',
    install=install,
    probe=probe,
)
