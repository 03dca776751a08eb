import { App, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudFrontOriginAccess, FleetScaling, NetworkFoundation, ScalableWebTier, ScalableWebTierProps } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictStack, templateRuleFindings } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

interface Fixture {
  readonly stack: Stack;
  readonly network: NetworkFoundation;
  readonly web: ScalableWebTier;
  readonly template: Template;
}

/** A web tier in its NetworkFoundation; `withCertificate` imports a certificate of the stack's region. */
function synth(props: Partial<ScalableWebTierProps> = {}, options: { withCertificate?: boolean; stack?: Stack } = {}): Fixture {
  const stack = options.stack ?? strictStack({ env: ENV });
  const network = new NetworkFoundation(stack, 'Network');
  const certificate = options.withCertificate
    ? acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN)
    : undefined;
  const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate, ...props });
  return { stack, network, web, template: Template.fromStack(stack) };
}

describe('ScalableWebTier', () => {
  describe('defaults with a certificate (architecture sections 10-12, 16)', () => {
    const { template, stack, web } = synth({}, { withCertificate: true });
    const albSg = idOf(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
    const appSg = idOf(template, 'AWS::EC2::SecurityGroup', /WebInstanceSecurityGroup/);

    test('internet-facing IPv4 load balancer in the public subnets, hardened', () => {
      const [, alb] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(alb.Properties.Scheme).toBe('internet-facing');
      expect(alb.Properties.Type).toBe('application');
      expect(alb.Properties.IpAddressType).toBe('ipv4');
      expect(alb.Properties.Subnets.map((s: any) => s.Ref).every((s: string) => /PublicSubnet/.test(s))).toBe(true);
      expect(alb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' },
        { Key: 'routing.http2.enabled', Value: 'true' },
        { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'alb' },
      ]));
    });

    test('HTTPS on 443 with the TLS 1.3/1.2 forward-secrecy policy, forwarding to the fleet', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', /WebTargetGroup/) } }],
      });
    });

    test('HTTP on 80 redirects permanently to HTTPS', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      });
      expect(web.listener).toBe(web.httpsListener);
    });

    test('access logs go to an SSE-S3, versioned, TLS-only bucket that expires them after 90 days and is retained', () => {
      const [, bucket] = only(template, 'AWS::S3::Bucket', /WebAccessLogsBucket/);
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault)
        .toEqual({ SSEAlgorithm: 'AES256' });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 90, Status: 'Enabled' });
      expect(bucket.DeletionPolicy).toBe('Retain');
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    test('health check: /health every 15 s, 5 s timeout, 2 healthy / 3 unhealthy, HTTP 200, on the traffic port', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: 80,
        Protocol: 'HTTP',
        TargetType: 'instance',
        HealthCheckPath: '/health',
        HealthCheckPort: 'traffic-port',
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 3,
        Matcher: { HttpCode: '200' },
      });
    });

    test('load balancer security group: 80 and 443 from anywhere in, only the application port to the instances out', () => {
      const [, sg] = only(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
      expect(sg.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80 }),
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
      expect(sg.Properties.SecurityGroupEgress).toBeUndefined();
      const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === albSg);
      expect(egress.map(r => r.Properties)).toEqual([expect.objectContaining({
        IpProtocol: 'tcp', FromPort: 80, ToPort: 80, DestinationSecurityGroupId: { 'Fn::GetAtt': [appSg, 'GroupId'] },
      })]);
    });

    test('instance security group: the application port from the load balancer only, HTTPS out, no SSH', () => {
      const [, sg] = only(template, 'AWS::EC2::SecurityGroup', /WebInstanceSecurityGroup/);
      expect(sg.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === appSg);
      expect(ingress.map(r => r.Properties)).toEqual([expect.objectContaining({
        IpProtocol: 'tcp', FromPort: 80, ToPort: 80, SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
      })]);
    });

    test('launch template: latest AL2023 (x86_64 for t3.medium), 20 GB gp3 encrypted, IMDSv2 with hop limit 1', () => {
      const [, lt] = only(template, 'AWS::EC2::LaunchTemplate');
      const data = lt.Properties.LaunchTemplateData;
      expect(data.InstanceType).toBe('t3.medium');
      expect(data.ImageId.Ref).toMatch(/al2023amikernel.*x8664/);
      expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
      expect(data.BlockDeviceMappings).toEqual([{
        DeviceName: '/dev/xvda',
        Ebs: { VolumeSize: 20, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
      }]);
      expect(data.Monitoring).toEqual({ Enabled: false });
      expect(data.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [appSg, 'GroupId'] }]);
    });

    test('the AMI is resolved from SSM Parameter Store at deploy time', () => {
      const parameters = template.toJSON().Parameters;
      const ami = Object.entries<any>(parameters).find(([id]) => /al2023amikernel.*x8664/.test(id))![1];
      expect(ami.Type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
      expect(ami.Default).toMatch(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-.*-x86_64$/);
    });

    test('user data bootstraps nginx with the health endpoint, the CloudWatch agent and the SSM agent', () => {
      const [, lt] = only(template, 'AWS::EC2::LaunchTemplate');
      const userData = JSON.stringify(lt.Properties.LaunchTemplateData.UserData);
      expect(userData).toContain('dnf install -y');
      expect(userData).toContain('nginx');
      expect(userData).toContain('/health');
      expect(userData).toContain('amazon-cloudwatch-agent');
      expect(userData).toContain('amazon-ssm-agent');
    });

    test('instance logs: four KMS-encrypted log groups kept a year, retained', () => {
      const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'))
        .filter(([id]) => id.startsWith('Web') && !id.startsWith('WebWebAcl'));
      expect(groups.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort())
        .toEqual(['WebCloudInitLogGroup', 'WebNginxAccessLogGroup', 'WebNginxErrorLogGroup', 'WebSystemLogGroup']);
      const key = idOf(template, 'AWS::KMS::Key', /WebLogKey/);
      for (const [, group] of groups) {
        expect(group.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
        expect(group.DeletionPolicy).toBe('Retain');
      }
    });

    test('instance role: least privilege in a customer-managed policy, no inline policy, no managed AWS policy', () => {
      const [roleId, role] = only(template, 'AWS::IAM::Role', /WebInstanceRole/);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      const [, policy] = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
        .find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements.map((s: any) => s.Sid)).toEqual([
        'SystemsManagerInstance', 'SystemsManagerCore', 'CloudWatchAgentMetrics', 'CloudWatchAgentDimensions', 'CloudWatchAgentLogs',
      ]);
      // The agent's actions that accept a resource are limited to this account's instances in this region.
      expect(statements[0].Action).toEqual(['ssm:UpdateInstanceInformation', 'ssm:PutComplianceItems',
        'ssm:UpdateInstanceAssociationStatus', 'ssm:UpdateAssociationStatus']);
      expect(statements[0].Resource).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:',
          { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':instance/*']],
      });
      for (const action of statements[0].Action) expect(statements[1].Action).not.toContain(action);
      expect(statements[2].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CWAgent' } });
      expect(statements[4].Resource).toHaveLength(4);
      expect(JSON.stringify(statements)).not.toMatch(/"[a-z0-9]+:\*"/);
      const inline = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter(p => JSON.stringify(p.Properties.Roles).includes(roleId));
      expect(inline).toEqual([]);
      // The instances use these permissions as they boot: the group launches none before the policy is attached.
      const [policyId] = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
        .find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
      expect(only(template, 'AWS::AutoScaling::AutoScalingGroup')[1].DependsOn).toContain(policyId);
    });

    test('Auto Scaling group: 2 to 6 in the private application subnets, ELB health checks with a 300 s grace period', () => {
      const [, asg] = only(template, 'AWS::AutoScaling::AutoScalingGroup');
      expect(asg.Properties).toMatchObject({ MinSize: '2', MaxSize: '6', HealthCheckType: 'ELB', HealthCheckGracePeriod: 300 });
      expect(asg.Properties.DesiredCapacity).toBeUndefined();
      expect(asg.Properties.VPCZoneIdentifier.map((s: any) => s.Ref).every((s: string) => /ApplicationSubnet/.test(s))).toBe(true);
      expect(asg.Properties.TargetGroupARNs).toEqual([{ Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', /WebTargetGroup/) }]);
    });

    test('launch template changes roll out by an instance refresh that keeps capacity', () => {
      const [, asg] = only(template, 'AWS::AutoScaling::AutoScalingGroup');
      const [alarmId, alarm] = only(template, 'AWS::CloudWatch::Alarm', /WebRolloutAlarm/);
      expect(asg.UpdatePolicy.AutoScalingInstanceRefresh).toEqual({
        Strategy: 'Rolling',
        Preferences: {
          MinHealthyPercentage: 100,
          MaxHealthyPercentage: 200,
          InstanceWarmup: 300,
          AlarmSpecification: { Alarms: [{ Ref: alarmId }] },
        },
      });
      // The rollout aborts, and the deployment rolls back, when a target fails its health check for 2 minutes.
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'UnHealthyHostCount',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: idOf(template, 'AWS::SNS::Topic', /WebNotificationsTopic/) }],
      });
      expect(alarm.Properties.Dimensions).toContainEqual({
        Name: 'TargetGroup',
        Value: { 'Fn::GetAtt': [idOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', /WebTargetGroup/), 'TargetGroupFullName'] },
      });
    });

    test('scaling notifications go to a KMS-encrypted, TLS-only topic', () => {
      const [topicId, topic] = only(template, 'AWS::SNS::Topic');
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /WebNotificationsKey/), 'Arn'] });
      const [, asg] = only(template, 'AWS::AutoScaling::AutoScalingGroup');
      expect(asg.Properties.NotificationConfigurations).toEqual([{
        TopicARN: { Ref: topicId },
        NotificationTypes: [
          'autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
          'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
        ],
      }]);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      const [, key] = only(template, 'AWS::KMS::Key', /WebNotificationsKey/);
      const grant = key.Properties.KeyPolicy.Statement.find((st: any) => JSON.stringify(st.Action) === '["kms:GenerateDataKey*","kms:Decrypt"]');
      expect(JSON.stringify(grant.Principal)).toContain(':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
    });

    test('step scaling exactly as specified: +1 above 70% CPU for 5 minutes, -1 below 30% for 5 minutes', () => {
      const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
        .filter(([id]) => !/WebRolloutAlarm/.test(id)).map(([, a]) => a.Properties);
      expect(alarms).toHaveLength(2);
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({ MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 300, EvaluationPeriods: 1 });
      }
      const byThreshold = Object.fromEntries(alarms.map(a => [a.Threshold, a.ComparisonOperator]));
      expect(byThreshold).toEqual({ 70: 'GreaterThanOrEqualToThreshold', 30: 'LessThanOrEqualToThreshold' });
      const policies = Object.values(template.findResources('AWS::AutoScaling::ScalingPolicy')).map(p => p.Properties);
      expect(policies).toHaveLength(2);
      const adjustments = policies.flatMap(p => p.StepAdjustments.map((s: any) => s.ScalingAdjustment)).sort();
      expect(adjustments).toEqual([-1, 1]);
      for (const policy of policies) expect(policy.AdjustmentType).toBe('ChangeInCapacity');
    });

    test('exposes the tier and its connections', () => {
      expect(web.connections.securityGroups.map(sg => sg.node.path)).toEqual(['TestStack/Web/InstanceSecurityGroup']);
      expect(web.role.node.path).toBe('TestStack/Web/InstanceRole');
      expect(web.applicationPort).toBe(80);
    });

    test('metric helpers point at the load balancer, the target group and the group', () => {
      const resolve = (m: any) => stack.resolve(m.toMetricConfig().metricStat);
      expect(resolve(web.metricRequestCount())).toMatchObject({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount' });
      expect(resolve(web.metricLoadBalancer5xxCount())).toMatchObject({ metricName: 'HTTPCode_ELB_5XX_Count' });
      expect(resolve(web.metricTarget5xxCount())).toMatchObject({ metricName: 'HTTPCode_Target_5XX_Count' });
      expect(resolve(web.metricTargetResponseTime())).toMatchObject({ metricName: 'TargetResponseTime' });
      expect(resolve(web.metricUnhealthyHostCount())).toMatchObject({ metricName: 'UnHealthyHostCount' });
      expect(resolve(web.metricHealthyHostCount())).toMatchObject({ metricName: 'HealthyHostCount' });
      expect(resolve(web.metricCpuUtilization())).toMatchObject({
        namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average', period: { amount: 5, unit: { label: 'minutes' } },
      });
    });

    test('passes the four compliance packs with no unacknowledged finding', () => {
      expect(formatFindings(complianceFindings(stack.node.root))).toEqual([]);
    });

    test('raises no finding of aws-cdk-lib\'s built-in CloudFormation rules, warnings included', () => {
      expect(templateRuleFindings(stack.node.root as App)).toEqual([]);
    });

    test('regional web ACL: baseline managed rule groups and a per-IP rate limit, associated and logged', () => {
      const [aclId, acl] = only(template, 'AWS::WAFv2::WebACL');
      expect(acl.Properties.Scope).toBe('REGIONAL');
      expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
      const rules = acl.Properties.Rules;
      expect(rules.map((r: any) => r.Name)).toEqual([
        'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesSQLiRuleSet', 'RateLimitPerClientIp',
      ]);
      expect(rules[4]).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } } });
      for (const rule of rules) expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: { Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', /WebLoadBalancer/) },
        WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      });
      const [, logging] = only(template, 'AWS::WAFv2::LoggingConfiguration');
      expect(logging.Properties.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]);
      const [, group] = only(template, 'AWS::Logs::LogGroup', /WebWebAclLogGroup/);
      expect(group.Properties.LogGroupName).toMatch(/^aws-waf-logs-/);
      expect(JSON.stringify(logging.Properties.LogDestinationConfigs)).toContain(group.Properties.LogGroupName);
    });

    test('stateful resources keep their logical IDs', () => {
      expect(idOf(template, 'AWS::S3::Bucket', /WebAccessLogsBucket/)).toBe('WebAccessLogsBucket06DF4716');
      expect(Object.keys(template.findResources('AWS::KMS::Key')).sort())
        .toEqual(['NetworkFlowLogKeyF785E5F9', 'WebLogKey5BBC6EB6', 'WebNotificationsKeyFCA0BD2D']);
      expect(Object.keys(template.findResources('AWS::Logs::LogGroup')).filter(id => id.startsWith('Web')).sort()).toEqual([
        'WebCloudInitLogGroup883F0230', 'WebNginxAccessLogGroupFE67174F', 'WebNginxErrorLogGroup450818F2', 'WebSystemLogGroup80179171',
        'WebWebAclLogGroup4C0D1496',
      ]);
    });
  });

  describe('without a certificate', () => {
    test('HTTP on 80 forwards to the fleet, no 443, and a warning says traffic is not encrypted', () => {
      const { template, stack, web } = synth();
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] });
      const [, sg] = only(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
      expect(sg.Properties.SecurityGroupIngress.map((r: any) => r.FromPort)).toEqual([80]);
      expect(web.httpsListener).toBeUndefined();
      Annotations.fromStack(stack).hasWarning('/TestStack/Web', Match.stringLikeRegexp('cdk-production-webapp:unencryptedListener'));
    });
  });

  describe('options', () => {
    test('internal, dual stack, deletion protection off, sticky sessions', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network', { ipv6: true });
      new ScalableWebTier(stack, 'Web', {
        vpc: network.vpc,
        internetFacing: false,
        ipAddressType: elbv2.IpAddressType.DUAL_STACK,
        deletionProtection: false,
        stickinessCookieDuration: Duration.hours(1),
      });
      const template = Template.fromStack(stack);
      const [, alb] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(alb.Properties.Scheme).toBe('internal');
      expect(alb.Properties.IpAddressType).toBe('dualstack');
      expect(alb.Properties.LoadBalancerAttributes).toContainEqual({ Key: 'deletion_protection.enabled', Value: 'false' });
      const [, sg] = only(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
      expect(sg.Properties.SecurityGroupIngress.map((r: any) => r.CidrIp ?? r.CidrIpv6)).toEqual(['0.0.0.0/0', '::/0']);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetGroupAttributes: Match.arrayWith([
          { Key: 'stickiness.enabled', Value: 'true' },
          { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
        ]),
      });
    });

    test('ingress peers narrow who reaches the listeners', () => {
      const { template } = synth({ loadBalancerIngressPeers: [ec2.Peer.prefixList('pl-3b927c52')] }, { withCertificate: true });
      const [albSg, sg] = only(template, 'AWS::EC2::SecurityGroup', /WebLoadBalancerSecurityGroup/);
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter(r => r.Properties.GroupId['Fn::GetAtt'][0] === albSg).map(r => r.Properties);
      expect(ingress).toEqual([
        expect.objectContaining({ SourcePrefixListId: 'pl-3b927c52', FromPort: 80, ToPort: 80 }),
        expect.objectContaining({ SourcePrefixListId: 'pl-3b927c52', FromPort: 443, ToPort: 443 }),
      ]);
    });

    test('a given access log bucket and prefix are used instead of a new bucket', () => {
      const stack = strictStack({ env: ENV });
      const bucket = s3.Bucket.fromBucketName(stack, 'Logs', 'my-log-bucket');
      const { template } = synth({ accessLogsBucket: bucket, accessLogsPrefix: 'web' }, { stack });
      template.resourceCountIs('AWS::S3::Bucket', 0);
      const [, alb] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(alb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([
        { Key: 'access_logs.s3.bucket', Value: 'my-log-bucket' },
        { Key: 'access_logs.s3.prefix', Value: 'web' },
      ]));
    });

    test('application port, health check and capacity are configurable', () => {
      const { template } = synth({
        applicationPort: 8080,
        healthCheck: { path: '/ready', interval: Duration.seconds(30), timeout: Duration.seconds(10), healthyThresholdCount: 3, unhealthyThresholdCount: 2, healthyHttpCodes: '200-299' },
        minCapacity: 3,
        maxCapacity: 9,
        desiredCapacity: 4,
        healthCheckGracePeriod: Duration.seconds(600),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: 8080,
        HealthCheckPath: '/ready',
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 10,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 2,
        Matcher: { HttpCode: '200-299' },
      });
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '9', DesiredCapacity: '4', HealthCheckGracePeriod: 600 });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, ToPort: 8080 });
      const [, lt] = only(template, 'AWS::EC2::LaunchTemplate');
      expect(JSON.stringify(lt.Properties.LaunchTemplateData.UserData)).toContain('8080');
    });

    test('a Graviton instance type gets the arm64 image; root volume size and detailed monitoring', () => {
      const { template } = synth({
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
        rootVolumeSizeGiB: 50,
        detailedMonitoring: true,
      });
      const [, lt] = only(template, 'AWS::EC2::LaunchTemplate');
      const data = lt.Properties.LaunchTemplateData;
      expect(data.InstanceType).toBe('m7g.large');
      expect(data.ImageId.Ref).toMatch(/al2023amikernel.*arm64/);
      expect(data.BlockDeviceMappings[0].Ebs.VolumeSize).toBe(50);
      expect(data.Monitoring).toEqual({ Enabled: true });
    });

    test('own machine image, own user data, extra commands', () => {
      const userData = ec2.UserData.forLinux();
      userData.addCommands('echo custom-bootstrap');
      const { template } = synth({
        machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' }),
        userData,
        userDataCommands: ['echo deploy-app'],
        rootDeviceName: '/dev/sda1',
      });
      const [, lt] = only(template, 'AWS::EC2::LaunchTemplate');
      const data = lt.Properties.LaunchTemplateData;
      expect(data.ImageId).toBe('ami-0123456789abcdef0');
      expect(data.BlockDeviceMappings[0].DeviceName).toBe('/dev/sda1');
      const text = JSON.stringify(data.UserData);
      expect(text).toContain('echo custom-bootstrap');
      expect(text).toContain('echo deploy-app');
      expect(text).not.toContain('nginx');
    });

    test('extra user data commands are appended to the default bootstrap', () => {
      const { template } = synth({ userDataCommands: ['echo deploy-app'] });
      const [, lt] = only(template, 'AWS::EC2::LaunchTemplate');
      const text = JSON.stringify(lt.Properties.LaunchTemplateData.UserData);
      expect(text.indexOf('nginx')).toBeGreaterThan(-1);
      expect(text.indexOf('echo deploy-app')).toBeGreaterThan(text.indexOf('nginx'));
    });

    test('a bastion security group gets SSH, nothing else does', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const bastion = new ec2.SecurityGroup(stack, 'Bastion', { vpc: network.vpc, allowAllOutbound: false });
      new ScalableWebTier(stack, 'Web', { vpc: network.vpc, bastionSecurityGroup: bastion });
      const template = Template.fromStack(stack);
      const ssh = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(r => r.Properties.FromPort === 22);
      expect(ssh.map(r => r.Properties.SourceSecurityGroupId)).toEqual([{ 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', /^Bastion/), 'GroupId'] }]);
    });

    test('public instance subnets are an option', () => {
      const { template } = synth({ instanceSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      const [, asg] = only(template, 'AWS::AutoScaling::AutoScalingGroup');
      expect(asg.Properties.VPCZoneIdentifier.map((s: any) => s.Ref).every((s: string) => /PublicSubnet/.test(s))).toBe(true);
    });

    test('FleetScaling.targetCpu() tracks a CPU target instead of steps', () => {
      const { template } = synth({ scaling: FleetScaling.targetCpu({ targetCpuPercent: 55 }) });
      template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 55 },
      });
      // Only the rollout alarm: target tracking's alarms are Auto Scaling's own.
      expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm'))).toEqual([expect.stringMatching(/^WebRolloutAlarm/)]);
    });

    test('FleetScaling.cpuSteps() thresholds and period are configurable; FleetScaling.none() adds no policy', () => {
      const scaling = FleetScaling.cpuSteps({ scaleOutCpuPercent: 80, scaleInCpuPercent: 20, evaluationPeriod: Duration.minutes(10) });
      const { template } = synth({ scaling });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties)
        .filter(a => a.MetricName === 'CPUUtilization');
      expect(alarms.map(a => [a.Threshold, a.Period]).sort()).toEqual([[20, 600], [80, 600]]);
      synth({ scaling: FleetScaling.none() }).template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
    });

    test('a given update policy and notifications topic replace the defaults', () => {
      const stack = strictStack({ env: ENV });
      const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:123456789012:ops');
      const { template } = synth({
        updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: 1, minInstancesInService: 2 }),
        notificationsTopic: topic,
      }, { stack });
      const [, asg] = only(template, 'AWS::AutoScaling::AutoScalingGroup');
      expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({ MaxBatchSize: 1, MinInstancesInService: 2 });
      expect(asg.Properties.NotificationConfigurations[0].TopicARN).toBe('arn:aws:sns:eu-west-1:123456789012:ops');
      template.resourceCountIs('AWS::SNS::Topic', 0);
    });

    test('removal policy and log retention apply to the tier\'s logs', () => {
      const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY, logRetention: 30 });
      for (const [id, group] of Object.entries<any>(template.findResources('AWS::Logs::LogGroup'))) {
        if (!id.startsWith('Web')) continue;
        expect(group.DeletionPolicy).toBe('Delete');
        expect(group.Properties.RetentionInDays).toBe(30);
      }
    });

    test('allowConnectionsTo opens egress here and ingress there', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc });
      const database = new ec2.SecurityGroup(stack, 'Database', { vpc: network.vpc, allowAllOutbound: false });
      web.allowConnectionsTo(database, ec2.Port.tcp(5432), 'PostgreSQL');
      const template = Template.fromStack(stack);
      const webSg = idOf(template, 'AWS::EC2::SecurityGroup', /WebInstanceSecurityGroup/);
      const dbSg = idOf(template, 'AWS::EC2::SecurityGroup', /^Database/);
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [webSg, 'GroupId'] }, FromPort: 5432, DestinationSecurityGroupId: { 'Fn::GetAtt': [dbSg, 'GroupId'] },
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [dbSg, 'GroupId'] }, FromPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [webSg, 'GroupId'] },
      });
    });

    test('addRoute adds path- and host-based rules to the serving listener', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN);
      const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate });
      web.addRoute('Api', { priority: 10, pathPatterns: ['/api/*'], hostHeaders: ['api.example.com'] });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        ListenerArn: { Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::Listener', /HttpsListener/) },
        Priority: 10,
        Conditions: [
          { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } },
          { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
        ],
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', /WebTargetGroup/) } }],
      });
    });

    test('minCapacity 1 warns that there is no AZ redundancy', () => {
      const { stack } = synth({ minCapacity: 1 });
      Annotations.fromStack(stack).hasWarning('/TestStack/Web', Match.stringLikeRegexp('cdk-production-webapp:singleInstance'));
    });

    test('a certificate whose ARN is a token is not checked as a literal', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', Fn.importValue('CertificateArn'));
      expect(() => new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate })).not.toThrow();
    });

    test('an existing web ACL is associated instead of creating one; the regional web ACL can be turned off', () => {
      const arn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/abc';
      const given = synth({ webAclArn: arn }).template;
      given.resourceCountIs('AWS::WAFv2::WebACL', 0);
      given.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
      const none = synth({ regionalWebAcl: false }).template;
      none.resourceCountIs('AWS::WAFv2::WebACL', 0);
      none.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
      synth({ rateLimitPerFiveMinutes: 500 }).template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } } })]),
      });
    });
  });

  describe('bad input fails at synth with the prop, the value and what is valid', () => {
    test.each<[string, Partial<ScalableWebTierProps>, string]>([
      ['min above max', { minCapacity: 7, maxCapacity: 6 }, 'TestStack/Web: minCapacity (7) must not exceed maxCapacity (6).'],
      ['desired below min', { desiredCapacity: 1 }, 'TestStack/Web: desiredCapacity: 1 is outside [minCapacity, maxCapacity] = [2, 6].'],
      ['desired above max', { desiredCapacity: 7 }, 'TestStack/Web: desiredCapacity: 7 is outside [minCapacity, maxCapacity] = [2, 6].'],
      ['capacity below 1', { minCapacity: 0 }, 'TestStack/Web: minCapacity: 0 is not a valid capacity; the fleet needs at least 1 instance (2 for one per AZ).'],
      ['health check path without a slash', { healthCheck: { path: 'health' } }, "TestStack/Web: healthCheck.path: 'health' must start with '/', e.g. '/health'."],
      ['invalid port', { applicationPort: 70000 }, 'TestStack/Web: applicationPort: 70000 is not a TCP port; ports are whole numbers from 1 to 65535.'],
      ['scale-in above scale-out', { scaling: FleetScaling.cpuSteps({ scaleOutCpuPercent: 50, scaleInCpuPercent: 60 }) },
        'TestStack/Web: scaling: FleetScaling.cpuSteps() scaleInCpuPercent (60) must be below scaleOutCpuPercent (50), or the group would scale in and out at once.'],
      ['CPU target out of range', { scaling: FleetScaling.targetCpu({ targetCpuPercent: 120 }) },
        'TestStack/Web: scaling: targetCpuPercent is 120; a CPU threshold is a percentage between 0 and 100 (exclusive).'],
    ])('%s', (_name, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });

    test('a certificate from another region', () => {
      const stack = strictStack({ env: ENV });
      const network = new NetworkFoundation(stack, 'Network');
      const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
      const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', arn);
      expect(() => new ScalableWebTier(stack, 'Web', { vpc: network.vpc, certificate })).toThrow(
        `TestStack/Web: certificate: ${arn} is in us-east-1, but a load balancer can only use a certificate from its own region (eu-west-1); request or import one there.`);
    });

    test('both an existing web ACL and a new one', () => {
      const webAclArn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/abc';
      expect(() => synth({ webAclArn, regionalWebAcl: true })).toThrow(
        'TestStack/Web: regionalWebAcl: true creates a web ACL, but webAclArn (arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/abc) is also given; give one of them.');
    });

    test('a rate limit AWS WAF does not accept', () => {
      expect(() => synth({ rateLimitPerFiveMinutes: 5 })).toThrow(
        'TestStack/Web: rateLimitPerFiveMinutes: 5 is below what AWS WAF accepts; use a whole number of at least 10.');
    });

    test('an environment-agnostic stack', () => {
      expect(() => synth({}, { stack: strictStack() })).toThrow(
        "TestStack/Web: the stack TestStack has no region (it is environment-agnostic), but load balancer access log delivery is set up per region; give the stack an env with a region, e.g. { env: { region: 'eu-west-1' } }.");
    });

    test('a route without a condition or with a bad priority', () => {
      const { web } = synth();
      expect(() => web.addRoute('Any', { priority: 1 })).toThrow(
        "TestStack/Web: addRoute('Any'): give pathPatterns or hostHeaders (or both); a rule without a condition would shadow the default action.");
      expect(() => web.addRoute('Bad', { priority: 0, pathPatterns: ['/x'] })).toThrow(
        "TestStack/Web: addRoute('Bad'): priority 0 is invalid; use a whole number from 1 to 50000.");
    });

    test('a route with more condition values than a listener rule holds', () => {
      const paths = ['/a/*', '/b/*', '/c/*', '/d/*'];
      expect(() => synth().web.addRoute('Many', { priority: 1, pathPatterns: paths, hostHeaders: ['a.example.com', 'b.example.com'] })).toThrow(
        "TestStack/Web: addRoute('Many'): 6 path patterns and host headers; a listener rule holds at most 5 condition values: use at most 5, or several routes.");
      const stack = strictStack({ env: ENV });
      const access = new CloudFrontOriginAccess(stack, 'OriginAccess');
      const { web } = synth({ cloudFrontOriginAccess: access }, { stack });
      expect(() => web.addRoute('Four', { priority: 1, pathPatterns: paths })).toThrow(
        "TestStack/Web: addRoute('Four'): 4 path patterns and host headers; a listener rule holds at most 5 condition values, and the "
        + 'CloudFront origin header takes 2 of them while its value is rotated: use at most 3, or several routes.');
      expect(() => web.addRoute('Three', { priority: 2, pathPatterns: paths.slice(0, 3) })).not.toThrow();
    });
  });
});
