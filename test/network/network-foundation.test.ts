import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DataSubnetPlacement, NatStrategy, NetworkFoundation, NetworkFoundationProps } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictStack, templateRuleFindings } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-1' };

function synth(props?: NetworkFoundationProps, stack: Stack = strictStack()) {
  const network = new NetworkFoundation(stack, 'Network', props);
  return { stack, network, template: Template.fromStack(stack) };
}

/** Logical ID → resource, for one resource type. */
function resources(template: Template, type: string): Record<string, any> {
  return template.findResources(type);
}

/** The CIDR of every subnet, keyed by the subnet's construct-derived logical ID prefix (`PublicSubnet1`, ...). */
function subnetCidrs(template: Template): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [logicalId, subnet] of Object.entries(resources(template, 'AWS::EC2::Subnet'))) {
    const name = /Vpc([A-Za-z]+Subnet\d)Subnet/.exec(logicalId)![1];
    result[name] = subnet.Properties.CidrBlock;
  }
  return result;
}

/** The entries of one NACL as compact strings: `in 100 allow tcp 80-80 0.0.0.0/0`. */
function aclEntries(template: Template, aclLogicalIdPrefix: string): string[] {
  return Object.values(resources(template, 'AWS::EC2::NetworkAclEntry'))
    .filter(e => e.Properties.NetworkAclId.Ref.startsWith(aclLogicalIdPrefix))
    .map(e => {
      const p = e.Properties;
      const ports = p.PortRange ? `${p.PortRange.From}-${p.PortRange.To}` : 'all';
      const protocol = p.Protocol === 6 ? 'tcp' : p.Protocol === -1 ? 'all' : String(p.Protocol);
      const cidr = p.CidrBlock ?? (typeof p.Ipv6CidrBlock === 'string' ? p.Ipv6CidrBlock : 'vpc-ipv6');
      return `${p.Egress ? 'out' : 'in'} ${p.RuleNumber} ${p.RuleAction} ${protocol} ${ports} ${cidr}`;
    })
    .sort();
}


