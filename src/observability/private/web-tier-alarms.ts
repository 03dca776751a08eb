import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory';
import { AlarmSettings } from './alarm-settings';
import { fleetCpuUtilization, http5xxRate } from './metrics';
import { WatchedWebTier } from './watched-resources';

/**
 * The web tier's alarms, in `scope`: fleet CPU (when the Auto Scaling group is known), unhealthy targets, 5xx rate
 * and p95 target response time.
 */
export function addWebTierAlarms(scope: Construct, topic: sns.ITopic, factory: AlarmFactory, web: WatchedWebTier,
  settings: AlarmSettings) {
  const add = factory.add.bind(factory, scope, topic);
  const { Stats, ComparisonOperator, TreatMissingData } = cloudwatch;
  if (web.autoScalingGroup) {
    add({
      id: 'WebCpuAlarm',
      setting: settings.webCpuPercent,
      description: t => `Web fleet average CPU above ${t}% for 15 minutes`,
      metric: fleetCpuUtilization(web.autoScalingGroup),
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // The fleet may be replacing its instances: a gap keeps the state.
      treatMissingData: TreatMissingData.MISSING,
    });
  }
  add({
    id: 'UnhealthyHostsAlarm',
    setting: settings.unhealthyHosts,
    description: t => `${t} or more load balancer targets unhealthy for 3 minutes`,
    metric: web.targetGroup.metrics.unhealthyHostCount({ statistic: Stats.MAXIMUM, period: Duration.minutes(1) }),
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: TreatMissingData.MISSING,
  });
  add({
    id: 'Http5xxRateAlarm',
    setting: settings.http5xxRatePercent,
    description: t => `More than ${t}% of requests answered with a 5xx in 2 of 3 five-minute periods`,
    metric: http5xxRate(web.loadBalancer, web.targetGroup),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  add({
    id: 'TargetResponseTimeAlarm',
    setting: settings.targetResponseTimeSeconds,
    description: t => `p95 target response time above ${t} s for 15 minutes`,
    metric: web.targetGroup.metrics.targetResponseTime({ statistic: 'p95', period: Duration.minutes(5) }),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
