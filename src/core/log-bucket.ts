import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { REGULATORY_PACKS, acknowledgeFinding } from './compliance';

/**
 * What a log bucket receives and how.
 */
export interface LogBucketOptions {
  /** What the bucket holds, for the acknowledgment reasons, e.g. "the load balancer's access logs". */
  readonly holds: string;
  /** Object ownership the delivering service needs (ACL-based deliveries need BUCKET_OWNER_PREFERRED). */
  readonly objectOwnership: s3.ObjectOwnership;
  readonly removalPolicy: RemovalPolicy;
  /** Days before log objects are deleted. */
  readonly expirationDays: number;
  /** Whether the objects are emptied when the bucket is deleted (test environments; needs RemovalPolicy.DESTROY). */
  readonly autoDeleteObjects?: boolean;
}

/**
 * A bucket for AWS service logs: SSE-S3 (the only encryption ELB, CloudFront standard logging and S3 server access
 * logging deliver to), public access blocked, TLS only, versioned, logs expired. It acknowledges the findings that are
 * what a log bucket is: it does not log its own access, is not KMS-encrypted and is not replicated.
 */
export function createLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: options.objectOwnership,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{
      id: 'ExpireLogs',
      expiration: Duration.days(options.expirationDays),
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: options.autoDeleteObjects,
  });
  const resource = bucket.node.defaultChild!;
  const selfLogging = `This bucket holds ${options.holds}; logging its own access would log the log deliveries.`;
  acknowledgeFinding(resource, 'AwsSolutions-S1', selfLogging);
  for (const pack of REGULATORY_PACKS) {
    acknowledgeFinding(resource, `${pack}-S3BucketLoggingEnabled`, selfLogging);
    acknowledgeFinding(resource, `${pack}-S3DefaultEncryptionKMS`,
      `AWS delivers ${options.holds} only to buckets encrypted with SSE-S3; SSE-KMS is not supported.`);
    acknowledgeFinding(resource, `${pack}-S3BucketReplicationEnabled`,
      `${capitalize(options.holds)} are operational telemetry kept ${options.expirationDays} days; they are not ` +
      'replicated to a second region.');
  }
  return bucket;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Makes the buckets created under `scope` grant S3 server access log delivery with a bucket policy on the target
 * bucket (for `logging.s3.amazonaws.com`, limited to the source bucket and account), as AWS recommends, instead of the
 * `LogDeliveryWrite` ACL that aws-cdk-lib writes without the `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag
 * (cfn-lint W3045, Control Tower CT.S3.PR.5). An app that sets the flag itself keeps its choice.
 *
 * Call it first thing in a constructor: context can only be set on a construct without children.
 */
export function deliverServerAccessLogsByBucketPolicy(scope: Construct): void {
  if (scope.node.tryGetContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY) === undefined) {
    scope.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  }
}
