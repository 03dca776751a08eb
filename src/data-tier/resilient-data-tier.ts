import { Aspects, Aws, Duration, IAspect, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { dailyOverlapsWeekly, durationMinutes, parseDailyWindow, parseWeeklyWindow } from './private/windows';
import { ReplicatedCache, ReplicatedCacheOptions } from './replicated-cache';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogEncryptionKey } from '../core/log-encryption';
import { ManagedPolicyRole } from '../core/managed-policy-role';

/**
 * Settings of the relational database.
 */
export interface DatabaseOptions {
  /**
   * Database engine: PostgreSQL (the architecture) or MySQL (its alternative).
   *
   * @default rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }) - PostgreSQL 15, latest minor
   */
  readonly engine?: rds.IInstanceEngine;

  /**
   * Whether a change of `engine` to a new major version (e.g. PostgreSQL 15 to 16) may be deployed. RDS upgrades the
   * instance (and, for PostgreSQL, its read replicas) in place, with downtime of several minutes, and the instance
   * switches to a new parameter group of the new engine family, created alongside the old one (which is deleted
   * after the switch). Take a manual snapshot first: a major upgrade cannot be rolled back. Set it for the upgrade's
   * deployment; leave it on or turn it off afterwards.
   *
   * Not possible with read replicas on MySQL, whose replicas RDS upgrades before their source: remove the replicas,
   * upgrade, then add them back.
   *
   * @default false - a major version change fails at deployment, and the instance keeps its version
   */
  readonly allowMajorVersionUpgrade?: boolean;

  /**
   * Instance class.
   *
   * @default db.t3.medium - 2 vCPUs and 4 GiB
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Whether a synchronous standby runs in a second Availability Zone, with automatic failover.
   *
   * @default true
   */
  readonly multiAz?: boolean;

  /**
   * Storage allocated at creation, in GiB (gp3).
   *
   * @default 100
   */
  readonly allocatedStorageGiB?: number;

  /**
   * Upper limit of storage autoscaling, in GiB.
   *
   * @default 500
   */
  readonly maxAllocatedStorageGiB?: number;

  /**
   * Name of the database created in the instance.
   *
   * @default 'app'
   */
  readonly databaseName?: string;

  /**
   * How long automated backups are kept (0 to 35 days; 0 turns them off).
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * Daily window of automated backups, UTC, `hh24:mi-hh24:mi`, at least 30 minutes, outside the maintenance window.
   *
   * @default '02:00-03:00'
   */
  readonly preferredBackupWindow?: string;

  /**
   * Weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi`, at least 30 minutes.
   *
   * @default 'sun:03:00-sun:04:00' - Sunday 03:00-04:00 UTC
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * How often Secrets Manager rotates the master password.
   *
   * @default Duration.days(30)
   */
  readonly credentialsRotation?: Duration;

  /**
   * CloudWatch Database Insights mode. Performance Insights data feeds both modes; its console reaches end of life
   * on 2026-07-31, after which Database Insights is where the data is read.
   *
   * @default rds.DatabaseInsightsMode.STANDARD - 7 days of Performance Insights data, free
   */
  readonly databaseInsightsMode?: rds.DatabaseInsightsMode;

  /**
   * Interval of enhanced monitoring (OS metrics).
   *
   * @default Duration.seconds(60)
   */
  readonly monitoringInterval?: Duration;

  /**
   * Number of read replicas (architecture "Database Scaling"), each with the instance's settings.
   *
   * @default 0
   */
  readonly readReplicas?: number;

  /**
   * Whether an RDS Proxy pools connections in front of the database (TLS required, IAM authentication).
   *
   * @default false
   */
  readonly proxy?: boolean;

  /**
   * Whether an AWS Backup plan backs up the database daily into its own encrypted vault.
   *
   * @default true - the HIPAA pack expects the database in a backup plan
   */
  readonly backupPlan?: boolean;

  /**
   * How long the AWS Backup plan keeps its recovery points.
   *
   * @default Duration.days(35)
   */
  readonly backupPlanRetention?: Duration;

