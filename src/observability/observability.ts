import { Annotations, Aws, Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogBucket, deliverServerAccessLogsByBucketPolicy } from '../core/log-bucket';
import { createLogEncryptionKey } from '../core/log-encryption';
import { US_EAST_1, followerValue, isInUsEast1, regionalFollowerScope } from '../core/us-east-1';
import { ResilientDataTier } from '../data-tier/resilient-data-tier';
import { SecureEdge } from '../edge/secure-edge';
import { NetworkFoundation } from '../network/network-foundation';
import { ScalableWebTier } from '../web-tier/scalable-web-tier';

/**
 * Alarm thresholds. Each alarm fires when its metric crosses the threshold for the evaluation periods documented on
 * `Observability`; units are in the names.
 */
export interface AlarmThresholds {
  /**
   * Average CPU of the web fleet above which it alarms (15 minutes).
   * @default 80
   */
  readonly webCpuPercent?: number;
  /**
   * Unhealthy targets at or above which the load balancer alarms (3 minutes).
   * @default 1 - any unhealthy target
   */
  readonly unhealthyHosts?: number;
  /**
   * Share of requests answered with a 5xx, by the load balancer or the instances, above which it alarms.
   * @default 5
   */
  readonly http5xxRatePercent?: number;
  /**
   * 95th percentile of the targets' response time above which it alarms.
   * @default 1
   */
  readonly targetResponseTimeSeconds?: number;
  /**
   * Average CPU of the database above which it alarms (15 minutes).
   * @default 80
   */
  readonly databaseCpuPercent?: number;
  /**
   * Free storage of the database below which it alarms.
   * @default 10 GiB (10737418240)
   */
  readonly databaseFreeStorageBytes?: number;
  /**
   * Open connections to the database above which it alarms. The engine's `max_connections` depends on the
   * instance class's memory: set this to about 80% of it.
   * @default 200
   */
  readonly databaseConnections?: number;
  /**
   * Freeable memory of the database below which it alarms.
   * @default 256 MiB (268435456)
   */
  readonly databaseFreeableMemoryBytes?: number;
  /**
   * Lag of a read replica above which it alarms.
   * @default 60
   */
  readonly replicaLagSeconds?: number;
  /**
   * Host CPU of the busiest cache node above which it alarms.
   * @default 80
   */
  readonly cacheCpuPercent?: number;
  /**
   * Engine-thread CPU of the busiest cache node above which it alarms (the engine runs commands on one thread).
   * @default 90
   */
  readonly cacheEngineCpuPercent?: number;
  /**
   * Memory used on the fullest cache node, in percent of `maxmemory`, above which it alarms.
   * @default 80
   */
  readonly cacheMemoryPercent?: number;
  /**
   * Keys evicted over all cache nodes in 5 minutes above which it alarms.
   * @default 1000
   */
  readonly cacheEvictions?: number;
  /**
   * Client connections over all cache nodes above which it alarms (each node accepts 65,000).
   * @default 5000
   */
  readonly cacheConnections?: number;
  /**
   * Port allocation errors of a NAT gateway in 5 minutes at or above which it alarms.
   * @default 1 - any error: connections are being refused
   */
  readonly natPortAllocationErrors?: number;
  /**
   * Packets dropped by a NAT gateway in 5 minutes above which it alarms.
   * @default 100
   */
  readonly natPacketsDropped?: number;
  /**
   * Share of CloudFront requests answered with a 5xx above which it alarms.
   * @default 5
   */
  readonly cloudFront5xxRatePercent?: number;
  /**
   * Requests blocked by the CloudFront web ACL in 5 minutes above which it alarms (an attack or a false positive).
   * @default 1000
   */
  readonly wafBlockedRequests?: number;
}

/**
 * The settings of an `Observability` that do not name the tiers it watches: what `ProductionWebApp` takes as `observability`.
 */
