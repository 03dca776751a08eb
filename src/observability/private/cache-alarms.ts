import { Annotations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory, AlarmSpec } from './alarm-factory';
import { AlarmSettings } from './alarm-settings';
import { ICacheMetrics } from '../cache-metrics';

// CloudWatch accepts at most 10 metrics in the math expression of an alarm.
const MAX_ALARM_MATH_METRICS = 10;

/**
 * The cache's alarms, in `scope`: host and engine CPU and memory of the busiest node, evictions and connections over
 * all nodes. A cache publishes all the time: a gap means it is down, and is breaching (evictions excepted).
 */
export function addCacheAlarms(scope: Construct, topic: sns.ITopic, factory: AlarmFactory, cache: ICacheMetrics,
  settings: AlarmSettings) {
  const { ComparisonOperator } = cloudwatch;
  const breaching = cloudwatch.TreatMissingData.BREACHING;
  const specs: AlarmSpec[] = [{
    id: 'CacheCpuAlarm',
    setting: settings.cacheCpuPercent,
    description: t => `Busiest cache node's host CPU above ${t}% for 15 minutes`,
    metric: cache.metricCpuUtilization(),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: breaching,
  }, {
    id: 'CacheEngineCpuAlarm',
    setting: settings.cacheEngineCpuPercent,
    description: t => `Busiest cache node's engine CPU above ${t}% for 15 minutes`,
    metric: cache.metricEngineCpuUtilization(),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: breaching,
  }, {
    id: 'CacheMemoryAlarm',
    setting: settings.cacheMemoryPercent,
    description: t => `Fullest cache node above ${t}% of its memory for 15 minutes`,
    metric: cache.metricDatabaseMemoryUsagePercentage(),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: breaching,
  }, {
    id: 'CacheEvictionsAlarm',
    setting: settings.cacheEvictions,
    description: t => `More than ${t} cache keys evicted in 5 minutes`,
    metric: cache.metricEvictions(),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }, {
    id: 'CacheConnectionsAlarm',
    setting: settings.cacheConnections,
    description: t => `More than ${t} cache client connections for 15 minutes`,
    metric: cache.metricCurrConnections(),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: breaching,
  }];
  const nodes = Math.max(...specs.map(spec => Object.keys(spec.metric.toMetricConfig().mathExpression?.usingMetrics ?? {}).length));
  if (nodes > MAX_ALARM_MATH_METRICS) {
    Annotations.of(scope).addWarningV2('cdk-production-webapp:cacheAlarmsSkipped',
      `The cache has ${nodes} nodes; CloudWatch alarms accept at most ${MAX_ALARM_MATH_METRICS} metrics in a math `
      + 'expression, so no cache alarm is created (the dashboard still shows the cache).');
    return;
  }
  for (const spec of specs) factory.add(scope, topic, spec);
}