  /**
   * Whether the database is protected from deletion.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the database when it leaves the stack.
   *
   * @default RemovalPolicy.SNAPSHOT - a final snapshot is taken
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The settings of a `ResilientDataTier` that do not connect it to other resources: what `ProductionWebApp` takes as `dataTier`.
 */
export interface ResilientDataTierOptions {
  /**
   * Subnets of the database and the cache.
   *
   * @default - the isolated subnets (the data subnets of `NetworkFoundation`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Subnets of the functions that rotate the credentials; they must reach the Secrets Manager, RDS and ElastiCache
   * APIs (through NAT or interface endpoints).
   *
   * @default - the private subnets with egress (the application subnets of `NetworkFoundation`)
   */
  readonly rotationSubnets?: ec2.SubnetSelection;

  /**
   * Settings of the database.
   *
   * @default - PostgreSQL 15 Multi-AZ on db.t3.medium, as the architecture specifies
   */
  readonly database?: DatabaseOptions;

  /**
   * Settings of the cache.
   *
   * @default - Redis OSS 7 in cluster mode, 2 shards with 1 replica each, on cache.t3.medium
   */
  readonly cache?: ReplicatedCacheOptions;

  /**
   * Retention of the database's log groups.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Properties of a `ResilientDataTier`.
 */
export interface ResilientDataTierProps extends ResilientDataTierOptions {
  /**
   * The VPC, e.g. `NetworkFoundation.vpc`.
   */
  readonly vpc: ec2.IVpc;
}

/** The database options of a `ResilientDataTier`, with their defaults applied. */
interface DatabaseSettings {
  readonly options: DatabaseOptions;
  readonly engine: rds.IInstanceEngine;
  readonly flavor: 'postgres' | 'mysql';
  readonly allocated: number;
  readonly maxAllocated: number;
  readonly backupRetention: Duration;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly replicaCount: number;
  readonly allowMajorVersionUpgrade: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly keepPolicy: RemovalPolicy;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly rotationSubnets: ec2.SubnetSelection;
  readonly logRetention: logs.RetentionDays;
  readonly logExports: string[];
}

/**
 * The data tier of the architecture (https://github.com/cdk-production-webapp/cdk-production-webapp/blob/main/docs/architecture.md#data-tier): RDS PostgreSQL Multi-AZ and an ElastiCache
 * replication group in cluster mode, encrypted, authenticated, backed up and kept on delete.
 *
 * @example
 * declare const network: NetworkFoundation;
 * declare const web: ScalableWebTier;
 * const data = new ResilientDataTier(this, 'Data', { vpc: network.vpc });
 * data.allowConnectionsFrom(web);
 * data.grantReadSecrets(web.role);
 */
export class ResilientDataTier extends Construct implements ec2.IConnectable {
  /** The database. */
  public readonly database: rds.DatabaseInstance;
  /** The master credentials (username, password, host, port), rotated by Secrets Manager. */
  public readonly databaseSecret: secretsmanager.ISecret;
  /** The key encrypting the database, its snapshots, its secret and its logs. */
  public readonly databaseKey: kms.IKey;
  /** The read replicas. */
  public readonly readReplicas: rds.DatabaseInstanceReadReplica[];
  /** The RDS Proxy, if enabled. */
  public readonly proxy?: rds.DatabaseProxy;
  /** The AWS Backup plan, if enabled. */
  public readonly backupPlan?: backup.BackupPlan;
  /** The database's log groups. */
  public readonly databaseLogGroups: logs.LogGroup[];
  /** The cache. */
  public readonly cache: ReplicatedCache;
  /** Network connections of the database and the cache together. */
  public readonly connections: ec2.Connections;
  /** The port of the database (and its proxy): 5432 for PostgreSQL, 3306 for MySQL. */
  public readonly databasePort: number;

