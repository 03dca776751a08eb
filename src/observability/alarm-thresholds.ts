/**
 * Alarm thresholds, one for each alarm. Each alarm fires when its metric crosses the threshold for the evaluation
 * periods documented on `Observability`; units are in the names.
 *
 * A shorthand for the `threshold` of the per-tier alarm options (`webCpuPercent: 70` is
 * `webTierAlarms: { cpuPercent: { threshold: 70 } }`), which also turn an alarm off or give it a warning level.
 * `Observability.DEFAULT_THRESHOLDS` lists the defaults.
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
