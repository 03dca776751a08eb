import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AlarmSetting } from './alarm-settings';
import { propError } from '../../core/errors';

/** The metric and rule of one alarm; the threshold and levels come from its setting. */
export interface AlarmSpec {
  /** Construct ID of the alarm; its warning level is `<id>Warning`. */
  readonly id: string;
  readonly setting: AlarmSetting;
  /** The alarm's description at a threshold. */
  readonly description: (threshold: number) => string;
  readonly metric: cloudwatch.IMetric;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/**
 * Creates alarms as their settings say (none, one, or one and its warning level), each notifying a topic when it
 * fires and when it recovers, and lists them.
 */
export class AlarmFactory {
  /** Every alarm created, warnings included. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /** @param owner the construct named in error messages */
  constructor(private readonly owner: IConstruct) {}

  /** Creates the alarm in `scope` (and its warning level), unless it is turned off; returns the alarm. */
  public add(scope: Construct, topic: sns.ITopic, spec: AlarmSpec): cloudwatch.Alarm | undefined {
    const setting = spec.setting;
    if (!setting.enabled) return undefined;
    const alarm = this.create(scope, spec.id, topic, spec, setting.threshold, spec.description(setting.threshold));
    if (setting.warning) {
      const warningTopic = setting.warning.topic ?? topic;
      this.validateSameRegion(scope, warningTopic, `${setting.path}.warning.topic`);
      this.create(scope, `${spec.id}Warning`, warningTopic, spec, setting.warning.threshold,
        `Warning: ${spec.description(setting.warning.threshold)}`);
    }
    return alarm;
  }

  private create(scope: Construct, id: string, topic: sns.ITopic, spec: AlarmSpec, threshold: number,
    description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmDescription: description,
      metric: spec.metric,
      threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    const action = new cloudwatchActions.SnsAction(topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** CloudWatch notifies only topics of the alarm's region. */
  private validateSameRegion(scope: Construct, topic: sns.ITopic, path: string) {
    const alarmRegion = Stack.of(scope).region;
    const topicRegion = topic.env.region;
    if (Token.isUnresolved(alarmRegion) || Token.isUnresolved(topicRegion) || alarmRegion === topicRegion) return;
    throw propError(this.owner, `${path}: the topic is in ${topicRegion} and the alarm in ${alarmRegion}; an alarm `
      + `notifies only topics of its own region: give a topic of ${alarmRegion}.`);
  }
}
