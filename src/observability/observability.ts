import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  CacheAlarmOptions, DatabaseAlarmOptions, EdgeAlarmOptions, NatGatewayAlarmOptions, WebTierAlarmOptions,
} from './alarm-options';
import { AlarmThresholds } from './alarm-thresholds';
import { ICacheMetrics } from './cache-metrics';
import { propError } from '../core/errors';
import { deliverServerAccessLogsByBucketPolicy } from '../core/log-bucket';
import { ResilientDataTier } from '../data-tier/resilient-data-tier';
import { SecureEdge } from '../edge/secure-edge';
import { NetworkFoundation } from '../network/network-foundation';
import { ScalableWebTier } from '../web-tier/scalable-web-tier';
import { AlarmFactory } from './private/alarm-factory';
import { defaultThresholds, resolveAlarmSettings } from './private/alarm-settings';
import { createAlarmTopic } from './private/alarm-topic';
import { addCacheAlarms } from './private/cache-alarms';
import { createDashboard } from './private/dashboard';
import { addDatabaseAlarms } from './private/database-alarms';
import { addEdgeAlarms } from './private/edge-alarms';
import { addNatGatewayAlarms } from './private/nat-gateway-alarms';
import { createTrailResources } from './private/trail-resources';
import { watchedResources } from './private/watched-resources';
import { addWebTierAlarms } from './private/web-tier-alarms';

/**
 * The settings of an `Observability` that do not name what it watches: what `ProductionWebApp` takes as `observability`.
 */
export interface ObservabilityOptions {
  /**
   * E-mail addresses subscribed to the alarm topics. Each must confirm its subscription.
   * @default - no subscriptions: subscribe to `alarmTopic` yourself
   */
  readonly alarmEmails?: string[];

  /**
   * The web tier's alarms: turn one off, give it another threshold or a warning level.
   * @default - every alarm of `WebTierAlarmOptions`, at its default threshold, without warning level
   */
  readonly webTierAlarms?: WebTierAlarmOptions;

  /**
   * The database's alarms: turn one off, give it another threshold or a warning level.
   * @default - every alarm of `DatabaseAlarmOptions`, at its default threshold, without warning level
   */
  readonly databaseAlarms?: DatabaseAlarmOptions;

  /**
   * The cache's alarms: turn one off, give it another threshold or a warning level.
   * @default - every alarm of `CacheAlarmOptions`, at its default threshold, without warning level
   */
  readonly cacheAlarms?: CacheAlarmOptions;

  /**
   * The NAT gateways' alarms: turn one off, give it another threshold or a warning level.
   * @default - every alarm of `NatGatewayAlarmOptions`, at its default threshold, without warning level
   */
  readonly natGatewayAlarms?: NatGatewayAlarmOptions;

  /**
   * The CloudFront and web ACL alarms: turn one off, give it another threshold or a warning level.
   * @default - every alarm of `EdgeAlarmOptions`, at its default threshold, without warning level
   */
  readonly edgeAlarms?: EdgeAlarmOptions;

  /**
   * Alarm thresholds, by a flat name (`webCpuPercent`). Giving the same threshold here and in the per-tier options is
   * an error.
   * @default - the defaults documented on the per-tier alarm options (`Observability.DEFAULT_THRESHOLDS`)
   * @deprecated use the `threshold` of the per-tier alarm options: `webTierAlarms`, `databaseAlarms`, `cacheAlarms`,
   * `natGatewayAlarms` and `edgeAlarms`
   */
  readonly thresholds?: AlarmThresholds;