export interface ObservabilityOptions {
  /**
   * E-mail addresses subscribed to the alarm topics. Each must confirm its subscription.
   * @default - no subscriptions: subscribe to `alarmTopic` yourself
   */
  readonly alarmEmails?: string[];

  /**
   * Alarm thresholds.
   * @default - the defaults documented on `AlarmThresholds`
   */
  readonly thresholds?: AlarmThresholds;

  /**
   * Whether to create a multi-region CloudTrail trail with log file validation, delivered to a KMS-encrypted bucket
   * and a CloudWatch Logs log group. One trail per account is enough: turn it off in the other stacks.
   * @default true
   */
  readonly trail?: boolean;

  /**
   * Retention of the trail's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the trail's bucket, log group and the keys when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of `Observability`. Every tier is optional: alarms and dashboard widgets are created for the tiers given.
 */
export interface ObservabilityProps extends ObservabilityOptions {
  /**
   * The bucket that receives the server access logs of the trail's bucket, e.g. `StorageBuckets.logs`. It must be
   * created in this app: S3 log delivery is admitted by a statement added to its bucket policy.
   * @default - a new bucket: SSE-S3, versioned, public access blocked, TLS only, logs kept a year
   */
  readonly accessLogsBucket?: s3.IBucket;
  /** The network whose NAT gateways to watch. @default - no network alarms */
  readonly network?: NetworkFoundation;

  /** The web tier to watch. @default - no web tier alarms or widgets */
  readonly webTier?: ScalableWebTier;

  /** The data tier to watch (database, read replicas and cache). @default - no data tier alarms or widgets */
  readonly dataTier?: ResilientDataTier;

  /** The edge to watch (CloudFront and its web ACL). @default - no edge alarms or widgets */
  readonly edge?: SecureEdge;
}

/** The metric and rule of one alarm. */
interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

const PERCENT_THRESHOLDS = ['webCpuPercent', 'http5xxRatePercent', 'databaseCpuPercent', 'cacheCpuPercent',
  'cacheEngineCpuPercent', 'cacheMemoryPercent', 'cloudFront5xxRatePercent'] as const;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// CloudWatch accepts at most 10 metrics in the math expression of an alarm.
const MAX_ALARM_MATH_METRICS = 10;

/**
 * Alarms, a dashboard and an audit trail for the tiers of the architecture ("Monitoring & Logging").
 *
 * - **Alarm topic**: an SNS topic encrypted with a rotated customer-managed key that CloudWatch (of this account) may
 *   use, TLS only, with the e-mail subscriptions. Every alarm notifies it when it fires and when it recovers.
 * - **Alarms** (5-minute periods unless said): web fleet CPU (average, 3 of 3), unhealthy targets (maximum over
 *   1 minute, 3 of 3), 5xx rate ((load balancer + target 5xx) / requests, 2 of 3), target response time (p95, 3 of
 *   3); database CPU (3 of 3), free storage (minimum, 1), connections (3 of 3), freeable memory (3 of 3) and the lag of
 *   each read replica (maximum, 3 of 3); cache host and engine CPU, memory and connections (3 of 3), evictions (1);
 *   per NAT gateway, port allocation errors (1) and dropped packets (3 of 3); CloudFront 5xx rate (2 of 3) and web
 *   ACL blocked requests (1).
 * - **Missing data**: traffic-driven metrics (5xx, latency, evictions, NAT, CloudFront, WAF) are not published
 *   without traffic, so missing data is not breaching; the database and cache publish all the time, so a gap means
 *   the resource is down and is breaching; the fleet's CPU and unhealthy hosts keep their state (missing), as the
 *   fleet may be replacing its instances.
 * - **us-east-1**: CloudFront and CLOUDFRONT-scope WAF metrics exist only in us-east-1, and an alarm must be in its
 *   metric's region. Elsewhere, the two alarms need the distribution's ID and the web ACL's ARN, which the us-east-1
 *   companion stack (deployed first) cannot know: they are created in a us-east-1 follower stack
 *   (`<stack ID>-us-east-1-monitoring`), deployed after this stack, which reads both values from SSM parameters of
 *   this stack's region and notifies a us-east-1 topic with the same settings and subscriptions.
 * - **Dashboard**: load balancer requests and latency; Auto Scaling group; RDS performance; ElastiCache hit ratio;
 *   application error rate; cost and billing.
 * - **Trail**: multi-region, with log file validation, KMS-encrypted, to a versioned, access-logged bucket and a
 *   KMS-encrypted log group.
 *
 * @example
 * declare const webTier: ScalableWebTier;
 * declare const dataTier: ResilientDataTier;
 * new Observability(this, 'Observability', { webTier, dataTier, alarmEmails: ['ops@example.com'] });
 */
export class Observability extends Construct {
  /** Default thresholds, as documented on `AlarmThresholds`. */
  public static readonly DEFAULT_THRESHOLDS: AlarmThresholds = {
    webCpuPercent: 80,
    unhealthyHosts: 1,
    http5xxRatePercent: 5,
    targetResponseTimeSeconds: 1,
    databaseCpuPercent: 80,
    databaseFreeStorageBytes: 10 * 1024 ** 3,
    databaseConnections: 200,
    databaseFreeableMemoryBytes: 256 * 1024 ** 2,
    replicaLagSeconds: 60,
    cacheCpuPercent: 80,
    cacheEngineCpuPercent: 90,
    cacheMemoryPercent: 80,
    cacheEvictions: 1000,
    cacheConnections: 5000,
    natPortAllocationErrors: 1,
    natPacketsDropped: 100,
    cloudFront5xxRatePercent: 5,
    wafBlockedRequests: 1000,
  };

