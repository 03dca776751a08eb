import { Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory';
import { AlarmSettings } from './alarm-settings';
import { createAlarmTopic } from './alarm-topic';
import { cloudFront5xxRate, wafBlockedRequests } from './metrics';
import { WatchedEdge } from './watched-resources';
import { US_EAST_1, followerValue, isInUsEast1, regionalFollowerScope } from '../../core/us-east-1';

/**
 * The CloudFront 5xx rate and web ACL blocked requests alarms, which must be in us-east-1 with their metrics.
 *
 * In us-east-1 they are in `owner` and notify `topic`. Elsewhere they need the distribution's ID and the web ACL's ARN,
 * which the us-east-1 companion stack (deployed first) cannot know: they go to the us-east-1 follower stack, deployed
 * after this one, which reads both back, with a topic of its own (same settings and subscriptions), returned.
 */
export function addEdgeAlarms(owner: Construct, topic: sns.ITopic, factory: AlarmFactory, edge: WatchedEdge,
  settings: AlarmSettings, emails: string[]): sns.Topic | undefined {
  const cloudFrontOn = settings.cloudFront5xxRatePercent.enabled;
  const wafOn = edge.alarmedWebAclArn !== undefined && settings.wafBlockedRequests.enabled;
  // Nothing to alarm, no follower stack.
  if (!cloudFrontOn && !wafOn) return undefined;
  const inUsEast1 = isInUsEast1(owner);
  const home = inUsEast1 ? owner : usEast1FollowerHome(owner, edge.producer);
  const followerTopic = inUsEast1 ? undefined : createAlarmTopic(home, owner, emails).topic;
  const homeTopic = followerTopic ?? topic;
  const { ComparisonOperator, TreatMissingData } = cloudwatch;

  if (cloudFrontOn) {
    factory.add(home, homeTopic, {
      id: 'CloudFront5xxRateAlarm',
      setting: settings.cloudFront5xxRatePercent,
      description: t => `More than ${t}% of CloudFront requests answered with a 5xx in 2 of 3 five-minute periods`,
      metric: cloudFront5xxRate(handedOver(home, 'DistributionId', edge.distribution.distributionId, edge.producer)),
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
  if (wafOn) {
    factory.add(home, homeTopic, {
      id: 'WafBlockedRequestsAlarm',
      setting: settings.wafBlockedRequests,
      description: t => `More than ${t} requests blocked by the CloudFront web ACL in 5 minutes`,
      metric: wafBlockedRequests(handedOver(home, 'WebAclArn', edge.alarmedWebAclArn!, edge.producer)),
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
  return followerTopic;
}

/** A value of the producer's stack, read in the follower; a literal (an imported distribution's ID) needs no reading. */
function handedOver(home: Construct, id: string, value: string, producer: Stack): string {
  return Token.isUnresolved(value) ? followerValue(home, id, value, producer) : value;
}

/** The owner's container in the us-east-1 follower stack (deployed after the owner's stack and the producer). */
function usEast1FollowerHome(owner: Construct, producer: Stack): Construct {
  const stack = regionalFollowerScope(owner, US_EAST_1);
  // The follower depends on the owner's stack; the distribution may be in another.
  stack.addStackDependency(producer, "The alarms read the distribution's ID and the web ACL's ARN from it");
  const id = `${Names.uniqueId(owner)}Alarms`;
  return (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
}
