import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * A customer-managed key, rotated yearly, that CloudWatch Logs may use for this account's log groups in this region.
 *
 * The log groups it encrypts reference it, so the key policy cannot name them; the encryption context condition
 * keeps it to log groups of this account and region.
 */
export function createLogEncryptionKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForThisAccountsLogGroups',
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
      },
    },
  }));
  return key;
}
