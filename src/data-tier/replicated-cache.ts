import { Duration, Names, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CacheEngine } from './cache-engine';
import { AUTH_TOKEN_EXCLUDED_CHARACTERS, AUTH_TOKEN_LENGTH, AuthTokenRotation } from './private/auth-token-rotation';
import { TimeWindow, dailyOverlapsWeekly, durationMinutes, parseDailyWindow, parseWeeklyWindow } from './private/windows';
import { acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogEncryptionKey } from '../core/log-encryption';
import { validateRotationPeriod } from '../core/rotation-function';
import { ICacheMetrics } from '../observability/cache-metrics';

/**
 * Settings of a `ReplicatedCache`, without its placement: what `ResilientDataTier` passes through.
 */
export interface ReplicatedCacheOptions {
  /**
   * Name of the replication group: 1 to 40 lowercase letters, digits and hyphens, starting with a letter, without two
   * hyphens in a row or a hyphen at the end.
   *
   * The group has a fixed name so that a change CloudFormation can only make by replacing it (`replicasPerShard`,
   * the engine) fails at deployment (a resource with a custom name cannot be replaced) instead of swapping in a new,
   * empty cache. To make such a change on purpose, give a new name in the same deployment, with `snapshotName` to
   * restore the data into the new group. Changing the name alone replaces the group.
   *
   * @default - derived from the construct path and unique in the account and region, like the database's identifier
   */
  readonly replicationGroupId?: string;

  /**
   * Name of an ElastiCache snapshot whose data the replication group starts with, when it is created. Only read on
   * creation: once the group exists, keep the value, since changing or removing it replaces the group.
   *
   * @default - the replication group starts empty
   */
  readonly snapshotName?: string;

  /**
   * Engine and version.
   *
   * @default CacheEngine.redis() - Redis OSS 7.1
   */
  readonly engine?: CacheEngine;

  /**
   * Node type of every node.
   *
   * @default 'cache.t3.medium' - 2 vCPUs and 3 GiB
   */
  readonly nodeType?: string;

  /**
   * Number of shards (node groups), 1 to 500. A change adds or removes shards online (online resharding).
   *
   * @default 2
   */
  readonly shards?: number;

  /**
   * Number of replicas in each shard, 0 to 5. Automatic failover needs at least one. CloudFormation can only change it
   * by replacing the replication group, which its fixed name (`replicationGroupId`) refuses: see `replicationGroupId`.
   *
   * @default 1 - each shard survives the loss of a node or an Availability Zone
   */
  readonly replicasPerShard?: number;

  /**
   * Whether a replica takes over when its primary fails. Cluster mode, which this construct always uses, requires it.
   *
   * @default true
   */
  readonly automaticFailover?: boolean;

  /**
   * Port the nodes listen on.
   *
   * @default 6379 - the Redis port
   */
  readonly port?: number;

  /**
   * Days automatic snapshots are kept, 0 to 35; 0 turns automatic snapshots off.
   *
   * @default 5
   */
  readonly snapshotRetentionDays?: number;

  /**
   * Daily window of automatic snapshots, 'hh24:mi-hh24:mi' in UTC, at least 60 minutes, apart from the maintenance window.
   *
   * @default '05:00-06:00'
   */
  readonly snapshotWindow?: string;

  /**
   * Weekly maintenance window, 'ddd:hh24:mi-ddd:hh24:mi' in UTC, at least 60 minutes.
   *
   * @default 'sun:06:00-sun:07:00'
   */
  readonly maintenanceWindow?: string;

  /**
   * KMS key that encrypts the data at rest (nodes and snapshots), the AUTH token secret and the rotation
   * function's dead-letter queue.
   *
   * @default - a new customer-managed key with rotation on, retained when removed from the stack
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the slow log, the engine log and the rotation function's log.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the replication group when it leaves the stack. The keys, the AUTH token secret and the log groups
   * are retained unless this is `RemovalPolicy.DESTROY`.
   *
   * @default RemovalPolicy.SNAPSHOT - a final snapshot is taken before the replication group is deleted
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Time between two rotations of the AUTH token, 4 hours to 1000 days. Clients must re-read the token within this
   * time: each rotation removes the token before the current one.
   *
   * @default Duration.days(30)
   */
  readonly authTokenRotationSchedule?: Duration;
}

/**
 * Properties of a `ReplicatedCache`.
 */
