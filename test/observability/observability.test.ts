import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ICacheMetrics, NatStrategy, NetworkFoundation, ResilientDataTier, ScalableWebTier, SecureEdge } from '../../src';
import { Observability, ObservabilityProps } from '../../src/observability/observability';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

const ACCOUNT = '123456789012';
const CROSS_REGION_READER = 'Custom::CdkProductionWebappCrossRegionReader';

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly observability: Observability;
  readonly template: Template;
  /** The us-east-1 companion stack's template, when the stack is elsewhere and one was created. */
  readonly companion?: Template;
  /** The us-east-1 follower stack's template, when the stack is elsewhere and one was created. */
  readonly follower?: Template;
}

interface Tiers {
  readonly network?: boolean;
  readonly web?: boolean;
  readonly data?: boolean;
  readonly edge?: boolean;
  readonly readReplicas?: number;
  readonly natStrategy?: NatStrategy;
  readonly webAclArn?: string;
}

const ALL: Tiers = { network: true, web: true, data: true, edge: true };

/** The tiers asked for, watched by an Observability, in a stack of `region`. */
function synth(region: string, tiers: Tiers = ALL, props: Partial<ObservabilityProps> = {}): Fixture {
  const app = strictApp();
  const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region } });
  const network = new NetworkFoundation(stack, 'Network', { natStrategy: tiers.natStrategy });
  const certificate = acm.Certificate.fromCertificateArn(stack, 'C', `arn:aws:acm:${region}:${ACCOUNT}:certificate/x`);
  const webTier = tiers.web || tiers.edge ? new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate }) : undefined;
  const dataTier = tiers.data
    ? new ResilientDataTier(stack, 'Data', { vpc: network.vpc, database: { readReplicas: tiers.readReplicas ?? 0 } })
    : undefined;
  const edge = tiers.edge ? new SecureEdge(stack, 'Edge', {
    loadBalancer: webTier!.loadBalancer,
    webAclArn: tiers.webAclArn,
    // What is watched does not depend on how the origin is locked.
    allowOpenOrigin: true,
  }) : undefined;
  const observability = new Observability(stack, 'Observability', {
    network: tiers.network ? network : undefined,
    webTier: tiers.web ? webTier : undefined,
    dataTier,
    edge,
    alarmEmails: ['ops@example.com', 'oncall@example.com'],
    ...props,
  });
  const child = (id: string) => app.node.tryFindChild(id) as Stack | undefined;
  const companion = child('TestStack-us-east-1');
  const follower = child('TestStack-us-east-1-monitoring');
  expect(app.node.children.filter(c => c instanceof Stack)).toHaveLength(1 + (companion ? 1 : 0) + (follower ? 1 : 0));
  return {
    app,
    stack,
    observability,
    template: Template.fromStack(stack),
    companion: companion && Template.fromStack(companion),
    follower: follower && Template.fromStack(follower),
  };
}

/** The alarm whose logical ID starts with `Observability<name>`. */
function alarm(template: Template, name: string): any {
  return only(template, 'AWS::CloudWatch::Alarm', new RegExp(`Observability${name}[0-9A-F]{8}$`))[1].Properties;
}

/** The properties of the CloudFront 5xx alarm on `distributionId`, notifying `topicId` (2 of 3 five-minute periods above 5%). */
function cloudFront5xxAlarm(distributionId: unknown, topicId: string) {
  return {
    Namespace: 'AWS/CloudFront',
    MetricName: '5xxErrorRate',
    Statistic: 'Average',
    Period: 300,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    TreatMissingData: 'notBreaching',
    Dimensions: [
      { Name: 'DistributionId', Value: distributionId },
      { Name: 'Region', Value: 'Global' },
    ],
    AlarmActions: [{ Ref: topicId }],
    OKActions: [{ Ref: topicId }],
  };
}

