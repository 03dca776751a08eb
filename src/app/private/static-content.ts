import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from '../../core/compliance';
import { propError } from '../../core/errors';
import { createLogEncryptionKey } from '../../core/log-encryption';
import { ManagedPolicyRole } from '../../core/managed-policy-role';
import { addNetworkInterfacePermissions } from '../../core/rotation-function';

/** What the static content deployment puts where. */
export interface StaticContentProps {
  readonly sources: s3deploy.ISource[];
  /** The edge's static path patterns; the first folder pattern (`/static/*`) says where the content goes. */
  readonly staticPathPatterns: string[];
  readonly bucket: s3.IBucket;
  readonly distribution: cloudfront.IDistribution;
  readonly vpc: ec2.IVpc;
  /** Subnets of the deployment function; they need a route to S3 and CloudFront's API. */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** A static path pattern that names a folder: `/static/*`, `/assets/v1/*`. */
const FOLDER_PATTERN = /^\/((?:[A-Za-z0-9._~-]+\/)+)\*$/;

/**
 * What the deployment function does with the buckets, for each wildcard action aws-cdk-lib grants: it reads the source
 * archive and copies its files into the static folder (`aws s3 sync`, without deleting anything).
 */
const S3_ACTIONS: Record<string, string[]> = {
  's3:GetObject*': ['s3:GetObject'],
  's3:GetBucket*': ['s3:GetBucketLocation'],
  's3:List*': ['s3:ListBucket'],
  's3:Abort*': ['s3:AbortMultipartUpload'],
  's3:DeleteObject*': [],
};

/** Where the deployment function may act: the site's distribution, and the static folder of the bucket. */
interface DeploymentTargets {
  readonly distributionArn: string;
  readonly bucket: s3.IBucket;
  readonly keyPrefix: string;
}

/**
 * The role of the deployment function. aws-cdk-lib grants the invalidation actions on every distribution, S3 actions
 * by wildcard on every object of the destination bucket, and read on every object of each source's bucket (for an
 * asset source, the CDK asset bucket); here they are limited to the site's distribution, the static folder, the
 * sources' archives and the actions the function performs.
 */
class DeploymentRole extends ManagedPolicyRole {
  /** The objects of buckets the function reads or writes by wildcard (`<bucket ARN>/...*`). */
  public readonly objectResources: string[] = [];

  /** The objects the function writes: the static folder. */
  public readonly destinationObjects: string;

  /** Reads of the sources' buckets, held until the sources' archives are known (`grantSourceReads`). */
  private readonly sourceReads: iam.PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: iam.RoleProps, private readonly targets: DeploymentTargets) {
    super(scope, id, props);
    this.destinationObjects = targets.bucket.arnForObjects(`${targets.keyPrefix}*`);
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const actions = statement.actions;
    if (actions.length && actions.every(action => action.startsWith('cloudfront:')) && statement.resources.includes('*')) {
      return super.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.targets.distributionArn] }));
    }
    if (actions.length && actions.every(action => action.startsWith('s3:'))) {
      const exact = [...new Set(actions.flatMap(action => S3_ACTIONS[action] ?? [action]))];
      const { bucket } = this.targets;
      const resources = statement.resources.map(resource =>
        (resource === bucket.arnForObjects('*') ? this.destinationObjects : resource));
      const exactStatement = new iam.PolicyStatement({ actions: exact, resources });
      if (!resources.includes(this.destinationObjects)) {
        this.sourceReads.push(exactStatement);
        return { statementAdded: true, policyDependable: this.policy };
      }
      this.objectResources.push(...resources.filter(resource => resource.endsWith('*')));
      return super.addToPrincipalPolicy(exactStatement);
    }
    return super.addToPrincipalPolicy(statement);
  }

  /**
   * Adds the held reads of the sources' buckets, each object wildcard of an asset bucket narrowed to the archives of
   * the assets there (their keys are content hashes, known at synthesis). A source of another kind
   * (`Source.bucket`) keeps the read on every object of its bucket, as it gives its key only to the deployment.
   */
  public grantSourceReads(assets: s3assets.Asset[]) {
    const stack = Stack.of(this);
    const key = (value: string) => JSON.stringify(stack.resolve(value));
    for (const statement of this.sourceReads) {
      const resources = [...new Set(statement.resources.flatMap(resource => {
        const archives = assets.filter(asset => key(asset.bucket.arnForObjects('*')) === key(resource));
        return archives.length ? archives.map(asset => asset.bucket.arnForObjects(asset.s3ObjectKey)) : [resource];
      }))];
      this.objectResources.push(...resources.filter(resource => resource.endsWith('*')));
      super.addToPrincipalPolicy(new iam.PolicyStatement({ actions: statement.actions, resources }));
    }
  }
}

