import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AuditTrail } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

describe('AuditTrail', () => {
  describe('alone in a stack', () => {
    const app = strictApp();
    const stack = new Stack(app, 'AccountTrail', { env: { account: '123456789012', region: 'eu-west-1' } });
    const auditTrail = new AuditTrail(stack, 'AuditTrail');
    const template = Template.fromStack(stack);

    test('a multi-region trail with log file validation, encrypted with its key, delivered to its bucket and log group', () => {
      const keyId = idOf(template, 'AWS::KMS::Key', /^AuditTrailTrailKey/);
      expect(only(template, 'AWS::CloudTrail::Trail')[1].Properties).toMatchObject({
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        KMSKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        S3BucketName: { Ref: idOf(template, 'AWS::S3::Bucket', /^AuditTrailTrailBucket[0-9A-F]{8}$/) },
        CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [idOf(template, 'AWS::Logs::LogGroup', /^AuditTrailTrailLogGroup/), 'Arn'] },
      });
      expect(Stack.of(auditTrail.trail)).toBe(stack);
      expect(auditTrail.encryptionKey.node.path).toBe('AccountTrail/AuditTrail/TrailKey');
    });

    test('bucket, keys and log group are retained; the log group is kept a year; access logs go to a bucket of its own', () => {
      expect(only(template, 'AWS::S3::Bucket', /^AuditTrailTrailBucket[0-9A-F]{8}$/)[1].DeletionPolicy).toBe('Retain');
      expect(only(template, 'AWS::KMS::Key', /^AuditTrailTrailKey/)[1].DeletionPolicy).toBe('Retain');
      const [, group] = only(template, 'AWS::Logs::LogGroup', /^AuditTrailTrailLogGroup/);
      expect(group.DeletionPolicy).toBe('Retain');
      expect(group.Properties.RetentionInDays).toBe(365);
      idOf(template, 'AWS::S3::Bucket', /^AuditTrailTrailAccessLogsBucket/);
    });

    test('passes the four compliance packs and the template rules', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  test('log retention, removal policy and an access logs bucket of the app', () => {
    const app = strictApp();
    const stack = new Stack(app, 'AccountTrail');
    const accessLogs = new s3.Bucket(stack, 'Logs');
    new AuditTrail(stack, 'AuditTrail', {
      logRetention: logs.RetentionDays.TWO_YEARS, removalPolicy: RemovalPolicy.DESTROY, accessLogsBucket: accessLogs,
    });
    const template = Template.fromStack(stack);
    const [, group] = only(template, 'AWS::Logs::LogGroup', /^AuditTrailTrailLogGroup/);
    expect(group.Properties.RetentionInDays).toBe(731);
    expect(group.DeletionPolicy).toBe('Delete');
    const [, bucket] = only(template, 'AWS::S3::Bucket', /^AuditTrailTrailBucket[0-9A-F]{8}$/);
    expect(bucket.DeletionPolicy).toBe('Delete');
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: idOf(template, 'AWS::S3::Bucket', /^Logs/) });
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter(id => /AccessLogs/.test(id))).toEqual([]);
  });
});
