import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeFinding } from '../../core/compliance';
import { ManagedPolicyRole } from '../../core/managed-policy-role';

/**
 * The instances' role: Systems Manager's agent, the CloudWatch agent's metrics in its own namespace and its logs in the
 * tier's log groups. Every later grant (secrets, configuration, the application release) joins its one
 * customer-managed policy.
 */
export function createInstanceRole(tier: Construct, logGroupArns: string[]): ManagedPolicyRole {
  const role = new ManagedPolicyRole(tier, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `Instances of the web tier ${tier.node.path}`,
  });
  // Systems Manager core: the agent's registration, Run Command and Session Manager channels. The actions that
  // accept a resource are limited to this account's instances; the others take no resource ARNs.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'SystemsManagerInstance',
    actions: [
      'ssm:UpdateInstanceInformation', 'ssm:PutComplianceItems', 'ssm:UpdateInstanceAssociationStatus',
      'ssm:UpdateAssociationStatus',
    ],
    resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'SystemsManagerCore',
    actions: [
      'ssm:DescribeAssociation', 'ssm:GetDeployablePatchSnapshotForInstance', 'ssm:GetDocument', 'ssm:DescribeDocument',
      'ssm:GetManifest', 'ssm:ListAssociations', 'ssm:ListInstanceAssociations', 'ssm:PutInventory',
      'ssm:PutConfigurePackageResult',
      'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
      'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
      'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply',
    ],
    resources: ['*'],
  }));
  // CloudWatch agent: metrics only in its own namespace; instance tags and volumes for its dimensions.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAgentMetrics',
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAgentDimensions',
    actions: ['ec2:DescribeTags', 'ec2:DescribeVolumes'],
    resources: ['*'],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAgentLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: logGroupArns,
  }));
  acknowledgeFinding(role.policy, 'AwsSolutions-IAM5[Resource::*]',
    'Systems Manager agent messaging (ssm, ssmmessages, ec2messages), cloudwatch:PutMetricData and ' +
    'ec2:DescribeTags/DescribeVolumes support no resource-level permissions; PutMetricData is limited to the ' +
    'CWAgent namespace by condition, and log writes are scoped to the tier\'s own log groups.');
  acknowledgeFinding(role.policy, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
    'The Systems Manager agent reports for the instance it runs on, and the Auto Scaling group launches instances whose '
    + 'IDs are unknown until then: the actions that accept a resource are limited to this account\'s and region\'s '
    + 'instances.');
  return role;
}
