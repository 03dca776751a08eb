import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { cloudFront5xxRate, fleetCpuUtilization, http5xxRate, inServiceInstances, wafBlockedRequests } from './metrics';
import { WatchedResources } from './watched-resources';

/**
 * The dashboard (`Dashboard`, in `scope`), a group for each thing watched: load balancer requests and latency; Auto
 * Scaling group; RDS performance; ElastiCache; application error rate; cost and billing.
 */
export function createDashboard(scope: Construct, watched: WatchedResources): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.hours(3),
  });
  const header = (text: string) => dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${text}`, width: 24, height: 1 }));
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
    new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
  const period = Duration.minutes(5);
  const { Stats } = cloudwatch;
  const { web, database, readReplicas, cache, edge } = watched;

  if (web) {
    const targets = web.targetGroup.metrics;
    header('Load balancer');
    dashboard.addWidgets(
      graph('Request count', [web.loadBalancer.metrics.requestCount({ statistic: Stats.SUM, period })]),
      graph('Target response time', ['p50', 'p95', 'p99'].map(statistic =>
        targets.targetResponseTime({ statistic, period, label: statistic }))),
    );
    if (web.autoScalingGroup) {
      header('Auto Scaling group');
      dashboard.addWidgets(
        graph('In-service instances', [inServiceInstances(web.autoScalingGroup)], [
          targets.healthyHostCount({ statistic: Stats.MINIMUM, period, label: 'Healthy targets' }),
        ]),
        graph('Fleet CPU (%)', [fleetCpuUtilization(web.autoScalingGroup)]),
      );
    }
  }
  if (database) {
    header('RDS performance');
    dashboard.addWidgets(
      graph('Database CPU (%) and connections', [database.metricCPUUtilization({ period })],
        [database.metricDatabaseConnections({ period })]),
      graph('Database IOPS', [
        database.metric('ReadIOPS', { statistic: Stats.AVERAGE, period }),
        database.metric('WriteIOPS', { statistic: Stats.AVERAGE, period }),
      ]),
      graph('Database free storage (bytes)', [database.metricFreeStorageSpace({ statistic: Stats.MINIMUM, period })]),
      ...(readReplicas.length ? [graph('Replica lag (s)', readReplicas.map((r, i) =>
        r.metric('ReplicaLag', { statistic: Stats.MAXIMUM, period, label: `Replica ${i + 1}` })))] : []),
    );
  }
  if (cache) {
    header('ElastiCache');
    dashboard.addWidgets(
      graph('Cache hit ratio (%)', [cache.metricHitRatio()]),
      // One math expression per graph: the cache's expressions name their node metrics alike.
      graph('Cache memory, fullest node (%)', [cache.metricDatabaseMemoryUsagePercentage()]),
      graph('Cache evictions', [cache.metricEvictions()]),
    );
  }
  if (web || edge) {
    header('Application error rate');
    dashboard.addWidgets(
      ...(web ? [graph('Load balancer 5xx rate (%)', [http5xxRate(web.loadBalancer, web.targetGroup)])] : []),
      ...(edge ? [graph('CloudFront 5xx rate (%)', [cloudFront5xxRate(edge.distribution.distributionId)],
        edge.webAclArn ? [wafBlockedRequests(edge.webAclArn)] : [])] : []),
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
      statistic: Stats.MAXIMUM,
      period: Duration.hours(6),
      region: 'us-east-1',
    })],
    region: 'us-east-1',
    width: 12,
    height: 6,
  }));
  return dashboard;
}