/**
 * Deploys the user's static content to the static assets bucket under the edge's static folder, then invalidates
 * CloudFront's copies of that folder. The deployment function is built the way the four compliance packs ask: in the
 * VPC with its own security group (HTTPS out only), one reserved concurrent execution, a KMS-encrypted dead-letter
 * queue and log group, and a role whose permissions sit in a customer-managed policy.
 */
export class StaticContentDeployment extends Construct {
  /** The key prefix of the content in the bucket, e.g. `static/`. */
  public readonly keyPrefix: string;
  /** The bucket deployment. */
  public readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: StaticContentProps) {
    super(scope, id);
    this.keyPrefix = this.prefixOf(scope, props.staticPathPatterns);
    const stack = Stack.of(this);
    const distributionArn = stack.formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'distribution',
      resourceName: props.distribution.distributionId,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Static content deployment: HTTPS out to S3 and CloudFront only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the S3 and CloudFront APIs');
    const key = createLogEncryptionKey(this, 'Key', `Encrypts the logs and dead letters of ${this.node.path}`,
      RemovalPolicy.RETAIN);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const role = new DeploymentRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Deploys the static content of ${this.node.path}`,
    }, { distributionArn, bucket: props.bucket, keyPrefix: this.keyPrefix });
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    addNetworkInterfacePermissions(role, props.vpc.selectSubnets(vpcSubnets).subnetIds, securityGroup);
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }));
    key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: props.sources,
      destinationBucket: props.bucket,
      destinationKeyPrefix: this.keyPrefix,
      // Pages of the previous release, still cached or open in browsers, keep finding the files they reference.
      prune: false,
      distribution: props.distribution,
      distributionPaths: [`/${this.keyPrefix}*`],
      role,
      logGroup,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: [securityGroup],
      memoryLimit: 512,
    });
    role.grantSourceReads(this.deployment.node.children.filter((c): c is s3assets.Asset => c instanceof s3assets.Asset));
    for (const fn of this.deploymentFunctions(role)) {
      // One deployment at a time; failed invocations are kept.
      fn.reservedConcurrentExecutions = 1;
      fn.deadLetterConfig = { targetArn: deadLetterQueue.queueArn };
      acknowledgeFinding(fn, 'AwsSolutions-L1',
        'aws-cdk-lib\'s BucketDeployment runs its handler and AWS CLI layer on the Python runtime it builds and tests '
        + 'them for; it follows aws-cdk-lib upgrades.');
    }
    this.acknowledge(role);
  }

  /** The singleton function aws-cdk-lib creates at the stack's root for the deployments with this role. */
  private deploymentFunctions(role: iam.IRole): lambda.CfnFunction[] {
    const stack = Stack.of(this);
    const roleArn = JSON.stringify(stack.resolve(role.roleArn));
    return stack.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction
      && JSON.stringify(stack.resolve(c.role)) === roleArn);
  }

  private acknowledge(role: DeploymentRole) {
    acknowledgeFinding(role.policy, 'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeNetworkInterfaces, which a function in a VPC needs, accepts no resource; the other actions are '
      + 'scoped to the site\'s distribution and buckets.');
    const destination = nagResource(Stack.of(this).resolve(role.destinationObjects));
    for (const resource of new Set(role.objectResources.map(r => nagResource(Stack.of(this).resolve(r))))) {
      acknowledgeFinding(role.policy, `AwsSolutions-IAM5[Resource::${resource}]`, resource === destination
        ? 'The function writes the files it finds in the archive, whose names are known only then, under the static '
          + 'folder of the static assets bucket: object writes need that folder\'s objects as resource.'
        : 'Source.bucket grants read on every object of the source\'s bucket and gives the archive\'s key only to the '
          + 'deployment; the function reads only that archive there, with the exact actions it uses.');
    }
  }

  private prefixOf(scope: Construct, patterns: string[]): string {
    for (const pattern of patterns) {
      const match = FOLDER_PATTERN.exec(pattern);
      if (match) return match[1];
    }
    throw propError(scope, `staticContent: edge.staticPathPatterns [${patterns.map(p => `'${p}'`).join(', ')}] name no `
      + "folder to deploy the content to; add one such as '/static/*'.");
  }
}


/** A resolved resource as cdk-nag names it in a finding: `Ref` as `<Name>`, `Fn::GetAtt` as `<Name.Attribute>`. */
function nagResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, any>;
  if (intrinsic.Ref !== undefined) return `<${intrinsic.Ref}>`;
  if (intrinsic['Fn::GetAtt'] !== undefined) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  if (intrinsic['Fn::Sub'] !== undefined && typeof intrinsic['Fn::Sub'] === 'string') {
    return intrinsic['Fn::Sub'].replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  if (intrinsic['Fn::Join'] !== undefined) {
    const [delimiter, parts] = intrinsic['Fn::Join'];
    return (parts as unknown[]).map(nagResource).join(delimiter);
  }
  return JSON.stringify(value);
}
