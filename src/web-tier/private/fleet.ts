import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { propError } from '../../core/errors';
import type { ScalableWebTierProps } from '../scalable-web-tier';

/**
 * The fleet side of the web tier: the launch template, the target group, the Auto Scaling group and how a new launch
 * template rolls out, and the topic of its notifications. Everything is created under the tier, with the tier's
 * construct IDs.
 */

/** The default time a new instance has to pass the load balancer's health check */
export const DEFAULT_HEALTH_CHECK_GRACE_PERIOD = Duration.seconds(300);

/** The launch template: Amazon Linux 2023 for the instance type's architecture, IMDSv2 only, an encrypted gp3 root. */
export function createLaunchTemplate(tier: Construct, props: ScalableWebTierProps, role: iam.IRole,
  securityGroup: ec2.ISecurityGroup, userData: ec2.UserData): ec2.LaunchTemplate {
  const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM);
  const machineImage = props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({
    cpuType: instanceType.architecture === ec2.InstanceArchitecture.ARM_64
      ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
  });
  return new ec2.LaunchTemplate(tier, 'LaunchTemplate', {
    instanceType,
    machineImage,
    userData,
    role,
    securityGroup,
    requireImdsv2: true,
    httpPutResponseHopLimit: 1,
    detailedMonitoring: props.detailedMonitoring ?? false,
    blockDevices: [{
      deviceName: props.rootDeviceName ?? '/dev/xvda',
      volume: ec2.BlockDeviceVolume.ebs(props.rootVolumeSizeGiB ?? 20, {
        volumeType: ec2.EbsDeviceVolumeType.GP3,
        encrypted: true,
        deleteOnTermination: true,
      }),
    }],
  });
}

/** The target group of the fleet, with its health check; the group registers itself later. */
export function createTargetGroup(tier: Construct, props: ScalableWebTierProps, port: number,
  healthCheckPath: string): elbv2.ApplicationTargetGroup {
  return new elbv2.ApplicationTargetGroup(tier, 'TargetGroup', {
    vpc: props.vpc,
    port,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.INSTANCE,
    healthCheck: {
      path: healthCheckPath,
      port: 'traffic-port',
      protocol: elbv2.Protocol.HTTP,
      interval: props.healthCheck?.interval ?? Duration.seconds(15),
      timeout: props.healthCheck?.timeout ?? Duration.seconds(5),
      healthyThresholdCount: props.healthCheck?.healthyThresholdCount ?? 2,
      unhealthyThresholdCount: props.healthCheck?.unhealthyThresholdCount ?? 3,
      healthyHttpCodes: props.healthCheck?.healthyHttpCodes ?? '200',
    },
    stickinessCookieDuration: props.stickinessCookieDuration,
    deregistrationDelay: Duration.seconds(30),
  });
}

/**
 * The alarm that aborts a rollout: a target failing its health check for two minutes in a row. An aborted instance
 * refresh fails the deployment, and CloudFormation's rollback restores the previous launch template on the fleet.
 */
export function createRolloutAlarm(tier: Construct, targetGroup: elbv2.ApplicationTargetGroup,
  topic: sns.ITopic): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(tier, 'RolloutAlarm', {
    alarmDescription: `A target of ${tier.node.path} fails its health check: aborts a rollout, which the deployment then `
      + 'rolls back',
    metric: targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
  return alarm;
}

/**
 * How a new launch template reaches the fleet: an instance refresh that launches the new instances before it
 * terminates old ones (100% to 200% healthy), each warming up for the health check grace period, aborted by the
 * rollout alarms.
 */
export function rolloutPolicy(tier: Construct, props: ScalableWebTierProps, alarms: cloudwatch.IAlarm[]): autoscaling.UpdatePolicy {
  const rollout = props.rollout ?? {};
  validateRollout(tier, props, alarms.length);
  return autoscaling.UpdatePolicy.instanceRefresh({
    strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
    minHealthyPercentage: 100,
    maxHealthyPercentage: 200,
    instanceWarmup: rollout.instanceWarmup ?? props.healthCheckGracePeriod ?? DEFAULT_HEALTH_CHECK_GRACE_PERIOD,
    checkpointPercentages: rollout.checkpointPercentages,
    checkpointDelay: rollout.checkpointDelay,
    bakeTime: rollout.bakeTime,
    alarms: alarms.length ? alarms : undefined,
  });
}

function validateRollout(tier: Construct, props: ScalableWebTierProps, alarmCount: number) {
  const rollout = props.rollout ?? {};
  if (alarmCount > 10) {
    throw propError(tier, `rollout.alarms: ${alarmCount} alarms (with the tier's own) watch a rollout; an instance `
      + 'refresh takes at most 10.');
  }
  const checkpoints = rollout.checkpointPercentages;
  if (checkpoints && !checkpoints.some(Token.isUnresolved)) {
    const ascending = checkpoints.every((value, i) => Number.isInteger(value) && value >= 1 && value <= 100
      && (i === 0 || value > checkpoints[i - 1]));
    if (!checkpoints.length || !ascending || checkpoints[checkpoints.length - 1] !== 100) {
      throw propError(tier, `rollout.checkpointPercentages: [${checkpoints.join(', ')}] is not a checkpoint list; give `
        + 'unique whole percentages in ascending order ending with 100, e.g. [50, 100].');
    }
  }
  if (rollout.checkpointDelay && !checkpoints) {
    throw propError(tier, 'rollout.checkpointDelay: is set without checkpointPercentages; give the checkpoints it waits at.');
  }
}

/** The Auto Scaling group: ELB health checks after the grace period, group metrics, notifications. */
export function createAutoScalingGroup(tier: Construct, props: ScalableWebTierProps, launchTemplate: ec2.LaunchTemplate,
  capacity: { minCapacity: number; maxCapacity: number }, updatePolicy: autoscaling.UpdatePolicy,
  topic: sns.ITopic): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(tier, 'AutoScalingGroup', {
    vpc: props.vpc,
    vpcSubnets: props.instanceSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    launchTemplate,
    minCapacity: capacity.minCapacity,
    maxCapacity: capacity.maxCapacity,
    desiredCapacity: props.desiredCapacity,
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod: props.healthCheckGracePeriod ?? DEFAULT_HEALTH_CHECK_GRACE_PERIOD,
    }),
    updatePolicy,
    notifications: [{ topic }],
    groupMetrics: [autoscaling.GroupMetrics.all()],
  });
}

/** The topic of the scaling notifications, encrypted with its own key that Auto Scaling may use. */
export function createNotificationsTopic(tier: Construct): sns.Topic {
  const key = new kms.Key(tier, 'NotificationsKey', {
    description: `Encrypts the scaling notifications of ${tier.node.path}`,
    enableKeyRotation: true,
  });
  // Auto Scaling publishes through its service-linked role, which needs the key to encrypt messages.
  key.grant(new iam.ArnPrincipal(Stack.of(tier).formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
  })), 'kms:GenerateDataKey*', 'kms:Decrypt');
  // CloudWatch publishes the rollout alarm's notifications.
  key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
  return new sns.Topic(tier, 'NotificationsTopic', {
    displayName: 'Web tier scaling notifications',
    masterKey: key,
    enforceSSL: true,
  });
}
