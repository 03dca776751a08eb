import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REGULATORY_PACKS, acknowledgeFinding } from '../core/compliance';
import { propError } from '../core/errors';
import { createLogBucket, deliverServerAccessLogsByBucketPolicy } from '../core/log-bucket';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { crossRegionValueFrom, regionalCompanionScope } from '../core/us-east-1';

/**
 * An existing bucket, in another region, that the backups replicate to.
 */
export interface ReplicationDestination {
  /**
   * ARN of the destination bucket. It must be versioned, in another region than this stack, and admit the
   * replication role of this construct (`StorageBuckets.replicationRole`) if it belongs to another account.
   */
  readonly bucketArn: string;

  /**
   * ARN of the customer-managed KMS key, in the destination bucket's region, that replicas are encrypted with.
   */
  readonly kmsKeyArn: string;
}

/**
 * Properties of `StorageBuckets`.
 */
export interface StorageBucketsProps {
  /**
   * An existing bucket of static assets, used as it is (this construct changes nothing of it). It must be created in
   * this app for `SecureEdge` to admit its distribution in the bucket policy.
   *
   * @default - a new bucket: versioned, SSE-S3, public access blocked, TLS only, access-logged, superseded versions to
   * Glacier after 90 days
   */
  readonly staticAssetsBucket?: s3.IBucket;

  /**
   * Days after which backups (and superseded versions of them) move to S3 Glacier Flexible Retrieval.
   *
   * @default 30 - backups older than a month are rarely read
   */
  readonly backupsTransitionDays?: number;

  /**
   * Days after which backups (and superseded versions of them) are deleted; must exceed `backupsTransitionDays`.
   *
   * @default 365 - a year of backups
   */
  readonly backupsExpirationDays?: number;

  /**
   * Whether the backups bucket is replicated to another region (architecture, "Disaster Recovery").
   *
   * @default true
   */
  readonly replication?: boolean;

  /**
   * Region of the replica of the backups bucket, when this construct creates it.
   *
   * @default - the region paired with the stack's region in `StorageBuckets.DISASTER_RECOVERY_REGIONS`
   */
  readonly disasterRecoveryRegion?: string;

  /**
   * An existing bucket to replicate the backups to, instead of a new one in a companion stack.
   *
   * @default - a new bucket, with its own KMS key, in a companion stack in `disasterRecoveryRegion`
   */
  readonly replicationDestination?: ReplicationDestination;

  /**
   * Whether S3 Replication Time Control is on: 99.99% of objects replicated within 15 minutes, at extra cost.
   *
   * @default false - replication without a time guarantee (most objects replicate within minutes)
   */
  readonly replicationTimeControl?: boolean;

  /**
   * What happens to the buckets and the KMS keys when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the objects of every bucket (log buckets included) are deleted when the buckets are, for test
   * environments; requires `removalPolicy: RemovalPolicy.DESTROY`. aws-cdk-lib adds a custom resource Lambda function
   * per stack to do it.
   *
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
}

/**
 * The three buckets of the architecture (https://github.com/cdk-production-webapp/cdk-production-webapp/blob/main/docs/architecture.md#storage): static assets, backups (SSE-KMS, replicated to a second region
 * for disaster recovery) and logs.
 *
 * CloudTrail is not delivered here: `Observability` gives the trail a dedicated bucket.
 */
export class StorageBuckets extends Construct {
  /**
   * The disaster recovery region of each region, used when `disasterRecoveryRegion` is not given: the nearest region
   * of the same geography (and legal area) that offers the same services, or for South America and Canada, the
   * nearest large US region.
   */
  public static readonly DISASTER_RECOVERY_REGIONS: { [region: string]: string } = {
    'us-east-1': 'us-west-2',
    'us-east-2': 'us-west-2',
    'us-west-1': 'us-east-1',
    'us-west-2': 'us-east-1',
    'ca-central-1': 'us-east-1',
    'sa-east-1': 'us-east-1',
    'eu-west-1': 'eu-central-1',
    'eu-central-1': 'eu-west-1',
    'eu-west-2': 'eu-west-1',
    'eu-west-3': 'eu-central-1',
    'eu-north-1': 'eu-west-1',
    'ap-southeast-1': 'ap-southeast-2',
    'ap-southeast-2': 'ap-southeast-1',
    'ap-northeast-1': 'ap-northeast-3',
    'ap-south-1': 'ap-southeast-1',
  };