export interface ReplicatedCacheProps extends ReplicatedCacheOptions {
  /**
   * The VPC to run in, e.g. `NetworkFoundation.vpc`.
   */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the cache nodes; they must span at least two Availability Zones (Multi-AZ).
   *
   * @default - the isolated subnets: the data subnets of `NetworkFoundation`. With
   * `DataSubnetPlacement.APPLICATION`, pass `network.dataSubnets`.
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Subnets of the AUTH token rotation function. They need a route to the Secrets Manager and ElastiCache APIs (a NAT
   * gateway or interface endpoints), which the isolated data subnets of `NetworkFoundation` do not have.
   *
   * @default - the private subnets with egress: the application subnets of `NetworkFoundation`
   */
  readonly rotationSubnets?: ec2.SubnetSelection;
}

/**
 * The cache of the architecture (https://github.com/cdk-production-webapp/cdk-production-webapp/blob/main/docs/architecture.md#data-tier): an ElastiCache replication group in cluster mode, Redis OSS 7
 * or Valkey, sharded and replicated across Availability Zones with automatic failover, encrypted at rest with KMS and
 * in transit with TLS (required), protected by an AUTH token, with slow and engine logs in CloudWatch Logs.
 *
 * Authentication is an AUTH token kept in Secrets Manager and rotated by a Lambda function of this construct, rather
 * than RBAC users and user groups: every Redis and Valkey client supports AUTH with a password, and ElastiCache's ROTATE
 * strategy adds the new token while the current one stays valid, so rotation needs no downtime and no client
 * coordination. ROTATE keeps the two newest tokens, so a client must re-read the secret (`grantReadAuthToken`) within
 * one rotation period, e.g. whenever a connection is refused with WRONGPASS.
 *
 * The nodes' security group admits only the construct's own rotation function until a peer is allowed:
 * `cache.connections.allowDefaultPortFrom(webTier)`. The rotation function runs in subnets with a route to the AWS APIs
 * (`rotationSubnets`), and the data subnets' NACL must admit them on the cache port, as `NetworkFoundation`'s does for
 * its application subnets on 6379.
 *
 * @example
 * declare const network: NetworkFoundation;
 * const cache = new ReplicatedCache(this, 'Cache', { vpc: network.vpc });
 */
export class ReplicatedCache extends Construct implements ec2.IConnectable, ICacheMetrics {
  /** Default node type. */
  public static readonly DEFAULT_NODE_TYPE = 'cache.t3.medium';
  /** Default number of shards. */
  public static readonly DEFAULT_SHARDS = 2;
  /** Default number of replicas per shard. */
  public static readonly DEFAULT_REPLICAS_PER_SHARD = 1;
  /** Default port: Redis. */
  public static readonly DEFAULT_PORT = 6379;
  /** Default snapshot retention in days. */
  public static readonly DEFAULT_SNAPSHOT_RETENTION_DAYS = 5;
  /** Default daily snapshot window, UTC. */
  public static readonly DEFAULT_SNAPSHOT_WINDOW = '05:00-06:00';
  /** Default weekly maintenance window, UTC, right after the snapshot window on Sundays. */
  public static readonly DEFAULT_MAINTENANCE_WINDOW = 'sun:06:00-sun:07:00';

  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The name of the replication group. */
  public readonly replicationGroupId: string;
  /** Network connections of the cache; the default port is the cache port. */
  public readonly connections: ec2.Connections;
  /** The security group of the cache nodes. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The secret holding the AUTH token (a plain string, rotated automatically). */
  public readonly authToken: secretsmanager.ISecret;
  /** The key encrypting the data at rest, the AUTH token and the rotation function's dead-letter queue. */
  public readonly encryptionKey: kms.IKey;
  /** Address of the configuration endpoint, for cluster-mode clients. */
  public readonly configurationEndpointAddress: string;
  /** Port of the configuration endpoint. */
  public readonly configurationEndpointPort: string;
  /** The port the nodes listen on. */
  public readonly port: number;
  /** Engine and version. */
  public readonly engine: CacheEngine;
  /** The slow-log and engine-log groups, in that order. */
  public readonly logGroups: logs.LogGroup[];
  /** The function that rotates the AUTH token. */
  public readonly rotationFunction: lambda.IFunction;

  private readonly shards: number;
  private readonly replicasPerShard: number;