  constructor(scope: Construct, id: string, props: ResilientDataTierProps) {
    super(scope, id);
    const settings = this.databaseSettings(props);
    const { flavor, keepPolicy } = settings;

    this.databaseKey = createLogEncryptionKey(this, 'DatabaseKey',
      `Encrypts the database of ${this.node.path}: storage, snapshots, credentials and logs`, keepPolicy);
    const securityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: 'Database: the database port from allowed peers only; no outbound',
      allowAllOutbound: false,
    });
    const parameterGroup = new rds.ParameterGroup(this, this.parameterGroupId(settings.engine), {
      engine: settings.engine,
      description: 'Requires TLS for every connection',
      parameters: flavor === 'postgres' ? { 'rds.force_ssl': '1' } : { require_secure_transport: 'ON' },
    });
    // Named so that the log groups can exist (encrypted, with retention) before RDS writes to them.
    const instanceIdentifier = this.identifierFor(this.node.path);
    this.databaseLogGroups = settings.logExports.map(log =>
      this.databaseLogGroup(instanceIdentifier, log, settings.logRetention, keepPolicy));
    const monitoringRole = this.createMonitoringRole();
    this.databasePort = flavor === 'postgres' ? 5432 : 3306;
    const instanceOptions = this.instanceOptions(props, settings, securityGroup, parameterGroup, monitoringRole);

    this.database = this.createDatabase(instanceOptions, settings, instanceIdentifier, monitoringRole);
    this.databaseSecret = this.database.secret!;
    // database.secret is the attachment; the generated secret itself holds the password.
    (this.database.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(keepPolicy);
    this.rotateCredentials(props, settings);
    this.readReplicas = [...Array(settings.replicaCount).keys()]
      .map(i => this.createReadReplica(i + 1, instanceOptions, settings, monitoringRole));

    const options = props.database ?? {};
    if (options.proxy ?? false) {
      this.proxy = this.createProxy(props.vpc, settings.vpcSubnets);
    }
    if (options.backupPlan ?? true) {
      this.backupPlan = this.createBackupPlan(options.backupPlanRetention ?? Duration.days(35), keepPolicy);
    }
    acknowledgeFinding(this.database, 'AwsSolutions-RDS11', PORT_REASON);

    this.cache = new ReplicatedCache(this, 'Cache', {
      vpc: props.vpc,
      vpcSubnets: settings.vpcSubnets,
      rotationSubnets: settings.rotationSubnets,
      ...props.cache,
    });

    // aws-cdk-lib opens the instance's port as a token (its endpoint attribute); it is the literal port set above.
    Aspects.of(securityGroup).add(new PinDatabasePort(this.databasePort));

    this.connections = new ec2.Connections({
      securityGroups: [securityGroup, ...this.cache.connections.securityGroups,
        ...(this.proxy ? this.proxy.connections.securityGroups : [])],
    });
  }

  /**
   * Lets a peer (the web tier) open connections to the database (or its proxy) and to the cache on their ports,
   * and nothing else.
   */
  public allowConnectionsFrom(peer: ec2.IConnectable): void {
    const description = `From ${peer instanceof Construct ? peer.node.path : 'a peer'}`;
    const database = this.proxy ?? this.database;
    database.connections.allowFrom(peer, ec2.Port.tcp(this.databasePort), description);
    this.cache.connections.allowDefaultPortFrom(peer, description);
  }

  /**
   * Lets a principal read the database credentials and the cache AUTH token (and decrypt them), nothing else.
   */
  public grantReadSecrets(grantee: iam.IGrantable): void {
    this.databaseSecret.grantRead(grantee);
    this.cache.grantReadAuthToken(grantee);
  }

  /** Lets a principal connect to the database with IAM authentication as `user`. */
  public grantConnect(grantee: iam.IGrantable, user: string): iam.Grant {
    return (this.proxy ?? this.database).grantConnect(grantee, user);
  }

  /** Average CPU utilization of the database, in percent. */
  public metricDatabaseCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.database.metricCPUUtilization(props);
  }

  /** Free storage of the database, in bytes. */
  public metricDatabaseFreeStorageSpace(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.database.metricFreeStorageSpace(props);
  }

  /** Free memory of the database, in bytes. */
  public metricDatabaseFreeableMemory(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.database.metricFreeableMemory(props);
  }

