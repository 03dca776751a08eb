import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { deliverServerAccessLogsByBucketPolicy } from '../core/log-bucket';
import { createTrailResources } from './private/trail-resources';

/** Properties of `AuditTrail`. */
export interface AuditTrailProps {
  /**
   * Retention of the trail's log group (the bucket keeps the log files 7 years).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the trail's bucket, log group and keys when they leave the stack. Anything but `RETAIN` loses the
   * account's audit record with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The bucket that receives the server access logs of the trail's bucket, e.g. `StorageBuckets.logs`. It must be
   * created in this app: S3 log delivery is admitted by a statement added to its bucket policy.
   * @default - a new bucket: SSE-S3, versioned, public access blocked, TLS only, logs kept a year
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/**
 * A CloudTrail trail for the account, with what compliance asks of it ("Security Considerations": CloudTrail).
 *
 * - **Trail**: multi-region, with global service events and log file validation, encrypted with a rotated
 *   customer-managed key that only CloudTrail trails of this account may use.
 * - **Bucket**: SSE-KMS with that key, versioned, public access blocked, TLS only, access-logged; log files archived to
 *   Glacier after a year and kept 7 years.
 * - **Log group**: KMS-encrypted, kept a year (`logRetention`); CloudTrail writes to it through a customer-managed
 *   policy, as the HIPAA, NIST 800-53 R5 and PCI DSS packs ask.
 *
 * A trail records every region of the account: one is enough. `Observability` makes one unless told not to
 * (`trail: false`); use this construct for the account's trail when the stack that has it watches nothing.
 *
 * @example
 * new AuditTrail(this, 'AuditTrail');
 */
export class AuditTrail extends Construct {
  /** The trail. */
  public readonly trail: cloudtrail.Trail;
  /** The bucket the trail delivers its log files to. */
  public readonly bucket: s3.Bucket;
  /** The key that encrypts the log files and the bucket. */
  public readonly encryptionKey: kms.Key;
  /** The log group the trail delivers its events to. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByBucketPolicy(this);
    const resources = createTrailResources(this, props);
    this.trail = resources.trail;
    this.bucket = resources.bucket;
    this.encryptionKey = resources.key;
    this.logGroup = resources.logGroup;
  }
}
