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
import { handlerAssetPath } from '../../core/handler-assets';
import { ManagedPolicyRole } from '../../core/managed-policy-role';
import { createRotationFunction, latestRuntime } from '../../core/rotation-function';

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
    const parts = createRotationFunction(this, {
      secret: props.secret,
      functionDescription: `Rotates the AUTH token of the ElastiCache replication group of ${scope.node.path}`,
      roleDescription: `AUTH token rotation of ${scope.node.path}`,
      securityGroupDescription: 'AUTH token rotation: the cache port, and HTTPS to the Secrets Manager and ElastiCache APIs',
      reaches: 'the Secrets Manager and ElastiCache APIs',
      runtime: latestPythonRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAssetPath('auth-token-rotation')),
      environment: {
        REPLICATION_GROUP_ID: props.replicationGroup.ref,
        TOKEN_LENGTH: String(AUTH_TOKEN_LENGTH),
        EXCLUDE_CHARACTERS: AUTH_TOKEN_EXCLUDED_CHARACTERS,
      },
      // setSecret waits for the replication group to apply the new token; Secrets Manager retries a step that times out.
      timeout: Duration.minutes(15),
      statements: [new iam.PolicyStatement({
        sid: 'RotateTheAuthToken',
        actions: ['elasticache:ModifyReplicationGroup', 'elasticache:DescribeReplicationGroups'],
        resources: [Stack.of(this).formatArn({
          service: 'elasticache',
          resource: 'replicationgroup',
          resourceName: props.replicationGroup.ref,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })],
      })],
      wildcardReason: 'Two actions accept no resource: ec2:DescribeNetworkInterfaces, with which Lambda finds the network ' +
        'interfaces of a function in a VPC, and secretsmanager:GetRandomPassword, with which the rotation generates ' +
        'tokens (added by aws-cdk-lib\'s RotationSchedule). The other network-interface actions are scoped to this ' +
        'account and region, and secret, key and replication group access to this cache\'s own resources.',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      queueKey: props.encryptionKey,
      logKey: props.logKey,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      automaticallyAfter: props.automaticallyAfter,
    });
    this.function = parts.function;
    this.securityGroup = parts.securityGroup;
    this.deadLetterQueue = parts.deadLetterQueue;
    this.logGroup = parts.logGroup;
    this.role = parts.role;
    this.rotationSchedule = parts.rotationSchedule;
    props.cacheConnections.allowDefaultPortFrom(this.function, 'AUTH token rotation');
  }
}

/**
 * The newest Python runtime the installed aws-cdk-lib knows: what cdk-nag's AwsSolutions-L1 asks for. The handler uses
 * only the standard library and boto3, so it runs on any Python 3 runtime.
 */
export function latestPythonRuntime(): lambda.Runtime {
  return latestRuntime(lambda.RuntimeFamily.PYTHON, /^python3\.(\d+)$/);
}