  /** Connections open to the database. */
  public metricDatabaseConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.database.metricDatabaseConnections(props);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Resources
  // ---------------------------------------------------------------------------------------------------------------

  /** The database options with their defaults, validated. */
  private databaseSettings(props: ResilientDataTierProps): DatabaseSettings {
    const options = props.database ?? {};
    const engine = options.engine ?? rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 });
    const flavor = this.validateEngine(engine);
    const allocated = options.allocatedStorageGiB ?? 100;
    const maxAllocated = options.maxAllocatedStorageGiB ?? 500;
    this.validateStorage(allocated, maxAllocated);
    const backupRetention = options.backupRetention ?? Duration.days(7);
    this.validateBackupRetention(backupRetention);
    const backupWindow = options.preferredBackupWindow ?? '02:00-03:00';
    const maintenanceWindow = options.preferredMaintenanceWindow ?? 'sun:03:00-sun:04:00';
    this.validateWindows(backupWindow, maintenanceWindow);
    const replicaCount = options.readReplicas ?? 0;
    this.validateReadReplicas(replicaCount);
    const allowMajorVersionUpgrade = options.allowMajorVersionUpgrade ?? false;
    this.validateMajorVersionUpgrade(flavor, allowMajorVersionUpgrade, replicaCount);
    const removalPolicy = options.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    return {
      options,
      engine,
      flavor,
      allocated,
      maxAllocated,
      backupRetention,
      backupWindow,
      maintenanceWindow,
      replicaCount,
      allowMajorVersionUpgrade,
      removalPolicy,
      // Keys, secrets and audit logs outlive the database unless the user asked for everything to go.
      keepPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      rotationSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logExports: flavor === 'postgres' ? ['postgresql', 'upgrade'] : ['error', 'general', 'slowquery'],
    };
  }

  /** What the primary and its read replicas share. */
  private instanceOptions(props: ResilientDataTierProps, settings: DatabaseSettings, securityGroup: ec2.ISecurityGroup,
    parameterGroup: rds.IParameterGroup, monitoringRole: iam.IRole) {
    const options = settings.options;
    const insightsMode = options.databaseInsightsMode ?? rds.DatabaseInsightsMode.STANDARD;
    return {
      vpc: props.vpc,
      vpcSubnets: settings.vpcSubnets,
      securityGroups: [securityGroup],
      // Literal, so that security group rules name the port (the engine default).
      port: this.databasePort,
      instanceType: options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.BURSTABLE3, ec2.InstanceSize.MEDIUM),
      parameterGroup,
      storageType: rds.StorageType.GP3,
      publiclyAccessible: false,
      iamAuthentication: true,
      multiAz: options.multiAz ?? true,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: settings.allowMajorVersionUpgrade,
      preferredMaintenanceWindow: settings.maintenanceWindow,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.databaseKey,
      databaseInsightsMode: insightsMode,
      // Advanced mode keeps 15 months of data; standard keeps the free 7 days.
      performanceInsightRetention: insightsMode === rds.DatabaseInsightsMode.ADVANCED
        ? rds.PerformanceInsightRetention.MONTHS_15 : rds.PerformanceInsightRetention.DEFAULT,
      monitoringInterval: options.monitoringInterval ?? Duration.seconds(60),
      monitoringRole,
      cloudwatchLogsExports: settings.logExports,
      deletionProtection: options.deletionProtection ?? true,
      removalPolicy: settings.removalPolicy,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
    };
  }

  /** The primary: encrypted, with generated credentials, after its log groups and its monitoring role's policy. */
  private createDatabase(instanceOptions: ReturnType<ResilientDataTier['instanceOptions']>, settings: DatabaseSettings,
    instanceIdentifier: string, monitoringRole: ManagedPolicyRole): rds.DatabaseInstance {
    const database = new rds.DatabaseInstance(this, 'Database', {
      ...instanceOptions,
      engine: settings.engine,
      instanceIdentifier,
      storageEncryptionKey: this.databaseKey,
      databaseName: settings.options.databaseName ?? 'app',
      credentials: rds.Credentials.fromGeneratedSecret('dbadmin', {
        encryptionKey: this.databaseKey,
        excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      }),
      allocatedStorage: settings.allocated,
      maxAllocatedStorage: settings.maxAllocated,
      backupRetention: settings.backupRetention,
      preferredBackupWindow: settings.backupWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
    });
    for (const group of this.databaseLogGroups) database.node.addDependency(group);
    // RDS checks the monitoring role's permissions when it creates the instance: the policy must be attached first.
    database.node.addDependency(monitoringRole.policy);
    return database;
  }

  /** Rotation of the credentials by Secrets Manager's hosted function, in subnets that reach its API. */
  private rotateCredentials(props: ResilientDataTierProps, settings: DatabaseSettings) {
    const rotationOptions = { vpc: props.vpc, vpcSubnets: settings.rotationSubnets, excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS };
    const hostedRotation = settings.flavor === 'postgres'
      ? secretsmanager.HostedRotation.postgreSqlSingleUser(rotationOptions)
      : secretsmanager.HostedRotation.mysqlSingleUser(rotationOptions);
    this.databaseSecret.addRotationSchedule('Rotation', {
      hostedRotation,
      automaticallyAfter: settings.options.credentialsRotation ?? Duration.days(30),
    });
    this.database.connections.allowFrom(hostedRotation, ec2.Port.tcp(this.databasePort), 'Credential rotation');
  }

  /** Read replica `n` (from 1), with its own log groups and the acknowledgments a copy of the primary makes inherent. */
  private createReadReplica(n: number, instanceOptions: ReturnType<ResilientDataTier['instanceOptions']>,
    settings: DatabaseSettings, monitoringRole: ManagedPolicyRole): rds.DatabaseInstanceReadReplica {
    const id = `ReadReplica${n}`;
    const replicaIdentifier = this.identifierFor(`${this.node.path}/${id}`);
    const groups = settings.logExports.map(log =>
      this.databaseLogGroup(replicaIdentifier, log, settings.logRetention, settings.keepPolicy, id));
    const replica = new rds.DatabaseInstanceReadReplica(this, id, {
      ...instanceOptions,
      instanceIdentifier: replicaIdentifier,
      sourceDatabaseInstance: this.database,
      // A replica is rebuilt from the primary; its final snapshot would duplicate the primary's.
      removalPolicy: settings.removalPolicy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.DESTROY : settings.removalPolicy,
    });
    for (const group of groups) replica.node.addDependency(group);
    replica.node.addDependency(monitoringRole.policy);
    this.databaseLogGroups.push(...groups);
    acknowledgeFinding(replica, 'AwsSolutions-RDS11', PORT_REASON);
    acknowledgeFinding(replica, 'AwsSolutions-RDS2', REPLICA_ENCRYPTION_REASON);
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      acknowledgeFinding(replica, `${pack}-RDSInBackupPlan`,
        'A read replica is a copy of the primary, which is in the AWS Backup plan; backing it up would store the ' +
        'same data twice.');
    }
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(replica, `${pack}-RDSStorageEncrypted`, REPLICA_ENCRYPTION_REASON);
      acknowledgeFinding(replica, `${pack}-RDSInstanceBackupEnabled`,
        'Read replicas take no automated backups (RDS does not allow it for PostgreSQL replicas); the primary is ' +
        'backed up and the replica is rebuilt from it.');
    }
    return replica;
  }


  /**
   * The construct ID of the parameter group: one per engine family, so that a major version upgrade creates the new
   * family's group alongside the old one, and the instance switches in the same update. The default engine's
   * (PostgreSQL 15) keeps the ID it always had.
   */
  private parameterGroupId(engine: rds.IInstanceEngine): string {
    const family = engine.parameterGroupFamily;
    if (!family || Token.isUnresolved(family) || family === DEFAULT_PARAMETER_GROUP_FAMILY) return 'DatabaseParameters';
    const name = family.replace(/[^A-Za-z0-9]/g, '');
    return `DatabaseParameters${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  }

  /** A DB instance identifier from a construct path: lowercase letters, digits and hyphens, 63 at most. */
  private identifierFor(path: string): string {
    const unique = Names.uniqueResourceName(this, { maxLength: 55, separator: '-' });
    const suffix = path === this.node.path ? '' : `-${path.split('/').pop()}`;
    return `${unique}${suffix}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').slice(0, 63).replace(/-$/, '');
  }

  private databaseLogGroup(instanceIdentifier: string, log: string, retention: logs.RetentionDays,
    removalPolicy: RemovalPolicy, prefix = ''): logs.LogGroup {
    const name = log.charAt(0).toUpperCase() + log.slice(1);
    return new logs.LogGroup(this, `${prefix}${name}LogGroup`, {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/${log}`,
      encryptionKey: this.databaseKey,
      retention,
      removalPolicy,
    });
  }

  /** Enhanced monitoring's role, with AmazonRDSEnhancedMonitoringRole's permissions in a customer-managed policy. */
  private createMonitoringRole(): ManagedPolicyRole {
    const role = new ManagedPolicyRole(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      description: `Enhanced monitoring of ${this.node.path}`,
    });
    const group = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:RDSOSMetrics`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'EnhancedMonitoringLogGroup',
      actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
      resources: [group],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'EnhancedMonitoringLogStreams',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
      resources: [`${group}:log-stream:*`],
    }));
    acknowledgeFinding(role.policy,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:RDSOSMetrics:log-stream:*]',
      'RDS enhanced monitoring writes one log stream per DB instance, named after the instance\'s resource ID, into the '
      + 'RDSOSMetrics log group; RDS checks these permissions when it creates the instance, before that ID exists.');
    return role;
  }

  private createProxy(vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection): rds.DatabaseProxy {
    const securityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc,
      description: 'RDS Proxy: the database port from allowed peers; out to the database only',
      allowAllOutbound: false,
    });
    const role = new ManagedPolicyRole(this, 'ProxyRole', {
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
      description: `RDS Proxy of ${this.node.path}`,
    });
    const proxy = this.database.addProxy('Proxy', {
      secrets: [this.databaseSecret],
      vpc,
      vpcSubnets,
      securityGroups: [securityGroup],
      requireTLS: true,
      iamAuth: true,
      role,
    });
    // The proxy reads the database secret with this role from its first connection on.
    proxy.node.addDependency(role.policy);
    return proxy;
  }

  private createBackupPlan(retention: Duration, removalPolicy: RemovalPolicy): backup.BackupPlan {
    const vault = new backup.BackupVault(this, 'BackupVault', {
      encryptionKey: this.databaseKey,
      removalPolicy,
    });
    const plan = new backup.BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: [new backup.BackupPlanRule({
        ruleName: 'Daily',
        // After the automated backup window (02:00-03:00 UTC by default).
        scheduleExpression: events.Schedule.cron({ hour: '4', minute: '0' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(3),
        deleteAfter: retention,
      })],
    });
    const selection = plan.addSelection('Database', {
      resources: [backup.BackupResource.fromRdsDatabaseInstance(this.database)],
    });
    const role = selection.node.tryFindChild('Role');
    if (role) {
      acknowledgeFinding(role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        'AWS Backup\'s own service role policy, maintained by AWS for the resource types it backs up; this role may ' +
        'only be assumed by backup.amazonaws.com for this plan\'s selection.');
    }
    return plan;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validateEngine(engine: rds.IInstanceEngine): 'postgres' | 'mysql' {
    const type = engine.engineType;
    if (type === 'postgres' || type === 'mysql') return type;
    throw propError(this, `database.engine: '${type}' is not supported; use PostgreSQL (the architecture) or MySQL.`);
  }

  private validateStorage(allocated: number, max: number) {
    if (Token.isUnresolved(allocated) || Token.isUnresolved(max)) return;
    if (!Number.isInteger(allocated) || allocated < 20 || allocated > 65536) {
      throw propError(this, `database.allocatedStorageGiB: ${allocated} is outside what gp3 accepts (20 to 65536 GiB).`);
    }
    if (allocated > max) {
      throw propError(this, `database.allocatedStorageGiB (${allocated}) is above database.maxAllocatedStorageGiB (${max}); ` +
        'the autoscaling maximum must be at least the allocated storage.');
    }
  }

  private validateBackupRetention(retention: Duration) {
    if (retention.isUnresolved()) return;
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 0 || days > 35) {
      throw propError(this, `database.backupRetention: ${days} days is outside what RDS keeps (0 to 35 whole days).`);
    }
  }

  private validateWindows(backupWindow: string, maintenanceWindow: string) {
    if (Token.isUnresolved(backupWindow) || Token.isUnresolved(maintenanceWindow)) return;
    const daily = parseDailyWindow(backupWindow);
    if (!daily) {
      throw propError(this, `database.preferredBackupWindow: '${backupWindow}' is not a window; use hh24:mi-hh24:mi in UTC, ` +
        "e.g. '02:00-03:00'.");
    }
    const weekly = parseWeeklyWindow(maintenanceWindow);
    if (!weekly) {
      throw propError(this, `database.preferredMaintenanceWindow: '${maintenanceWindow}' is not a window; use ` +
        "ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. 'sun:03:00-sun:04:00'.");
    }
    if (durationMinutes(daily, false) < 30) {
      throw propError(this, `database.preferredBackupWindow: '${backupWindow}' is shorter than the 30 minutes RDS requires.`);
    }
    if (durationMinutes(weekly, true) < 30) {
      throw propError(this, `database.preferredMaintenanceWindow: '${maintenanceWindow}' is shorter than the 30 minutes RDS requires.`);
    }
    if (dailyOverlapsWeekly(daily, weekly)) {
      throw propError(this, `database.preferredBackupWindow ('${backupWindow}') overlaps database.preferredMaintenanceWindow ` +
        `('${maintenanceWindow}'); RDS requires them apart.`);
    }
  }

  private validateMajorVersionUpgrade(flavor: 'postgres' | 'mysql', allow: boolean, replicas: number) {
    if (Token.isUnresolved(allow) || Token.isUnresolved(replicas)) return;
    if (allow && flavor === 'mysql' && replicas > 0) {
      throw propError(this, `database.allowMajorVersionUpgrade: true with database.readReplicas: ${replicas} on MySQL ` +
        'cannot be deployed: RDS upgrades MySQL read replicas before their source, and CloudFormation updates the ' +
        'source first. Remove the read replicas (readReplicas: 0), upgrade, then add them back.');
    }
  }

  private validateReadReplicas(count: number) {
    if (Token.isUnresolved(count)) return;
    if (!Number.isInteger(count) || count < 0 || count > 15) {
      throw propError(this, `database.readReplicas: ${count} is outside what RDS allows (0 to 15).`);
    }
  }
}

