import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';

/** The topic and key an alarm topic is made of. */
export interface AlarmTopicResources {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
}

/**
 * An SNS topic (`AlarmTopic`) for alarm notifications, in `scope`: encrypted with a rotated key (`AlarmTopicKey`)
 * that CloudWatch of this account may use, TLS only, each address subscribed.
 */
export function createAlarmTopic(scope: Construct, owner: IConstruct, emails: string[]): AlarmTopicResources {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: `Encrypts the alarm notifications of ${owner.node.path}`,
    enableKeyRotation: true,
  });
  // CloudWatch publishes alarm notifications to an encrypted topic only when the key lets it (SNS docs).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsOfThisAccount',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
  }));
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: 'Alarms',
    masterKey: key,
    enforceSSL: true,
  });
  for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
  return { topic, key };
}
