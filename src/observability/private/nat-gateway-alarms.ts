import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory';
import { AlarmSettings } from './alarm-settings';

/**
 * Alarms on each NAT gateway that the VPC created (`ec2.Vpc` makes them in its public subnets), in `scope`: port
 * allocation errors and dropped packets. NAT instances, and the gateways of an imported VPC, are not watched: only
 * gateways publish `AWS/NATGateway` metrics, and an imported VPC does not say which it has.
 */
export function addNatGatewayAlarms(scope: Construct, topic: sns.ITopic, factory: AlarmFactory, vpc: ec2.IVpc,
  settings: AlarmSettings) {
  const period = Duration.minutes(5);
  const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
  vpc.publicSubnets.forEach((subnet, i) => {
    const gateway = subnet.node.tryFindChild('NATGateway');
    if (!(gateway instanceof ec2.CfnNatGateway)) return;
    const metric = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/NATGateway',
      metricName,
      dimensionsMap: { NatGatewayId: gateway.ref },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
    factory.add(scope, topic, {
      id: `NatPortAllocationErrorsAlarm${i + 1}`,
      setting: settings.natPortAllocationErrors,
      description: t => `NAT gateway ${i + 1} failed to allocate ${t} or more source ports in 5 minutes`,
      metric: metric('ErrorPortAllocation'),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: notBreaching,
    });
    factory.add(scope, topic, {
      id: `NatPacketsDroppedAlarm${i + 1}`,
      setting: settings.natPacketsDropped,
      description: t => `NAT gateway ${i + 1} dropped more than ${t} packets per 5 minutes for 15 minutes`,
      metric: metric('PacketsDropCount'),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: notBreaching,
    });
  });
}
