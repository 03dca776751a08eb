import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUTH_TOKEN_ROTATION_HANDLER } from './auth-token-rotation-handler';
import { acknowledgeFinding } from '../../core/compliance';
import { ManagedPolicyRole } from '../../core/managed-policy-role';

/** Length of generated AUTH tokens (ElastiCache accepts 16 to 128 characters). */
export const AUTH_TOKEN_LENGTH = 64;

/**
 * Printable ASCII characters an ElastiCache AUTH token must not contain: every punctuation mark except the eight it
 * allows (`!`, `&`, `#`, `$`, `^`, `<`, `>`, `-`). Spaces are excluded separately.
 */
export const AUTH_TOKEN_EXCLUDED_CHARACTERS = '"%\'()*+,./:;=?@[\\]_`{|}~';

/** Properties of the AUTH token rotation. */
export interface AuthTokenRotationProps {
  /** The secret holding the AUTH token. */
  readonly secret: secretsmanager.ISecret;
  /** The replication group whose token is rotated. */
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Network connections of the cache: the function is allowed to its default port. */
  readonly cacheConnections: ec2.Connections;
  /** The VPC of the cache. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the function; they need a route to the Secrets Manager and ElastiCache APIs. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Key of the cache's data; encrypts the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Key of the cache's log groups. */
  readonly logKey: kms.IKey;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the function's log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** Time between two rotations. */
  readonly automaticallyAfter: Duration;
}

/**
 * Rotates the AUTH token of a replication group with a Lambda function of ours (the four Secrets Manager rotation
 * steps; ElastiCache's ROTATE strategy keeps the current token valid while the new one is added).
 */
export class AuthTokenRotation extends Construct {
  /** The rotation function. */
  public readonly function: lambda.Function;
  /** The security group of the function. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Where failed asynchronous invocations go. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The function's role; grants land in its customer-managed policy. */
  public readonly role: ManagedPolicyRole;
  /** The rotation schedule of the secret. */
  public readonly rotationSchedule: secretsmanager.RotationSchedule;

  constructor(scope: Construct, id: string, props: AuthTokenRotationProps) {
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'AUTH token rotation: the cache port, and HTTPS to the Secrets Manager and ElastiCache APIs',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the Secrets Manager and ElastiCache APIs');

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.role = this.createRole(props);

    this.function = new lambda.Function(this, 'Function', {
      description: `Rotates the AUTH token of the ElastiCache replication group of ${scope.node.path}`,
      runtime: latestPythonRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromInline(AUTH_TOKEN_ROTATION_HANDLER),
      // setSecret waits for the replication group to apply the new token; Secrets Manager retries a step that times out.
      timeout: Duration.minutes(15),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
      deadLetterQueue: this.deadLetterQueue,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        REPLICATION_GROUP_ID: props.replicationGroup.ref,
        TOKEN_LENGTH: String(AUTH_TOKEN_LENGTH),
        EXCLUDE_CHARACTERS: AUTH_TOKEN_EXCLUDED_CHARACTERS,
      },
    });
    props.cacheConnections.allowDefaultPortFrom(this.function, 'AUTH token rotation');

    this.rotationSchedule = props.secret.addRotationSchedule('RotationSchedule', {
      rotationLambda: this.function,
      automaticallyAfter: props.automaticallyAfter,
    });
    // RotationSchedule lets secretsmanager.amazonaws.com invoke the function with no condition, i.e. from any account
    // (Control Tower CT.LAMBDA.PR.2): only this secret may invoke it.
    for (const child of this.function.node.children) {
      if (child instanceof lambda.CfnPermission && Stack.of(this).resolve(child.principal) === 'secretsmanager.amazonaws.com') {
        child.sourceAccount = Stack.of(this).account;
        child.sourceArn = props.secret.secretArn;
      }
    }

    acknowledgeFinding(this.role.policy, 'AwsSolutions-IAM5[Resource::*]',
      'A function in a VPC manages its network interfaces with ec2:CreateNetworkInterface, DescribeNetworkInterfaces, ' +
      'DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses, and the rotation generates tokens ' +
      'with secretsmanager:GetRandomPassword (added by aws-cdk-lib\'s RotationSchedule): none of these actions supports ' +
      'resource-level permissions. Secret, key and replication group access is scoped to this cache\'s own resources.');
  }

  private createRole(props: AuthTokenRotationProps): ManagedPolicyRole {
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `AUTH token rotation of ${this.node.scope!.node.path}`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RotateTheAuthToken',
      actions: ['elasticache:ModifyReplicationGroup', 'elasticache:DescribeReplicationGroups'],
      resources: [Stack.of(this).formatArn({
        service: 'elasticache',
        resource: 'replicationgroup',
        resourceName: props.replicationGroup.ref,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageNetworkInterfacesInTheVpc',
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }));
    this.logGroup.grantWrite(role);
    // Failed invocations are sent to the KMS-encrypted dead-letter queue (aws-cdk-lib grants sqs:SendMessage only).
    props.encryptionKey.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    return role;
  }
}

/**
 * The newest Python runtime the installed aws-cdk-lib knows: what cdk-nag's AwsSolutions-L1 asks for. The handler uses
 * only the standard library and boto3, so it runs on any Python 3 runtime.
 */
export function latestPythonRuntime(): lambda.Runtime {
  const minor = (runtime: lambda.Runtime) => Number(/^python3\.(\d+)$/.exec(runtime.name)?.[1] ?? -1);
  return lambda.Runtime.ALL
    .filter(runtime => runtime.family === lambda.RuntimeFamily.PYTHON && minor(runtime) >= 0)
    .reduce((newest, runtime) => (minor(runtime) > minor(newest) ? runtime : newest));
}
