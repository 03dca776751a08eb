import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseOptions, NetworkFoundation, ResilientDataTier, ResilientDataTierProps, ScalableWebTier } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictStack, templateRuleFindings } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** A web tier with HTTPS, so that the fixture passes the compliance packs as a whole. */
function webTier(stack: Stack, network: NetworkFoundation): ScalableWebTier {
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
  return new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate });
}

interface Fixture {
  readonly stack: Stack;
  readonly network: NetworkFoundation;
  readonly data: ResilientDataTier;
  readonly template: Template;
}

function synth(props: Partial<ResilientDataTierProps> = {}, stack: Stack = strictStack({ env: ENV })): Fixture {
  const network = new NetworkFoundation(stack, 'Network');
  const data = new ResilientDataTier(stack, 'Data', { vpc: network.vpc, ...props });
  return { stack, network, data, template: Template.fromStack(stack) };
}

describe('ResilientDataTier', () => {
  describe('database defaults (architecture section 13)', () => {
    const { template, stack, data } = synth();
    const [dbId, db] = only(template, 'AWS::RDS::DBInstance');
    const keyId = idOf(template, 'AWS::KMS::Key', /DataDatabaseKey/);

    test('PostgreSQL 15 (latest minor), db.t3.medium, Multi-AZ, in the isolated data subnets, private', () => {
      expect(db.Properties).toMatchObject({
        Engine: 'postgres',
        EngineVersion: '15',
        DBInstanceClass: 'db.t3.medium',
        MultiAZ: true,
        PubliclyAccessible: false,
        DBName: 'app',
      });
      const [, subnetGroup] = only(template, 'AWS::RDS::DBSubnetGroup');
      expect(subnetGroup.Properties.SubnetIds.map((s: any) => s.Ref).every((s: string) => /DataSubnet/.test(s))).toBe(true);
      expect(subnetGroup.Properties.SubnetIds).toHaveLength(2);
    });

    test('100 GB gp3 with storage autoscaling to 500 GB, encrypted with a rotated customer-managed key', () => {
      expect(db.Properties).toMatchObject({
        AllocatedStorage: '100',
        MaxAllocatedStorage: 500,
        StorageType: 'gp3',
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    test('backups 7 days in 02:00-03:00, maintenance Sunday 03:00-04:00 UTC, tags copied, minor upgrades on', () => {
      expect(db.Properties).toMatchObject({
        BackupRetentionPeriod: 7,
        PreferredBackupWindow: '02:00-03:00',
        PreferredMaintenanceWindow: 'sun:03:00-sun:04:00',
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        DeleteAutomatedBackups: false,
      });
    });

    test('TLS is enforced by a parameter group of ours (rds.force_ssl = 1) and the RSA 2048 CA', () => {
      const [pgId, pg] = only(template, 'AWS::RDS::DBParameterGroup');
      expect(pg.Properties).toMatchObject({ Family: 'postgres15', Parameters: { 'rds.force_ssl': '1' } });
      // The default engine's parameter group keeps the construct ID it had before groups were named by family.
      expect(pgId).toBe('DataDatabaseParameters4495DA7B');
      expect(db.Properties.DBParameterGroupName).toEqual({ Ref: pgId });
      expect(db.Properties.CACertificateIdentifier).toBe('rds-ca-rsa2048-g1');
    });

    test('credentials in a KMS-encrypted secret rotated every 30 days by Secrets Manager\'s hosted function; IAM auth on', () => {
      const [, secret] = only(template, 'AWS::SecretsManager::Secret', /DataDatabaseSecret/);
      expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(secret.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password' });
      expect(secret.DeletionPolicy).toBe('Retain');
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: idOf(template, 'AWS::SecretsManager::SecretTargetAttachment', /DataDatabaseSecretAttachment/) },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
      });
      expect(db.Properties.EnableIAMDatabaseAuthentication).toBe(true);
      expect(JSON.stringify(db.Properties.MasterUserPassword)).toContain('{{resolve:secretsmanager:');
      expect(data.databaseSecret).toBeDefined();
    });

    test('Database Insights (standard) on Performance Insights, enhanced monitoring every 60 s with our own role', () => {
      expect(db.Properties).toMatchObject({
        DatabaseInsightsMode: 'standard',
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        MonitoringInterval: 60,
        MonitoringRoleArn: { 'Fn::GetAtt': [idOf(template, 'AWS::IAM::Role', /DataMonitoringRole/), 'Arn'] },
      });
      const [, role] = only(template, 'AWS::IAM::Role', /DataMonitoringRole/);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      // RDS checks the role's permissions when it creates the instance: the policy is attached before.
      expect(template.toJSON().Resources[dbId].DependsOn).toContain(idOf(template, 'AWS::IAM::ManagedPolicy', /DataMonitoringRolePolicy/));
    });

    test('PostgreSQL and upgrade logs go to KMS-encrypted log groups kept a year, created before the instance', () => {
      expect(db.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
      const identifier = db.Properties.DBInstanceIdentifier;
      expect(identifier).toMatch(/^[a-z][a-z0-9-]{1,62}$/);
      for (const log of ['postgresql', 'upgrade']) {
        const [groupId, group] = Object.entries<any>(template.findResources('AWS::Logs::LogGroup'))
          .find(([, g]) => g.Properties.LogGroupName === `/aws/rds/instance/${identifier}/${log}`)!;
        expect(group.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
        expect(group.DeletionPolicy).toBe('Retain');
        expect(template.toJSON().Resources[dbId].DependsOn).toContain(groupId);
      }
    });

    test('deletion protection on; a final snapshot on delete; the key and the secret are retained', () => {
      expect(db.Properties.DeletionProtection).toBe(true);
      expect(db.DeletionPolicy).toBe('Snapshot');
      expect(db.UpdateReplacePolicy).toBe('Snapshot');
      const [, key] = only(template, 'AWS::KMS::Key', /DataDatabaseKey/);
      expect(key.DeletionPolicy).toBe('Retain');
    });

    test('database security group: no outbound, no inbound until a peer is allowed (only credential rotation)', () => {
      const [sgId, sg] = only(template, 'AWS::EC2::SecurityGroup', /DataDatabaseSecurityGroup/);
      expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === sgId).map(r => r.Properties);
      expect(ingress).toEqual([expect.objectContaining({ FromPort: 5432, ToPort: 5432, Description: 'Credential rotation' })]);
    });

    test('an AWS Backup plan backs the database up daily into its own encrypted vault, kept 35 days', () => {
      template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      template.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: {
          BackupPlanRule: [Match.objectLike({
            RuleName: 'Daily', ScheduleExpression: 'cron(0 4 * * ? *)', Lifecycle: { DeleteAfterDays: 35 },
          })],
        },
      });
      template.hasResourceProperties('AWS::Backup::BackupSelection', {
        BackupSelection: Match.objectLike({ Resources: [Match.objectLike({ 'Fn::Join': Match.anyValue() })] }),
      });
      expect(data.backupPlan).toBeDefined();
    });

    test('no read replicas and no proxy unless asked', () => {
      template.resourceCountIs('AWS::RDS::DBInstance', 1);
      template.resourceCountIs('AWS::RDS::DBProxy', 0);
      expect(data.readReplicas).toEqual([]);
    });

    test('the cache is part of the tier, in the same isolated subnets', () => {
      template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
      expect(data.cache.node.path).toBe('TestStack/Data/Cache');
      expect(data.connections.securityGroups).toHaveLength(2);
    });

    test('passes the four compliance packs with no unacknowledged finding', () => {
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    test('raises no finding of aws-cdk-lib\'s built-in CloudFormation rules, warnings included', () => {
      expect(templateRuleFindings(stack.node.root as App)).toEqual([]);
    });

    test('stateful resources keep their logical IDs', () => {
      // A change here replaces a database, a cache, a key or a secret in production. Ship one only on purpose:
      // snapshot and restore, or keep the old construct ID (e.g. with overrideLogicalId) and update this pin.
      const ids = (type: string) => Object.keys(template.findResources(type)).filter(id => !id.startsWith('Network')).sort();
      expect(ids('AWS::RDS::DBInstance')).toEqual(['DataDatabaseA9E9E962']);
      expect(ids('AWS::ElastiCache::ReplicationGroup')).toEqual(['DataCacheReplicationGroup88FAF71C']);
      expect(ids('AWS::KMS::Key')).toEqual(['DataCacheEncryptionKey9C430FD1', 'DataCacheLogKey5F7F2140', 'DataDatabaseKeyF6380D65']);
      expect(ids('AWS::SecretsManager::Secret')).toEqual(['DataCacheAuthTokenEA966268', 'TestStackDataDatabaseSecretCB4676D03fdaad7efa858a3daf9490cf0a702aeb']);
      expect(ids('AWS::Backup::BackupVault')).toEqual(['DataBackupVault14A09D93']);
      expect(ids('AWS::Logs::LogGroup')).toEqual([
        'DataCacheAuthTokenRotationLogGroup4E7A7BCA', 'DataCacheEngineLogGroup5D0501C6', 'DataCacheSlowLogGroup21D53C8F',
        'DataPostgresqlLogGroupB1BACA43', 'DataUpgradeLogGroup9C7AE010',
      ]);
    });
  });

  describe('connected to the web tier', () => {
    test('the web tier reaches 5432 and 6379 only, in both directions of the security groups, and reads only the two secrets', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const web = webTier(stack, network);
      const data = new ResilientDataTier(stack, 'Data', { vpc: network.vpc });
      data.allowConnectionsFrom(web);
      data.grantReadSecrets(web.role);
      const template = Template.fromStack(stack);
      const webSg = idOf(template, 'AWS::EC2::SecurityGroup', /WebInstanceSecurityGroup/);
      const dbSg = idOf(template, 'AWS::EC2::SecurityGroup', /DataDatabaseSecurityGroup/);
      const cacheSg = idOf(template, 'AWS::EC2::SecurityGroup', /DataCacheSecurityGroup/);
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === webSg)
        .map(r => [r.Properties.FromPort, r.Properties.DestinationSecurityGroupId['Fn::GetAtt'][0]]);
      expect(egress).toEqual(expect.arrayContaining([[5432, dbSg], [6379, cacheSg]]));
      for (const [port, sg] of [[5432, dbSg], [6379, cacheSg]] as const) {
        template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
          GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
          FromPort: port,
          ToPort: port,
          SourceSecurityGroupId: { 'Fn::GetAtt': [webSg, 'GroupId'] },
        });
      }
      const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
        .find(p => JSON.stringify(p.Properties.Roles).includes('WebInstanceRole'))!;
      const secretReads = policy.Properties.PolicyDocument.Statement
        .filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'));
      expect(secretReads.map((s: any) => JSON.stringify(s.Resource))).toEqual([
        expect.stringContaining('DataDatabaseSecret'),
        expect.stringContaining('DataCache'),
      ]);
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });
  });

  describe('options', () => {
    test('MySQL 8.0: require_secure_transport, its logs and its rotation', () => {
      const { template } = synth({ database: { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_40 }) } });
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { require_secure_transport: 'ON' } });
      template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mysql', EnableCloudwatchLogsExports: ['error', 'general', 'slowquery'] });
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        HostedRotationLambda: Match.objectLike({ RotationType: 'MySQLSingleUser' }),
      });
    });

    test('instance class, storage, windows, retention, rotation, insights and monitoring are configurable', () => {
      const { template } = synth({
        database: {
          instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
          multiAz: false,
          allocatedStorageGiB: 200,
          maxAllocatedStorageGiB: 1000,
          backupRetention: Duration.days(14),
          preferredBackupWindow: '22:00-23:00',
          preferredMaintenanceWindow: 'sat:01:00-sat:02:00',
          credentialsRotation: Duration.days(7),
          databaseInsightsMode: rds.DatabaseInsightsMode.ADVANCED,
          monitoringInterval: Duration.seconds(15),
          databaseName: 'orders',
        },
      });
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        DBInstanceClass: 'db.r7g.large',
        MultiAZ: false,
        AllocatedStorage: '200',
        MaxAllocatedStorage: 1000,
        BackupRetentionPeriod: 14,
        PreferredBackupWindow: '22:00-23:00',
        PreferredMaintenanceWindow: 'sat:01:00-sat:02:00',
        DatabaseInsightsMode: 'advanced',
        MonitoringInterval: 15,
        DBName: 'orders',
      });
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
    });

    test('read replicas get the instance\'s protections and their own log groups', () => {
      const { template, data, stack } = synth({ database: { readReplicas: 2 } });
      const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
      expect(instances).toHaveLength(3);
      const replicas = instances.filter(i => i.Properties.SourceDBInstanceIdentifier);
      expect(replicas).toHaveLength(2);
      for (const replica of replicas) {
        expect(replica.Properties.StorageEncrypted).toBeUndefined(); // inherited from the encrypted source
        expect(replica.Properties).toMatchObject({
          DeletionProtection: true,
          EnableIAMDatabaseAuthentication: true,
          MonitoringInterval: 60,
          EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
          PubliclyAccessible: false,
        });
      }
      const monitoringPolicy = idOf(template, 'AWS::IAM::ManagedPolicy', /DataMonitoringRolePolicy/);
      for (const [id, instance] of Object.entries<any>(template.findResources('AWS::RDS::DBInstance'))) {
        expect([id, instance.DependsOn]).toEqual([id, expect.arrayContaining([monitoringPolicy])]);
      }
      expect(data.readReplicas).toHaveLength(2);
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    describe('a major version upgrade, PostgreSQL 15 to 16, in one deployment', () => {
      const postgres = (version: rds.PostgresEngineVersion) => rds.DatabaseInstanceEngine.postgres({ version });
      const before = synth({ database: { readReplicas: 1 } }).template;
      const upgraded = { readReplicas: 1, engine: postgres(rds.PostgresEngineVersion.VER_16), allowMajorVersionUpgrade: true };
      const after = synth({ database: upgraded }).template;
      const primary = (template: Template) => Object.values<any>(template.findResources('AWS::RDS::DBInstance')).find(i => !i.Properties.SourceDBInstanceIdentifier);
      const replica = (template: Template) => Object.values<any>(template.findResources('AWS::RDS::DBInstance')).find(i => i.Properties.SourceDBInstanceIdentifier);

      test('by default, no major version upgrade is allowed', () => {
        expect(primary(before).Properties).toMatchObject({ EngineVersion: '15', AllowMajorVersionUpgrade: false });
      });

      test('the instance moves to 16 with the upgrade allowed, and keeps its logical ID and identifier', () => {
        expect(primary(after).Properties).toMatchObject({ EngineVersion: '16', AllowMajorVersionUpgrade: true });
        expect(Object.keys(after.findResources('AWS::RDS::DBInstance', { Properties: { EngineVersion: '16' } }))).toEqual(['DataDatabaseA9E9E962']);
        expect(primary(after).Properties.DBInstanceIdentifier).toBe(primary(before).Properties.DBInstanceIdentifier);
      });

      test('a new parameter group of the postgres16 family is created alongside, and the 15 one leaves', () => {
        const [oldId] = only(before, 'AWS::RDS::DBParameterGroup');
        const [newId, group] = only(after, 'AWS::RDS::DBParameterGroup');
        expect(oldId).toBe('DataDatabaseParameters4495DA7B');
        expect(newId).not.toBe(oldId);
        expect(newId).toMatch(/^DataDatabaseParametersPostgres16/);
        expect(group.Properties).toMatchObject({ Family: 'postgres16', Parameters: { 'rds.force_ssl': '1' } });
        expect(primary(after).Properties.DBParameterGroupName).toEqual({ Ref: newId });
      });

      test('the read replica follows the source: no version of its own, the new family\'s parameter group', () => {
        const [newId] = only(after, 'AWS::RDS::DBParameterGroup');
        expect(replica(after).Properties.EngineVersion).toBeUndefined();
        expect(replica(after).Properties.DBParameterGroupName).toEqual({ Ref: newId });
      });
    });

    test('RDS Proxy: TLS required, IAM auth, its own security group; peers reach the proxy instead of the database', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const web = webTier(stack, network);
      const data = new ResilientDataTier(stack, 'Data', { vpc: network.vpc, database: { proxy: true } });
      data.allowConnectionsFrom(web);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::RDS::DBProxy', {
        RequireTLS: true,
        Auth: [Match.objectLike({ IAMAuth: 'REQUIRED' })],
        EngineFamily: 'POSTGRESQL',
      });
      const proxySg = idOf(template, 'AWS::EC2::SecurityGroup', /DataProxySecurityGroup/);
      const dbSg = idOf(template, 'AWS::EC2::SecurityGroup', /DataDatabaseSecurityGroup/);
      const webSg = idOf(template, 'AWS::EC2::SecurityGroup', /WebInstanceSecurityGroup/);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [proxySg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [webSg, 'GroupId'] }, FromPort: 5432,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [dbSg, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [proxySg, 'GroupId'] }, FromPort: 5432,
      });
      expect(data.proxy).toBeDefined();
      // The proxy reads the database secret with its role from the first connection: the role's policy comes first.
      expect(only(template, 'AWS::RDS::DBProxy')[1].DependsOn).toContain(idOf(template, 'AWS::IAM::ManagedPolicy', /DataProxyRolePolicy/));
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    test('the backup plan can be turned off or keep longer; removal policy DESTROY lets everything go', () => {
      synth({ database: { backupPlan: false } }).template.resourceCountIs('AWS::Backup::BackupPlan', 0);
      synth({ database: { backupPlanRetention: Duration.days(90) } }).template.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 90 } })] },
      });
      const { template } = synth({ database: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false } });
      const [, db] = only(template, 'AWS::RDS::DBInstance');
      expect(db.DeletionPolicy).toBe('Delete');
      expect(db.Properties.DeletionProtection).toBe(false);
      expect(only(template, 'AWS::KMS::Key', /DataDatabaseKey/)[1].DeletionPolicy).toBe('Delete');
    });

    test('metric helpers point at the database', () => {
      const { data, stack } = synth();
      const resolve = (m: any) => stack.resolve(m.toMetricConfig().metricStat);
      expect(resolve(data.metricDatabaseCpuUtilization())).toMatchObject({ namespace: 'AWS/RDS', metricName: 'CPUUtilization' });
      expect(resolve(data.metricDatabaseFreeStorageSpace())).toMatchObject({ metricName: 'FreeStorageSpace' });
      expect(resolve(data.metricDatabaseFreeableMemory())).toMatchObject({ metricName: 'FreeableMemory' });
      expect(resolve(data.metricDatabaseConnections())).toMatchObject({ metricName: 'DatabaseConnections' });
    });
  });

  describe('bad input fails at synth with the prop, the value and what is valid', () => {
    test.each<[string, DatabaseOptions, string]>([
      ['allocated storage above the maximum', { allocatedStorageGiB: 600 },
        'TestStack/Data: database.allocatedStorageGiB (600) is above database.maxAllocatedStorageGiB (500); the autoscaling maximum must be at least the allocated storage.'],
      ['allocated storage below gp3 minimum', { allocatedStorageGiB: 10 },
        'TestStack/Data: database.allocatedStorageGiB: 10 is outside what gp3 accepts (20 to 65536 GiB).'],
      ['backup retention above 35 days', { backupRetention: Duration.days(36) },
        'TestStack/Data: database.backupRetention: 36 days is outside what RDS keeps (0 to 35 whole days).'],
      ['malformed backup window', { preferredBackupWindow: '2:00-3:00am' },
        "TestStack/Data: database.preferredBackupWindow: '2:00-3:00am' is not a window; use hh24:mi-hh24:mi in UTC, e.g. '02:00-03:00'."],
      ['malformed maintenance window', { preferredMaintenanceWindow: 'sunday:03:00-sunday:04:00' },
        "TestStack/Data: database.preferredMaintenanceWindow: 'sunday:03:00-sunday:04:00' is not a window; use ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. 'sun:03:00-sun:04:00'."],
      ['short backup window', { preferredBackupWindow: '02:00-02:15' },
        "TestStack/Data: database.preferredBackupWindow: '02:00-02:15' is shorter than the 30 minutes RDS requires."],
      ['overlapping windows', { preferredBackupWindow: '03:30-04:30' },
        "TestStack/Data: database.preferredBackupWindow ('03:30-04:30') overlaps database.preferredMaintenanceWindow ('sun:03:00-sun:04:00'); RDS requires them apart."],
      ['too many read replicas', { readReplicas: 16 }, 'TestStack/Data: database.readReplicas: 16 is outside what RDS allows (0 to 15).'],
      ['a MySQL major upgrade with read replicas', {
        engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_3 }), readReplicas: 1, allowMajorVersionUpgrade: true,
      }, 'TestStack/Data: database.allowMajorVersionUpgrade: true with database.readReplicas: 1 on MySQL cannot be deployed: RDS upgrades MySQL read replicas before their source, and CloudFormation updates the source first. Remove the read replicas (readReplicas: 0), upgrade, then add them back.'],
      ['an engine this tier does not support', { engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11 }) },
        "TestStack/Data: database.engine: 'mariadb' is not supported; use PostgreSQL (the architecture) or MySQL."],
    ])('%s', (_name, database, message) => {
      expect(() => synth({ database })).toThrow(message);
    });
  });
});
