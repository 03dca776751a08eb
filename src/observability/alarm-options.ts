import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * A second, earlier level of an alarm: another alarm on the same metric, with the same evaluation, that fires before
 * the alarm itself (a warning before the critical alarm).
 */
export interface WarningLevel {
  /**
   * The warning's threshold, in the alarm's unit. It must be crossed first: below the alarm's threshold for alarms on
   * a value that rises (CPU, errors), above it for alarms on a value that falls (free storage, freeable memory).
   */
  readonly threshold: number;

  /**
   * The topic the warning notifies when it fires and when it recovers, e.g. a topic of a chat channel while the
   * critical alarm pages. CloudWatch notifies only topics of the alarm's own region: the CloudFront and WAF alarms are
   * in us-east-1.
   * @default - the alarm topic the critical alarm notifies
   */
  readonly topic?: sns.ITopic;
}

/**
 * How one alarm is created: whether at all, at which threshold, and with a warning level.
 *
 * @example
 * const options: AlarmOptions = { threshold: 90, warning: { threshold: 75 } };
 */
export interface AlarmOptions {
  /**
   * Whether to create the alarm. Without it the metric is still on the dashboard, and nothing notifies when it
   * crosses a threshold.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The threshold, in the unit of the alarm's name.
   * @default - the alarm's default, as documented on its property
   */
  readonly threshold?: number;

  /**
   * A warning level: a second alarm, whose construct ID is the alarm's followed by `Warning`
   * (`WebCpuAlarmWarning`), with the same metric and evaluation at an earlier threshold.
   * @default - no warning: one alarm, at `threshold`
   */
  readonly warning?: WarningLevel;
}

/** The alarms of a web tier: an Application Load Balancer, its target group and, when given, its Auto Scaling group. */
export interface WebTierAlarmOptions {
  /**
   * Average CPU of the Auto Scaling group, in percent, above which it alarms (3 of 3 five-minute periods; missing
   * data keeps the state, as the fleet may be replacing its instances). Needs the Auto Scaling group.
   * @default - above 80
   */
  readonly cpuPercent?: AlarmOptions;

  /**
   * Unhealthy targets, at or above which it alarms (maximum over 1 minute, 3 of 3).
   * @default - 1: any unhealthy target
   */
  readonly unhealthyHosts?: AlarmOptions;

  /**
   * Share of requests answered with a 5xx, by the load balancer or the targets, above which it alarms (2 of 3
   * five-minute periods; no requests, no alarm).
   * @default - above 5
   */
  readonly http5xxRatePercent?: AlarmOptions;

  /**
   * 95th percentile of the targets' response time, in seconds, above which it alarms (3 of 3 five-minute periods).
   * @default - above 1
   */
  readonly targetResponseTimeSeconds?: AlarmOptions;
}

/**
 * The alarms of an RDS database instance and its read replicas. The database publishes all the time: a gap in its
 * metrics means it is down, and alarms.
 */
export interface DatabaseAlarmOptions {
  /**
   * Average CPU, in percent, above which it alarms (3 of 3 five-minute periods).
   * @default - above 80
   */
  readonly cpuPercent?: AlarmOptions;

  /**
   * Free storage, in bytes, below which it alarms (minimum over 5 minutes, at once).
   * @default - below 10 GiB (10737418240)
   */
  readonly freeStorageBytes?: AlarmOptions;

  /**
   * Open connections above which it alarms (3 of 3 five-minute periods). The engine's `max_connections` depends on
   * the instance class's memory: set this to about 80% of it.
   * @default - above 200
   */
  readonly connections?: AlarmOptions;

  /**
   * Freeable memory, in bytes, below which it alarms (3 of 3 five-minute periods).
   * @default - below 256 MiB (268435456)
   */
  readonly freeableMemoryBytes?: AlarmOptions;

  /**
   * Lag of each read replica, in seconds, above which it alarms (maximum, 3 of 3 five-minute periods).
   * @default - above 60
   */
  readonly replicaLagSeconds?: AlarmOptions;
}

/**
 * The alarms of an ElastiCache replication group, over its nodes. The cache publishes all the time: a gap in its
 * metrics means it is down, and alarms (except evictions, published only when keys are evicted).
 */
export interface CacheAlarmOptions {
  /**
   * Host CPU of the busiest node, in percent, above which it alarms (3 of 3 five-minute periods).
   * @default - above 80
   */
  readonly cpuPercent?: AlarmOptions;

  /**
   * Engine-thread CPU of the busiest node, in percent, above which it alarms (the engine runs commands on one
   * thread; 3 of 3 five-minute periods).
   * @default - above 90
   */
  readonly engineCpuPercent?: AlarmOptions;

  /**
   * Memory used on the fullest node, in percent of `maxmemory`, above which it alarms (3 of 3 five-minute periods).
   * @default - above 80
   */
  readonly memoryPercent?: AlarmOptions;

  /**
   * Keys evicted over all nodes in 5 minutes above which it alarms (at once).
   * @default - above 1000
   */
  readonly evictions?: AlarmOptions;

  /**
   * Client connections over all nodes above which it alarms (each node accepts 65,000; 3 of 3 five-minute periods).
   * @default - above 5000
   */
  readonly connections?: AlarmOptions;
}

/** The alarms of each NAT gateway of a VPC. Traffic-driven: no traffic, no data, no alarm. */
export interface NatGatewayAlarmOptions {
  /**
   * Port allocation errors in 5 minutes at or above which it alarms (at once).
   * @default - 1: any error, connections are being refused
   */
  readonly portAllocationErrors?: AlarmOptions;

  /**
   * Packets dropped in 5 minutes above which it alarms (3 of 3 five-minute periods).
   * @default - above 100
   */
  readonly packetsDropped?: AlarmOptions;
}

/** The alarms of a CloudFront distribution and its web ACL, in us-east-1 where their metrics are published. */
export interface EdgeAlarmOptions {
  /**
   * Share of CloudFront requests answered with a 5xx, in percent, above which it alarms (2 of 3 five-minute periods).
   * @default - above 5
   */
  readonly cloudFront5xxRatePercent?: AlarmOptions;

  /**
   * Requests blocked by the web ACL in 5 minutes above which it alarms (at once): an attack, or a rule blocking
   * legitimate requests.
   * @default - above 1000
   */
  readonly wafBlockedRequests?: AlarmOptions;
}