  /** Days before backups move to Glacier. */
  public static readonly DEFAULT_BACKUPS_TRANSITION_DAYS = 30;
  /** Days before backups are deleted. */
  public static readonly DEFAULT_BACKUPS_EXPIRATION_DAYS = 365;
  /** Days before logs are deleted. */
  public static readonly LOGS_EXPIRATION_DAYS = 90;
  /** Days before superseded versions of static assets move to Glacier. */
  public static readonly STATIC_ASSETS_ARCHIVE_DAYS = 90;

  /** The bucket of the static assets, the origin of the CloudFront distribution (`staticAssetsBucket` when given). */
  public readonly staticAssets: s3.IBucket;
  /** The bucket of the application's backups. */
  public readonly backups: s3.Bucket;
  /** The bucket of S3 server access logs, load balancer access logs and CloudFront standard logs. */
  public readonly logs: s3.Bucket;
  /** The customer-managed key of the backups bucket. */
  public readonly backupsKey: kms.IKey;
  /** The replica of the backups bucket, when this construct creates it. */
  public readonly replica?: s3.IBucket;
  /** The customer-managed key of the replica, when this construct creates it. */
  public readonly replicaKey?: kms.IKey;
  /** The region of the replica this construct creates. */
  public readonly disasterRecoveryRegion?: string;
  /** The role S3 replicates the backups with, when replication is on. */
  public readonly replicationRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: StorageBucketsProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByBucketPolicy(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = props.autoDeleteObjects ?? false;
    this.validateAutoDelete(autoDeleteObjects, removalPolicy);
    const transitionDays = props.backupsTransitionDays ?? StorageBuckets.DEFAULT_BACKUPS_TRANSITION_DAYS;
    const expirationDays = props.backupsExpirationDays ?? StorageBuckets.DEFAULT_BACKUPS_EXPIRATION_DAYS;
    this.validateLifecycle(transitionDays, expirationDays);
    const replication = props.replication ?? true;
    this.validateReplicationProps(replication, props);

    this.logs = createLogBucket(this, 'LogsBucket', {
      holds: 'the S3 server access logs, load balancer access logs and CloudFront standard logs',
      // CloudFront standard logging writes with an ACL grant to the awslogsdelivery account.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      expirationDays: StorageBuckets.LOGS_EXPIRATION_DAYS,
      removalPolicy,
      autoDeleteObjects,
    });

    this.staticAssets = props.staticAssetsBucket ?? this.createStaticAssetsBucket(removalPolicy, autoDeleteObjects);

    this.backupsKey = new kms.Key(this, 'BackupsKey', {
      description: `Encrypts the backups in ${this.node.path}/BackupsBucket`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const backupsLifecycle = lifecycleOf(transitionDays, expirationDays);
    this.backups = new s3.Bucket(this, 'BackupsBucket', {
      ...secureBucketProps(removalPolicy, autoDeleteObjects),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.backupsKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'backups/',
      lifecycleRules: backupsLifecycle,
    });

    if (!replication) {
      for (const pack of REGULATORY_PACKS) {
        acknowledgeFinding(this.backups.node.defaultChild!, `${pack}-S3BucketReplicationEnabled`,
          'Cross-region replication of the backups was turned off explicitly (replication: false).');
      }
      return;
    }

    let destination: ReplicationDestination;
    if (props.replicationDestination) {
      destination = props.replicationDestination;
    } else {
      const region = this.resolveDisasterRecoveryRegion(props.disasterRecoveryRegion);
      this.disasterRecoveryRegion = region;
      const replica = this.createReplica(region, removalPolicy, autoDeleteObjects, backupsLifecycle);
      this.replica = replica.bucket;
      this.replicaKey = replica.key;
      destination = {
        bucketArn: crossRegionValueFrom(this, 'ReplicaBucketArn', replica.bucket.bucketArn, region),
        kmsKeyArn: crossRegionValueFrom(this, 'ReplicaKeyArn', replica.key.keyArn, region),
      };
    }
    this.replicationRole = this.configureReplication(destination, props.replicationTimeControl ?? false);
  }

  private createStaticAssetsBucket(removalPolicy: RemovalPolicy, autoDeleteObjects: boolean): s3.Bucket {
    const bucket = new s3.Bucket(this, 'StaticAssetsBucket', {
      ...secureBucketProps(removalPolicy, autoDeleteObjects),
      // AES-256 (SSE-S3), as the architecture specifies for public web content; CloudFront reads it through origin access control.
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 'static-assets/',
      lifecycleRules: [{
        // The architecture's "transition to Glacier after 90 days" applies to superseded versions only: CloudFront
        // cannot serve objects in Glacier Flexible Retrieval (they must be restored first), so current assets stay
        // in S3 Standard, where the site reads them.
        id: 'ArchiveNoncurrentVersions',
        noncurrentVersionTransitions: [{
          storageClass: s3.StorageClass.GLACIER,
          transitionAfter: Duration.days(StorageBuckets.STATIC_ASSETS_ARCHIVE_DAYS),
        }],
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
    });
    const resource = bucket.node.defaultChild!;
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(resource, `${pack}-S3DefaultEncryptionKMS`,
        'The architecture specifies AES-256 (SSE-S3) for the static assets: public web content, read ' +
        'only by the distribution through origin access control.');
      acknowledgeFinding(resource, `${pack}-S3BucketReplicationEnabled`,
        'Static assets are build output deployed from source control and versioned here; they are not replicated.');
    }
    return bucket;
  }

  /** The replica bucket, its key and its access log bucket, in the companion stack in `region`. */
  private createReplica(region: string, removalPolicy: RemovalPolicy, autoDeleteObjects: boolean,
    lifecycleRules: s3.LifecycleRule[]): { bucket: s3.Bucket; key: kms.Key } {
    const companion = regionalCompanionScope(this, region);
    const parent = Stack.of(this);
    const home = new Construct(companion, this.node.scopes.slice(parent.node.scopes.length).map(c => c.node.id).join('-'));
    deliverServerAccessLogsByBucketPolicy(home);
    const logs = createLogBucket(home, 'ReplicaLogsBucket', {
      holds: 'the server access logs of the backups replica',
      // S3 server access logs are delivered under a bucket policy: no ACL needed.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      expirationDays: StorageBuckets.LOGS_EXPIRATION_DAYS,
      removalPolicy,
      autoDeleteObjects,
    });
    const key = new kms.Key(home, 'ReplicaKey', {
      description: `Encrypts the replica of the backups in ${this.node.path}/BackupsBucket`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const bucket = new s3.Bucket(home, 'ReplicaBucket', {
      // Versioning is required on a replication destination.
      ...secureBucketProps(removalPolicy, autoDeleteObjects),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'backups-replica/',
      lifecycleRules,
    });
    for (const pack of REGULATORY_PACKS) {
      acknowledgeFinding(bucket.node.defaultChild!, `${pack}-S3BucketReplicationEnabled`,
        `This bucket is the cross-region replica of the backups in ${parent.region}; it is not replicated again.`);
    }
    return { bucket, key };
  }

  /** Replication of every object of the backups bucket to `destination`, with a role that may do only that. */
  private configureReplication(destination: ReplicationDestination, timeControl: boolean): iam.IRole {
    const region = Stack.of(this).region;
    const role = new ManagedPolicyRole(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `Replicates ${this.node.path}/BackupsBucket to its disaster recovery copy`,
    });
    // The permissions S3 documents for replication of SSE-KMS objects (Setting up permissions for live replication).
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [this.backups.bucketArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      resources: [this.backups.arnForObjects('*')],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [`${destination.bucketArn}/*`],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [this.backupsKey.keyArn],
      conditions: { StringLike: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:Encrypt'],
      resources: [destination.kmsKeyArn],
    }));
    const objects = 'Replication reads and writes every object version of the bucket, whose keys are not known in advance.';
    acknowledgeFinding(role.policy, `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.backups.node.defaultChild as s3.CfnBucket)}.Arn>/*]`, objects);
    acknowledgeFinding(role.policy, `AwsSolutions-IAM5[Resource::${destinationObjectsFinding(this, destination.bucketArn)}/*]`, objects);

    const cfnBucket = this.backups.node.defaultChild as s3.CfnBucket;
    const fifteenMinutes = { minutes: 15 };
    cfnBucket.replicationConfiguration = {
      role: role.roleArn,
      rules: [{
        id: 'DisasterRecovery',
        priority: 1,
        status: 'Enabled',
        filter: { prefix: '' },
        deleteMarkerReplication: { status: 'Enabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: destination.bucketArn,
          encryptionConfiguration: { replicaKmsKeyId: destination.kmsKeyArn },
          // The event threshold is required by Replication Time Control, and reports late objects without it.
          metrics: { status: 'Enabled', eventThreshold: fifteenMinutes },
          replicationTime: timeControl ? { status: 'Enabled', time: fifteenMinutes } : undefined,
        },
      }],
    };
    return role;
  }

  private resolveDisasterRecoveryRegion(region?: string): string {
    const own = Stack.of(this).region;
    if (region === undefined) {
      if (Token.isUnresolved(own)) {
        throw propError(this, 'the stack has no region at synthesis (environment-agnostic), so the disaster recovery ' +
          "region of the backups cannot be derived: set disasterRecoveryRegion (e.g. 'us-west-2'), or env.region on the stack.");
      }
      const paired = StorageBuckets.DISASTER_RECOVERY_REGIONS[own];
      if (!paired) {
        throw propError(this, `the stack's region ${own} has no default disaster recovery region; set disasterRecoveryRegion ` +
          'to another region of the same geography.');
      }
      return paired;
    }
    if (!Token.isUnresolved(own) && region === own) {
      throw propError(this, `disasterRecoveryRegion: '${region}' is the stack's own region; cross-region replication ` +
        'needs another region.');
    }
    return region;
  }

  private validateAutoDelete(autoDeleteObjects: boolean, removalPolicy: RemovalPolicy) {
    if (autoDeleteObjects && removalPolicy !== RemovalPolicy.DESTROY) {
      throw propError(this, `autoDeleteObjects: true needs removalPolicy: RemovalPolicy.DESTROY (got ${removalPolicy}); ` +
        'objects are only deleted with their bucket.');
    }
  }

  private validateLifecycle(transitionDays: number, expirationDays: number) {
    for (const [name, days] of [['backupsTransitionDays', transitionDays], ['backupsExpirationDays', expirationDays]] as const) {
      if (!Token.isUnresolved(days) && (!Number.isInteger(days) || days < 1)) {
        throw propError(this, `${name}: ${days} is not a whole number of days of at least 1.`);
      }
    }
    if (Token.isUnresolved(transitionDays) || Token.isUnresolved(expirationDays)) return;
    if (transitionDays >= expirationDays) {
      throw propError(this, `backupsTransitionDays (${transitionDays}) and backupsExpirationDays (${expirationDays}) are ` +
        'lifecycle days that contradict each other: backups must move to Glacier before they expire.');
    }
  }

  private validateReplicationProps(replication: boolean, props: StorageBucketsProps) {
    const replicationOnly = (['disasterRecoveryRegion', 'replicationDestination', 'replicationTimeControl'] as const)
      .filter(name => props[name] !== undefined);
    if (!replication && replicationOnly.length > 0) {
      throw propError(this, `${replicationOnly.join(', ')} configure the replication that replication: false turns off; ` +
        'remove one or the other.');
    }
    if (props.replicationDestination && props.disasterRecoveryRegion !== undefined) {
      throw propError(this, 'disasterRecoveryRegion is the region of the replica this construct creates; with ' +
        'replicationDestination, the destination bucket\'s region applies: remove disasterRecoveryRegion.');
    }
  }
}

/** Versioned, public access blocked, TLS only, bucket owner enforced. */
function secureBucketProps(removalPolicy: RemovalPolicy, autoDeleteObjects: boolean): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    removalPolicy,
    autoDeleteObjects,
  };
}

/** Backups, and their superseded versions, move to Glacier and then expire. */
function lifecycleOf(transitionDays: number, expirationDays: number): s3.LifecycleRule[] {
  return [{
    id: 'ArchiveThenExpireBackups',
    transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(transitionDays) }],
    expiration: Duration.days(expirationDays),
    noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(transitionDays) }],
    noncurrentVersionExpiration: Duration.days(expirationDays),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  }];
}

/** How cdk-nag names `arn` in an IAM5 finding: a reference as <LogicalId.Attribute>, a literal as is. */
function destinationObjectsFinding(scope: Construct, arn: string): string {
  const resolved = Stack.of(scope).resolve(arn);
  if (typeof resolved === 'string') return resolved;
  const getAtt = resolved?.['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${getAtt[0]}.${getAtt[1]}>`;
  return JSON.stringify(resolved);
}
