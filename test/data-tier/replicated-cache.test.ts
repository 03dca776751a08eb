import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { CacheEngine } from '../../src/data-tier/cache-engine';
import { ReplicatedCache, ReplicatedCacheProps } from '../../src/data-tier/replicated-cache';
import { NetworkFoundation } from '../../src/network/network-foundation';
import { complianceFindings, formatFindings } from '../compliance';
import { assetDirectory, idOf, only } from '../template';
import { strictStack, templateRuleFindings } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-1' };

interface Fixture {
  readonly stack: Stack;
  readonly network: NetworkFoundation;
  readonly cache: ReplicatedCache;
  readonly template: Template;
}

/** A cache with construct id 'Cache' directly under the stack, in its NetworkFoundation; not synthesized yet. */
function build(props: Partial<ReplicatedCacheProps> = {}): Omit<Fixture, 'template'> {
  const stack = strictStack({ env: ENV });
  const network = new NetworkFoundation(stack, 'Network');
  const cache = new ReplicatedCache(stack, 'Cache', { vpc: network.vpc, ...props });
  return { stack, network, cache };
}

/** The same, synthesized. */
function synth(props: Partial<ReplicatedCacheProps> = {}): Fixture {
  const fixture = build(props);
  return { ...fixture, template: Template.fromStack(fixture.stack) };
}

function propsOf(template: Template, type: string, pattern?: RegExp): any {
  return only(template, type, pattern)[1].Properties;
}

/** Logical IDs of the subnets of one subnet group of the NetworkFoundation ('Public', 'Application', 'Data'). */
function subnetRefs(template: Template, group: string): Array<{ Ref: string }> {
  return Object.keys(template.findResources('AWS::EC2::Subnet'))
    .filter(id => new RegExp(`^NetworkVpc${group}Subnet\\d`).test(id))
    .map(id => ({ Ref: id }));
}

/** The rule IDs acknowledged on one construct, with their reasons. */
function acknowledgments(construct: IConstruct): Record<string, string> {
  return Object.fromEntries(construct.node.metadata
    .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(entry => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^Annotation::/, ''), reason]));
}

/** The newest Python runtime aws-cdk-lib knows (python3.14 on the 2.263.0 floor). */
function newestPythonRuntime(): string {
  return lambda.Runtime.ALL.map(runtime => runtime.name)
    .filter(name => /^python3\.\d+$/.test(name))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
    .pop()!;
}

