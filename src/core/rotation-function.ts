import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './compliance';
import { propError } from './errors';
import { ManagedPolicyRole } from './managed-policy-role';

/** What a Secrets Manager rotation function of this library is made of. */
export interface RotationFunctionProps {
  /** The secret the function rotates. */
  readonly secret: secretsmanager.ISecret;
  /** Description of the function. */
  readonly functionDescription: string;
  /** Description of the role. */
  readonly roleDescription: string;
  /** Description of the function's security group (changing it replaces the group). */
  readonly securityGroupDescription: string;
  /** What the function reaches over HTTPS, for the egress rule ("the Secrets Manager and … APIs"). */
  readonly reaches: string;
  readonly runtime: lambda.Runtime;
  /** The function's code. */
  readonly code: lambda.Code;
  readonly handler: string;
  readonly environment: { [name: string]: string };
  /** The longest a rotation step may take. */
  readonly timeout: Duration;
  /** The permissions of the rotation itself; the network interface, log and dead-letter permissions are added. */
  readonly statements: iam.PolicyStatement[];
  /**
   * Why the role's `Resource: *` statements are inherent: `ec2:DescribeNetworkInterfaces`, which a function in a VPC
   * needs, and the actions of `statements` that support no resource-level permissions.
   */
  readonly wildcardReason: string;
  readonly vpc: ec2.IVpc;
  /** Subnets of the function; they need a route to the APIs it calls. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Encrypts the dead-letter queue and the function's environment variables. */
  readonly queueKey: kms.IKey;
  /** Encrypts the function's log group. */
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Time between two rotations. */
  readonly automaticallyAfter: Duration;
  /**
   * Whether Secrets Manager rotates right after the schedule is created or changed.
   *
   * @default true
   */
  readonly rotateImmediatelyOnUpdate?: boolean;
}

/** The parts of a rotation function. */
export interface RotationFunctionParts {
  readonly function: lambda.Function;
  readonly securityGroup: ec2.SecurityGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly logGroup: logs.LogGroup;
  readonly role: ManagedPolicyRole;
  readonly rotationSchedule: secretsmanager.RotationSchedule;
}

/**
 * A Lambda function that rotates one secret, built the way the four compliance packs ask: in the VPC with its own
 * security group (HTTPS out only), one reserved concurrent execution, a KMS-encrypted dead-letter queue and log group,
 * and a role whose permissions sit in a customer-managed policy. Secrets Manager may invoke it for this secret only.
 * Its children are created directly under `scope` (SecurityGroup, LogGroup, DeadLetterQueue, Role, Function).
 */
export function createRotationFunction(scope: Construct, props: RotationFunctionProps): RotationFunctionParts {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.vpc,
    description: props.securityGroupDescription,
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `HTTPS to ${props.reaches}`);

  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    encryptionKey: props.logKey,
    retention: props.logRetention,
    removalPolicy: props.logRemovalPolicy,
  });

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.queueKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });

  const role = new ManagedPolicyRole(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  for (const statement of props.statements) role.addToPrincipalPolicy(statement);
  addNetworkInterfacePermissions(role, props.vpc.selectSubnets(props.vpcSubnets).subnetIds, securityGroup);
  logGroup.grantWrite(role);
  // Failed invocations are sent to the KMS-encrypted dead-letter queue (aws-cdk-lib grants sqs:SendMessage only), and
  // the function decrypts its environment variables with the same key.
  props.queueKey.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');

  const fn = new lambda.Function(scope, 'Function', {
    description: props.functionDescription,
    runtime: props.runtime,
    handler: props.handler,
    code: props.code,
    timeout: props.timeout,
    memorySize: 256,
    reservedConcurrentExecutions: 1,
    deadLetterQueue,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: [securityGroup],
    role,
    logGroup,
    environment: props.environment,
    environmentEncryption: props.queueKey,
  });

  const rotationSchedule = props.secret.addRotationSchedule('RotationSchedule', {
    rotationLambda: fn,
    automaticallyAfter: props.automaticallyAfter,
    rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate,
  });
  // RotationSchedule lets secretsmanager.amazonaws.com invoke the function with no condition, i.e. from any account
  // (Control Tower CT.LAMBDA.PR.2): only this secret may invoke it.
  for (const child of fn.node.children) {
    if (child instanceof lambda.CfnPermission && Stack.of(scope).resolve(child.principal) === 'secretsmanager.amazonaws.com') {
      child.sourceAccount = Stack.of(scope).account;
      child.sourceArn = props.secret.secretArn;
    }
  }

  acknowledgeFinding(role.policy, 'AwsSolutions-IAM5[Resource::*]', props.wildcardReason);
  return { function: fn, securityGroup, deadLetterQueue, logGroup, role, rotationSchedule };
}

/** How cdk-nag writes the network-interface ARN pattern of this account and region. */
const NETWORK_INTERFACES_FINDING = 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*';

/**
 * What Lambda needs to run a function of `role` in a VPC, scoped as far as each action allows (IAM service authorization
 * reference, Amazon EC2): creating an interface names the subnet and the security group, the other three actions act
 * on network interfaces of this account and region; only `ec2:DescribeNetworkInterfaces` accepts no resource.
 */
export function addNetworkInterfacePermissions(role: ManagedPolicyRole, subnetIds: string[], securityGroup: ec2.ISecurityGroup): void {
  // Pseudo parameters rather than the stack's literal environment, so that the acknowledged finding is the same everywhere.
  const arnOf = (resource: string, id: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}/${id}`;
  const networkInterfaces = arnOf('network-interface', '*');
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CreateNetworkInterfacesInTheFunctionSubnets',
    actions: ['ec2:CreateNetworkInterface'],
    resources: [
      networkInterfaces,
      ...subnetIds.map(id => arnOf('subnet', id)),
      arnOf('security-group', securityGroup.securityGroupId),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ManageTheFunctionNetworkInterfaces',
    actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: [networkInterfaces],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DescribeNetworkInterfaces',
    actions: ['ec2:DescribeNetworkInterfaces'],
    resources: ['*'],
  }));
  acknowledgeFinding(role.policy, `AwsSolutions-IAM5[Resource::${NETWORK_INTERFACES_FINDING}]`,
    'Lambda creates the function\'s network interfaces, and deletes them, at run time: their IDs are not known in ' +
    'advance. The permissions are limited to network interfaces of this account and region, created in the ' +
    'function\'s own subnets with its own security group.');
}

/**
 * Fails, naming `prop`, unless `period` is a rotation period Secrets Manager accepts (4 hours to 1000 days).
 * Unresolved durations pass.
 */
export function validateRotationPeriod(scope: Construct, prop: string, period: Duration): void {
  if (period.isUnresolved()) return;
  const hours = period.toHours({ integral: false });
  if (hours < 4 || hours > 1000 * 24) {
    throw propError(scope, `${prop}: ${period.toHumanString()} is not a rotation period Secrets Manager accepts; use `
      + '4 hours to 1000 days.');
  }
}

/** The newest runtime of a family that the installed aws-cdk-lib knows: what cdk-nag's AwsSolutions-L1 asks for. */
export function latestRuntime(family: lambda.RuntimeFamily, pattern: RegExp): lambda.Runtime {
  const version = (runtime: lambda.Runtime) => Number(pattern.exec(runtime.name)?.[1] ?? -1);
  return lambda.Runtime.ALL
    .filter(runtime => runtime.family === family && version(runtime) >= 0)
    .reduce((newest, runtime) => (version(runtime) > version(newest) ? runtime : newest));
}
