import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory } from './alarm-factory';
import { AlarmSettings } from './alarm-settings';

/**
 * The database's alarms, in `scope`: CPU, free storage, connections, freeable memory, and the lag of each read
 * replica. A database publishes all the time: a gap means it is down, and is breaching.
 */
export function addDatabaseAlarms(scope: Construct, topic: sns.ITopic, factory: AlarmFactory,
  database: rds.IDatabaseInstance | undefined, readReplicas: rds.IDatabaseInstance[], settings: AlarmSettings) {
  const add = factory.add.bind(factory, scope, topic);
  const period = Duration.minutes(5);
  const { Stats, ComparisonOperator } = cloudwatch;
  const breaching = cloudwatch.TreatMissingData.BREACHING;
  if (database) {
    add({
      id: 'DatabaseCpuAlarm',
      setting: settings.databaseCpuPercent,
      description: t => `Database average CPU above ${t}% for 15 minutes`,
      metric: database.metricCPUUtilization({ period }),
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    });
    add({
      id: 'DatabaseFreeStorageAlarm',
      setting: settings.databaseFreeStorageBytes,
      description: t => `Database free storage below ${t} bytes`,
      metric: database.metricFreeStorageSpace({ statistic: Stats.MINIMUM, period }),
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: breaching,
    });
    add({
      id: 'DatabaseConnectionsAlarm',
      setting: settings.databaseConnections,
      description: t => `More than ${t} database connections for 15 minutes`,
      metric: database.metricDatabaseConnections({ statistic: Stats.AVERAGE, period }),
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    });
    add({
      id: 'DatabaseFreeableMemoryAlarm',
      setting: settings.databaseFreeableMemoryBytes,
      description: t => `Database freeable memory below ${t} bytes for 15 minutes`,
      metric: database.metricFreeableMemory({ statistic: Stats.AVERAGE, period }),
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: breaching,
    });
  }
  readReplicas.forEach((replica, i) => add({
    id: `ReplicaLagAlarm${i + 1}`,
    setting: settings.replicaLagSeconds,
    description: t => `Read replica ${i + 1} more than ${t} s behind for 15 minutes`,
    metric: replica.metric('ReplicaLag', { statistic: Stats.MAXIMUM, period }),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: breaching,
  }));
}
