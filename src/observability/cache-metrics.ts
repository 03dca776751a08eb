import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The metrics of a cache that `Observability` watches, each over every node of the cache. `ReplicatedCache`
 * implements it; implement it for a cache of your own (ElastiCache publishes per node, under the `CacheClusterId`
 * dimension).
 *
 * CloudWatch alarms accept at most 10 metrics in a math expression: a metric over more nodes is shown on the
 * dashboard and not alarmed.
 */
export interface ICacheMetrics {
  /** Host CPU utilization of the busiest node, in percent. */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** CPU utilization of the engine thread of the busiest node, in percent. */
  metricEngineCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Memory used on the fullest node, in percent of its `maxmemory`. */
  metricDatabaseMemoryUsagePercentage(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Keys evicted for lack of memory, over all nodes, in 5 minutes. */
  metricEvictions(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Client connections, over all nodes. */
  metricCurrConnections(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Hits over hits and misses, in percent, over all nodes (for the dashboard: it may use `SEARCH`, which alarms cannot). */
  metricHitRatio(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
}