describe('NetworkFoundation', () => {
  describe('defaults (architecture sections 4-9, 17)', () => {
    const { network, template, stack } = synth();

    test('VPC is 10.0.0.0/16 with DNS support and hostnames', () => {
      template.resourceCountIs('AWS::EC2::VPC', 1);
      template.hasResourceProperties('AWS::EC2::VPC', {
        CidrBlock: '10.0.0.0/16',
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
      });
    });

    test('two AZs with public, application and data subnets at the spec\'s CIDRs', () => {
      expect(subnetCidrs(template)).toEqual({
        PublicSubnet1: '10.0.1.0/24',
        PublicSubnet2: '10.0.2.0/24',
        ApplicationSubnet1: '10.0.10.0/24',
        ApplicationSubnet2: '10.0.11.0/24',
        DataSubnet1: '10.0.20.0/24',
        DataSubnet2: '10.0.21.0/24',
      });
      for (const [az, cidrs] of [[0, ['10.0.1.0/24', '10.0.10.0/24', '10.0.20.0/24']], [1, ['10.0.2.0/24', '10.0.11.0/24', '10.0.21.0/24']]] as const) {
        for (const cidr of cidrs) {
          template.hasResourceProperties('AWS::EC2::Subnet', {
            CidrBlock: cidr,
            AvailabilityZone: { 'Fn::Select': [az, { 'Fn::GetAZs': '' }] },
          });
        }
      }
      expect(network.availabilityZones).toHaveLength(2);
    });

    test('no subnet auto-assigns public IPs', () => {
      for (const subnet of Object.values(resources(template, 'AWS::EC2::Subnet'))) {
        expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
      }
    });

    test('public subnets route 0.0.0.0/0 to the internet gateway', () => {
      const igw = idOf(template, 'AWS::EC2::InternetGateway', /IGW/);
      for (const az of [1, 2]) {
        const routeTable = idOf(template, 'AWS::EC2::RouteTable', new RegExp(`PublicSubnet${az}RouteTable`));
        template.hasResourceProperties('AWS::EC2::Route', {
          RouteTableId: { Ref: routeTable },
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: { Ref: igw },
        });
      }
    });

    test('one NAT gateway per AZ, each with its Elastic IP, in the public subnets', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 2);
      template.resourceCountIs('AWS::EC2::EIP', 2);
      for (const az of [1, 2]) {
        template.hasResourceProperties('AWS::EC2::NatGateway', {
          SubnetId: { Ref: idOf(template, 'AWS::EC2::Subnet', new RegExp(`PublicSubnet${az}Subnet`)) },
          AllocationId: { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::EIP', new RegExp(`PublicSubnet${az}EIP`)), 'AllocationId'] },
        });
      }
    });

    test('each application subnet has its own route table, routed to the NAT gateway of its own AZ', () => {
      for (const az of [1, 2]) {
        const routeTable = idOf(template, 'AWS::EC2::RouteTable', new RegExp(`ApplicationSubnet${az}RouteTable`));
        template.hasResourceProperties('AWS::EC2::Route', {
          RouteTableId: { Ref: routeTable },
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: { Ref: idOf(template, 'AWS::EC2::NatGateway', new RegExp(`PublicSubnet${az}NATGateway`)) },
        });
      }
    });

    test('data subnets have no route out of the VPC', () => {
      const dataRouteTables = Object.keys(resources(template, 'AWS::EC2::RouteTable')).filter(id => /DataSubnet/.test(id));
      expect(dataRouteTables).toHaveLength(2);
      const routes = Object.values(resources(template, 'AWS::EC2::Route'))
        .filter(r => dataRouteTables.includes(r.Properties.RouteTableId.Ref));
      expect(routes).toEqual([]);
    });

    test('subnet selections pick each tier', () => {
      const cidrsOf = (selection: ec2.SubnetSelection) =>
        network.vpc.selectSubnets(selection).subnets.map(s => (s as ec2.Subnet).ipv4CidrBlock);
      expect(cidrsOf(network.publicSubnets)).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
      expect(cidrsOf(network.applicationSubnets)).toEqual(['10.0.10.0/24', '10.0.11.0/24']);
      expect(cidrsOf(network.dataSubnets)).toEqual(['10.0.20.0/24', '10.0.21.0/24']);
    });

    test('public NACL: spec rules 100-120, the VPC, and outbound rules for stateless return traffic', () => {
      expect(aclEntries(template, 'NetworkPublicNetworkAcl')).toEqual([
        'in 100 allow tcp 80-80 0.0.0.0/0',
        'in 110 allow tcp 443-443 0.0.0.0/0',
        'in 120 allow tcp 1024-65535 0.0.0.0/0',
        'in 130 allow all all 10.0.0.0/16',
        'out 100 allow tcp 443-443 0.0.0.0/0',
        'out 110 allow tcp 1024-65535 0.0.0.0/0',
        'out 120 allow all all 10.0.0.0/16',
      ]);
    });

    test('application NACL: spec rule 100 (the VPC), return traffic, HTTPS egress', () => {
      expect(aclEntries(template, 'NetworkApplicationNetworkAcl')).toEqual([
        'in 100 allow all all 10.0.0.0/16',
        'in 110 allow tcp 1024-65535 0.0.0.0/0',
        'out 100 allow all all 10.0.0.0/16',
        'out 110 allow tcp 443-443 0.0.0.0/0',
      ]);
    });

    test('data NACL admits only the application subnets on the database and cache ports', () => {
      expect(aclEntries(template, 'NetworkDataNetworkAcl')).toEqual([
        'in 100 allow tcp 5432-5432 10.0.10.0/24',
        'in 101 allow tcp 6379-6379 10.0.10.0/24',
        'in 102 allow tcp 5432-5432 10.0.11.0/24',
        'in 103 allow tcp 6379-6379 10.0.11.0/24',
        'in 104 allow all all 10.0.20.0/24',
        'in 105 allow all all 10.0.21.0/24',
        'out 100 allow tcp 1024-65535 10.0.10.0/24',
        'out 101 allow tcp 1024-65535 10.0.11.0/24',
        'out 102 allow all all 10.0.20.0/24',
        'out 103 allow all all 10.0.21.0/24',
      ]);
    });

    test('each NACL is associated with its tier\'s subnets', () => {
      for (const [acl, tier] of [['Public', 'Public'], ['Application', 'Application'], ['Data', 'Data']]) {
        const aclId = idOf(template, 'AWS::EC2::NetworkAcl', new RegExp(`^Network${acl}NetworkAcl`));
        for (const az of [1, 2]) {
          template.hasResourceProperties('AWS::EC2::SubnetNetworkAclAssociation', {
            NetworkAclId: { Ref: aclId },
            SubnetId: { Ref: idOf(template, 'AWS::EC2::Subnet', new RegExp(`${tier}Subnet${az}Subnet`)) },
          });
        }
      }
      expect(network.publicNetworkAcl).toBeDefined();
      expect(network.applicationNetworkAcl).toBeDefined();
      expect(network.dataNetworkAcl).toBeDefined();
    });

    test('flow logs: all traffic to a KMS-encrypted log group kept one year', () => {
      const key = idOf(template, 'AWS::KMS::Key', /FlowLogKey/);
      const group = idOf(template, 'AWS::Logs::LogGroup', /FlowLogGroup/);
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: group },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    test('the flow log key admits CloudWatch Logs only for this account\'s log groups', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowCloudWatchLogsForThisAccountsLogGroups',
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          })]),
        },
      });
    });

    test('the flow log role is scoped to this account and has no inline policy', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          })],
        },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: { 'Fn::GetAtt': [idOf(template, 'AWS::Logs::LogGroup', /FlowLogGroup/), 'Arn'] },
          })],
        },
        Roles: [{ Ref: idOf(template, 'AWS::IAM::Role', /FlowLogRole/) }],
      });
      // Delivery works from the first record: the flow log waits for the policy.
      expect(only(template, 'AWS::EC2::FlowLog')[1].DependsOn).toContain(idOf(template, 'AWS::IAM::ManagedPolicy', /FlowLogPolicy/));
    });

    test('flow log group and key are retained when removed from the stack', () => {
      template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    test('gateway endpoints for S3 and DynamoDB serve the private subnets', () => {
      const endpoints = Object.values(resources(template, 'AWS::EC2::VPCEndpoint'));
      expect(endpoints).toHaveLength(2);
      const services = endpoints.map(e => JSON.stringify(e.Properties.ServiceName));
      expect(services.some(s => s.includes('.s3'))).toBe(true);
      expect(services.some(s => s.includes('.dynamodb'))).toBe(true);
      for (const endpoint of endpoints) {
        expect(endpoint.Properties.VpcEndpointType).toBe('Gateway');
        const tables = endpoint.Properties.RouteTableIds.map((r: any) => r.Ref);
        expect(tables.filter((t: string) => /(Application|Data)Subnet\dRouteTable/.test(t))).toHaveLength(4);
      }
    });

    test('the default security group is stripped of its rules', () => {
      template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
      template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
        DefaultSecurityGroupId: { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::VPC', /Vpc/), 'DefaultSecurityGroup'] },
      });
    });

    test('no interface endpoints unless asked (they are billed per AZ)', () => {
      expect(Object.values(resources(template, 'AWS::EC2::VPCEndpoint'))
        .filter(e => e.Properties.VpcEndpointType === 'Interface')).toEqual([]);
    });

    test('passes AwsSolutions, HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1 with no unacknowledged finding', () => {
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    test('raises no finding of aws-cdk-lib\'s built-in CloudFormation rules, warnings included', () => {
      expect(templateRuleFindings(stack.node.root as App)).toEqual([]);
    });

    test('stateful resources keep their logical IDs', () => {
      expect(Object.keys(resources(template, 'AWS::KMS::Key'))).toEqual(['NetworkFlowLogKeyF785E5F9']);
      expect(Object.keys(resources(template, 'AWS::Logs::LogGroup'))).toEqual(['NetworkFlowLogGroup4F8CEEEF']);
      expect(idOf(template, 'AWS::EC2::VPC', /Vpc/)).toBe('NetworkVpc7FB7348F');
    });
  });

  describe('options', () => {
    test('an explicit CIDR plan gives every tier and AZ its block, and the data NACL follows it', () => {
      const { template } = synth({
        cidr: '172.20.0.0/16',
        subnetCidrPlan: {
          publicSubnetCidrs: ['172.20.0.0/26', '172.20.0.64/26'],
          applicationSubnetCidrs: ['172.20.16.0/20', '172.20.32.0/20'],
          dataSubnetCidrs: ['172.20.1.0/27', '172.20.1.32/27'],
        },
      });
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '172.20.0.0/16' });
      expect(subnetCidrs(template)).toEqual({
        PublicSubnet1: '172.20.0.0/26',
        PublicSubnet2: '172.20.0.64/26',
        ApplicationSubnet1: '172.20.16.0/20',
        ApplicationSubnet2: '172.20.32.0/20',
        DataSubnet1: '172.20.1.0/27',
        DataSubnet2: '172.20.1.32/27',
      });
      expect(aclEntries(template, 'NetworkDataNetworkAcl')).toContain('in 100 allow tcp 5432-5432 172.20.16.0/20');
      expect(aclEntries(template, 'NetworkApplicationNetworkAcl')).toContain('in 100 allow all all 172.20.0.0/16');
    });

    test('another VPC CIDR keeps the spec\'s layout at the same offsets', () => {
      const { template } = synth({ cidr: '172.16.0.0/16' });
      expect(Object.values(subnetCidrs(template)).sort()).toEqual([
        '172.16.1.0/24', '172.16.10.0/24', '172.16.11.0/24', '172.16.2.0/24', '172.16.20.0/24', '172.16.21.0/24',
      ]);
    });

    test('three AZs: a third subnet per tier and a third NAT gateway', () => {
      const { template, network } = synth({ maxAzs: 3 }, strictStack({ env: ENV }));
      expect(subnetCidrs(template)).toMatchObject({
        PublicSubnet3: '10.0.3.0/24',
        ApplicationSubnet3: '10.0.12.0/24',
        DataSubnet3: '10.0.22.0/24',
      });
      template.resourceCountIs('AWS::EC2::Subnet', 9);
      template.resourceCountIs('AWS::EC2::NatGateway', 3);
      expect(network.availabilityZones).toHaveLength(3);
    });

    test('named availability zones are used in order', () => {
      const { template } = synth({ availabilityZones: ['eu-west-1b', 'eu-west-1c'] }, strictStack({ env: ENV }));
      template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1b' });
      template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.0.21.0/24', AvailabilityZone: 'eu-west-1c' });
    });

    test('NatStrategy.single(): one gateway shared by both application subnets', () => {
      const { template } = synth({ natStrategy: NatStrategy.single() });
      template.resourceCountIs('AWS::EC2::NatGateway', 1);
      const nat = idOf(template, 'AWS::EC2::NatGateway', /NATGateway/);
      const natRoutes = Object.values(resources(template, 'AWS::EC2::Route')).filter(r => r.Properties.NatGatewayId);
      expect(natRoutes.map(r => r.Properties.NatGatewayId)).toEqual([{ Ref: nat }, { Ref: nat }]);
    });

    test('NatStrategy.perAz() with Elastic IP allocations uses them instead of new EIPs', () => {
      const { template } = synth({ natStrategy: NatStrategy.perAz({ eipAllocationIds: ['eipalloc-1', 'eipalloc-2'] }) });
      template.resourceCountIs('AWS::EC2::EIP', 0);
      template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: 'eipalloc-1' });
      template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: 'eipalloc-2' });
    });

    test('NatStrategy.instances(): a hardened Graviton NAT instance per AZ', () => {
      const { template } = synth({ natStrategy: NatStrategy.instances() }, strictStack({ env: ENV }));
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::Instance', 2);
      template.hasResourceProperties('AWS::EC2::Instance', {
        InstanceType: 't4g.nano',
        ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*arm64') },
        SourceDestCheck: false,
        Monitoring: true,
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' } }],
      });
      // Outbound only: nothing from the internet may open a connection to a NAT instance.
      const natGroups = Object.values(resources(template, 'AWS::EC2::SecurityGroup'));
      expect(natGroups).toHaveLength(1);
      expect(natGroups[0].Properties.SecurityGroupIngress ?? []).toEqual([]);
      const natRoutes = Object.values(resources(template, 'AWS::EC2::Route')).filter(r => r.Properties.InstanceId);
      expect(natRoutes).toHaveLength(2);
    });

    test('NatStrategy.instances({ perAz: false, instanceType }): one instance of that type, AMI of its architecture', () => {
      const { template } = synth({
        natStrategy: NatStrategy.instances({ perAz: false, instanceType: new ec2.InstanceType('t3.micro') }),
      }, strictStack({ env: ENV }));
      template.resourceCountIs('AWS::EC2::Instance', 1);
      template.hasResourceProperties('AWS::EC2::Instance', {
        InstanceType: 't3.micro',
        ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*x8664') },
      });
    });

    test('NatStrategy.none(): no NAT, no route out of the application subnets, and a warning', () => {
      const { template, stack } = synth({ natStrategy: NatStrategy.none() });
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::EIP', 0);
      const defaultRoutes = Object.entries(resources(template, 'AWS::EC2::Route'))
        .filter(([id]) => /ApplicationSubnet/.test(id));
      expect(defaultRoutes).toEqual([]);
      Annotations.fromStack(stack).hasWarning('/TestStack/Network',
        Match.stringLikeRegexp('natStrategy is NatStrategy.none\\(\\) and no interfaceEndpoints are set'));
    });

    test('NACLs can be turned off', () => {
      const { template, network } = synth({ networkAcls: false });
      template.resourceCountIs('AWS::EC2::NetworkAcl', 0);
      template.resourceCountIs('AWS::EC2::NetworkAclEntry', 0);
      expect(network.publicNetworkAcl).toBeUndefined();
    });

    test('DataSubnetPlacement.APPLICATION: the spec\'s four-subnet layout', () => {
      const { template, network } = synth({ dataSubnetPlacement: DataSubnetPlacement.APPLICATION });
      expect(subnetCidrs(template)).toEqual({
        PublicSubnet1: '10.0.1.0/24',
        PublicSubnet2: '10.0.2.0/24',
        ApplicationSubnet1: '10.0.10.0/24',
        ApplicationSubnet2: '10.0.11.0/24',
      });
      template.resourceCountIs('AWS::EC2::NetworkAcl', 2);
      expect(network.dataNetworkAcl).toBeUndefined();
      expect(network.dataSubnets).toEqual(network.applicationSubnets);
    });

    test('dataPorts replaces the database and cache ports of the data NACL', () => {
      const { template } = synth({ dataPorts: [3306] });
      const inbound = aclEntries(template, 'NetworkDataNetworkAcl').filter(e => e.startsWith('in') && e.includes('tcp'));
      expect(inbound).toEqual(['in 100 allow tcp 3306-3306 10.0.10.0/24', 'in 101 allow tcp 3306-3306 10.0.11.0/24']);
    });

    test('flow logs can be turned off', () => {
      const { template, network } = synth({ flowLogs: false });
      template.resourceCountIs('AWS::EC2::FlowLog', 0);
      template.resourceCountIs('AWS::KMS::Key', 0);
      expect(network.flowLog).toBeUndefined();
    });

    test('flow log retention, key and removal policy are configurable', () => {
      const stack = strictStack();
      const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
      const { template } = synth({
        flowLogRetention: logs.RetentionDays.TWO_YEARS,
        flowLogEncryptionKey: key,
        removalPolicy: RemovalPolicy.DESTROY,
      }, stack);
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 731,
        KmsKeyId: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /MyKey/), 'Arn'] },
      });
      template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    });

    test('gateway endpoints can be turned off', () => {
      const { template } = synth({ gatewayEndpoints: false });
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    });

    test('interface endpoints are created in the application subnets with private DNS', () => {
      const { template } = synth({
        interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SSM, ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES],
      });
      const interfaces = Object.entries(resources(template, 'AWS::EC2::VPCEndpoint'))
        .filter(([, e]) => e.Properties.VpcEndpointType === 'Interface');
      expect(interfaces.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['NetworkVpcSsmEndpoint', 'NetworkVpcSsmmessagesEndpoint']);
      const groups = Object.entries(resources(template, 'AWS::EC2::SecurityGroup'));
      expect(groups).toHaveLength(1);
      const [groupId, group] = groups[0];
      expect(group.Properties.SecurityGroupIngress).toEqual([
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16', Description: 'HTTPS from the VPC' },
      ]);
      for (const [, endpoint] of interfaces) {
        expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
        expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
        expect(endpoint.Properties.SubnetIds.map((s: any) => s.Ref).every((s: string) => /ApplicationSubnet/.test(s))).toBe(true);
      }
    });

    test('public subnets can auto-assign public IPs when asked', () => {
      const { template } = synth({ mapPublicIpOnLaunch: true });
      template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.0.1.0/24', MapPublicIpOnLaunch: true });
      template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.0.10.0/24', MapPublicIpOnLaunch: false });
    });

    test('ipv6: dual stack with an egress-only gateway and IPv6 NACL rules', () => {
      const { template } = synth({ ipv6: true });
      template.hasResourceProperties('AWS::EC2::VPCCidrBlock', { AmazonProvidedIpv6CidrBlock: true });
      template.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 1);
      expect(aclEntries(template, 'NetworkPublicNetworkAcl')).toEqual(expect.arrayContaining([
        'in 101 allow tcp 80-80 ::/0',
        'in 111 allow tcp 443-443 ::/0',
        'in 121 allow tcp 1024-65535 ::/0',
        'out 111 allow tcp 1024-65535 ::/0',
      ]));
      expect(aclEntries(template, 'NetworkApplicationNetworkAcl')).toEqual(expect.arrayContaining([
        'in 111 allow tcp 1024-65535 ::/0',
        'out 111 allow tcp 443-443 ::/0',
      ]));
    });

    test('a token VPC CIDR is not validated as a literal when the plan is explicit', () => {
      const { template } = synth({
        cidr: Fn.importValue('SharedVpcCidr'),
        subnetCidrPlan: {
          publicSubnetCidrs: ['10.1.1.0/24', '10.1.2.0/24'],
          applicationSubnetCidrs: ['10.1.10.0/24', '10.1.11.0/24'],
          dataSubnetCidrs: ['10.1.20.0/24', '10.1.21.0/24'],
        },
      });
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: { 'Fn::ImportValue': 'SharedVpcCidr' } });
    });

    test.each<[string, NetworkFoundationProps, Partial<{ env: typeof ENV }>]>([
      ['single NAT gateway', { natStrategy: NatStrategy.single() }, {}],
      ['no NAT with SSM endpoints', {
        natStrategy: NatStrategy.none(),
        interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SSM, ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES],
      }, {}],
      ['four-subnet layout', { dataSubnetPlacement: DataSubnetPlacement.APPLICATION }, {}],
      ['dual stack', { ipv6: true }, {}],
      ['three AZs', { maxAzs: 3 }, { env: ENV }],
      ['NAT instances', { natStrategy: NatStrategy.instances() }, { env: ENV }],
    ])('compliance and template rules hold with %s', (_name, props, stackProps) => {
      const { stack } = synth(props, strictStack(stackProps));
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
      expect(templateRuleFindings(stack.node.root as App)).toEqual([]);
    });
  });

  describe('bad input fails at synth with the prop, the value and what is valid', () => {
    const plan = (overrides: Partial<Record<'publicSubnetCidrs' | 'applicationSubnetCidrs' | 'dataSubnetCidrs', string[]>>) => ({
      publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
      applicationSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
      dataSubnetCidrs: ['10.0.20.0/24', '10.0.21.0/24'],
      ...overrides,
    });

    test.each<[string, NetworkFoundationProps, string]>([
      ['invalid VPC CIDR', { cidr: '10.0.0/16' },
        "TestStack/Network: cidr: '10.0.0/16' is not an IPv4 CIDR block; expected the form a.b.c.d/n, e.g. '10.0.0.0/16'."],
      ['VPC CIDR prefix out of range', { cidr: '10.0.0.0/12' },
        "TestStack/Network: cidr: '10.0.0.0/12' has prefix /12; a VPC CIDR block must be between /16 and /28."],
      ['VPC CIDR with host bits', { cidr: '10.0.3.0/16' },
        "TestStack/Network: cidr: '10.0.3.0/16' has host bits set; use the network address '10.0.0.0/16'."],
      ['VPC too small for the default layout', { cidr: '10.0.0.0/20' },
        "TestStack/Network: cidr: '10.0.0.0/20' is too small for the default subnet layout (/24 blocks at offsets 1, 10 and 20 need a /19 or larger); use a larger VPC CIDR or give subnetCidrPlan."],
      ['invalid subnet CIDR', { subnetCidrPlan: plan({ publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/33'] }) },
        "TestStack/Network: subnetCidrPlan.publicSubnetCidrs[1]: '10.0.2.0/33' is not an IPv4 CIDR block; expected the form a.b.c.d/n, e.g. '10.0.1.0/24'."],
      ['subnet prefix out of range', { subnetCidrPlan: plan({ dataSubnetCidrs: ['10.0.20.0/24', '10.0.21.0/29'] }) },
        "TestStack/Network: subnetCidrPlan.dataSubnetCidrs[1]: '10.0.21.0/29' has prefix /29; a subnet CIDR block must be between /16 and /28."],
      ['subnet with host bits', { subnetCidrPlan: plan({ applicationSubnetCidrs: ['10.0.10.5/24', '10.0.11.0/24'] }) },
        "TestStack/Network: subnetCidrPlan.applicationSubnetCidrs[0]: '10.0.10.5/24' has host bits set; use the network address '10.0.10.0/24'."],
      ['subnet outside the VPC', { subnetCidrPlan: plan({ publicSubnetCidrs: ['10.0.1.0/24', '10.1.2.0/24'] }) },
        "TestStack/Network: subnetCidrPlan.publicSubnetCidrs[1]: '10.1.2.0/24' is outside the VPC CIDR '10.0.0.0/16'; every subnet block must lie inside it."],
      ['overlapping subnets', { subnetCidrPlan: plan({ dataSubnetCidrs: ['10.0.20.0/24', '10.0.10.128/25'] }) },
        "TestStack/Network: subnetCidrPlan.dataSubnetCidrs[1]: '10.0.10.128/25' overlaps subnetCidrPlan.applicationSubnetCidrs[0] ('10.0.10.0/24'); subnet blocks must not share addresses."],
      ['plan with a different AZ count', { subnetCidrPlan: plan({ publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'] }) },
        'TestStack/Network: subnetCidrPlan.publicSubnetCidrs: ["10.0.1.0/24","10.0.2.0/24","10.0.3.0/24"] has 3 block(s) but the network spans 2 Availability Zones; give exactly one block per AZ, in AZ order.'],
      ['plan without data subnets for isolated placement', {
        subnetCidrPlan: { publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'], applicationSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'] },
      }, 'TestStack/Network: subnetCidrPlan.dataSubnetCidrs: missing; with DataSubnetPlacement.ISOLATED (the default) the data subnets need one CIDR block per Availability Zone (2).'],
      ['data subnets with application placement', { dataSubnetPlacement: DataSubnetPlacement.APPLICATION, subnetCidrPlan: plan({}) },
        'TestStack/Network: subnetCidrPlan.dataSubnetCidrs: ["10.0.20.0/24","10.0.21.0/24"] given, but dataSubnetPlacement is DataSubnetPlacement.APPLICATION, which puts the data tier in the application subnets; omit dataSubnetCidrs or use DataSubnetPlacement.ISOLATED.'],
      ['one AZ', { maxAzs: 1 },
        'TestStack/Network: maxAzs: 1 gives 1 Availability Zone(s); the architecture needs 2 to 6 (the database standby and the second NAT gateway live in a second AZ).'],
      ['too few named AZs', { availabilityZones: ['us-east-1a'] },
        'TestStack/Network: availabilityZones: ["us-east-1a"] gives 1 Availability Zone(s); the architecture needs 2 to 6 (the database standby and the second NAT gateway live in a second AZ).'],
      ['both maxAzs and availabilityZones', { maxAzs: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] },
        'TestStack/Network: maxAzs (2) and availabilityZones (["us-east-1a","us-east-1b"]) are both set; give one of them.'],
      ['too few AZs in the environment for the plan', { maxAzs: 3 },
        "TestStack/Network: maxAzs: 3 Availability Zones are needed for the subnet plan but the stack's environment offers only 2 (an environment-agnostic stack sees 2; set the stack's env account and region, or pass availabilityZones)."],
      ['NAT gateways and Elastic IPs disagree', { natStrategy: NatStrategy.perAz({ eipAllocationIds: ['eipalloc-1'] }) },
        'TestStack/Network: natStrategy: NatStrategy.perAz() creates 2 NAT gateway(s) but eipAllocationIds has 1 (["eipalloc-1"]); give exactly one allocation ID per NAT gateway, in Availability Zone order.'],
      ['single NAT gateway with two Elastic IPs', { natStrategy: NatStrategy.single({ eipAllocationIds: ['eipalloc-1', 'eipalloc-2'] }) },
        'TestStack/Network: natStrategy: NatStrategy.single() creates 1 NAT gateway(s) but eipAllocationIds has 2 (["eipalloc-1","eipalloc-2"]); give exactly one allocation ID per NAT gateway, in Availability Zone order.'],
      ['a data port out of range', { dataPorts: [5432, 70000] },
        'TestStack/Network: dataPorts: 70000 is not a TCP port; ports are whole numbers from 1 to 65535.'],
      ['no data ports', { dataPorts: [] },
        'TestStack/Network: dataPorts: [] admits nothing to the data subnets; give at least one port, e.g. [5432, 6379].'],
    ])('%s', (_name, props, message) => {
      expect(() => new NetworkFoundation(strictStack(), 'Network', props)).toThrow(message);
    });
  });
});
