import { Duration, Fn } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

const FIVE_MINUTES = Duration.minutes(5);

/** Average CPU utilization of an Auto Scaling group's instances, in percent, over 5 minutes. */
export function fleetCpuUtilization(group: autoscaling.IAutoScalingGroup): cloudwatch.Metric {
  return groupAverage('AWS/EC2', 'CPUUtilization', group);
}

/** In-service instances of an Auto Scaling group (published when its group metrics are enabled). */
export function inServiceInstances(group: autoscaling.IAutoScalingGroup): cloudwatch.Metric {
  return groupAverage('AWS/AutoScaling', 'GroupInServiceInstances', group);
}

function groupAverage(namespace: string, metricName: string, group: autoscaling.IAutoScalingGroup): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
    statistic: cloudwatch.Stats.AVERAGE,
    period: FIVE_MINUTES,
  });
}

/** 5xx responses, from the load balancer and the targets, in percent of requests (0 without requests). */
export function http5xxRate(loadBalancer: elbv2.IApplicationLoadBalancer, targetGroup: elbv2.IApplicationTargetGroup)
  : cloudwatch.MathExpression {
  const options = { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES };
  return new cloudwatch.MathExpression({
    expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
    usingMetrics: {
      requests: loadBalancer.metrics.requestCount(options),
      elb5xx: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, options),
      target5xx: targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, options),
    },
    label: '5xx rate (%)',
    period: FIVE_MINUTES,
  });
}

/** CloudFront's 5xx error rate of the distribution, in percent (us-east-1, average over 5 minutes). */
export function cloudFront5xxRate(distributionId: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/CloudFront',
    metricName: '5xxErrorRate',
    dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
    statistic: cloudwatch.Stats.AVERAGE,
    period: FIVE_MINUTES,
    region: 'us-east-1',
  });
}

/**
 * Requests blocked by a CLOUDFRONT-scope web ACL (us-east-1, sum over 5 minutes). The metric's WebACL dimension is
 * the ACL's name, the third part of its ARN's resource (`global/webacl/<name>/<id>`); CLOUDFRONT ACLs have no Region
 * dimension.
 */
export function wafBlockedRequests(webAclArn: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/WAFV2',
    metricName: 'BlockedRequests',
    dimensionsMap: { WebACL: Fn.select(2, Fn.split('/', webAclArn)), Rule: 'ALL' },
    statistic: cloudwatch.Stats.SUM,
    period: FIVE_MINUTES,
    region: 'us-east-1',
  });
}