  /**
   * Whether to create a multi-region CloudTrail trail with log file validation, delivered to a KMS-encrypted bucket
   * and a CloudWatch Logs log group (see `AuditTrail`). One trail per account is enough: turn it off in the other
   * stacks.
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
 * Properties of `Observability`: what it watches, and how. Everything is optional: alarms and dashboard widgets are
 * created for what is given.
 *
 * Each tier of this library is a shorthand for the resources it holds (`webTier` for `loadBalancer`, `targetGroup`
 * and `autoScalingGroup`); give the resources instead to watch those you built yourself or imported. Giving a tier
 * and its resources is an error.
 */
export interface ObservabilityProps extends ObservabilityOptions {
  /**
   * The bucket that receives the server access logs of the trail's bucket, e.g. `StorageBuckets.logs`. It must be
   * created in this app: S3 log delivery is admitted by a statement added to its bucket policy.
   * @default - a new bucket: SSE-S3, versioned, public access blocked, TLS only, logs kept a year
   */
  readonly accessLogsBucket?: s3.IBucket;

  /** The network whose NAT gateways to watch: a shorthand for `vpc: network.vpc`. @default - no network alarms */
  readonly network?: NetworkFoundation;

  /**
   * A VPC whose NAT gateways to watch. Only the gateways that an `ec2.Vpc` created are found: NAT instances publish no
   * NAT gateway metrics, and an imported VPC does not say which gateways it has.
   * @default - `network`'s VPC, or no network alarms
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The web tier to watch: a shorthand for its `loadBalancer`, `targetGroup` and `autoScalingGroup`.
   * @default - no web tier alarms or widgets
   */
  readonly webTier?: ScalableWebTier;

  /**
   * An Application Load Balancer to watch: requests, 5xx rate. Needs `targetGroup`.
   * @default - `webTier`'s, or no web tier alarms or widgets
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;

  /**
   * The target group of `loadBalancer` to watch: unhealthy targets, response time, target 5xx. An imported target
   * group must be imported with its load balancer's ARN, as its metrics name the load balancer.
   * @default - `webTier`'s, or none
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;

  /**
   * The Auto Scaling group behind `loadBalancer` to watch: CPU, in-service instances.
   * @default - `webTier`'s; without a web tier, no fleet CPU alarm and no Auto Scaling group widgets
   */
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;

  /**
   * The data tier to watch: a shorthand for its `database`, `readReplicas` and `cache`.
   * @default - no data tier alarms or widgets
   */
  readonly dataTier?: ResilientDataTier;

  /**
   * An RDS database instance to watch, e.g. `rds.DatabaseInstance.fromDatabaseInstanceAttributes(...)`.
   * @default - `dataTier`'s, or no database alarms or widgets
   */
  readonly database?: rds.IDatabaseInstance;

  /**
   * Read replicas of `database` to watch: replica lag.
   * @default - `dataTier`'s, or none
   */
  readonly readReplicas?: rds.IDatabaseInstance[];

  /**
   * A cache to watch: `ReplicatedCache`, or your implementation of `ICacheMetrics`.
   * @default - `dataTier`'s, or no cache alarms or widgets
   */
  readonly cache?: ICacheMetrics;

  /**
   * The edge to watch: a shorthand for its `distribution` and, when the edge created it, its web ACL (an imported
   * web ACL is alarmed where it was created, and only shown on the dashboard).
   * @default - no edge alarms or widgets
   */
  readonly edge?: SecureEdge;

  /**
   * A CloudFront distribution to watch: 5xx rate.
   * @default - `edge`'s, or no edge alarms or widgets
   */
  readonly distribution?: cloudfront.IDistribution;