  constructor(scope: Construct, id: string, props: ReplicatedCacheProps) {
    super(scope, id);

    this.engine = props.engine ?? CacheEngine.redis();
    this.engine._validate(this);
    const nodeType = props.nodeType ?? ReplicatedCache.DEFAULT_NODE_TYPE;
    this.validateNodeType(nodeType);
    this.shards = props.shards ?? ReplicatedCache.DEFAULT_SHARDS;
    this.replicasPerShard = props.replicasPerShard ?? ReplicatedCache.DEFAULT_REPLICAS_PER_SHARD;
    this.validateTopology(this.shards, this.replicasPerShard, props.automaticFailover ?? true);
    this.port = props.port ?? ReplicatedCache.DEFAULT_PORT;
    this.validatePort(this.port);
    const snapshotRetentionDays = props.snapshotRetentionDays ?? ReplicatedCache.DEFAULT_SNAPSHOT_RETENTION_DAYS;
    this.validateSnapshotRetention(snapshotRetentionDays);
    const snapshotWindow = props.snapshotWindow ?? ReplicatedCache.DEFAULT_SNAPSHOT_WINDOW;
    const maintenanceWindow = props.maintenanceWindow ?? ReplicatedCache.DEFAULT_MAINTENANCE_WINDOW;
    this.validateWindows(snapshotWindow, maintenanceWindow);
    const rotationSchedule = props.authTokenRotationSchedule ?? Duration.days(30);
    validateRotationPeriod(this, 'authTokenRotationSchedule', rotationSchedule);
    this.replicationGroupId = props.replicationGroupId ?? this.defaultReplicationGroupId();
    this.validateReplicationGroupId(this.replicationGroupId);
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    this.validateSubnets(subnets);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    // Keys, the secret and logs outlive the replication group unless the caller asks for a clean teardown.
    const retained = removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'EncryptionKey', {
      description: `Encrypts the cache data and AUTH token of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy: retained,
    });
    const logKey = createLogEncryptionKey(this, 'LogKey', `Encrypts the logs of ${this.node.path}`, retained);
    this.logGroups = ['SlowLogGroup', 'EngineLogGroup'].map(logId =>
      new logs.LogGroup(this, logId, { encryptionKey: logKey, retention: logRetention, removalPolicy: retained }));

    // Nothing in until a peer is allowed through `connections`; nothing out.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Cache nodes: the cache port from allowed peers only; no outbound',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(this.port) });

    const { replicationGroup, authToken } = this.createReplicationGroup(props, subnets, retained, {
      nodeType, snapshotRetentionDays, snapshotWindow, maintenanceWindow,
    });
    this.replicationGroup = replicationGroup;
    this.authToken = authToken;
    this.replicationGroup.applyRemovalPolicy(removalPolicy);
    // Without it, CloudFormation replaces the whole replication group when the number of shards changes.
    this.replicationGroup.cfnOptions.updatePolicy = { useOnlineResharding: true };
    this.configurationEndpointAddress = this.replicationGroup.attrConfigurationEndPointAddress;
    this.configurationEndpointPort = this.replicationGroup.attrConfigurationEndPointPort;

    const rotation = new AuthTokenRotation(this, 'AuthTokenRotation', {
      secret: authToken,
      replicationGroup: this.replicationGroup,
      cacheConnections: this.connections,
      vpc: props.vpc,
      vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      encryptionKey: this.encryptionKey,
      logKey,
      logRetention,
      logRemovalPolicy: retained,
      automaticallyAfter: rotationSchedule,
    });
    this.rotationFunction = rotation.function;

    this.acknowledgeInherentFindings(snapshotRetentionDays);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Resources
  // ---------------------------------------------------------------------------------------------------------------

  /** The AUTH token, generated by Secrets Manager with the characters ElastiCache accepts, encrypted with the cache's key. */
  private createAuthToken(retained: RemovalPolicy): secretsmanager.Secret {
    return new secretsmanager.Secret(this, 'AuthToken', {
      description: `AUTH token of the cache ${this.node.path}`,
      encryptionKey: this.encryptionKey,
      generateSecretString: {
        passwordLength: AUTH_TOKEN_LENGTH,
        excludeCharacters: AUTH_TOKEN_EXCLUDED_CHARACTERS,
        includeSpace: false,
        requireEachIncludedType: true,
      },
      removalPolicy: retained,
    });
  }

  /**
   * The replication group in cluster mode: its subnets and parameters, encrypted at rest with
   * the cache's key and in transit, AUTH required, snapshots and logs delivered to the encrypted log groups.
   */
  private createReplicationGroup(props: ReplicatedCacheProps, subnets: ec2.SelectedSubnets, retained: RemovalPolicy,
    settings: { nodeType: string; snapshotRetentionDays: number; snapshotWindow: string; maintenanceWindow: string }) {
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Subnets of the cache ${this.node.path}`,
      subnetIds: subnets.subnetIds,
    });
    const parameterGroup = new elasticache.CfnParameterGroup(this, 'ParameterGroup', {
      description: `Cluster-mode parameters of the cache ${this.node.path}`,
      cacheParameterGroupFamily: this.engine._parameterGroupFamily(),
      properties: { 'cluster-enabled': 'yes' },
    });
    const authToken = this.createAuthToken(retained);
    const [slowLog, engineLog] = this.logGroups;
    const replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: this.replicationGroupId,
      snapshotName: props.snapshotName,
      replicationGroupDescription: `Cache ${this.node.path}`,
      engine: this.engine.engine,
      engineVersion: this.engine.version,
      cacheNodeType: settings.nodeType,
      numNodeGroups: this.shards,
      replicasPerNodeGroup: this.replicasPerShard,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      cacheParameterGroupName: parameterGroup.ref,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port: this.port,
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: this.engine._supportsTransitEncryptionMode() ? 'required' : undefined,
      // A {{resolve:secretsmanager:...}} dynamic reference: CloudFormation reads the token at deploy time.
      authToken: authToken.secretValue.unsafeUnwrap(),
      snapshotRetentionLimit: settings.snapshotRetentionDays,
      snapshotWindow: settings.snapshotWindow,
      preferredMaintenanceWindow: settings.maintenanceWindow,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [
        logDelivery('slow-log', slowLog),
        logDelivery('engine-log', engineLog),
      ],
    });
    return { replicationGroup, authToken };
  }

  /**
   * Lets a principal read the AUTH token: the secret, and decryption with its key.
   */
  public grantReadAuthToken(grantee: iam.IGrantable): iam.Grant {
    return this.authToken.grantRead(grantee);
  }

  /**
   * Host CPU utilization of the busiest node, in percent (maximum over the nodes of the average over 5 minutes).
   * On nodes with 4 vCPUs or fewer, watch `metricEngineCpuUtilization` instead.
   *
   * ElastiCache publishes metrics per node only (dimension `CacheClusterId`), so this and the other metric methods are
   * math expressions over every node of the replication group as configured. CloudWatch alarms accept at most 10
   * metrics in an expression: with more than 10 nodes, use them in dashboards only.
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metricOverNodes('CPUUtilization', 'MAX', cloudwatch.Stats.AVERAGE, props);
  }

  /** CPU utilization of the engine thread of the busiest node, in percent (maximum over the nodes, 5-minute average). */
  public metricEngineCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metricOverNodes('EngineCPUUtilization', 'MAX', cloudwatch.Stats.AVERAGE, props);
  }

  /** Memory used on the fullest node, in percent of its `maxmemory` (maximum over the nodes, 5-minute average). */
  public metricDatabaseMemoryUsagePercentage(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metricOverNodes('DatabaseMemoryUsagePercentage', 'MAX', cloudwatch.Stats.AVERAGE, props);
  }

  /** Keys evicted for lack of memory, over all nodes (sum over 5 minutes). */
  public metricEvictions(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metricOverNodes('Evictions', 'SUM', cloudwatch.Stats.SUM, props);
  }

  /** Client connections, over all nodes (sum of the per-node 5-minute averages). */
  public metricCurrConnections(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metricOverNodes('CurrConnections', 'SUM', cloudwatch.Stats.AVERAGE, props);
  }

  /**
   * Hits over hits and misses, in percent, over every node (sum over 5 minutes). It finds the nodes with `SEARCH`,
   * which dashboards accept and alarms do not.
   */
  public metricHitRatio(props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    const period = props.period ?? Duration.minutes(5);
    const search = (metricName: string) => new cloudwatch.MathExpression({
      expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="${metricName}" "${this.replicationGroup.ref}"', 'Sum', ${period.toSeconds()})`,
      usingMetrics: {},
      period,
    });
    return new cloudwatch.MathExpression({
      expression: '100 * SUM(hits) / (SUM(hits) + SUM(misses))',
      usingMetrics: { hits: search('CacheHits'), misses: search('CacheMisses') },
      label: props.label ?? 'Hit ratio (%)',
      period,
      color: props.color,
    });
  }

  /** Replication lag of the furthest-behind replica, in seconds (maximum over the nodes, 5-minute maximum). */
  public metricReplicationLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.metricOverNodes('ReplicationLag', 'MAX', cloudwatch.Stats.MAXIMUM, props);
  }

  /**
   * A replication group name from the construct path, unique in the account and region: lowercase letters, digits
   * and hyphens, 40 at most, starting with a letter, without double or trailing hyphens (ElastiCache's rules).
   */
  private defaultReplicationGroupId(): string {
    const unique = Names.uniqueResourceName(this, { maxLength: 40, separator: '-' })
      .toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-');
    const name = /^[a-z]/.test(unique) ? unique : `c${unique}`;
    return name.slice(0, 40).replace(/-+$/, '');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Metrics
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * One metric over every node. In cluster mode the nodes are the cache clusters `<group>-<shard>-<node>`, shards
   * numbered from 0001 and nodes within a shard from 001.
   */
  private metricOverNodes(metricName: string, aggregate: 'MAX' | 'SUM', statistic: string,
    props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    if (Token.isUnresolved(this.shards) || Token.isUnresolved(this.replicasPerShard)) {
      throw propError(this, `metric ${metricName}: shards and replicasPerShard are tokens, so the nodes cannot be ` +
        'listed at synth time; give literal numbers to use the metric methods.');
    }
    const period = props.period ?? Duration.minutes(5);
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    for (let shard = 1; shard <= this.shards; shard++) {
      for (let node = 1; node <= this.replicasPerShard + 1; node++) {
        usingMetrics[`shard${shard}node${node}`] = new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: {
            CacheClusterId: `${this.replicationGroup.ref}-${String(shard).padStart(4, '0')}-${String(node).padStart(3, '0')}`,
          },
          statistic: props.statistic ?? statistic,
          period,
          region: props.region,
          account: props.account,
        });
      }
    }
    return new cloudwatch.MathExpression({
      expression: `${aggregate}([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      period,
      label: props.label ?? `${metricName} (${aggregate.toLowerCase()} over nodes)`,
      color: props.color,
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inherent cdk-nag findings
  // ---------------------------------------------------------------------------------------------------------------

  private acknowledgeInherentFindings(snapshotRetentionDays: number) {
    if (this.port === ReplicatedCache.DEFAULT_PORT) {
      acknowledgeFinding(this.replicationGroup, 'AwsSolutions-AEC5',
        'The architecture fixes the cache on the Redis port 6379 (its security groups and NACLs are written ' +
        'for it). A non-default port hides nothing from a scanner; access is limited by the security group (allowed ' +
        'peers only), the data subnets\' NACL, required TLS and the AUTH token.');
    }
    if (Token.isUnresolved(snapshotRetentionDays) || snapshotRetentionDays < 15) {
      const reason = `The cache keeps automatic snapshots ${Token.isUnresolved(snapshotRetentionDays) ? 'for the configured number of' : `for ${snapshotRetentionDays}`} ` +
        'days (the architecture keeps 5 days). It holds sessions and copies of database query results, which are ' +
        'rebuilt from the database and expire; the system of record is the RDS database, with its own backups.';
      acknowledgeFinding(this.replicationGroup, 'HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup', reason);
      acknowledgeFinding(this.replicationGroup, 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup', reason);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validateReplicationGroupId(id: string) {
    if (Token.isUnresolved(id)) return;
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(id) || id.includes('--') || id.endsWith('-')) {
      throw propError(this, `replicationGroupId: '${id}' is not a replication group name ElastiCache accepts; use 1 to 40 ` +
        'lowercase letters, digits and hyphens, starting with a letter, without two hyphens in a row or a hyphen at the end.');
    }
  }

  private validateNodeType(nodeType: string) {
    if (Token.isUnresolved(nodeType)) return;
    if (!/^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(nodeType)) {
      throw propError(this, `nodeType: '${nodeType}' is not an ElastiCache node type; expected the form ` +
        "'cache.<family>.<size>', e.g. 'cache.t3.medium'.");
    }
  }

  private validateTopology(shards: number, replicas: number, automaticFailover: boolean) {
    if (!Token.isUnresolved(shards) && (!Number.isInteger(shards) || shards < 1 || shards > 500)) {
      throw propError(this, `shards: ${shards} is not a valid number of shards; a cluster-mode replication group has ` +
        '1 to 500 shards.');
    }
    if (!Token.isUnresolved(replicas) && (!Number.isInteger(replicas) || replicas < 0 || replicas > 5)) {
      throw propError(this, `replicasPerShard: ${replicas} is not a valid number of replicas; each shard has 0 to 5 replicas.`);
    }
    if (!Token.isUnresolved(automaticFailover) && !automaticFailover) {
      throw propError(this, 'automaticFailover: false is not possible: cluster mode, which ReplicatedCache always ' +
        'uses, requires automatic failover; omit automaticFailover or set it to true.');
    }
    if (!Token.isUnresolved(replicas) && replicas === 0) {
      throw propError(this, 'replicasPerShard: 0 leaves the primaries alone, but automatic failover (required by ' +
        'cluster mode) needs at least one replica per shard; use 1 to 5.');
    }
  }

  private validatePort(port: number) {
    if (Token.isUnresolved(port)) return;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw propError(this, `port: ${port} is not a TCP port; ports are whole numbers from 1 to 65535.`);
    }
  }

  private validateSnapshotRetention(days: number) {
    if (Token.isUnresolved(days)) return;
    if (!Number.isInteger(days) || days < 0 || days > 35) {
      throw propError(this, `snapshotRetentionDays: ${days} is not a valid retention; ElastiCache keeps automatic ` +
        'snapshots 0 (off) to 35 days.');
    }
  }

  private validateWindows(snapshotText: string, maintenanceText: string) {
    const snapshot = Token.isUnresolved(snapshotText) ? undefined : this.parseSnapshotWindow(snapshotText);
    const maintenance = Token.isUnresolved(maintenanceText) ? undefined : this.parseMaintenanceWindow(maintenanceText);
    if (snapshot && maintenance && dailyOverlapsWeekly(snapshot, maintenance)) {
      throw propError(this, `snapshotWindow: '${snapshot.text}' overlaps maintenanceWindow '${maintenance.text}' on ` +
        'at least one day; ElastiCache requires the two windows not to overlap.');
    }
  }

  private parseSnapshotWindow(text: string): TimeWindow {
    const window = parseDailyWindow(text);
    if (!window) {
      throw propError(this, `snapshotWindow: '${text}' is not a daily window; expected 'hh24:mi-hh24:mi' in UTC, ` +
        "e.g. '05:00-06:00'.");
    }
    this.validateWindowLength('snapshotWindow', window, false);
    return window;
  }

  private parseMaintenanceWindow(text: string): TimeWindow {
    const window = parseWeeklyWindow(text);
    if (!window) {
      throw propError(this, `maintenanceWindow: '${text}' is not a weekly window; expected 'ddd:hh24:mi-ddd:hh24:mi' ` +
        "in UTC with days mon to sun, e.g. 'sun:06:00-sun:07:00'.");
    }
    this.validateWindowLength('maintenanceWindow', window, true);
    return window;
  }

  private validateWindowLength(prop: string, window: TimeWindow, weekly: boolean) {
    const minutes = durationMinutes(window, weekly);
    if (minutes < 60) {
      throw propError(this, `${prop}: '${window.text}' lasts ${minutes} minutes; ElastiCache needs a window of at ` +
        'least 60 minutes.');
    }
  }

  private validateSubnets(subnets: ec2.SelectedSubnets) {
    const zones = subnets.availabilityZones;
    if (zones.some(zone => Token.isUnresolved(zone))) return;
    const distinct = new Set(zones).size;
    if (distinct < 2) {
      throw propError(this, `vpcSubnets: the selected subnets span ${distinct} Availability Zone(s); Multi-AZ with ` +
        'automatic failover needs subnets in at least 2.');
    }
  }
}

function logDelivery(logType: string, logGroup: logs.ILogGroup): elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty {
  return {
    logType,
    logFormat: 'json',
    destinationType: 'cloudwatch-logs',
    destinationDetails: { cloudWatchLogsDetails: { logGroup: logGroup.logGroupName } },
  };
}