/** Printable ASCII, less what an ElastiCache AUTH token may contain (letters, digits and `!&#$^<>-`). */
const FORBIDDEN_IN_AUTH_TOKENS = [...Array(95).keys()].map(i => String.fromCharCode(32 + i))
  .filter(c => !/[A-Za-z0-9!&#$^<>-]/.test(c));

describe('ReplicatedCache', () => {
  describe('defaults (architecture sections 14 and 16)', () => {
    const { stack, network, cache, template } = synth();
    const rgId = idOf(template, 'AWS::ElastiCache::ReplicationGroup', /^Cache/);
    const keyId = idOf(template, 'AWS::KMS::Key', /^CacheEncryptionKey/);
    const logKeyId = idOf(template, 'AWS::KMS::Key', /^CacheLogKey/);
    const secretId = idOf(template, 'AWS::SecretsManager::Secret', /^Cache/);
    const cacheSg = idOf(template, 'AWS::EC2::SecurityGroup', /^CacheSecurityGroup/);
    const rotationSg = idOf(template, 'AWS::EC2::SecurityGroup', /^CacheAuthTokenRotationSecurityGroup/);
    const functionId = idOf(template, 'AWS::Lambda::Function', /^CacheAuthTokenRotationFunction/);
    const queueId = idOf(template, 'AWS::SQS::Queue', /^CacheAuthTokenRotationDeadLetterQueue/);
    const slowLog = idOf(template, 'AWS::Logs::LogGroup', /^CacheSlowLogGroup/);
    const engineLog = idOf(template, 'AWS::Logs::LogGroup', /^CacheEngineLogGroup/);
    const rotationLog = idOf(template, 'AWS::Logs::LogGroup', /^CacheAuthTokenRotationLogGroup/);

    test('only this AUTH token\'s secret, in this account, may invoke the rotation function', () => {
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission'))
        .filter(p => p.Properties.Principal === 'secretsmanager.amazonaws.com');
      expect(permissions).toHaveLength(1);
      expect(permissions[0].Properties).toMatchObject({
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        SourceArn: { Ref: secretId },
        SourceAccount: '123456789012',
      });
    });

    test('a cluster-mode Redis OSS 7.1 replication group: 2 shards of 1 primary and 1 replica on cache.t3.medium, Multi-AZ, encrypted, AUTH, logs', () => {
      expect(propsOf(template, 'AWS::ElastiCache::ReplicationGroup')).toEqual({
        ReplicationGroupId: 'teststack-cache-6a6b3e48',
        ReplicationGroupDescription: 'Cache TestStack/Cache',
        Engine: 'redis',
        EngineVersion: '7.1',
        CacheNodeType: 'cache.t3.medium',
        NumNodeGroups: 2,
        ReplicasPerNodeGroup: 1,
        AutomaticFailoverEnabled: true,
        MultiAZEnabled: true,
        CacheParameterGroupName: { Ref: idOf(template, 'AWS::ElastiCache::ParameterGroup', /^Cache/) },
        CacheSubnetGroupName: { Ref: idOf(template, 'AWS::ElastiCache::SubnetGroup', /^Cache/) },
        SecurityGroupIds: [{ 'Fn::GetAtt': [cacheSg, 'GroupId'] }],
        Port: 6379,
        AtRestEncryptionEnabled: true,
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: 'required',
        AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
        SnapshotRetentionLimit: 5,
        SnapshotWindow: '05:00-06:00',
        PreferredMaintenanceWindow: 'sun:06:00-sun:07:00',
        AutoMinorVersionUpgrade: true,
        LogDeliveryConfigurations: [
          {
            LogType: 'slow-log',
            LogFormat: 'json',
            DestinationType: 'cloudwatch-logs',
            DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: slowLog } } },
          },
          {
            LogType: 'engine-log',
            LogFormat: 'json',
            DestinationType: 'cloudwatch-logs',
            DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: engineLog } } },
          },
        ],
      });
      expect(cache.engine.engine).toBe('redis');
      expect(cache.engine.version).toBe('7.1');
      expect(cache.port).toBe(6379);
    });

    test('cluster mode through the parameter group of the engine family', () => {
      expect(propsOf(template, 'AWS::ElastiCache::ParameterGroup')).toEqual({
        Description: 'Cluster-mode parameters of the cache TestStack/Cache',
        CacheParameterGroupFamily: 'redis7',
        Properties: { 'cluster-enabled': 'yes' },
      });
    });

    test('the nodes live in the isolated data subnets', () => {
      const dataSubnets = subnetRefs(template, 'Data');
      expect(dataSubnets).toHaveLength(2);
      expect(propsOf(template, 'AWS::ElastiCache::SubnetGroup')).toEqual({
        Description: 'Subnets of the cache TestStack/Cache',
        SubnetIds: dataSubnets,
      });
    });

    test('shards are added or removed online, not by replacing the replication group', () => {
      expect(only(template, 'AWS::ElastiCache::ReplicationGroup')[1].UpdatePolicy).toEqual({ UseOnlineResharding: true });
    });

    test('the replication group takes a final snapshot when deleted or replaced', () => {
      const [, group] = only(template, 'AWS::ElastiCache::ReplicationGroup');
      expect(group.DeletionPolicy).toBe('Snapshot');
      expect(group.UpdateReplacePolicy).toBe('Snapshot');
    });

    test('keys, the AUTH token secret and the log groups are retained', () => {
      const retained = [keyId, logKeyId, secretId, slowLog, engineLog, rotationLog];
      for (const id of retained) {
        expect(template.toJSON().Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    });

    test('the data key and the log key are customer-managed and rotated', () => {
      expect(propsOf(template, 'AWS::KMS::Key', /^CacheEncryptionKey/)).toMatchObject({
        EnableKeyRotation: true,
        Description: 'Encrypts the cache data and AUTH token of TestStack/Cache',
      });
      expect(propsOf(template, 'AWS::KMS::Key', /^CacheLogKey/)).toMatchObject({ EnableKeyRotation: true });
      expect(cache.encryptionKey.node.path).toBe('TestStack/Cache/EncryptionKey');
    });

    test('slow log and engine log: KMS-encrypted, kept one year', () => {
      for (const id of [slowLog, engineLog, rotationLog]) {
        expect(template.toJSON().Resources[id].Properties).toEqual({
          KmsKeyId: { 'Fn::GetAtt': [logKeyId, 'Arn'] },
          RetentionInDays: 365,
        });
      }
      expect(cache.logGroups.map(group => group.node.id)).toEqual(['SlowLogGroup', 'EngineLogGroup']);
    });

    test('the AUTH token: 64 generated characters without any ElastiCache forbids, KMS-encrypted', () => {
      const secret = propsOf(template, 'AWS::SecretsManager::Secret');
      expect(secret).toEqual({
        Description: 'AUTH token of the cache TestStack/Cache',
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        GenerateSecretString: {
          PasswordLength: 64,
          ExcludeCharacters: expect.any(String),
          IncludeSpace: false,
          RequireEachIncludedType: true,
        },
      });
      const excluded = [...secret.GenerateSecretString.ExcludeCharacters, ' '].sort();
      expect(excluded).toEqual([...FORBIDDEN_IN_AUTH_TOKENS].sort());
    });

    test('the AUTH token reaches CloudFormation only as a dynamic reference, never as text', () => {
      const authToken = propsOf(template, 'AWS::ElastiCache::ReplicationGroup').AuthToken;
      expect(typeof authToken).not.toBe('string');
      expect(stack.resolve(cache.authToken.secretValue.unsafeUnwrap())).toEqual(authToken);
      const references = JSON.stringify(template.toJSON()).match(/\{\{resolve:[a-z-]+:/g);
      expect(references).toEqual(['{{resolve:secretsmanager:']);
    });

    test('the AUTH token rotates every 30 days through our function', () => {
      expect(propsOf(template, 'AWS::SecretsManager::RotationSchedule')).toEqual({
        SecretId: { Ref: secretId },
        RotationLambdaARN: { 'Fn::GetAtt': [functionId, 'Arn'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
      });
    });

    test('rotation function: newest Python, in the application subnets, reserved concurrency 1, a dead-letter queue, its own log group', () => {
      const fn = propsOf(template, 'AWS::Lambda::Function', /^Cache/);
      expect(fn).toEqual({
        Description: 'Rotates the AUTH token of the ElastiCache replication group of TestStack/Cache',
        Runtime: newestPythonRuntime(),
        Handler: 'index.handler',
        KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] },
        // The handler's folder, bundled at build time (src/handlers/auth-token-rotation/index.py).
        Code: { S3Bucket: expect.anything(), S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) },
        Timeout: 900,
        MemorySize: 256,
        ReservedConcurrentExecutions: 1,
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        VpcConfig: {
          SubnetIds: subnetRefs(template, 'Application'),
          SecurityGroupIds: [{ 'Fn::GetAtt': [rotationSg, 'GroupId'] }],
        },
        Role: { 'Fn::GetAtt': [idOf(template, 'AWS::IAM::Role', /^CacheAuthTokenRotationRole/), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: rotationLog } },
        Environment: {
          Variables: {
            REPLICATION_GROUP_ID: { Ref: rgId },
            TOKEN_LENGTH: '64',
            EXCLUDE_CHARACTERS: propsOf(template, 'AWS::SecretsManager::Secret').GenerateSecretString.ExcludeCharacters,
          },
        },
      });
      expect(Number(newestPythonRuntime().split('.')[1])).toBeGreaterThanOrEqual(14);
      expect(cache.rotationFunction.node.path).toBe('TestStack/Cache/AuthTokenRotation/Function');
    });

    test('rotation code: the four Secrets Manager steps, ROTATE applied immediately, AUTH tested over TLS', () => {
      const directory = assetDirectory(stack.node.root as App, stack, /^CacheAuthTokenRotationFunction/);
      // The asset is the handler alone: no tests, no bytecode.
      expect(fs.readdirSync(directory)).toEqual(['index.py']);
      const code = fs.readFileSync(path.join(directory, 'index.py'), 'utf-8');
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
        expect(code).toContain(`"${step}": `);
      }
      expect(code).toMatch(/modify_replication_group\(\s*ReplicationGroupId=REPLICATION_GROUP_ID,\s*AuthToken=pending,\s*AuthTokenUpdateStrategy="ROTATE",\s*ApplyImmediately=True,/);
      expect(code).toContain('ssl.create_default_context()');
      expect(code).toContain('wrap_socket(raw, server_hostname=host)');
      expect(code).toContain('command("AUTH", password)');
      expect(code).toContain('reply.startswith(b"+OK")');
      expect(code).toContain('VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current');
      expect(code).not.toMatch(/AuthTokenUpdateStrategy="SET"/);
    });

    test('the dead-letter queue is encrypted with the data key and refuses plain HTTP', () => {
      expect(propsOf(template, 'AWS::SQS::Queue')).toEqual({
        KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        MessageRetentionPeriod: 1209600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: [Match.objectLike({
            Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })],
        },
      });
    });

    test('rotation permissions: one customer-managed policy scoped to this secret, key, queue, log group and replication group', () => {
      // Only ec2:DescribeNetworkInterfaces and secretsmanager:GetRandomPassword accept no resource.
      const ec2Arn = (resource: string, id?: object) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`, ...(id ? [id] : [])]],
      });
      const policy = propsOf(template, 'AWS::IAM::ManagedPolicy', /^CacheAuthTokenRotationRolePolicy/);
      expect(policy.Roles).toEqual([{ Ref: idOf(template, 'AWS::IAM::Role', /^CacheAuthTokenRotationRole/) }]);
      expect(policy.PolicyDocument.Statement).toEqual([
        {
          Sid: 'RotateTheAuthToken',
          Effect: 'Allow',
          Action: ['elasticache:ModifyReplicationGroup', 'elasticache:DescribeReplicationGroups'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticache:eu-west-1:123456789012:replicationgroup:', { Ref: rgId }]] },
        },
        {
          Sid: 'CreateNetworkInterfacesInTheFunctionSubnets',
          Effect: 'Allow',
          Action: 'ec2:CreateNetworkInterface',
          Resource: [
            ec2Arn('network-interface/*'),
            ...subnetRefs(template, 'Application').map(subnet => ec2Arn('subnet/', subnet)),
            ec2Arn('security-group/', { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', /^CacheAuthTokenRotationSecurityGroup/), 'GroupId'] }),
          ],
        },
        {
          Sid: 'ManageTheFunctionNetworkInterfaces',
          Effect: 'Allow',
          Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          Resource: ec2Arn('network-interface/*'),
        },
        { Sid: 'DescribeNetworkInterfaces', Effect: 'Allow', Action: 'ec2:DescribeNetworkInterfaces', Resource: '*' },
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [rotationLog, 'Arn'] } },
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage'],
          Resource: { Ref: secretId },
        },
        { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
      ]);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      expect(template.toJSON().Resources[functionId].DependsOn).toEqual(expect.arrayContaining([
        idOf(template, 'AWS::IAM::ManagedPolicy', /^CacheAuthTokenRotationRolePolicy/),
      ]));
    });

    test('cache security group: no outbound, and nothing in but its own rotation function on the cache port', () => {
      const sg = propsOf(template, 'AWS::EC2::SecurityGroup', /^CacheSecurityGroup/);
      expect(sg.SecurityGroupIngress).toBeUndefined();
      expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt']?.[0] === cacheSg).map(r => r.Properties);
      expect(ingress).toEqual([{
        Description: 'AUTH token rotation',
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        GroupId: { 'Fn::GetAtt': [cacheSg, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [rotationSg, 'GroupId'] },
      }]);
      expect(cache.connections.securityGroups).toEqual([cache.securityGroup]);
      expect(cache.connections.defaultPort?.toString()).toBe('6379');
    });

    test('rotation security group: out only to the cache port and HTTPS for the AWS APIs', () => {
      const sg = propsOf(template, 'AWS::EC2::SecurityGroup', /^CacheAuthTokenRotationSecurityGroup/);
      expect(sg.SecurityGroupIngress).toBeUndefined();
      expect(sg.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === rotationSg).map(r => r.Properties);
      expect(egress).toEqual([expect.objectContaining({
        IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, DestinationSecurityGroupId: { 'Fn::GetAtt': [cacheSg, 'GroupId'] },
      })]);
    });

    test('exposes the endpoint attributes, the secret and the key', () => {
      expect(stack.resolve(cache.configurationEndpointAddress)).toEqual({ 'Fn::GetAtt': [rgId, 'ConfigurationEndPoint.Address'] });
      expect(stack.resolve(cache.configurationEndpointPort)).toEqual({ 'Fn::GetAtt': [rgId, 'ConfigurationEndPoint.Port'] });
      expect(stack.resolve(cache.authToken.secretArn)).toEqual({ Ref: secretId });
      expect(stack.resolve(cache.encryptionKey.keyArn)).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(cache.replicationGroup.node.path).toBe('TestStack/Cache/ReplicationGroup');
      expect(network.vpc.node.path).toBe('TestStack/Network/Vpc');
    });

    test('acknowledges only the inherent findings, on the replication group, with reasons', () => {
      const acks = acknowledgments(cache.replicationGroup);
      expect(Object.keys(acks).sort()).toEqual([
        'AwsSolutions-AEC5',
        'HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup',
        'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
      ]);
      expect(acks['AwsSolutions-AEC5']).toMatch(/6379 \(its security groups and NACLs.*TLS.*AUTH token/);
      expect(acks['HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup']).toMatch(/for 5 days \(the architecture keeps 5 days\).*system of record is the RDS database/);
      expect(acknowledgments(cache)).toEqual({});
      expect(acknowledgments(cache.securityGroup)).toEqual({});
      expect(Object.keys(acknowledgments(cache.node.findChild('AuthTokenRotation').node.findChild('Role').node.findChild('Policy'))))
        .toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
          'AwsSolutions-IAM5[Resource::*]']);
    });

    test('passes the four compliance packs with no unacknowledged finding', () => {
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    test('raises no finding of aws-cdk-lib\'s built-in CloudFormation rules, warnings included', () => {
      expect(templateRuleFindings(stack.node.root as App)).toEqual([]);
    });

    test('logical IDs of the stateful resources are pinned', () => {
      expect(rgId).toBe('CacheReplicationGroupBFE59FF3');
      expect(keyId).toBe('CacheEncryptionKey427BEC22');
      expect(secretId).toBe('CacheAuthToken04672416');
    });
  });

  describe('connections', () => {
    test('allowDefaultPortFrom opens the cache port, and only it, to the peer', () => {
      const { stack, network, cache } = build();
      const peer = new ec2.SecurityGroup(stack, 'Peer', { vpc: network.vpc, allowAllOutbound: false });
      cache.connections.allowDefaultPortFrom(peer);
      const template = Template.fromStack(stack);
      const cacheSg = idOf(template, 'AWS::EC2::SecurityGroup', /^CacheSecurityGroup/);
      const peerSg = idOf(template, 'AWS::EC2::SecurityGroup', /^Peer/);
      const fromPeer = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .map(r => r.Properties).filter(p => p.SourceSecurityGroupId['Fn::GetAtt'][0] === peerSg);
      expect(fromPeer).toEqual([expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [cacheSg, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379,
      })]);
      const toCache = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .map(r => r.Properties).filter(p => p.GroupId['Fn::GetAtt'][0] === peerSg);
      expect(toCache).toEqual([expect.objectContaining({
        DestinationSecurityGroupId: { 'Fn::GetAtt': [cacheSg, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379,
      })]);
    });

    test('the default port follows the port prop', () => {
      const { cache, template } = synth({ port: 6380 });
      expect(cache.connections.defaultPort?.toString()).toBe('6380');
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Port: 6380 });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 6380, ToPort: 6380 });
    });
  });

  describe('grants and metrics', () => {
    test('grantReadAuthToken lets a principal read the secret and decrypt it, nothing more', () => {
      const { stack, cache } = build();
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      cache.grantReadAuthToken(role);
      const template = Template.fromStack(stack);
      const statements = propsOf(template, 'AWS::IAM::Policy', /^ReaderDefaultPolicy/).PolicyDocument.Statement;
      expect(statements).toEqual([{
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: 'CacheAuthToken04672416' },
      }]);
      // The key is in the same stack, so aws-cdk-lib grants decryption in its key policy, through Secrets Manager only.
      const keyPolicy = propsOf(template, 'AWS::KMS::Key', /^CacheEncryptionKey/).KeyPolicy.Statement;
      const reader = idOf(template, 'AWS::IAM::Role', /^Reader/);
      expect(keyPolicy.filter((s: any) => s.Principal.AWS?.['Fn::GetAtt']?.[0] === reader)).toEqual([{
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [reader, 'Arn'] } },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
      }]);
    });

    test.each<[string, (cache: ReplicatedCache) => cloudwatch.IMetric, string, string, string]>([
      ['metricCpuUtilization', c => c.metricCpuUtilization(), 'CPUUtilization', 'MAX', 'Average'],
      ['metricEngineCpuUtilization', c => c.metricEngineCpuUtilization(), 'EngineCPUUtilization', 'MAX', 'Average'],
      ['metricDatabaseMemoryUsagePercentage', c => c.metricDatabaseMemoryUsagePercentage(), 'DatabaseMemoryUsagePercentage', 'MAX', 'Average'],
      ['metricEvictions', c => c.metricEvictions(), 'Evictions', 'SUM', 'Sum'],
      ['metricCurrConnections', c => c.metricCurrConnections(), 'CurrConnections', 'SUM', 'Average'],
      ['metricReplicationLag', c => c.metricReplicationLag(), 'ReplicationLag', 'MAX', 'Maximum'],
    ])('%s aggregates %s over every node of every shard', (_name, metric, metricName, aggregate, statistic) => {
      const { stack, cache } = synth();
      const config = metric(cache).toMetricConfig().mathExpression!;
      const nodes = ['shard1node1', 'shard1node2', 'shard2node1', 'shard2node2'];
      expect(config.expression).toBe(`${aggregate}([${nodes.join(', ')}])`);
      expect(config.period).toBe(300);
      const clusters = nodes.map(node => {
        const stat = config.usingMetrics[node].toMetricConfig().metricStat!;
        expect(stat).toMatchObject({ namespace: 'AWS/ElastiCache', metricName, statistic });
        return stack.resolve(stat.dimensions![0].value);
      });
      const ref = { Ref: 'CacheReplicationGroupBFE59FF3' };
      expect(clusters).toEqual(['-0001-001', '-0001-002', '-0002-001', '-0002-002']
        .map(suffix => ({ 'Fn::Join': ['', [ref, suffix]] })));
    });

    test('metrics follow the topology and can be alarmed on', () => {
      const { stack, cache } = build({ shards: 3, replicasPerShard: 2 });
      const metric = cache.metricEngineCpuUtilization({ period: Duration.minutes(1) });
      expect(Object.keys(metric.toMetricConfig().mathExpression!.usingMetrics)).toHaveLength(9);
      new cloudwatch.Alarm(stack, 'HotEngine', { metric, threshold: 90, evaluationPeriods: 3 });
      const alarm = propsOf(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
      expect(alarm.Metrics).toHaveLength(10);
      expect(alarm.Metrics[0]).toMatchObject({ Expression: expect.stringMatching(/^MAX\(\[shard1node1, .*shard3node3\]\)$/), ReturnData: true });
      expect(alarm.Metrics[9]).toMatchObject({ MetricStat: { Period: 60, Stat: 'Average' }, ReturnData: false });
    });

    test('metrics need literal shard and replica counts', () => {
      const { cache } = synth({ shards: Lazy.number({ produce: () => 2 }) });
      expect(() => cache.metricEvictions()).toThrow(
        'TestStack/Cache: metric Evictions: shards and replicasPerShard are tokens, so the nodes cannot be listed at synth time; give literal numbers to use the metric methods.');
    });
  });

  describe('options', () => {
    test.each<[string, CacheEngine, string, string, string | undefined]>([
      ['Valkey by default version', CacheEngine.valkey(), '8.0', 'valkey8', 'required'],
      ['Valkey 7.2', CacheEngine.valkey('7.2'), '7.2', 'valkey7', 'required'],
      ['Valkey 9.0', CacheEngine.valkey('9.0'), '9.0', 'valkey9', 'required'],
      ['Redis OSS 7.0', CacheEngine.redis('7.0'), '7.0', 'redis7', 'required'],
      ['Redis OSS 6.2 (TLS always required, no mode to set)', CacheEngine.redis('6.2'), '6.2', 'redis6.x', undefined],
    ])('%s', (_name, engine, version, family, transitEncryptionMode) => {
      const { cache, template } = synth({ engine });
      const group = propsOf(template, 'AWS::ElastiCache::ReplicationGroup');
      expect(group).toMatchObject({ Engine: engine.engine, EngineVersion: version });
      expect(group.TransitEncryptionMode).toBe(transitEncryptionMode);
      expect(propsOf(template, 'AWS::ElastiCache::ParameterGroup').CacheParameterGroupFamily).toBe(family);
      expect(cache.engine).toBe(engine);
    });

    test('a fixed replication group name: a change that replaces the group fails at deployment instead', () => {
      const { cache, template } = synth({ replicationGroupId: 'sessions-v2', snapshotName: 'sessions-final' });
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        ReplicationGroupId: 'sessions-v2',
        SnapshotName: 'sessions-final',
      });
      expect(cache.replicationGroupId).toBe('sessions-v2');
    });

    test('the default name follows ElastiCache\'s rules for any construct path', () => {
      const stack = strictStack({ env: ENV }, 'Very--Long-Stack-Name-That-Goes-On-And-On-For-Ever');
      const network = new NetworkFoundation(stack, 'Network');
      const cache = new ReplicatedCache(stack, 'Sessions_Cache-', { vpc: network.vpc });
      expect(cache.replicationGroupId).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
      expect(cache.replicationGroupId).not.toMatch(/--|-$/);
      Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { ReplicationGroupId: cache.replicationGroupId });
    });

    test('topology, node type, snapshots and windows', () => {
      const { template } = synth({
        nodeType: 'cache.r7g.large',
        shards: 3,
        replicasPerShard: 2,
        automaticFailover: true,
        snapshotRetentionDays: 0,
        snapshotWindow: '23:30-00:30',
        maintenanceWindow: 'wed:02:00-wed:03:30',
      });
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        CacheNodeType: 'cache.r7g.large',
        NumNodeGroups: 3,
        ReplicasPerNodeGroup: 2,
        SnapshotRetentionLimit: 0,
        SnapshotWindow: '23:30-00:30',
        PreferredMaintenanceWindow: 'wed:02:00-wed:03:30',
      });
    });

    test('a given key encrypts the data, the secret and the dead-letter queue; none is created', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const key = new kms.Key(stack, 'SharedKey', { enableKeyRotation: true });
      const cache = new ReplicatedCache(stack, 'Cache', { vpc: network.vpc, encryptionKey: key });
      const template = Template.fromStack(stack);
      const keyArn = { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /^SharedKey/), 'Arn'] };
      expect(Object.keys(template.findResources('AWS::KMS::Key')).filter(id => id.startsWith('Cache'))).toEqual([
        idOf(template, 'AWS::KMS::Key', /^CacheLogKey/),
      ]);
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { KmsKeyId: keyArn });
      template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyArn });
      template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
      expect(cache.encryptionKey).toBe(key);
    });

    test.each<[RemovalPolicy, string, string]>([
      [RemovalPolicy.DESTROY, 'Delete', 'Delete'],
      [RemovalPolicy.RETAIN, 'Retain', 'Retain'],
      [RemovalPolicy.SNAPSHOT, 'Snapshot', 'Retain'],
    ])('removalPolicy %s: the replication group is %s, keys, secret and logs %s', (removalPolicy, group, others) => {
      const { template } = synth({ removalPolicy });
      expect(only(template, 'AWS::ElastiCache::ReplicationGroup')[1].DeletionPolicy).toBe(group);
      const kept = ['AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']
        .flatMap(type => Object.entries(template.findResources(type)))
        .filter(([id]) => id.startsWith('Cache'));
      expect(kept.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
        'CacheAuthToken', 'CacheAuthTokenRotationLogGroup', 'CacheEncryptionKey', 'CacheEngineLogGroup', 'CacheLogKey',
        'CacheSlowLogGroup',
      ]);
      for (const [, resource] of kept) expect(resource.DeletionPolicy).toBe(others);
    });

    test('log retention and rotation schedule', () => {
      const { template } = synth({ logRetention: logs.RetentionDays.THREE_MONTHS, authTokenRotationSchedule: Duration.days(7) });
      for (const [id, group] of Object.entries(template.findResources('AWS::Logs::LogGroup'))) {
        if (id.startsWith('Cache')) expect(group.Properties.RetentionInDays).toBe(90);
      }
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
    });

    test('cache and rotation subnets can be chosen', () => {
      const { template } = synth({
        vpcSubnets: { subnetGroupName: NetworkFoundation.APPLICATION_SUBNET_GROUP },
        rotationSubnets: { subnetGroupName: NetworkFoundation.APPLICATION_SUBNET_GROUP, availabilityZones: ['dummy1a'] },
      });
      expect(propsOf(template, 'AWS::ElastiCache::SubnetGroup').SubnetIds).toEqual(subnetRefs(template, 'Application'));
      expect(propsOf(template, 'AWS::Lambda::Function', /^Cache/).VpcConfig.SubnetIds).toEqual([subnetRefs(template, 'Application')[0]]);
    });

    test('a non-default port or 15 days of snapshots need no acknowledgment, and the packs still pass', () => {
      const { stack, cache } = synth({ port: 6380, snapshotRetentionDays: 15 });
      expect(acknowledgments(cache.replicationGroup)).toEqual({});
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    test('tokens are not validated as literals', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const number = (n: number) => Lazy.number({ produce: () => n });
      expect(() => new ReplicatedCache(stack, 'Cache', {
        vpc: network.vpc,
        nodeType: Token.asString(Lazy.string({ produce: () => 'cache.t3.small' })),
        replicationGroupId: Lazy.string({ produce: () => 'Bad--' }),
        shards: number(700),
        replicasPerShard: number(9),
        port: number(0),
        snapshotRetentionDays: number(99),
        snapshotWindow: Lazy.string({ produce: () => 'bad' }),
        maintenanceWindow: Lazy.string({ produce: () => 'bad' }),
      })).not.toThrow();
    });
  });

  describe('bad input fails at synth with the prop, the value and what is valid', () => {
    test.each<[string, Partial<ReplicatedCacheProps>, string]>([
      ...['Sessions', '1cache', 'my--cache', 'cache-', 'a'.repeat(41), 'cache_1'].map((id): [string, Partial<ReplicatedCacheProps>, string] =>
        [`replication group name '${id}'`, { replicationGroupId: id },
          `TestStack/Cache: replicationGroupId: '${id}' is not a replication group name ElastiCache accepts; use 1 to 40 lowercase letters, digits and hyphens, starting with a letter, without two hyphens in a row or a hyphen at the end.`]),
      ['no shard', { shards: 0 },
        'TestStack/Cache: shards: 0 is not a valid number of shards; a cluster-mode replication group has 1 to 500 shards.'],
      ['too many shards', { shards: 501 },
        'TestStack/Cache: shards: 501 is not a valid number of shards; a cluster-mode replication group has 1 to 500 shards.'],
      ['fractional shards', { shards: 1.5 },
        'TestStack/Cache: shards: 1.5 is not a valid number of shards; a cluster-mode replication group has 1 to 500 shards.'],
      ['too many replicas', { replicasPerShard: 6 },
        'TestStack/Cache: replicasPerShard: 6 is not a valid number of replicas; each shard has 0 to 5 replicas.'],
      ['negative replicas', { replicasPerShard: -1 },
        'TestStack/Cache: replicasPerShard: -1 is not a valid number of replicas; each shard has 0 to 5 replicas.'],
      ['no automatic failover', { automaticFailover: false },
        'TestStack/Cache: automaticFailover: false is not possible: cluster mode, which ReplicatedCache always uses, requires automatic failover; omit automaticFailover or set it to true.'],
      ['no replica', { replicasPerShard: 0 },
        'TestStack/Cache: replicasPerShard: 0 leaves the primaries alone, but automatic failover (required by cluster mode) needs at least one replica per shard; use 1 to 5.'],
      ['port out of range', { port: 70000 },
        'TestStack/Cache: port: 70000 is not a TCP port; ports are whole numbers from 1 to 65535.'],
      ['port zero', { port: 0 },
        'TestStack/Cache: port: 0 is not a TCP port; ports are whole numbers from 1 to 65535.'],
      ['retention too long', { snapshotRetentionDays: 36 },
        'TestStack/Cache: snapshotRetentionDays: 36 is not a valid retention; ElastiCache keeps automatic snapshots 0 (off) to 35 days.'],
      ['negative retention', { snapshotRetentionDays: -1 },
        'TestStack/Cache: snapshotRetentionDays: -1 is not a valid retention; ElastiCache keeps automatic snapshots 0 (off) to 35 days.'],
      ['malformed snapshot window', { snapshotWindow: '5:00-6:00' },
        "TestStack/Cache: snapshotWindow: '5:00-6:00' is not a daily window; expected 'hh24:mi-hh24:mi' in UTC, e.g. '05:00-06:00'."],
      ['weekly snapshot window', { snapshotWindow: 'sun:05:00-sun:06:00' },
        "TestStack/Cache: snapshotWindow: 'sun:05:00-sun:06:00' is not a daily window; expected 'hh24:mi-hh24:mi' in UTC, e.g. '05:00-06:00'."],
      ['short snapshot window', { snapshotWindow: '05:00-05:30' },
        "TestStack/Cache: snapshotWindow: '05:00-05:30' lasts 30 minutes; ElastiCache needs a window of at least 60 minutes."],
      ['malformed maintenance window', { maintenanceWindow: 'sunday 06:00' },
        "TestStack/Cache: maintenanceWindow: 'sunday 06:00' is not a weekly window; expected 'ddd:hh24:mi-ddd:hh24:mi' in UTC with days mon to sun, e.g. 'sun:06:00-sun:07:00'."],
      ['short maintenance window across Sunday midnight', { maintenanceWindow: 'sun:23:45-mon:00:15' },
        "TestStack/Cache: maintenanceWindow: 'sun:23:45-mon:00:15' lasts 30 minutes; ElastiCache needs a window of at least 60 minutes."],
      ['overlapping windows', { snapshotWindow: '06:30-07:30' },
        "TestStack/Cache: snapshotWindow: '06:30-07:30' overlaps maintenanceWindow 'sun:06:00-sun:07:00' on at least one day; ElastiCache requires the two windows not to overlap."],
      ['overlapping windows across midnight', { snapshotWindow: '23:30-00:30', maintenanceWindow: 'sun:23:00-mon:00:00' },
        "TestStack/Cache: snapshotWindow: '23:30-00:30' overlaps maintenanceWindow 'sun:23:00-mon:00:00' on at least one day; ElastiCache requires the two windows not to overlap."],
      ['unknown Redis OSS version', { engine: CacheEngine.redis('6.0') },
        "TestStack/Cache: engine: CacheEngine.redis('6.0') is not a Redis OSS version ElastiCache offers; use one of 6.2, 7.0, 7.1."],
      ['Redis OSS version that does not exist', { engine: CacheEngine.redis('7.4') },
        "TestStack/Cache: engine: CacheEngine.redis('7.4') is not a Redis OSS version ElastiCache offers; use one of 6.2, 7.0, 7.1."],
      ['unknown Valkey version', { engine: CacheEngine.valkey('7.0') },
        "TestStack/Cache: engine: CacheEngine.valkey('7.0') is not a Valkey version ElastiCache offers; use one of 7.2, 8.0, 8.1, 8.2, 9.0."],
      ['engine version as a token', { engine: CacheEngine.valkey(Lazy.string({ produce: () => '8.0' })) },
        'TestStack/Cache: engine: CacheEngine.valkey(<token>) has a token as version; give a literal version (7.2, 8.0, 8.1, 8.2, 9.0): the parameter group family and the engine features are derived from it.'],
      ['node type without the cache. prefix', { nodeType: 't3.medium' },
        "TestStack/Cache: nodeType: 't3.medium' is not an ElastiCache node type; expected the form 'cache.<family>.<size>', e.g. 'cache.t3.medium'."],
      ['rotation more often than Secrets Manager allows', { authTokenRotationSchedule: Duration.hours(1) },
        'TestStack/Cache: authTokenRotationSchedule: 1 hour is not a rotation period Secrets Manager accepts; use 4 hours to 1000 days.'],
      ['rotation less often than Secrets Manager allows', { authTokenRotationSchedule: Duration.days(1001) },
        'TestStack/Cache: authTokenRotationSchedule: 1001 days is not a rotation period Secrets Manager accepts; use 4 hours to 1000 days.'],
      // 'dummy1a' is the first Availability Zone the context provider reports for the test environment.
      ['subnets in one Availability Zone', { vpcSubnets: { subnetGroupName: 'Data', availabilityZones: ['dummy1a'] } },
        'TestStack/Cache: vpcSubnets: the selected subnets span 1 Availability Zone(s); Multi-AZ with automatic failover needs subnets in at least 2.'],
    ])('%s', (_name, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });
  });
});