/** The dashboard body as JSON, with every token replaced by `TOKEN`. */
function dashboardBody(template: Template): any {
  const body = only(template, 'AWS::CloudWatch::Dashboard')[1].Properties.DashboardBody;
  const parts: unknown[] = body['Fn::Join'][1];
  return JSON.parse(parts.map(p => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('Observability', () => {
  describe('all tiers in eu-west-1', () => {
    const { app, template, companion, follower, observability } = synth('eu-west-1', { ...ALL, readReplicas: 2 });
    const topicId = idOf(template, 'AWS::SNS::Topic', /^ObservabilityAlarmTopic/);
    const topicKeyId = idOf(template, 'AWS::KMS::Key', /^ObservabilityAlarmTopicKey/);
    const bothActions = { AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] };

    test('the alarm topic is encrypted with a rotated key that CloudWatch of this account may use', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [topicKeyId, 'Arn'] } });
      const [, key] = only(template, 'AWS::KMS::Key', /^ObservabilityAlarmTopicKey/);
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.Properties.KeyPolicy.Statement).toContainEqual({
        Sid: 'AllowCloudWatchAlarmsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      });
    });

    test('the alarm topic refuses publishing without TLS and e-mails every address', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny', Action: 'sns:Publish', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })]),
        },
      });
      for (const email of ['ops@example.com', 'oncall@example.com']) {
        template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: topicId } });
      }
    });

    test.each([
      // name, namespace, metric, statistic, period, threshold, comparison, evaluation periods, datapoints, missing data
      ['WebCpuAlarm', 'AWS/EC2', 'CPUUtilization', 'Average', 300, 80, 'GreaterThanThreshold', 3, undefined, 'missing'],
      ['UnhealthyHostsAlarm', 'AWS/ApplicationELB', 'UnHealthyHostCount', 'Maximum', 60, 1, 'GreaterThanOrEqualToThreshold', 3, undefined, 'missing'],
      ['DatabaseCpuAlarm', 'AWS/RDS', 'CPUUtilization', 'Average', 300, 80, 'GreaterThanThreshold', 3, undefined, 'breaching'],
      ['DatabaseFreeStorageAlarm', 'AWS/RDS', 'FreeStorageSpace', 'Minimum', 300, 10737418240, 'LessThanThreshold', 1, undefined, 'breaching'],
      ['DatabaseConnectionsAlarm', 'AWS/RDS', 'DatabaseConnections', 'Average', 300, 200, 'GreaterThanThreshold', 3, undefined, 'breaching'],
      ['DatabaseFreeableMemoryAlarm', 'AWS/RDS', 'FreeableMemory', 'Average', 300, 268435456, 'LessThanThreshold', 3, undefined, 'breaching'],
      ['ReplicaLagAlarm1', 'AWS/RDS', 'ReplicaLag', 'Maximum', 300, 60, 'GreaterThanThreshold', 3, undefined, 'breaching'],
      ['ReplicaLagAlarm2', 'AWS/RDS', 'ReplicaLag', 'Maximum', 300, 60, 'GreaterThanThreshold', 3, undefined, 'breaching'],
      ['NatPortAllocationErrorsAlarm1', 'AWS/NATGateway', 'ErrorPortAllocation', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', 1, undefined, 'notBreaching'],
      ['NatPortAllocationErrorsAlarm2', 'AWS/NATGateway', 'ErrorPortAllocation', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', 1, undefined, 'notBreaching'],
      ['NatPacketsDroppedAlarm1', 'AWS/NATGateway', 'PacketsDropCount', 'Sum', 300, 100, 'GreaterThanThreshold', 3, undefined, 'notBreaching'],
      ['NatPacketsDroppedAlarm2', 'AWS/NATGateway', 'PacketsDropCount', 'Sum', 300, 100, 'GreaterThanThreshold', 3, undefined, 'notBreaching'],
    ])('%s: %s %s (%s over %ss) against %s, %s, %s periods', (name, namespace, metricName, statistic, period, threshold,
      comparison, evaluationPeriods, datapoints, missing) => {
      const properties = alarm(template, name);
      expect(properties).toMatchObject({
        Namespace: namespace,
        MetricName: metricName,
        Statistic: statistic,
        Period: period,
        Threshold: threshold,
        ComparisonOperator: comparison,
        EvaluationPeriods: evaluationPeriods,
        TreatMissingData: missing,
        ...bothActions,
      });
      expect(properties.DatapointsToAlarm).toBe(datapoints);
    });

    test('the p95 target response time alarm watches the target group above 1 s', () => {
      expect(alarm(template, 'TargetResponseTimeAlarm')).toMatchObject({
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        ExtendedStatistic: 'p95',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        TreatMissingData: 'notBreaching',
        ...bothActions,
      });
      expect(alarm(template, 'TargetResponseTimeAlarm').Dimensions.map((d: any) => d.Name).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    });

    test('the 5xx rate alarm divides load balancer and target 5xx by requests', () => {
      const properties = alarm(template, 'Http5xxRateAlarm');
      expect(properties).toMatchObject({
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        ...bothActions,
      });
      const metrics = properties.Metrics;
      expect(metrics.find((m: any) => m.Expression)).toMatchObject({
        Id: 'expr_1',
        Expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
      });
      const byId = Object.fromEntries(metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat]));
      expect(byId.requests).toMatchObject({ Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' }, Stat: 'Sum', Period: 300 });
      expect(byId.elb5xx).toMatchObject({ Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_ELB_5XX_Count' }, Stat: 'Sum', Period: 300 });
      expect(byId.target5xx).toMatchObject({ Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' }, Stat: 'Sum', Period: 300 });
    });

    test.each([
      ['CacheCpuAlarm', 'MAX', 'CPUUtilization', 'Average', 80, 3, 'breaching'],
      ['CacheEngineCpuAlarm', 'MAX', 'EngineCPUUtilization', 'Average', 90, 3, 'breaching'],
      ['CacheMemoryAlarm', 'MAX', 'DatabaseMemoryUsagePercentage', 'Average', 80, 3, 'breaching'],
      ['CacheEvictionsAlarm', 'SUM', 'Evictions', 'Sum', 1000, 1, 'notBreaching'],
      ['CacheConnectionsAlarm', 'SUM', 'CurrConnections', 'Average', 5000, 3, 'breaching'],
    ])('%s: %s of %s (%s) over the cache nodes above %s, %s periods', (name, aggregate, metricName, stat, threshold, periods, missing) => {
      const properties = alarm(template, name);
      expect(properties).toMatchObject({
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: periods,
        TreatMissingData: missing,
        ...bothActions,
      });
      const nodes = properties.Metrics.filter((m: any) => m.MetricStat);
      expect(nodes.length).toBeGreaterThan(0);
      expect(nodes.length).toBeLessThanOrEqual(10); // CloudWatch's limit for an alarm's math expression
      for (const node of nodes) {
        expect(node.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/ElastiCache', MetricName: metricName }, Stat: stat, Period: 300 });
        expect(node.ReturnData).toBe(false);
      }
      expect(properties.Metrics.find((m: any) => m.Expression).Expression)
        .toBe(`${aggregate}([${nodes.map((m: any) => m.Id).join(', ')}])`);
    });

    test('one NAT alarm of each kind per NAT gateway, on its ID', () => {
      const gateways = Object.keys(template.findResources('AWS::EC2::NatGateway'));
      expect(gateways).toHaveLength(2);
      for (const [i, gateway] of gateways.entries()) {
        expect(alarm(template, `NatPortAllocationErrorsAlarm${i + 1}`).Dimensions).toEqual([{ Name: 'NatGatewayId', Value: { Ref: gateway } }]);
        expect(alarm(template, `NatPacketsDroppedAlarm${i + 1}`).Dimensions).toEqual([{ Name: 'NatGatewayId', Value: { Ref: gateway } }]);
      }
    });

    test('the us-east-1 alarms live in the follower stack, deployed after this one, with an encrypted, TLS-only topic and the same e-mails', () => {
      expect(follower).toBeDefined();
      const followerStack = app.node.findChild('TestStack-us-east-1-monitoring') as Stack;
      expect(followerStack.region).toBe('us-east-1');
      expect(followerStack.account).toBe(ACCOUNT);
      expect(followerStack.stackName).toBe('TestStack-eu-west-1-us-east-1-monitoring');
      expect(followerStack.dependencies.map(s => s.node.id)).toEqual(['TestStack']);
      const [usTopicId] = only(follower!, 'AWS::SNS::Topic', /AlarmTopic/);
      const [usKeyId, usKey] = only(follower!, 'AWS::KMS::Key', /AlarmTopicKey/);
      expect(usKey.Properties.EnableKeyRotation).toBe(true);
      expect(JSON.stringify(usKey.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
      follower!.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [usKeyId, 'Arn'] } });
      follower!.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      for (const email of ['ops@example.com', 'oncall@example.com']) {
        follower!.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: usTopicId } });
      }
      expect(observability.usEast1AlarmTopic).toBeDefined();
      expect(Stack.of(observability.usEast1AlarmTopic!).node.id).toBe('TestStack-us-east-1-monitoring');
      // Nothing alarms in the companion, deployed before the distribution exists.
      companion!.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      companion!.resourceCountIs('AWS::SNS::Topic', 0);
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /CloudFront|Waf/.test(id))).toEqual([]);
    });

    /** The reader in the follower that reads `name` back, and the parameter the stack writes it into. */
    function handedOver(name: string): [string, any] {
      const [readerId, reader] = only(follower!, 'Custom::CdkProductionWebappCrossRegionReader', new RegExp(name));
      expect(reader.Properties).toMatchObject({ Region: 'eu-west-1' });
      const [, parameter] = only(template, 'AWS::SSM::Parameter', new RegExp(`Alarms${name}`));
      expect(parameter.Properties.Name).toBe(reader.Properties.ParameterName);
      expect(parameter.Properties.Name).toMatch(/^\/cdk-production-webapp\/cross-region\/us-east-1\/TestStack-eu-west-1-us-east-1-monitoring\//);
      return [readerId, parameter.Properties.Value];
    }

    test('the CloudFront 5xx alarm reads the distribution ID that this stack hands over in an SSM parameter', () => {
      const [readerId, value] = handedOver('DistributionId');
      expect(value).toEqual({ Ref: idOf(template, 'AWS::CloudFront::Distribution', /Edge/) });
      const [usTopicId] = only(follower!, 'AWS::SNS::Topic', /AlarmTopic/);
      const [, cloudFront] = only(follower!, 'AWS::CloudWatch::Alarm', /CloudFront5xxRateAlarm/);
      expect(cloudFront.Properties).toMatchObject(cloudFront5xxAlarm({ 'Fn::GetAtt': [readerId, 'Value'] }, usTopicId));
    });

    test('the WAF alarm reads the web ACL ARN that this stack itself reads from the companion', () => {
      const [readerId, value] = handedOver('WebAclArn');
      const [edgeReaderId] = only(template, 'Custom::CdkProductionWebappCrossRegionReader', /^EdgeWebAclArn/);
      expect(value).toEqual({ 'Fn::GetAtt': [edgeReaderId, 'Value'] });
      const [usTopicId] = only(follower!, 'AWS::SNS::Topic', /AlarmTopic/);
      const [, waf] = only(follower!, 'AWS::CloudWatch::Alarm', /WafBlockedRequestsAlarm/);
      expect(waf.Properties).toMatchObject({
        Namespace: 'AWS/WAFV2',
        MetricName: 'BlockedRequests',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: usTopicId }],
        OKActions: [{ Ref: usTopicId }],
      });
      expect(waf.Properties.Dimensions).toEqual([
        { Name: 'Rule', Value: 'ALL' },
        { Name: 'WebACL', Value: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [readerId, 'Value'] }] }] } },
      ]);
    });

    test('the follower\'s reader may read only its own parameters, in this stack\'s region', () => {
      const policies = JSON.stringify(follower!.findResources('AWS::IAM::Role'));
      expect(policies).toContain('ssm:GetParameter');
      expect(policies).toContain(':ssm:eu-west-1:');
      expect(policies).toContain('parameter/cdk-production-webapp/cross-region/us-east-1/TestStack-eu-west-1-us-east-1-monitoring/*');
    });

    test('`alarms` lists every alarm, in both stacks', () => {
      const count = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => id.startsWith('Observability')).length;
      expect(count).toBe(4 + 6 + 5 + 4);
      follower!.resourceCountIs('AWS::CloudWatch::Alarm', 2);
      expect(observability.alarms).toHaveLength(count + 2);
    });

    test('the dashboard has the six groups, each with its widgets', () => {
      const widgets = dashboardBody(template).widgets;
      const headers = widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
      expect(headers).toEqual(['## Load balancer', '## Auto Scaling group', '## RDS performance', '## ElastiCache',
        '## Application error rate', '## Cost and billing']);
      const titles = widgets.filter((w: any) => w.type === 'metric').map((w: any) => w.properties.title);
      expect(titles).toEqual(['Request count', 'Target response time', 'In-service instances', 'Fleet CPU (%)',
        'Database CPU (%) and connections', 'Database IOPS', 'Database free storage (bytes)', 'Replica lag (s)',
        'Cache hit ratio (%)', 'Cache memory, fullest node (%)', 'Cache evictions', 'Load balancer 5xx rate (%)',
        'CloudFront 5xx rate (%)', 'Estimated charges this month (USD)']);
    });

    test('dashboard metrics: ASG in-service instances, RDS IOPS, cache hit ratio by SEARCH, billing in us-east-1', () => {
      const widgets = dashboardBody(template).widgets;
      const byTitle = (title: string) => widgets.find((w: any) => w.properties.title === title).properties;
      expect(byTitle('In-service instances').metrics[0].slice(0, 2)).toEqual(['AWS/AutoScaling', 'GroupInServiceInstances']);
      expect(byTitle('Database IOPS').metrics.map((m: any) => m[1])).toEqual(['ReadIOPS', 'WriteIOPS']);
      const hitRatio = byTitle('Cache hit ratio (%)').metrics.map((m: any) => m[0]);
      expect(hitRatio).toContainEqual(expect.objectContaining({ expression: '100 * SUM(hits) / (SUM(hits) + SUM(misses))' }));
      expect(hitRatio).toContainEqual(expect.objectContaining({
        expression: 'SEARCH(\'{AWS/ElastiCache,CacheClusterId} MetricName="CacheHits" "TOKEN"\', \'Sum\', 300)', id: 'hits',
      }));
      expect(hitRatio).toContainEqual(expect.objectContaining({ id: 'misses' }));
      const cloudFront = byTitle('CloudFront 5xx rate (%)').metrics;
      expect(cloudFront[0].slice(0, 2)).toEqual(['AWS/CloudFront', '5xxErrorRate']);
      expect(cloudFront[0][cloudFront[0].length - 1]).toMatchObject({ region: 'us-east-1' });
      const billing = byTitle('Estimated charges this month (USD)');
      expect(billing.region).toBe('us-east-1');
      expect(billing.metrics[0].slice(0, 4)).toEqual(['AWS/Billing', 'EstimatedCharges', 'Currency', 'USD']);
    });

    test('a multi-region trail with log file validation, encrypted with its key, delivered to its log group', () => {
      const [, trail] = only(template, 'AWS::CloudTrail::Trail');
      expect(trail.Properties).toMatchObject({
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        IsLogging: true,
        KMSKeyId: { 'Fn::GetAtt': ['ObservabilityTrailKeyEC0B82D1', 'Arn'] },
        S3BucketName: { Ref: 'ObservabilityTrailBucket00FAFD95' },
        CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': ['ObservabilityTrailLogGroup2CF1B058', 'Arn'] },
      });
      expect(observability.trail).toBeDefined();
    });

    test('the trail key is rotated and lets only CloudTrail trails of this account encrypt', () => {
      const [, key] = only(template, 'AWS::KMS::Key', /^ObservabilityTrailKey/);
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const statement = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowCloudTrailToEncryptLogs');
      expect(statement).toEqual({
        Sid: 'AllowCloudTrailToEncryptLogs',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:', { Ref: 'AWS::AccountId' }, ':trail/*']] } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':trail/*']] } },
        },
      });
      expect(key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowCloudTrailToDescribeKey'))
        .toMatchObject({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey' });
    });

    test('the trail bucket: SSE-KMS with the trail key, versioned, TLS only, private, access-logged, archived then expired', () => {
      const [, bucket] = only(template, 'AWS::S3::Bucket', /^ObservabilityTrailBucket[0-9A-F]{8}$/);
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['ObservabilityTrailKeyEC0B82D1', 'Arn'] } },
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: idOf(template, 'AWS::S3::Bucket', /^ObservabilityTrailAccessLogsBucket/) }, LogFilePrefix: 'trail/',
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
        Status: 'Enabled', ExpirationInDays: 2555, Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 365 }],
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: 'ObservabilityTrailBucket00FAFD95' },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    test('the trail log group is KMS-encrypted and kept a year; CloudTrail writes to it through a managed policy', () => {
      const [, group] = only(template, 'AWS::Logs::LogGroup', /^ObservabilityTrailLogGroup/);
      expect(group.Properties).toEqual({
        KmsKeyId: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /^ObservabilityTrailLogKey/), 'Arn'] },
        RetentionInDays: 365,
      });
      const roleId = idOf(template, 'AWS::IAM::Role', /^ObservabilityTrailLogsRole/);
      expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter(id => id.startsWith('Observability'))).toEqual([]);
      const [policyId, policy] = only(template, 'AWS::IAM::ManagedPolicy', /^ObservabilityTrailLogsRolePolicy/);
      expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
      expect(policy.Properties.PolicyDocument.Statement).toEqual([{
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['ObservabilityTrailLogGroup2CF1B058', 'Arn'] },
      }]);
      expect(only(template, 'AWS::CloudTrail::Trail')[1].DependsOn).toEqual(expect.arrayContaining([policyId, roleId]));
    });

    test('logical IDs of the trail bucket, key and log group are pinned', () => {
      expect(idOf(template, 'AWS::S3::Bucket', /^ObservabilityTrailBucket[0-9A-F]{8}$/)).toBe('ObservabilityTrailBucket00FAFD95');
      expect(idOf(template, 'AWS::KMS::Key', /^ObservabilityTrailKey/)).toBe('ObservabilityTrailKeyEC0B82D1');
      expect(idOf(template, 'AWS::Logs::LogGroup', /^ObservabilityTrail/)).toBe('ObservabilityTrailLogGroup2CF1B058');
    });

    test('passes the four compliance packs and the template rules, in both stacks', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  describe('all tiers in us-east-1', () => {
    const { app, template, companion, follower } = synth('us-east-1');
    const topicId = idOf(template, 'AWS::SNS::Topic', /^ObservabilityAlarmTopic/);

    test('no companion and no follower; the CloudFront and WAF alarms notify the one alarm topic', () => {
      expect(companion).toBeUndefined();
      expect(follower).toBeUndefined();
      expect(alarm(template, 'CloudFront5xxRateAlarm'))
        .toMatchObject(cloudFront5xxAlarm({ Ref: idOf(template, 'AWS::CloudFront::Distribution', /Edge/) }, topicId));
      expect(alarm(template, 'WafBlockedRequestsAlarm')).toMatchObject({
        Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests', AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }],
      });
      template.resourceCountIs('AWS::SNS::Topic', 2); // the alarm topic and the web tier's notifications
    });

    test('passes the four compliance packs and the template rules', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  describe('options', () => {
    test('thresholds override the defaults', () => {
      const { template } = synth('eu-west-1', { web: true, data: true }, {
        thresholds: { webCpuPercent: 70, databaseFreeStorageBytes: 5 * 1024 ** 3, cacheEvictions: 10 },
      });
      expect(alarm(template, 'WebCpuAlarm').Threshold).toBe(70);
      expect(alarm(template, 'DatabaseFreeStorageAlarm').Threshold).toBe(5368709120);
      expect(alarm(template, 'CacheEvictionsAlarm').Threshold).toBe(10);
      expect(alarm(template, 'UnhealthyHostsAlarm').Threshold).toBe(1);
    });

    test('widgets and alarms only for the tiers given: a web tier alone', () => {
      const { template, companion } = synth('eu-west-1', { web: true }, { trail: false });
      const headers = dashboardBody(template).widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
      expect(headers).toEqual(['## Load balancer', '## Auto Scaling group', '## Application error rate', '## Cost and billing']);
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => id.startsWith('Observability'))).toHaveLength(4);
      expect(companion).toBeUndefined();
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    });

    test('no read replica, no replica lag alarm', () => {
      const { template } = synth('eu-west-1', { data: true }, { trail: false });
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /ReplicaLag/.test(id))).toEqual([]);
    });

    test('NAT instances publish no NAT gateway metrics: no NAT alarm', () => {
      const { template } = synth('eu-west-1', { network: true, natStrategy: NatStrategy.instances() }, { trail: false });
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /Nat/.test(id))).toEqual([]);
    });

    test('a single NAT gateway gets one alarm of each kind', () => {
      const { template } = synth('eu-west-1', { network: true, natStrategy: NatStrategy.single() }, { trail: false });
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /Nat/.test(id))).toHaveLength(2);
    });

    test('an imported web ACL gets no WAF alarm (and no companion stack); CloudFront still gets its alarm', () => {
      const webAclArn = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/shared/abc`;
      const { template, companion, follower, observability } = synth('eu-west-1', { edge: true, webAclArn }, { trail: false });
      expect(companion).toBeUndefined();
      expect(observability.usEast1AlarmTopic).toBeDefined();
      expect(Object.keys(follower!.findResources('AWS::CloudWatch::Alarm'))).toEqual([expect.stringMatching(/CloudFront5xxRateAlarm/)]);
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /Waf/.test(id))).toEqual([]);
    });

    test('log retention and removal policy', () => {
      const { template } = synth('eu-west-1', { web: true }, {
        logRetention: logs.RetentionDays.TWO_YEARS, removalPolicy: RemovalPolicy.DESTROY,
      });
      const [, group] = only(template, 'AWS::Logs::LogGroup', /^ObservabilityTrailLogGroup/);
      expect(group.Properties.RetentionInDays).toBe(731);
      expect(group.DeletionPolicy).toBe('Delete');
      expect(only(template, 'AWS::S3::Bucket', /^ObservabilityTrailBucket[0-9A-F]{8}$/)[1].DeletionPolicy).toBe('Delete');
      expect(only(template, 'AWS::KMS::Key', /^ObservabilityTrailKey/)[1].DeletionPolicy).toBe('Delete');
    });
  });

  describe('validation', () => {
    function create(props: Partial<ObservabilityProps>) {
      return () => new Observability(new Stack(strictApp(), 'S'), 'Observability', props);
    }

    test.each(['ops', 'ops@example', 'ops @example.com', '@example.com', ''])('rejects the e-mail address %p', email => {
      expect(create({ alarmEmails: ['ok@example.com', email] }))
        .toThrow(`S/Observability: alarmEmails: '${email}' is not an e-mail address.`);
    });

    test.each([
      ['webCpuPercent', 101, 'a percentage between 0 and 100'],
      ['http5xxRatePercent', -1, 'a percentage between 0 and 100'],
      ['cacheMemoryPercent', 150, 'a percentage between 0 and 100'],
      ['cloudFront5xxRatePercent', 100.5, 'a percentage between 0 and 100'],
      ['unhealthyHosts', -1, 'a non-negative number'],
      ['databaseFreeStorageBytes', -5, 'a non-negative number'],
      ['wafBlockedRequests', NaN, 'a non-negative number'],
    ])('rejects thresholds.%s = %p', (name, value, valid) => {
      expect(create({ thresholds: { [name]: value } }))
        .toThrow(`S/Observability: thresholds.${name}: ${value} is out of range; it must be ${valid}.`);
    });

    test('accepts the bounds', () => {
      expect(create({ thresholds: { webCpuPercent: 100, cacheMemoryPercent: 0, natPacketsDropped: 0 } })).not.toThrow();
    });
  });
});

/** A cache of the user's own: one node, `legacy-cache-001`, watched through `ICacheMetrics`. */
class OwnCacheMetrics implements ICacheMetrics {
  public static readonly NODE = 'legacy-cache-001';
  public metricCpuUtilization(props?: cloudwatch.MetricOptions) { return this.metric('CPUUtilization', 'Average', props); }
  public metricEngineCpuUtilization(props?: cloudwatch.MetricOptions) { return this.metric('EngineCPUUtilization', 'Average', props); }
  public metricDatabaseMemoryUsagePercentage(props?: cloudwatch.MetricOptions) {
    return this.metric('DatabaseMemoryUsagePercentage', 'Average', props);
  }
  public metricEvictions(props?: cloudwatch.MetricOptions) { return this.metric('Evictions', 'Sum', props); }
  public metricCurrConnections(props?: cloudwatch.MetricOptions) { return this.metric('CurrConnections', 'Average', props); }
  public metricHitRatio(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return new cloudwatch.MathExpression({
      expression: '100 * hits / (hits + misses)',
      usingMetrics: { hits: this.metric('CacheHits', 'Sum'), misses: this.metric('CacheMisses', 'Sum') },
      period: props?.period ?? Duration.minutes(5),
    });
  }
  private metric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions) {
    return new cloudwatch.Metric({
      namespace: 'AWS/ElastiCache',
      metricName,
      dimensionsMap: { CacheClusterId: OwnCacheMetrics.NODE },
      statistic,
      period: Duration.minutes(5),
      ...props,
    });
  }
}

interface OwnResources {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly database: rds.IDatabaseInstance;
  readonly replica: rds.IDatabaseInstance;
  readonly distribution: cloudfront.IDistribution;
}

/** Resources built by hand or imported, none of them by this library, in a stack of `region`. */
function ownResources(region: string): OwnResources {
  const app = strictApp();
  const stack = new Stack(app, 'OwnStack', { env: { account: ACCOUNT, region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const listener = loadBalancer.addListener('Http', { port: 80 });
  const targetGroup = listener.addTargets('Fleet', { port: 80, targets: [autoScalingGroup] });
  const database = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'LegacyDb', {
    instanceIdentifier: 'legacy-db', instanceEndpointAddress: 'legacy-db.example.com', port: 5432, securityGroups: [],
  });
  const replica = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'LegacyReplica', {
    instanceIdentifier: 'legacy-replica', instanceEndpointAddress: 'legacy-replica.example.com', port: 5432, securityGroups: [],
  });
  const distribution = cloudfront.Distribution.fromDistributionAttributes(stack, 'LegacyCdn', {
    domainName: 'd111111abcdef8.cloudfront.net', distributionId: 'E2LEGACY',
  });
  return { app, stack, vpc, loadBalancer, targetGroup, autoScalingGroup, database, replica, distribution };
}

const LEGACY_WEB_ACL_ARN = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/legacy-acl/0123-4567`;

/** The logical IDs of the alarms under `Observability`, without their hash. */
function alarmNames(template: Template): string[] {
  return Object.keys(template.findResources('AWS::CloudWatch::Alarm'))
    .map(id => id.replace(/[0-9A-F]{8}$/, '').replace(/^.*Observability/, '')).sort();
}

describe('Observability of resources this library did not build', () => {
  describe('a hand-made load balancer and fleet, an imported database, a cache of its own, a VPC, an imported distribution, in us-east-1', () => {
    const own = ownResources('us-east-1');
    const observability = new Observability(own.stack, 'Observability', {
      vpc: own.vpc,
      loadBalancer: own.loadBalancer,
      targetGroup: own.targetGroup,
      autoScalingGroup: own.autoScalingGroup,
      database: own.database,
      readReplicas: [own.replica],
      cache: new OwnCacheMetrics(),
      distribution: own.distribution,
      webAclArn: LEGACY_WEB_ACL_ARN,
      trail: false,
    });
    const template = Template.fromStack(own.stack);
    const topicId = idOf(template, 'AWS::SNS::Topic', /^ObservabilityAlarmTopic/);

    test('every alarm of every tier, under the same construct IDs as for the tiers', () => {
      expect(alarmNames(template)).toEqual([
        'CacheConnectionsAlarm', 'CacheCpuAlarm', 'CacheEngineCpuAlarm', 'CacheEvictionsAlarm', 'CacheMemoryAlarm',
        'CloudFront5xxRateAlarm', 'DatabaseConnectionsAlarm', 'DatabaseCpuAlarm', 'DatabaseFreeStorageAlarm',
        'DatabaseFreeableMemoryAlarm', 'Http5xxRateAlarm', 'NatPacketsDroppedAlarm1', 'NatPortAllocationErrorsAlarm1',
        'ReplicaLagAlarm1', 'TargetResponseTimeAlarm', 'UnhealthyHostsAlarm', 'WafBlockedRequestsAlarm', 'WebCpuAlarm',
      ]);
      expect(observability.alarms).toHaveLength(18);
    });

    test('the imported database and its replica are watched by their identifiers', () => {
      expect(alarm(template, 'DatabaseCpuAlarm')).toMatchObject({
        Namespace: 'AWS/RDS',
        MetricName: 'CPUUtilization',
        Threshold: 80,
        TreatMissingData: 'breaching',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'legacy-db' }],
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
      expect(alarm(template, 'ReplicaLagAlarm1').Dimensions).toEqual([{ Name: 'DBInstanceIdentifier', Value: 'legacy-replica' }]);
    });

    test('the hand-made load balancer, its target group and fleet are watched', () => {
      const albId = idOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', /^Alb/);
      expect(alarm(template, 'WebCpuAlarm').Dimensions).toEqual([
        { Name: 'AutoScalingGroupName', Value: { Ref: idOf(template, 'AWS::AutoScaling::AutoScalingGroup', /^Fleet/) } },
      ]);
      expect(alarm(template, 'UnhealthyHostsAlarm').Dimensions.map((d: any) => d.Name).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
      const requests = alarm(template, 'Http5xxRateAlarm').Metrics.find((m: any) => m.Id === 'requests');
      expect(JSON.stringify(requests.MetricStat.Metric.Dimensions)).toContain(albId);
    });

    test('the cache of its own is watched through ICacheMetrics', () => {
      expect(alarm(template, 'CacheCpuAlarm')).toMatchObject({
        Namespace: 'AWS/ElastiCache',
        MetricName: 'CPUUtilization',
        Threshold: 80,
        Dimensions: [{ Name: 'CacheClusterId', Value: OwnCacheMetrics.NODE }],
      });
    });

    test('the NAT gateway of the hand-made VPC is watched', () => {
      expect(alarm(template, 'NatPortAllocationErrorsAlarm1').Dimensions).toEqual([
        { Name: 'NatGatewayId', Value: { Ref: idOf(template, 'AWS::EC2::NatGateway', /^Vpc/) } },
      ]);
    });

    test('the imported distribution and web ACL are watched by their literal ID and name', () => {
      expect(alarm(template, 'CloudFront5xxRateAlarm')).toMatchObject(cloudFront5xxAlarm('E2LEGACY', topicId));
      expect(alarm(template, 'WafBlockedRequestsAlarm').Dimensions).toEqual([
        { Name: 'Rule', Value: 'ALL' }, { Name: 'WebACL', Value: 'legacy-acl' },
      ]);
    });

    test('the dashboard shows them in the same groups as the tiers', () => {
      const headers = dashboardBody(template).widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
      expect(headers).toEqual(['## Load balancer', '## Auto Scaling group', '## RDS performance', '## ElastiCache',
        '## Application error rate', '## Cost and billing']);
    });
  });

  test('outside us-east-1, the imported distribution\'s alarms go to the follower stack, with its ID as is', () => {
    const own = ownResources('eu-west-1');
    const observability = new Observability(own.stack, 'Observability', { distribution: own.distribution, trail: false });
    const follower = Template.fromStack(own.app.node.findChild('OwnStack-us-east-1-monitoring') as Stack);
    const [usTopicId] = only(follower, 'AWS::SNS::Topic', /AlarmTopic/);
    expect(only(follower, 'AWS::CloudWatch::Alarm', /CloudFront5xxRateAlarm/)[1].Properties)
      .toMatchObject(cloudFront5xxAlarm('E2LEGACY', usTopicId));
    follower.resourceCountIs(CROSS_REGION_READER, 0);
    expect(observability.usEast1AlarmTopic).toBeDefined();
  });

  test('a load balancer without an Auto Scaling group: no fleet CPU alarm, no Auto Scaling group widgets', () => {
    const own = ownResources('eu-west-1');
    new Observability(own.stack, 'Observability', { loadBalancer: own.loadBalancer, targetGroup: own.targetGroup, trail: false });
    const template = Template.fromStack(own.stack);
    expect(alarmNames(template)).toEqual(['Http5xxRateAlarm', 'TargetResponseTimeAlarm', 'UnhealthyHostsAlarm']);
    const headers = dashboardBody(template).widgets.filter((w: any) => w.type === 'text').map((w: any) => w.properties.markdown);
    expect(headers).toEqual(['## Load balancer', '## Application error rate', '## Cost and billing']);
  });

  test('a cache of more than 10 nodes is on the dashboard and not alarmed, with a warning', () => {
    const own = ownResources('eu-west-1');
    const big: ICacheMetrics = new OwnCacheMetrics();
    const overNodes = (metricName: string) => new cloudwatch.MathExpression({
      expression: `MAX([${[...Array(11).keys()].map(i => `n${i}`).join(', ')}])`,
      usingMetrics: Object.fromEntries([...Array(11).keys()].map(i => [`n${i}`, new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: `big-${i}` },
      })])),
    });
    const cache: ICacheMetrics = {
      metricCpuUtilization: () => overNodes('CPUUtilization'),
      metricEngineCpuUtilization: () => overNodes('EngineCPUUtilization'),
      metricDatabaseMemoryUsagePercentage: () => overNodes('DatabaseMemoryUsagePercentage'),
      metricEvictions: () => overNodes('Evictions'),
      metricCurrConnections: () => overNodes('CurrConnections'),
      metricHitRatio: props => big.metricHitRatio(props),
    };
    new Observability(own.stack, 'Observability', { cache, trail: false });
    expect(alarmNames(Template.fromStack(own.stack))).toEqual([]);
    Annotations.fromStack(own.stack).hasWarning('/OwnStack/Observability', Match.stringLikeRegexp('The cache has 11 nodes'));
  });
});

describe('Observability alarm options', () => {
  /** A hand-made web tier and database in eu-west-1, watched with `props`. */
  function watch(props: Partial<ObservabilityProps> = {}) {
    const own = ownResources('eu-west-1');
    const observability = new Observability(own.stack, 'Observability', {
      loadBalancer: own.loadBalancer,
      targetGroup: own.targetGroup,
      autoScalingGroup: own.autoScalingGroup,
      database: own.database,
      trail: false,
      ...props,
    });
    return { ...own, observability, template: Template.fromStack(own.stack) };
  }

  test('an alarm turned off is not created; the others are, and the dashboard still shows its metric', () => {
    const { template, observability } = watch({
      webTierAlarms: { cpuPercent: { enabled: false } },
      databaseAlarms: { connections: { enabled: false } },
    });
    const names = alarmNames(template);
    expect(names).not.toContain('WebCpuAlarm');
    expect(names).not.toContain('DatabaseConnectionsAlarm');
    expect(names).toEqual(['DatabaseCpuAlarm', 'DatabaseFreeStorageAlarm', 'DatabaseFreeableMemoryAlarm', 'Http5xxRateAlarm',
      'TargetResponseTimeAlarm', 'UnhealthyHostsAlarm']);
    expect(observability.alarms).toHaveLength(6);
    const titles = dashboardBody(template).widgets.map((w: any) => w.properties.title);
    expect(titles).toContain('Fleet CPU (%)');
  });

  test('another threshold, in the description too', () => {
    const { template } = watch({
      databaseAlarms: { connections: { threshold: 400 } },
      webTierAlarms: { targetResponseTimeSeconds: { threshold: 0.5 } },
    });
    expect(alarm(template, 'DatabaseConnectionsAlarm')).toMatchObject({
      Threshold: 400, AlarmDescription: 'More than 400 database connections for 15 minutes',
    });
    expect(alarm(template, 'TargetResponseTimeAlarm').Threshold).toBe(0.5);
    expect(alarm(template, 'DatabaseCpuAlarm').Threshold).toBe(80);
  });

  test('a warning level is a second alarm, <ID>Warning, on the same metric and evaluation, notifying the alarm topic', () => {
    const { template, observability } = watch({ webTierAlarms: { cpuPercent: { threshold: 90, warning: { threshold: 70 } } } });
    const topicId = idOf(template, 'AWS::SNS::Topic', /^ObservabilityAlarmTopic/);
    const critical = alarm(template, 'WebCpuAlarm');
    const warning = alarm(template, 'WebCpuAlarmWarning');
    expect(critical).toMatchObject({ Threshold: 90, AlarmDescription: 'Web fleet average CPU above 90% for 15 minutes' });
    expect(warning).toEqual({
      ...critical,
      Threshold: 70,
      AlarmDescription: 'Warning: Web fleet average CPU above 70% for 15 minutes',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
    expect(observability.alarms).toHaveLength(9);
  });

  test('a warning level may notify another topic; on a falling metric it is above the threshold', () => {
    const own = ownResources('eu-west-1');
    const chat = new sns.Topic(own.stack, 'Chat');
    new Observability(own.stack, 'Observability', {
      database: own.database,
      databaseAlarms: { freeStorageBytes: { warning: { threshold: 20 * 1024 ** 3, topic: chat } } },
      trail: false,
    });
    const template = Template.fromStack(own.stack);
    const chatId = idOf(template, 'AWS::SNS::Topic', /^Chat/);
    expect(alarm(template, 'DatabaseFreeStorageAlarmWarning')).toMatchObject({
      Threshold: 21474836480, ComparisonOperator: 'LessThanThreshold', AlarmActions: [{ Ref: chatId }], OKActions: [{ Ref: chatId }],
    });
    expect(alarm(template, 'DatabaseFreeStorageAlarm').Threshold).toBe(10737418240);
  });

  test('the edge alarms\' warning levels live with them in the follower stack; edge alarms off, no follower', () => {
    const own = ownResources('eu-west-1');
    new Observability(own.stack, 'Observability', {
      distribution: own.distribution,
      webAclArn: LEGACY_WEB_ACL_ARN,
      trail: false,
      edgeAlarms: { cloudFront5xxRatePercent: { threshold: 10, warning: { threshold: 2 } }, wafBlockedRequests: { enabled: false } },
    });
    const follower = Template.fromStack(own.app.node.findChild('OwnStack-us-east-1-monitoring') as Stack);
    const [usTopicId] = only(follower, 'AWS::SNS::Topic', /AlarmTopic/);
    expect(only(follower, 'AWS::CloudWatch::Alarm', /CloudFront5xxRateAlarmWarning/)[1].Properties)
      .toMatchObject({ ...cloudFront5xxAlarm('E2LEGACY', usTopicId), Threshold: 2 });
    expect(Object.keys(follower.findResources('AWS::CloudWatch::Alarm')).map(id => id.replace(/[0-9A-F]{8}$/, '').replace(/^.*Alarms/, '')).sort())
      .toEqual(['CloudFront5xxRateAlarm', 'CloudFront5xxRateAlarmWarning']);

    const quiet = ownResources('eu-west-1');
    const observability = new Observability(quiet.stack, 'Observability', {
      distribution: quiet.distribution, trail: false, edgeAlarms: { cloudFront5xxRatePercent: { enabled: false } },
    });
    expect(quiet.app.node.tryFindChild('OwnStack-us-east-1-monitoring')).toBeUndefined();
    expect(observability.usEast1AlarmTopic).toBeUndefined();
  });

  test('the thresholds shorthand and the per-tier options combine, one threshold each', () => {
    const { template } = watch({ thresholds: { webCpuPercent: 70 }, webTierAlarms: { cpuPercent: { warning: { threshold: 60 } } } });
    expect(alarm(template, 'WebCpuAlarm').Threshold).toBe(70);
    expect(alarm(template, 'WebCpuAlarmWarning').Threshold).toBe(60);
  });

  test('DEFAULT_THRESHOLDS lists every default', () => {
    expect(Observability.DEFAULT_THRESHOLDS).toEqual({
      webCpuPercent: 80,
      unhealthyHosts: 1,
      http5xxRatePercent: 5,
      targetResponseTimeSeconds: 1,
      databaseCpuPercent: 80,
      databaseFreeStorageBytes: 10737418240,
      databaseConnections: 200,
      databaseFreeableMemoryBytes: 268435456,
      replicaLagSeconds: 60,
      cacheCpuPercent: 80,
      cacheEngineCpuPercent: 90,
      cacheMemoryPercent: 80,
      cacheEvictions: 1000,
      cacheConnections: 5000,
      natPortAllocationErrors: 1,
      natPacketsDropped: 100,
      cloudFront5xxRatePercent: 5,
      wafBlockedRequests: 1000,
    });
  });

  describe('bad input', () => {
    function create(props: Partial<ObservabilityProps>) {
      return () => new Observability(new Stack(strictApp(), 'S'), 'Observability', props);
    }

    test.each([
      ['webTierAlarms.cpuPercent.threshold: 101 is out of range; it must be a percentage between 0 and 100.',
        { webTierAlarms: { cpuPercent: { threshold: 101 } } }],
      ['databaseAlarms.freeStorageBytes.threshold: -1 is out of range; it must be a non-negative number.',
        { databaseAlarms: { freeStorageBytes: { threshold: -1 } } }],
      ['cacheAlarms.memoryPercent.warning.threshold: 120 is out of range; it must be a percentage between 0 and 100.',
        { cacheAlarms: { memoryPercent: { warning: { threshold: 120 } } } }],
      ["webTierAlarms.cpuPercent.warning.threshold: 90 must be below the alarm's threshold (80), so that the warning comes first.",
        { webTierAlarms: { cpuPercent: { warning: { threshold: 90 } } } }],
      ["natGatewayAlarms.packetsDropped.warning.threshold: 100 must be below the alarm's threshold (100), so that the warning comes first.",
        { natGatewayAlarms: { packetsDropped: { warning: { threshold: 100 } } } }],
      ["databaseAlarms.freeableMemoryBytes.warning.threshold: 1000 must be above the alarm's threshold (268435456), so that the warning comes first.",
        { databaseAlarms: { freeableMemoryBytes: { warning: { threshold: 1000 } } } }],
      ['edgeAlarms.wafBlockedRequests: the alarm is turned off (enabled: false) and has a warning level; remove the warning, or turn the alarm on.',
        { edgeAlarms: { wafBlockedRequests: { enabled: false, warning: { threshold: 10 } } } }],
      ['thresholds.webCpuPercent (70) and webTierAlarms.cpuPercent.threshold (60) are both given; give only webTierAlarms.cpuPercent.threshold (thresholds is its deprecated shorthand).',
        { thresholds: { webCpuPercent: 70 }, webTierAlarms: { cpuPercent: { threshold: 60 } } }],
    ] as Array<[string, Partial<ObservabilityProps>]>)('%s', (message, props) => {
      expect(create(props)).toThrow(`S/Observability: ${message}`);
    });

    test('a tier and the resources it stands for', () => {
      const stack = new Stack(strictApp(), 'S');
      const network = new NetworkFoundation(stack, 'Network', { natStrategy: NatStrategy.single() });
      expect(() => new Observability(stack, 'Observability', { network, vpc: network.vpc })).toThrow(
        'S/Observability: network and vpc are given together; give network or the resources it stands for (vpc), not both.');
    });

    test.each([
      ['loadBalancer', 'loadBalancer is given without targetGroup; give targetGroup too: the target group whose targets it watches (unhealthy hosts, response time, target 5xx).'],
      ['targetGroup', 'targetGroup is given without loadBalancer; give loadBalancer too: the load balancer it is attached to.'],
      ['autoScalingGroup', 'autoScalingGroup is given without loadBalancer; give loadBalancer too: the load balancer in front of it.'],
      ['readReplicas', 'readReplicas is given without database; give database too: the instance they replicate.'],
      ['webAclArn', 'webAclArn is given without distribution; give distribution too: the distribution it protects.'],
    ])('%s alone', (name, message) => {
      const own = ownResources('eu-west-1');
      const given: Record<string, unknown> = {
        loadBalancer: own.loadBalancer,
        targetGroup: own.targetGroup,
        autoScalingGroup: own.autoScalingGroup,
        readReplicas: [own.replica],
        webAclArn: LEGACY_WEB_ACL_ARN,
      };
      expect(() => new Observability(own.stack, 'Observability', { [name]: given[name] }))
        .toThrow(`OwnStack/Observability: ${message}`);
    });

    test('a web ACL ARN that is not of a CLOUDFRONT-scope web ACL', () => {
      const own = ownResources('eu-west-1');
      const arn = `arn:aws:wafv2:eu-west-1:${ACCOUNT}:regional/webacl/app/0123`;
      expect(() => new Observability(own.stack, 'Observability', { distribution: own.distribution, webAclArn: arn })).toThrow(
        `OwnStack/Observability: webAclArn: '${arn}' is not the ARN of a CLOUDFRONT-scope web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>).`);
    });

    test('a warning topic of another region', () => {
      const own = ownResources('eu-west-1');
      const topic = sns.Topic.fromTopicArn(own.stack, 'Chat', `arn:aws:sns:us-west-2:${ACCOUNT}:chat`);
      expect(() => new Observability(own.stack, 'Observability', {
        database: own.database, databaseAlarms: { cpuPercent: { warning: { threshold: 50, topic } } },
      })).toThrow('OwnStack/Observability: databaseAlarms.cpuPercent.warning.topic: the topic is in us-west-2 and the alarm in '
        + 'eu-west-1; an alarm notifies only topics of its own region: give a topic of eu-west-1.');
    });
  });
});