  /** The topic every alarm of this stack's region notifies. */
  public readonly alarmTopic: sns.Topic;
  /** The key of the alarm topic. */
  public readonly alarmTopicKey: kms.Key;
  /**
   * The topic the us-east-1 alarms notify, in the us-east-1 follower stack, when this stack is elsewhere and an
   * edge is watched; in us-east-1 they notify `alarmTopic`.
   */
  public readonly usEast1AlarmTopic?: sns.Topic;
  /** Every alarm created, in both regions. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The CloudTrail trail, unless disabled. */
  public readonly trail?: cloudtrail.Trail;
  /** The bucket the trail delivers to. */
  public readonly trailBucket?: s3.Bucket;
  /** The key that encrypts the trail's log files and bucket. */
  public readonly trailKey?: kms.Key;
  /** The log group the trail delivers to. */
  public readonly trailLogGroup?: logs.LogGroup;

  private readonly thresholds: Required<AlarmThresholds>;
  private readonly emails: string[];

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByBucketPolicy(this);
    this.emails = props.alarmEmails ?? [];
    this.validateEmails(this.emails);
    this.thresholds = { ...Observability.DEFAULT_THRESHOLDS, ...definedOnly(props.thresholds ?? {}) } as Required<AlarmThresholds>;
    this.validateThresholds(this.thresholds);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    [this.alarmTopic, this.alarmTopicKey] = this.createAlarmTopic(this);

    if (props.webTier) this.addWebTierAlarms(props.webTier);
    if (props.dataTier) this.addDataTierAlarms(props.dataTier);
    if (props.network) this.addNetworkAlarms(props.network);
    if (props.edge) this.usEast1AlarmTopic = this.addEdgeAlarms(props.edge);

    this.dashboard = this.createDashboard(props);

