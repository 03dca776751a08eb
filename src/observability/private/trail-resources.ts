import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REGULATORY_PACKS, acknowledgeFinding } from '../../core/compliance';
import { createLogBucket } from '../../core/log-bucket';
import { createLogEncryptionKey } from '../../core/log-encryption';
import type { AuditTrailProps } from '../audit-trail';


/** What a trail is made of. */
export interface TrailResources {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly logGroup: logs.LogGroup;
}

/**
 * A multi-region trail with log file validation (`Trail`, in `scope`), encrypted with a rotated key (`TrailKey`), to a
 * versioned, access-logged bucket (`TrailBucket`) and a KMS-encrypted log group (`TrailLogGroup`). `AuditTrail` and
 * `Observability` make theirs here, each under its own construct IDs.
 */
export function createTrailResources(scope: Construct, settings: AuditTrailProps): TrailResources {
  const removalPolicy = settings.removalPolicy ?? RemovalPolicy.RETAIN;
  const key = new kms.Key(scope, 'TrailKey', {
    description: `Encrypts the CloudTrail log files of ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy,
  });
  const trailArns = `arn:${Aws.PARTITION}:cloudtrail:*:${Aws.ACCOUNT_ID}:trail/*`;
  // As the CloudTrail documentation's key policy: trails of this account may encrypt with the key.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudTrailToEncryptLogs',
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArns },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudtrail:${Aws.REGION}:${Aws.ACCOUNT_ID}:trail/*` },
    },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudTrailToDescribeKey',
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['kms:DescribeKey'],
    resources: ['*'],
  }));

  const accessLogs = settings.accessLogsBucket ?? createLogBucket(scope, 'TrailAccessLogsBucket', {
    holds: 'the server access logs of the CloudTrail bucket',
    // S3 server access logs are delivered under a bucket policy: no ACL needed.
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    expirationDays: 365,
    removalPolicy,
  });
  const bucket = new s3.Bucket(scope, 'TrailBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'trail/',
    lifecycleRules: [{
      // One year searchable (PCI DSS 10.7 keeps 3 months immediately available), then archived; 7 years in all.
      id: 'ArchiveThenExpireTrailLogs',
      transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(365) }],
      expiration: Duration.days(7 * 365),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
    removalPolicy,
  });
  for (const pack of REGULATORY_PACKS) {
    acknowledgeFinding(bucket.node.defaultChild!, `${pack}-S3BucketReplicationEnabled`,
      'CloudTrail log files are versioned, integrity-validated and kept 7 years in this bucket; a multi-region '
      + 'trail already records every region, so the bucket is not replicated.');
  }

  const logKey = createLogEncryptionKey(scope, 'TrailLogKey', `Encrypts the CloudTrail log group of ${scope.node.path}`,
    removalPolicy);
  const logGroup = new logs.LogGroup(scope, 'TrailLogGroup', {
    encryptionKey: logKey,
    retention: settings.logRetention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy,
  });

  const trail = new cloudtrail.Trail(scope, 'Trail', {
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableFileValidation: true,
    encryptionKey: key,
    bucket,
    sendToCloudWatchLogs: true,
    cloudWatchLogGroup: logGroup,
  });
  moveLogsRolePolicyToManagedPolicy(trail, logGroup);
  return { trail, bucket, key, logGroup };
}

/**
 * `Trail` gives CloudTrail's CloudWatch Logs role an inline `DefaultPolicy` and takes no role of ours. The HIPAA,
 * NIST 800-53 R5 and PCI DSS packs reject inline policies: the same permissions move to a customer-managed policy.
 */
function moveLogsRolePolicyToManagedPolicy(trail: cloudtrail.Trail, logGroup: logs.LogGroup) {
  const role = trail.node.findChild('LogsRole') as iam.Role;
  role.node.tryRemoveChild('DefaultPolicy');
  const policy = new iam.ManagedPolicy(role, 'Policy', {
    description: `Lets CloudTrail deliver the events of ${trail.node.path} to its log group`,
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    })],
  });
  // CloudTrail checks the role's permissions when the trail is created.
  trail.node.defaultChild!.node.addDependency(policy);
}