  /**
   * The ARN of the CLOUDFRONT-scope web ACL of `distribution` to watch: blocked requests.
   * @default - `edge`'s, or no web ACL alarm
   */
  readonly webAclArn?: string;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Alarms, a dashboard and an audit trail for the tiers of the architecture ("Monitoring & Logging"), or for any
 * load balancer, database, cache, VPC or distribution.
 *
 * - **Alarm topic**: an SNS topic encrypted with a rotated customer-managed key that CloudWatch (of this account) may
 *   use, TLS only, with the e-mail subscriptions. Every alarm notifies it when it fires and when it recovers.
 * - **Alarms** (5-minute periods unless said): web fleet CPU (average, 3 of 3), unhealthy targets (maximum over
 *   1 minute, 3 of 3), 5xx rate ((load balancer + target 5xx) / requests, 2 of 3), target response time (p95, 3 of
 *   3); database CPU (3 of 3), free storage (minimum, 1), connections (3 of 3), freeable memory (3 of 3) and the lag of
 *   each read replica (maximum, 3 of 3); cache host and engine CPU, memory and connections (3 of 3), evictions (1);
 *   per NAT gateway, port allocation errors (1) and dropped packets (3 of 3); CloudFront 5xx rate (2 of 3) and web
 *   ACL blocked requests (1). Each can be turned off, given another threshold, or a warning level: a second alarm,
 *   `<alarm ID>Warning`, at an earlier threshold, notifying the same topic or another.
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
 * - **Trail**: as `AuditTrail`: multi-region, with log file validation, KMS-encrypted, to a versioned, access-logged
 *   bucket and a KMS-encrypted log group.
 *
 * @example
 * declare const webTier: ScalableWebTier;
 * declare const dataTier: ResilientDataTier;
 * new Observability(this, 'Observability', { webTier, dataTier, alarmEmails: ['ops@example.com'] });
 */
export class Observability extends Construct {
  /** Default thresholds, by the names of `AlarmThresholds`, as documented on the per-tier alarm options. */
  public static readonly DEFAULT_THRESHOLDS: AlarmThresholds = defaultThresholds();

  /** The topic every alarm of this stack's region notifies. */
  public readonly alarmTopic: sns.Topic;
  /** The key of the alarm topic. */
  public readonly alarmTopicKey: kms.Key;
  /**
   * The topic the us-east-1 alarms notify, in the us-east-1 follower stack, when this stack is elsewhere and a
   * distribution is watched with an alarm on; in us-east-1 they notify `alarmTopic`.
   */
  public readonly usEast1AlarmTopic?: sns.Topic;
  /** Every alarm created, in both regions, warning levels included. */
  public readonly alarms: cloudwatch.Alarm[];
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

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByBucketPolicy(this);
    const emails = props.alarmEmails ?? [];
    this.validateEmails(emails);
    const settings = resolveAlarmSettings(this, props);
    const watched = watchedResources(this, props);

    const { topic, key } = createAlarmTopic(this, this, emails);
    this.alarmTopic = topic;
    this.alarmTopicKey = key;

    // Alarms directly under this construct: their construct IDs, and so their logical IDs, are the contract.
    const factory = new AlarmFactory(this);
    this.alarms = factory.alarms;
    if (watched.web) addWebTierAlarms(this, topic, factory, watched.web, settings);
    addDatabaseAlarms(this, topic, factory, watched.database, watched.readReplicas, settings);
    if (watched.cache) addCacheAlarms(this, topic, factory, watched.cache, settings);
    if (watched.vpc) addNatGatewayAlarms(this, topic, factory, watched.vpc, settings);
    if (watched.edge) this.usEast1AlarmTopic = addEdgeAlarms(this, topic, factory, watched.edge, settings, emails);

    this.dashboard = createDashboard(this, watched);

    if (props.trail ?? true) {
      // Under this construct, not an AuditTrail of its own: the trail's bucket, key and log group keep their IDs.
      const trail = createTrailResources(this, props);
      this.trail = trail.trail;
      this.trailBucket = trail.bucket;
      this.trailKey = trail.key;
      this.trailLogGroup = trail.logGroup;
    }
  }

  private validateEmails(emails: string[]) {
    for (const email of emails) {
      if (Token.isUnresolved(email)) continue;
      if (!EMAIL_PATTERN.test(email)) {
        throw propError(this, `alarmEmails: '${email}' is not an e-mail address.`);
      }
    }
  }
}