/**
 * Writes the database's literal port into ingress rules that aws-cdk-lib opened with the port as a token (the
 * instance's `Endpoint.Port`), so that the rules read as what they are, for reviewers and compliance rules alike.
 */
class PinDatabasePort implements IAspect {
  constructor(private readonly port: number) {}

  public visit(node: IConstruct): void {
    if (node instanceof ec2.CfnSecurityGroupIngress && Token.isUnresolved(node.fromPort)) {
      node.fromPort = this.port;
      node.toPort = this.port;
    }
  }
}

/** The parameter group family of the default engine, PostgreSQL 15, whose parameter group keeps its original construct ID. */
const DEFAULT_PARAMETER_GROUP_FAMILY = 'postgres15';

/** Characters that break connection strings and shells, kept out of generated passwords. */
const EXCLUDED_PASSWORD_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

const REPLICA_ENCRYPTION_REASON = 'A same-region read replica inherits the encryption and KMS key of its source ' +
  'instance, which is encrypted; CloudFormation rejects StorageEncrypted together with SourceDBInstanceIdentifier.';

const PORT_REASON = 'The architecture fixes the database port (PostgreSQL 5432, in its security group rules); the ' +
  'database is reachable only from the allowed security groups in isolated subnets behind a NACL, over TLS.';
