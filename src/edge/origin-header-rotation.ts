import { Duration, Fn, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { handlerAssetPath } from '../core/handler-assets';
import { createLogEncryptionKey } from '../core/log-encryption';
import { createRotationFunction, latestRuntime, validateRotationPeriod } from '../core/rotation-function';

/**
 * Options of the rotation of a `CloudFrontOriginAccess` secret header (`CloudFrontOriginAccess.addRotation`).
 */
export interface OriginHeaderRotationOptions {
  /** The distribution that sends the header (`SecureEdge.distribution`). */
  readonly distribution: cloudfront.IDistribution;

  /** The VPC of the rotation function. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the rotation function; they need a route to the CloudFront, Elastic Load Balancing and Secrets Manager
   * APIs. CloudFront's API has no VPC endpoint, so they need a NAT route.
   *
   * @default - the private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Time between two rotations.
   *
   * @default Duration.days(30)
   */
  readonly automaticallyAfter?: Duration;

  /**
   * ARN of the web ACL of the distribution: the function may read it, as CloudFront checks when a distribution's
   * configuration is updated.
   *
   * @default - the distribution has no web ACL
   */
  readonly webAclArn?: string;

  /**
   * ARN of the distribution's ACM certificate: the function may read it, as CloudFront checks when a distribution's
   * configuration is updated.
   *
   * @default - the distribution uses the default CloudFront certificate
   */
  readonly certificateArn?: string;

  /**
   * Retention of the rotation function's log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the function's log group and its key when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of an `OriginHeaderRotation`.
 */
export interface OriginHeaderRotationProps extends OriginHeaderRotationOptions {
  /** The secret holding the header value. */
  readonly secret: secretsmanager.ISecret;
  /** Name of the header. */
  readonly headerName: string;
  /** Value of the header as the listener rules hold it: a dynamic reference to `secret`. */
  readonly headerValue: string;
  /** Length of the generated values. */
  readonly valueLength: number;
}

/**
 * Rotates the secret header value CloudFront sends to the load balancer, without a moment in which the load balancer
 * refuses what CloudFront sends: the listener rules accept the old and the new value while CloudFront deploys the new
 * one to every edge location, and the new value alone once it has.
 *
 * The rules it updates are every listener rule of the stack whose `http-header` condition requires the header's value,
 * found at synthesis: `ScalableWebTier`'s forwarding rule, its routes, and rules of yours with the same condition.
 * A deployment made during a rotation may set the previous value back; the rotation then fails without cutting
 * traffic (the rules keep accepting what CloudFront sends), and Secrets Manager retries it.
 *
 * Created by `CloudFrontOriginAccess.addRotation()`.
 */
export class OriginHeaderRotation extends Construct {
  /** The default time between two rotations. */
  public static readonly DEFAULT_PERIOD = Duration.days(30);

  /** The rotation function. */
  public readonly rotationFunction: lambda.IFunction;
  /** The rotation schedule of the secret. */
  public readonly rotationSchedule: secretsmanager.RotationSchedule;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  private readonly headerName: string;
  private readonly headerValue: string;

  constructor(scope: Construct, id: string, props: OriginHeaderRotationProps) {
    super(scope, id);
    this.headerName = props.headerName;
    this.headerValue = props.headerValue;
    const period = props.automaticallyAfter ?? OriginHeaderRotation.DEFAULT_PERIOD;
    validateRotationPeriod(this, 'automaticallyAfter', period);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const key = createLogEncryptionKey(this, 'Key',
      `Encrypts the log group and failed events of the origin header rotation of ${scope.node.path}`, removalPolicy);
    const stack = Stack.of(this);
    const distributionArn = stack.formatArn({
      service: 'cloudfront', region: '', resource: 'distribution', resourceName: props.distribution.distributionId,
    });
    const ruleArns = Lazy.list({ produce: () => this.guardedRules().map(rule => rule.ref) });
    const statements = [
      new iam.PolicyStatement({
        sid: 'SetTheHeaderCloudFrontSends',
        actions: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
        resources: [distributionArn],
      }),
      new iam.PolicyStatement({
        sid: 'SetTheValuesTheListenerRulesAccept',
        actions: ['elasticloadbalancing:ModifyRule'],
        resources: ruleArns,
      }),
      new iam.PolicyStatement({
        sid: 'ReadTheListenerRules',
        actions: ['elasticloadbalancing:DescribeRules'],
        resources: ['*'],
      }),
    ];
    if (props.webAclArn) {
      statements.push(new iam.PolicyStatement({ sid: 'ReadTheWebAcl', actions: ['wafv2:GetWebACL'], resources: [props.webAclArn] }));
    }
    if (props.certificateArn) {
      statements.push(new iam.PolicyStatement({ sid: 'ReadTheCertificate', actions: ['acm:DescribeCertificate'], resources: [props.certificateArn] }));
    }

    const parts = createRotationFunction(this, {
      secret: props.secret,
      functionDescription: `Rotates the ${props.headerName} header value CloudFront sends to the load balancer (${scope.node.path})`,
      roleDescription: `Origin header rotation of ${scope.node.path}`,
      securityGroupDescription: 'Origin header rotation: HTTPS to the CloudFront, Elastic Load Balancing and Secrets Manager APIs',
      reaches: 'the CloudFront, Elastic Load Balancing and Secrets Manager APIs',
      runtime: latestRuntime(lambda.RuntimeFamily.NODEJS, /^nodejs(\d+)\.x$/),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAssetPath('origin-header-rotation')),
      environment: {
        HEADER_NAME: props.headerName,
        DISTRIBUTION_ID: props.distribution.distributionId,
        RULE_ARNS: Lazy.string({
          produce: () => {
            const rules = this.guardedRules();
            return rules.length ? Fn.join(',', rules.map(rule => rule.ref)) : '';
          },
        }),
        VALUE_LENGTH: String(props.valueLength),
      },
      // testSecret and finishSecret wait for CloudFront to deploy the change; Secrets Manager retries a step that fails.
      timeout: Duration.minutes(15),
      statements,
      wildcardReason: 'Three actions accept no resource: ec2:DescribeNetworkInterfaces, with which Lambda finds the '
        + 'network interfaces of a function in a VPC, elasticloadbalancing:DescribeRules, and '
        + 'secretsmanager:GetRandomPassword (added by aws-cdk-lib\'s RotationSchedule). The other network-interface '
        + 'actions are scoped to this account and region, and changes to this secret, this distribution and the '
        + 'listener rules that require its header.',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      queueKey: key,
      logKey: key,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logRemovalPolicy: removalPolicy,
      automaticallyAfter: period,
      // A rotation during the deployment would race CloudFormation's own update of the distribution.
      rotateImmediatelyOnUpdate: false,
    });
    this.rotationFunction = parts.function;
    this.rotationSchedule = parts.rotationSchedule;
    this.logGroup = parts.logGroup;

    this.node.addValidation({
      validate: () => (this.guardedRules().length > 0 ? [] : [
        `no listener rule in ${stack.stackName} requires the ${props.headerName} header of this secret, so a rotation `
        + 'would change what CloudFront sends and nothing that checks it; add the rotation next to the load balancer '
        + 'that requires the header (ScalableWebTier with cloudFrontOriginAccess).',
      ]),
    });
  }

  /** The listener rules of the stack whose `http-header` condition requires this header's value. */
  private guardedRules(): elbv2.CfnListenerRule[] {
    const stack = Stack.of(this);
    const name = this.headerName.toLowerCase();
    const value = JSON.stringify(stack.resolve(this.headerValue));
    return stack.node.findAll()
      .filter((c): c is elbv2.CfnListenerRule => c instanceof elbv2.CfnListenerRule)
      .sort((a, b) => a.node.path.localeCompare(b.node.path))
      .filter(rule => ((stack.resolve(rule.conditions) ?? []) as any[]).some(condition =>
        condition.field === 'http-header'
        && String(condition.httpHeaderConfig?.httpHeaderName ?? '').toLowerCase() === name
        && (condition.httpHeaderConfig?.values ?? []).some((v: unknown) => JSON.stringify(v) === value)));
  }

}