    if (props.trail ?? true) {
      const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
      [this.trail, this.trailBucket, this.trailKey, this.trailLogGroup] = this.createTrail(retention, removalPolicy,
        props.accessLogsBucket);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation
  // ---------------------------------------------------------------------------------------------------------------

  private validateEmails(emails: string[]) {
    for (const email of emails) {
      if (Token.isUnresolved(email)) continue;
      if (!EMAIL_PATTERN.test(email)) {
        throw propError(this, `alarmEmails: '${email}' is not an e-mail address.`);
      }
    }
  }

  private validateThresholds(thresholds: Required<AlarmThresholds>) {
    for (const [name, value] of Object.entries(thresholds)) {
      if (Token.isUnresolved(value)) continue;
      const isPercent = (PERCENT_THRESHOLDS as readonly string[]).includes(name);
      if (!Number.isFinite(value) || value < 0 || (isPercent && value > 100)) {
        throw propError(this, `thresholds.${name}: ${value} is out of range; it must be `
          + (isPercent ? 'a percentage between 0 and 100.' : 'a non-negative number.'));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Alarm topics
  // ---------------------------------------------------------------------------------------------------------------

  private createAlarmTopic(scope: Construct): [sns.Topic, kms.Key] {
    const key = new kms.Key(scope, 'AlarmTopicKey', {
      description: `Encrypts the alarm notifications of ${this.node.path}`,
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications to an encrypted topic only when the key lets it (SNS docs).
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }));
    const topic = new sns.Topic(scope, 'AlarmTopic', {
      displayName: 'Alarms',
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of this.emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return [topic, key];
  }

  private addAlarm(scope: Construct, topic: sns.ITopic, spec: AlarmSpec): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, spec.id, {
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    const action = new cloudwatchActions.SnsAction(topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Alarms
  // ---------------------------------------------------------------------------------------------------------------

  private addWebTierAlarms(web: ScalableWebTier) {
    const t = this.thresholds;
    const add = (spec: AlarmSpec) => this.addAlarm(this, this.alarmTopic, spec);
    add({
      id: 'WebCpuAlarm',
      description: `Web fleet average CPU above ${t.webCpuPercent}% for 15 minutes`,
      metric: web.metricCpuUtilization(),
      threshold: t.webCpuPercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    add({
      id: 'UnhealthyHostsAlarm',
      description: `${t.unhealthyHosts} or more load balancer targets unhealthy for 3 minutes`,
      metric: web.metricUnhealthyHostCount({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) }),
      threshold: t.unhealthyHosts,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    add({
      id: 'Http5xxRateAlarm',
      description: `More than ${t.http5xxRatePercent}% of requests answered with a 5xx in 2 of 3 five-minute periods`,
      metric: this.http5xxRate(web),
      threshold: t.http5xxRatePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    add({
      id: 'TargetResponseTimeAlarm',
      description: `p95 target response time above ${t.targetResponseTimeSeconds} s for 15 minutes`,
      metric: web.metricTargetResponseTime({ statistic: 'p95', period: Duration.minutes(5) }),
      threshold: t.targetResponseTimeSeconds,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** 5xx responses, from the load balancer and the instances, in percent of requests (0 without requests). */
  private http5xxRate(web: ScalableWebTier): cloudwatch.MathExpression {
    const period = Duration.minutes(5);
    return new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
      usingMetrics: {
        requests: web.metricRequestCount({ statistic: cloudwatch.Stats.SUM, period }),
        elb5xx: web.metricLoadBalancer5xxCount({ statistic: cloudwatch.Stats.SUM, period }),
        target5xx: web.metricTarget5xxCount({ statistic: cloudwatch.Stats.SUM, period }),
      },
      label: '5xx rate (%)',
      period,
    });
  }

  private addDataTierAlarms(data: ResilientDataTier) {
    const t = this.thresholds;
    const add = (spec: AlarmSpec) => this.addAlarm(this, this.alarmTopic, spec);
    const period = Duration.minutes(5);
    const breaching = cloudwatch.TreatMissingData.BREACHING;
    add({
      id: 'DatabaseCpuAlarm',
      description: `Database average CPU above ${t.databaseCpuPercent}% for 15 minutes`,
      metric: data.metricDatabaseCpuUtilization({ period }),
      threshold: t.databaseCpuPercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    });
    add({
      id: 'DatabaseFreeStorageAlarm',
      description: `Database free storage below ${t.databaseFreeStorageBytes} bytes`,
      metric: data.metricDatabaseFreeStorageSpace({ statistic: cloudwatch.Stats.MINIMUM, period }),
      threshold: t.databaseFreeStorageBytes,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: breaching,
    });
    add({
      id: 'DatabaseConnectionsAlarm',
      description: `More than ${t.databaseConnections} database connections for 15 minutes`,
      metric: data.metricDatabaseConnections({ statistic: cloudwatch.Stats.AVERAGE, period }),
      threshold: t.databaseConnections,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    });
    add({
      id: 'DatabaseFreeableMemoryAlarm',
      description: `Database freeable memory below ${t.databaseFreeableMemoryBytes} bytes for 15 minutes`,
      metric: data.metricDatabaseFreeableMemory({ statistic: cloudwatch.Stats.AVERAGE, period }),
      threshold: t.databaseFreeableMemoryBytes,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    });
    data.readReplicas.forEach((replica, i) => add({
      id: `ReplicaLagAlarm${i + 1}`,
      description: `Read replica ${i + 1} more than ${t.replicaLagSeconds} s behind for 15 minutes`,
      metric: replica.metric('ReplicaLag', { statistic: cloudwatch.Stats.MAXIMUM, period }),
      threshold: t.replicaLagSeconds,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    }));

    const cache = data.cache;
    const cacheSpecs: AlarmSpec[] = [{
      id: 'CacheCpuAlarm',
      description: `Busiest cache node's host CPU above ${t.cacheCpuPercent}% for 15 minutes`,
      metric: cache.metricCpuUtilization(),
      threshold: t.cacheCpuPercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    }, {
      id: 'CacheEngineCpuAlarm',
      description: `Busiest cache node's engine CPU above ${t.cacheEngineCpuPercent}% for 15 minutes`,
      metric: cache.metricEngineCpuUtilization(),
      threshold: t.cacheEngineCpuPercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    }, {
      id: 'CacheMemoryAlarm',
      description: `Fullest cache node above ${t.cacheMemoryPercent}% of its memory for 15 minutes`,
      metric: cache.metricDatabaseMemoryUsagePercentage(),
      threshold: t.cacheMemoryPercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    }, {
      id: 'CacheEvictionsAlarm',
      description: `More than ${t.cacheEvictions} cache keys evicted in 5 minutes`,
      metric: cache.metricEvictions(),
      threshold: t.cacheEvictions,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }, {
      id: 'CacheConnectionsAlarm',
      description: `More than ${t.cacheConnections} cache client connections for 15 minutes`,
      metric: cache.metricCurrConnections(),
      threshold: t.cacheConnections,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    }];
    const nodes = Object.keys(cacheSpecs[0].metric.toMetricConfig().mathExpression?.usingMetrics ?? {}).length;
    if (nodes > MAX_ALARM_MATH_METRICS) {
      Annotations.of(this).addWarningV2('cdk-production-webapp:cacheAlarmsSkipped',
        `The cache has ${nodes} nodes; CloudWatch alarms accept at most ${MAX_ALARM_MATH_METRICS} metrics in a math `
        + 'expression, so no cache alarm is created (the dashboard still shows the cache).');
      return;
    }
    cacheSpecs.forEach(add);
  }

  private addNetworkAlarms(network: NetworkFoundation) {
    const t = this.thresholds;
    const period = Duration.minutes(5);
    // NAT instances have no CfnNatGateway: only gateways publish AWS/NATGateway metrics.
    network.vpc.publicSubnets.forEach((subnet, i) => {
      const gateway = subnet.node.tryFindChild('NATGateway');
      if (!(gateway instanceof ec2.CfnNatGateway)) return;
      const metric = (metricName: string) => new cloudwatch.Metric({
        namespace: 'AWS/NATGateway',
        metricName,
        dimensionsMap: { NatGatewayId: gateway.ref },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
      this.addAlarm(this, this.alarmTopic, {
        id: `NatPortAllocationErrorsAlarm${i + 1}`,
        description: `NAT gateway ${i + 1} failed to allocate ${t.natPortAllocationErrors} or more source ports in 5 minutes`,
        metric: metric('ErrorPortAllocation'),
        threshold: t.natPortAllocationErrors,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.addAlarm(this, this.alarmTopic, {
        id: `NatPacketsDroppedAlarm${i + 1}`,
        description: `NAT gateway ${i + 1} dropped more than ${t.natPacketsDropped} packets per 5 minutes for 15 minutes`,
        metric: metric('PacketsDropCount'),
        threshold: t.natPacketsDropped,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    });
  }

  /** Creates the us-east-1 alarms; returns the us-east-1 topic when it is not `alarmTopic`. */
  private addEdgeAlarms(edge: SecureEdge): sns.Topic | undefined {
    const t = this.thresholds;
    // CloudFront and WAF publish their metrics in us-east-1 only. Elsewhere, the alarms need the distribution's ID and
    // the web ACL's ARN, which the companion stack (deployed first) cannot know: they go to the follower stack, deployed
    // after this one, which reads them back, with a topic of their own.
    const inUsEast1 = isInUsEast1(this);
    const home = inUsEast1 ? this : this.usEast1FollowerHome(edge);
    const topic = inUsEast1 ? this.alarmTopic : this.createAlarmTopic(home)[0];
    const producer = Stack.of(edge);

    this.addAlarm(home, topic, {
      id: 'CloudFront5xxRateAlarm',
      description: `More than ${t.cloudFront5xxRatePercent}% of CloudFront requests answered with a 5xx in 2 of 3 five-minute periods`,
      metric: cloudFront5xxRate(followerValue(home, 'DistributionId', edge.distribution.distributionId, producer)),
      threshold: t.cloudFront5xxRatePercent,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // An imported web ACL (webAclArn) is not watched: it is managed, and alarmed, where it was created.
    if (edge.webAcl) {
      this.addAlarm(home, topic, {
        id: 'WafBlockedRequestsAlarm',
        description: `More than ${t.wafBlockedRequests} requests blocked by the CloudFront web ACL in 5 minutes`,
        metric: wafBlockedRequests(followerValue(home, 'WebAclArn', edge.webAclArn, producer)),
        threshold: t.wafBlockedRequests,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    return inUsEast1 ? undefined : topic;
  }

  /** This construct's container in the us-east-1 follower stack (deployed after this stack and the edge's). */
  private usEast1FollowerHome(edge: SecureEdge): Construct {
    const stack = regionalFollowerScope(this, US_EAST_1);
    // The follower depends on this stack; the edge may be in another.
    stack.addStackDependency(Stack.of(edge), "The alarms read the distribution's ID and the web ACL's ARN from it");
    const id = `${Names.uniqueId(this)}Alarms`;
    return (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dashboard
  // ---------------------------------------------------------------------------------------------------------------

  private createDashboard(props: ObservabilityProps): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
    const header = (text: string) => dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${text}`, width: 24, height: 1 }));
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
    const period = Duration.minutes(5);
    const web = props.webTier;
    const data = props.dataTier;

    if (web) {
      header('Load balancer');
      dashboard.addWidgets(
        graph('Request count', [web.metricRequestCount({ statistic: cloudwatch.Stats.SUM, period })]),
        graph('Target response time', [
          web.metricTargetResponseTime({ statistic: 'p50', period, label: 'p50' }),
          web.metricTargetResponseTime({ statistic: 'p95', period, label: 'p95' }),
          web.metricTargetResponseTime({ statistic: 'p99', period, label: 'p99' }),
        ]),
      );
      header('Auto Scaling group');
      dashboard.addWidgets(
        graph('In-service instances', [new cloudwatch.Metric({
          namespace: 'AWS/AutoScaling',
          metricName: 'GroupInServiceInstances',
          dimensionsMap: { AutoScalingGroupName: web.autoScalingGroup.autoScalingGroupName },
          statistic: cloudwatch.Stats.AVERAGE,
          period,
        })], [
          web.metricHealthyHostCount({ statistic: cloudwatch.Stats.MINIMUM, period, label: 'Healthy targets' }),
        ]),
        graph('Fleet CPU (%)', [web.metricCpuUtilization()]),
      );
    }
    if (data) {
      const db = data.database;
      header('RDS performance');
      dashboard.addWidgets(
        graph('Database CPU (%) and connections', [data.metricDatabaseCpuUtilization({ period })],
          [data.metricDatabaseConnections({ period })]),
        graph('Database IOPS', [
          db.metric('ReadIOPS', { statistic: cloudwatch.Stats.AVERAGE, period }),
          db.metric('WriteIOPS', { statistic: cloudwatch.Stats.AVERAGE, period }),
        ]),
        graph('Database free storage (bytes)', [data.metricDatabaseFreeStorageSpace({ statistic: cloudwatch.Stats.MINIMUM, period })]),
        ...(data.readReplicas.length ? [graph('Replica lag (s)', data.readReplicas.map((r, i) =>
          r.metric('ReplicaLag', { statistic: cloudwatch.Stats.MAXIMUM, period, label: `Replica ${i + 1}` })))] : []),
      );
      header('ElastiCache');
      dashboard.addWidgets(
        graph('Cache hit ratio (%)', [cacheHitRatio(data.cache.replicationGroup.ref)]),
        // One math expression per graph: the cache's expressions name their node metrics alike.
        graph('Cache memory, fullest node (%)', [data.cache.metricDatabaseMemoryUsagePercentage()]),
        graph('Cache evictions', [data.cache.metricEvictions()]),
      );
    }
    if (web || props.edge) {
      header('Application error rate');
      dashboard.addWidgets(
        ...(web ? [graph('Load balancer 5xx rate (%)', [this.http5xxRate(web)])] : []),
        ...(props.edge ? [graph('CloudFront 5xx rate (%)', [cloudFront5xxRate(props.edge.distribution.distributionId)], [
          wafBlockedRequests(props.edge.webAclArn),
        ])] : []),
      );
    }
    header('Cost and billing');
    dashboard.addWidgets(new cloudwatch.SingleValueWidget({
      title: 'Estimated charges this month (USD)',
      // Billing metrics exist only in us-east-1 (and only when billing alerts are enabled in the account).
      metrics: [new cloudwatch.Metric({
        namespace: 'AWS/Billing',
        metricName: 'EstimatedCharges',
        dimensionsMap: { Currency: 'USD' },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(6),
        region: 'us-east-1',
      })],
      region: 'us-east-1',
      width: 12,
      height: 6,
    }));
    return dashboard;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Trail
  // ---------------------------------------------------------------------------------------------------------------

  private createTrail(retention: logs.RetentionDays, removalPolicy: RemovalPolicy, accessLogsBucket?: s3.IBucket)
    : [cloudtrail.Trail, s3.Bucket, kms.Key, logs.LogGroup] {
    const key = new kms.Key(this, 'TrailKey', {
      description: `Encrypts the CloudTrail log files of ${this.node.path}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const trailArns = `arn:${Aws.PARTITION}:cloudtrail:*:${Aws.ACCOUNT_ID}:trail/*`;
    // As the CloudTrail documentation's key policy: trails of this account may encrypt with the key.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArns },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudtrail:${Aws.REGION}:${Aws.ACCOUNT_ID}:trail/*` },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
    }));

    const accessLogs = accessLogsBucket ?? createLogBucket(this, 'TrailAccessLogsBucket', {
      holds: 'the server access logs of the CloudTrail bucket',
      // S3 server access logs are delivered under a bucket policy: no ACL needed.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      expirationDays: 365,
      removalPolicy,
    });
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail/',
      lifecycleRules: [{
        // One year searchable (PCI DSS 10.7 keeps 3 months immediately available), then archived; 7 years in all.
        id: 'ArchiveThenExpireTrailLogs',
        transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(365) }],
        expiration: Duration.days(7 * 365),
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy,
    });
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(bucket.node.defaultChild!, `${pack}-S3BucketReplicationEnabled`,
        'CloudTrail log files are versioned, integrity-validated and kept 7 years in this bucket; a multi-region '
        + 'trail already records every region, so the bucket is not replicated.');
    }

    const logKey = createLogEncryptionKey(this, 'TrailLogKey', `Encrypts the CloudTrail log group of ${this.node.path}`,
      removalPolicy);
    const logGroup = new logs.LogGroup(this, 'TrailLogGroup', {
      encryptionKey: logKey,
      retention,
      removalPolicy,
    });

    const trail = new cloudtrail.Trail(this, 'Trail', {
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      encryptionKey: key,
      bucket,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
    this.moveLogsRolePolicyToManagedPolicy(trail, logGroup);
    return [trail, bucket, key, logGroup];
  }

  /**
   * `Trail` gives CloudTrail's CloudWatch Logs role an inline `DefaultPolicy` and takes no role of ours. The HIPAA,
   * NIST 800-53 R5 and PCI DSS packs reject inline policies: the same permissions move to a customer-managed policy.
   */
  private moveLogsRolePolicyToManagedPolicy(trail: cloudtrail.Trail, logGroup: logs.LogGroup) {
    const role = trail.node.findChild('LogsRole') as iam.Role;
    role.node.tryRemoveChild('DefaultPolicy');
    const policy = new iam.ManagedPolicy(role, 'Policy', {
      description: `Lets CloudTrail deliver the events of ${trail.node.path} to its log group`,
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      })],
    });
    // CloudTrail checks the role's permissions when the trail is created.
    trail.node.defaultChild!.node.addDependency(policy);
  }
}

/** CloudFront's 5xx error rate of the distribution, in percent (us-east-1, average over 5 minutes). */
function cloudFront5xxRate(distributionId: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/CloudFront',
    metricName: '5xxErrorRate',
    dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
    statistic: cloudwatch.Stats.AVERAGE,
    period: Duration.minutes(5),
    region: 'us-east-1',
  });
}

/**
 * Requests blocked by a CLOUDFRONT-scope web ACL (us-east-1, sum over 5 minutes). The metric's WebACL dimension is
 * the ACL's name, the third part of its ARN's resource (`global/webacl/<name>/<id>`); CLOUDFRONT ACLs have no Region
 * dimension.
 */
function wafBlockedRequests(webAclArn: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/WAFV2',
    metricName: 'BlockedRequests',
    dimensionsMap: { WebACL: Fn.select(2, Fn.split('/', webAclArn)), Rule: 'ALL' },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    region: 'us-east-1',
  });
}

/** Hits over hits and misses, in percent, over every node of a replication group (SEARCH: dashboards only). */
function cacheHitRatio(replicationGroupId: string): cloudwatch.MathExpression {
  const period = Duration.minutes(5);
  const search = (metricName: string) => new cloudwatch.MathExpression({
    expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="${metricName}" "${replicationGroupId}"', 'Sum', 300)`,
    usingMetrics: {},
    period,
  });
  return new cloudwatch.MathExpression({
    expression: '100 * SUM(hits) / (SUM(hits) + SUM(misses))',
    usingMetrics: { hits: search('CacheHits'), misses: search('CacheMisses') },
    label: 'Hit ratio (%)',
    period,
  });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
