import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ProductionWebApp, ProductionWebAppProps } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

const ACCOUNT = '123456789012';

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly webApp: ProductionWebApp;
  readonly template: Template;
  /** Every other stack of the app, by ID. */
  readonly others: Record<string, Template>;
}

function synth(region: string, props: (stack: Stack) => ProductionWebAppProps = () => ({})): Fixture {
  const app = strictApp();
  const stack = new Stack(app, 'Site', { env: { account: ACCOUNT, region } });
  const webApp = new ProductionWebApp(stack, 'App', props(stack));
  const others = Object.fromEntries(app.node.children
    .filter((c): c is Stack => Stack.isStack(c) && c !== stack)
    .map(c => [c.node.id, Template.fromStack(c)]));
  return { app, stack, webApp, template: Template.fromStack(stack), others };
}

function withDomain(stack: Stack): ProductionWebAppProps {
  return {
    domainName: 'www.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' }),
    alarmEmail: 'ops@example.com',
  };
}

/** The acknowledgments recorded in an app's constructs, as `rule @ path`, CloudFormation-rule ones left out. */
function acknowledgments(app: App): string[] {
  const assembly = app.synth();
  return assembly.stacks.flatMap(stack => stack.findMetadataByType('aws:cdk:acknowledged-rules')
    .flatMap(entry => Object.keys(entry.data as object)
      .filter(rule => rule.startsWith('Annotation::'))
      .map(rule => `${rule.replace('Annotation::', '')} @ ${entry.path}`)));
}

describe('GIVEN new ProductionWebApp(stack, \'App\') in eu-west-1', () => {
  const { app, stack, webApp, template, others } = synth('eu-west-1');
  const instanceSg = idOf(template, 'AWS::EC2::SecurityGroup', /^AppWebInstanceSecurityGroup/);
  const logsBucket = idOf(template, 'AWS::S3::Bucket', /^AppStorageLogsBucket/);

  test('THEN the stack gets its us-east-1 companion (web ACL), its follower (edge alarms) and its DR companion (replica)', () => {
    expect(Object.keys(others).sort()).toEqual(['Site-eu-central-1', 'Site-us-east-1', 'Site-us-east-1-monitoring']);
    others['Site-us-east-1'].resourceCountIs('AWS::WAFv2::WebACL', 1);
    others['Site-eu-central-1'].hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    });
    others['Site-us-east-1-monitoring'].resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  test('THEN the origin header value is rotated every 30 days, by a function that updates the distribution and the listener rule', () => {
    const secret = idOf(template, 'AWS::SecretsManager::Secret', /^AppOriginAccessSecret/);
    const fn = idOf(template, 'AWS::Lambda::Function', /^AppOriginAccessRotationFunction/);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secret },
      RotationLambdaARN: { 'Fn::GetAtt': [fn, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DISTRIBUTION_ID: { Ref: idOf(template, 'AWS::CloudFront::Distribution', /^AppEdgeDistribution/) },
          RULE_ARNS: { Ref: idOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', /FromCloudFrontRule/) },
        }),
      },
      // In the instances' subnets, which route to the internet: CloudFront's API has no VPC endpoint.
      VpcConfig: Match.objectLike({
        SubnetIds: [
          { Ref: idOf(template, 'AWS::EC2::Subnet', /ApplicationSubnet1Subnet/) },
          { Ref: idOf(template, 'AWS::EC2::Subnet', /ApplicationSubnet2Subnet/) },
        ],
      }),
    });
    expect(acknowledgments(app).filter(a => /SMG4|SecretsManagerRotationEnabled/.test(a) && a.includes('OriginAccess'))).toEqual([]);
  });

  test('THEN every component of the architecture is there', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    const cidrs = Object.values(template.findResources('AWS::EC2::Subnet')).map(s => s.Properties.CidrBlock).sort();
    expect(cidrs).toEqual(['10.0.1.0/24', '10.0.10.0/24', '10.0.11.0/24', '10.0.2.0/24', '10.0.20.0/24', '10.0.21.0/24']);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::NetworkAcl', 3);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    // 2 to 6 instances; no DesiredCapacity, so that a deployment does not reset what scaling decided (it starts at 2).
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '6', DesiredCapacity: Match.absent() });
    template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'postgres', MultiAZ: true, StorageEncrypted: true });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { Properties: Match.objectLike({ 'cluster-enabled': 'yes' }) });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumNodeGroups: 2,
      ReplicasPerNodeGroup: 1,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).sort()).toEqual([
      expect.stringMatching(/^AppObservabilityTrailBucket/),
      expect.stringMatching(/^AppStorageBackupsBucket/),
      expect.stringMatching(/^AppStorageLogsBucket/),
      expect.stringMatching(/^AppStorageStaticAssetsBucket/),
    ]);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, EnableLogFileValidation: true });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => id.startsWith('AppObservability'))).toHaveLength(4 + 4 + 5 + 4);
  });

  test('THEN the load balancer admits only CloudFront: its prefix list, and listener rules that require the secret header', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(r => JSON.stringify(r.Properties.GroupId).includes('AppWebLoadBalancerSecurityGroup'));
    expect(ingress.length).toBeGreaterThan(0);
    for (const rule of ingress) {
      expect(rule.Properties.SourcePrefixListId).toEqual({ 'Fn::GetAtt': ['CloudFrontOriginFacingPrefixList', 'PrefixListId'] });
      expect(rule.Properties.CidrIp).toBeUndefined();
    }
    const [, lbSg] = only(template, 'AWS::EC2::SecurityGroup', /^AppWebLoadBalancerSecurityGroup/);
    expect(lbSg.Properties.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([Match.objectLike({ Field: 'http-header', HttpHeaderConfig: Match.objectLike({ HttpHeaderName: webApp.originAccess.headerName }) })]),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([Match.objectLike({
          CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'http-only' }),
          OriginCustomHeaders: [Match.objectLike({ HeaderName: webApp.originAccess.headerName })],
        })]),
      }),
    });
  });

  test('THEN the database and the cache admit the instances (5432, 6379) and their own rotation functions, nothing else', () => {
    const sources = (groupPattern: RegExp) => Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(r => groupPattern.test(JSON.stringify(r.Properties.GroupId)))
      .map(r => [r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0], r.Properties.FromPort, r.Properties.ToPort]);
    expect(sources(/AppDataDatabaseSecurityGroup/)).toEqual(expect.arrayContaining([[instanceSg, 5432, 5432]]));
    expect(sources(/AppDataDatabaseSecurityGroup/)).toHaveLength(2);
    expect(sources(/AppDataDatabaseSecurityGroup/).filter(([sg]) => sg !== instanceSg)).toEqual([
      [expect.stringMatching(/RotationSecurityGroup/), 5432, 5432],
    ]);
    expect(sources(/AppDataCacheSecurityGroup/)).toEqual(expect.arrayContaining([[instanceSg, 6379, 6379]]));
    expect(sources(/AppDataCacheSecurityGroup/).filter(([sg]) => sg !== instanceSg)).toEqual([
      [expect.stringMatching(/RotationSecurityGroup/), 6379, 6379],
    ]);
    // The instances reach the database and cache (and the load balancer reaches them): no allow-all egress.
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
      .filter(r => JSON.stringify(r.Properties.GroupId).includes(instanceSg))
      .map(r => r.Properties.FromPort);
    expect(egress).toEqual(expect.arrayContaining([5432, 6379]));
  });

  test('THEN the instance role reads the database and cache secrets and no other secret, and its configuration', () => {
    const [, policy] = only(template, 'AWS::IAM::ManagedPolicy', /^AppWebInstanceRolePolicy/);
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    const secretReads = statements.filter(s => JSON.stringify(s.Action).includes('secretsmanager:'));
    expect(secretReads.map(s => s.Resource)).toEqual([
      { Ref: idOf(template, 'AWS::SecretsManager::SecretTargetAttachment', /^AppDataDatabaseSecretAttachment/) },
      { Ref: idOf(template, 'AWS::SecretsManager::Secret', /^AppDataCacheAuthToken/) },
    ]);
    const byPath = statements.find(s => s.Action === 'ssm:GetParametersByPath');
    expect(JSON.stringify(byPath.Resource)).toContain(`:parameter${webApp.configurationPath}"`);
    const single = statements.find(s => JSON.stringify(s.Action) === '["ssm:GetParameter","ssm:GetParameters"]');
    expect(single.Resource).toHaveLength(Object.keys(webApp.configuration).length);
    expect(JSON.stringify(statements)).not.toMatch(/parameter\/\*/);
  });

  test('THEN the configuration is in SSM parameters under the path, and the user data writes it to /etc/webapp/config.env', () => {
    expect(webApp.configurationPath).toMatch(/^\/cdk-production-webapp\/Site-App-[0-9A-F]{8}$/);
    const parameters = Object.values(template.findResources('AWS::SSM::Parameter'))
      .filter(p => typeof p.Properties.Name === 'string' && p.Properties.Name.startsWith(webApp.configurationPath));
    const byName = Object.fromEntries(parameters.map(p => [p.Properties.Name.slice(webApp.configurationPath.length + 1), p.Properties.Value]));
    expect(Object.keys(byName).sort()).toEqual(['buckets/backups', 'buckets/static-assets', 'cache/auth-token-secret-arn',
      'cache/host', 'cache/port', 'database/host', 'database/port', 'database/secret-arn']);
    expect(byName['database/host']).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::RDS::DBInstance', /^AppDataDatabase/), 'Endpoint.Address'] });
    expect(byName['database/port']).toBe('5432');
    expect(byName['cache/host']).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::ElastiCache::ReplicationGroup', /^AppDataCache/), 'ConfigurationEndPoint.Address'] });
    expect(byName['cache/port']).toBe('6379');
    expect(byName['buckets/static-assets']).toEqual({ Ref: idOf(template, 'AWS::S3::Bucket', /^AppStorageStaticAssetsBucket/) });
    const userData = JSON.stringify(only(template, 'AWS::EC2::LaunchTemplate')[1].Properties.LaunchTemplateData.UserData);
    expect(userData).toContain('aws ssm get-parameters-by-path --region ');
    expect(userData).toContain(`--path '${webApp.configurationPath}' --recursive`);
    expect(userData).toContain('> /etc/webapp/config.env');
    expect(userData).toContain('chmod 0600 /etc/webapp/config.env');
  });

  test('THEN the logs bucket receives the load balancer\'s, CloudFront\'s and every bucket\'s access logs', () => {
    const [, lb] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: { Ref: logsBucket } },
    ]));
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution');
    expect(distribution.Properties.DistributionConfig.Logging.Bucket).toEqual({ 'Fn::GetAtt': [logsBucket, 'RegionalDomainName'] });
    for (const bucket of [/^AppStorageStaticAssetsBucket/, /^AppStorageBackupsBucket/, /^AppObservabilityTrailBucket/]) {
      const [, resource] = only(template, 'AWS::S3::Bucket', bucket);
      expect(resource.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logsBucket });
    }
    // No bucket of its own for the trail bucket's access logs: the one logs bucket holds them.
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter(id => /AccessLogs/.test(id))).toEqual([]);
  });

  test('THEN /static/* is served from the static assets bucket through origin access control', () => {
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behavior = config.CacheBehaviors.find((b: any) => b.PathPattern === '/static/*');
    const origin = config.Origins.find((o: any) => o.Id === behavior.TargetOriginId);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::S3::Bucket', /^AppStorageStaticAssetsBucket/), 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
  });

  test('THEN the backups bucket replicates to the replica in eu-central-1', () => {
    const [, backups] = only(template, 'AWS::S3::Bucket', /^AppStorageBackupsBucket/);
    expect(backups.Properties.ReplicationConfiguration.Rules[0].Destination.Bucket).toEqual({
      'Fn::GetAtt': [idOf(template, 'Custom::CdkProductionWebappCrossRegionReader', /ReplicaBucketArn/), 'Value'],
    });
    expect(webApp.storage.disasterRecoveryRegion).toBe('eu-central-1');
  });

  test('THEN every alarm notifies the alarm topic of its region when it fires and when it recovers', () => {
    const topic = idOf(template, 'AWS::SNS::Topic', /^AppObservabilityAlarmTopic/);
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    // The web tier's step scaling alarms act on its scaling policies instead.
    const scaling = alarms.filter(([id]) => id.startsWith('AppWebAutoScalingGroup'));
    expect(scaling).toHaveLength(2);
    for (const [, alarm] of alarms.filter(([id]) => !id.startsWith('AppWebAutoScalingGroup'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topic }]);
    }
    const follower = others['Site-us-east-1-monitoring'];
    const usTopic = idOf(follower, 'AWS::SNS::Topic', /AlarmTopic/);
    for (const [, alarm] of Object.entries(follower.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: usTopic }]);
    }
    // The web tier's rollout alarm is its own (it aborts rollouts), and notifies the same topic.
    expect(alarms.filter(([id]) => id.startsWith('AppWebRolloutAlarm'))).toHaveLength(1);
    expect(webApp.observability.alarms).toHaveLength(alarms.length - scaling.length - 1 + 2);
  });

  test('THEN the dashboard covers every tier', () => {
    const body = JSON.stringify(only(template, 'AWS::CloudWatch::Dashboard')[1].Properties.DashboardBody);
    for (const group of ['Load balancer', 'Auto Scaling group', 'RDS performance', 'ElastiCache', 'Application error rate', 'Cost and billing']) {
      expect(body).toContain(`## ${group}`);
    }
    expect(body).toContain('AWS/CloudFront');
  });

  test('THEN the outputs give the URL, the endpoints, the secrets, the configuration path and the dashboard', () => {
    const outputs = template.toJSON().Outputs;
    const byPrefix = (name: string) => Object.entries(outputs).find(([id]) => id.startsWith(`App${name}`))![1] as any;
    expect(Object.keys(outputs).map(id => id.replace(/^App|[0-9A-F]{8}$/g, '')).sort()).toEqual(['CacheAuthTokenSecretArn',
      'CacheEndpoint', 'ConfigurationPath', 'DashboardUrl', 'DatabaseEndpoint', 'DatabaseSecretArn', 'DistributionDomainName',
      'LoadBalancerDnsName', 'SiteUrl']);
    expect(JSON.stringify(byPrefix('SiteUrl').Value)).toContain('https://');
    expect(JSON.stringify(byPrefix('SiteUrl').Value)).toContain('DomainName');
    expect(JSON.stringify(byPrefix('DashboardUrl').Value)).toContain('#dashboards:name=');
    expect(byPrefix('ConfigurationPath').Value).toBe(webApp.configurationPath);
  });

  test('THEN without a domain it warns, and acknowledges the plain-HTTP listener findings on that listener only', () => {
    Annotations.fromStack(stack).hasWarning('/Site/App', Match.stringLikeRegexp('No domainName'));
    const acks = acknowledgments(app).filter(a => a.includes('/Site/App/Web/LoadBalancer/HttpListener'));
    expect(acks.filter(a => /ALBHttpToHttpsRedirection|ELBv2ACMCertificateRequired/.test(a))).toHaveLength(6);
  });

  test('THEN the four compliance packs report no unacknowledged finding in any stack, and the template rules none', () => {
    expect(formatFindings(complianceFindings(app))).toEqual([]);
    expect(templateRuleFindings(app)).toEqual([]);
  });
});

describe('GIVEN a domain and a hosted zone, in us-east-1', () => {
  const { app, template, others, webApp } = synth('us-east-1', withDomain);

  test('THEN HTTPS end to end: a viewer certificate, origin.example.com with its own certificate on the load balancer', () => {
    expect(Object.keys(others).sort()).toEqual(['Site-us-west-2']);
    // No SubjectAlternativeNames at all: ACM refuses an empty list.
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'www.example.com', SubjectAlternativeNames: Match.absent() });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'origin.example.com' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.example.com.', Type: 'A' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.example.com.', Type: 'AAAA' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.example.com.', Type: 'A' });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['www.example.com'],
        Origins: Match.arrayWith([Match.objectLike({
          DomainName: 'origin.example.com',
          CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
        })]),
      }),
    });
    expect(webApp.url).toBe('https://www.example.com');
  });

  test('THEN the alarm e-mail is subscribed, and the edge alarms are in the stack itself', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /CloudFront|Waf/.test(id))).toHaveLength(2);
  });

  test('THEN the four compliance packs report no unacknowledged finding, with no plain-HTTP acknowledgment', () => {
    expect(formatFindings(complianceFindings(app))).toEqual([]);
    expect(templateRuleFindings(app)).toEqual([]);
    const acks = acknowledgments(app);
    expect(acks.filter(a => /ALBHttpToHttpsRedirection/.test(a))).toEqual([]);
  });
});

describe('bring your own', () => {
  test('an existing VPC: no network of its own, every tier in that VPC', () => {
    const { template, webApp } = synth('eu-west-1', stack => ({
      vpc: new ec2.Vpc(stack, 'Existing', {
        maxAzs: 2,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      }),
    }));
    expect(webApp.network).toBeUndefined();
    template.resourceCountIs('AWS::EC2::VPC', 1);
    expect(webApp.vpc.node.id).toBe('Existing');
    template.resourceCountIs('AWS::EC2::NetworkAcl', 0);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter(id => /Nat/.test(id))).toEqual([]);
  });

  test('an existing static assets bucket: served under /static/* and no new one', () => {
    const { template, webApp } = synth('eu-west-1', stack => ({
      staticAssetsBucket: new s3.Bucket(stack, 'Assets', {
        enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      }),
    }));
    expect(webApp.storage.staticAssets.node.id).toBe('Assets');
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter(id => /StaticAssets/.test(id))).toEqual([]);
    const config = only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    expect(JSON.stringify(config.Origins)).toContain(idOf(template, 'AWS::S3::Bucket', /^Assets/));
  });

  test('an existing CloudFront certificate: used as is, none requested', () => {
    const arn = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`;
    const { template, others, webApp } = synth('eu-west-1', stack => ({
      ...withDomain(stack),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn),
    }));
    expect(webApp.edge.certificateArn).toBe(arn);
    others['Site-us-east-1'].resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ ViewerCertificate: Match.objectLike({ AcmCertificateArn: arn }) }),
    });
  });

  test('tier options reach their tiers', () => {
    const { template } = synth('eu-west-1', () => ({
      network: { cidr: '10.1.0.0/16' },
      webTier: { minCapacity: 3, maxCapacity: 9, desiredCapacity: 3, userDataCommands: ['echo deployed'] },
      dataTier: { database: { readReplicas: 1 } },
      edge: { priceClass: undefined, staticPathPatterns: ['/assets/*'] },
      observability: { thresholds: { webCpuPercent: 60 }, alarmEmails: ['a@example.com'] },
      alarmEmail: 'b@example.com',
      configurationPath: '/shop/production',
    }));
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16' });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '9', DesiredCapacity: '3' });
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/shop/production/database/replica-hosts' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 60, MetricName: 'CPUUtilization', Namespace: 'AWS/EC2' });
    for (const email of ['a@example.com', 'b@example.com']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
    }
    const userData = JSON.stringify(only(template, 'AWS::EC2::LaunchTemplate')[1].Properties.LaunchTemplateData.UserData);
    // The configuration is written before the user's commands run.
    expect(userData.indexOf('/etc/webapp/config.env')).toBeLessThan(userData.indexOf('echo deployed'));
    const behaviors = only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig.CacheBehaviors;
    expect(behaviors.map((b: any) => b.PathPattern)).toEqual(['/assets/*']);
  });

  test('an RDS Proxy: the instances reach the database through it, and find its endpoint in their configuration', () => {
    const { template, webApp } = synth('eu-west-1', () => ({ dataTier: { database: { proxy: true } } }));
    const proxy = idOf(template, 'AWS::RDS::DBProxy', /^AppData/);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `${webApp.configurationPath}/database/host`,
      Value: { 'Fn::GetAtt': [proxy, 'Endpoint'] },
    });
    const instanceSg = idOf(template, 'AWS::EC2::SecurityGroup', /^AppWebInstanceSecurityGroup/);
    const proxyIngress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(r => r.Properties.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] === instanceSg && r.Properties.FromPort === 5432);
    expect(proxyIngress).toHaveLength(1);
    expect(JSON.stringify(proxyIngress[0].Properties.GroupId)).toMatch(/Proxy/);
  });

  test('a regional web ACL on the load balancer: no ALBWAFEnabled acknowledgment', () => {
    const { app } = synth('eu-west-1', () => ({ webTier: { regionalWebAcl: true } }));
    expect(acknowledgments(app).filter(a => /ALBWAFEnabled/.test(a))).toEqual([]);
    expect(formatFindings(complianceFindings(app))).toEqual([]);
  });
});

describe('bad input fails at synth, naming the prop', () => {
  const zone = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
  test.each<[string, (stack: Stack) => ProductionWebAppProps, string | RegExp]>([
    ['a hosted zone without a domain', stack => ({ hostedZone: zone(stack) }),
      'Site/App: hostedZone: Site/Zone is given without domainName; give the site\'s name in the zone, e.g. www.example.com.'],
    ['a domain without a zone', () => ({ domainName: 'www.example.com' }),
      'Site/App: domainName: \'www.example.com\' needs hostedZone, the public zone that holds it'],
    ['a certificate without a domain', stack => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:1:certificate/x') }),
      'Site/App: certificate: a CloudFront certificate is given without domainName'],
    ['a certificate outside us-east-1', stack => ({
      domainName: 'www.example.com',
      hostedZone: zone(stack),
      certificate: acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:eu-west-1:1:certificate/x'),
    }), 'certificate: arn:aws:acm:eu-west-1:1:certificate/x is in eu-west-1; CloudFront takes viewer certificates from us-east-1 only.'],
    ['an origin header rotation period Secrets Manager refuses', () => ({ originHeaderRotation: Duration.hours(1) }),
      'Site/App: originHeaderRotation: 1 hour is not a rotation period Secrets Manager accepts; use 4 hours to 1000 days'],
    ['a VPC and network settings', stack => ({ vpc: new ec2.Vpc(stack, 'V'), network: { maxAzs: 3 } }),
      'Site/App: network: settings of a new network cannot apply to the existing vpc; remove network or vpc.'],
    ['the static bucket twice', stack => {
      const bucket = new s3.Bucket(stack, 'B');
      return { staticAssetsBucket: bucket, storage: { staticAssetsBucket: bucket } };
    }, 'Site/App: storage.staticAssetsBucket: give the existing bucket once, as staticAssetsBucket.'],
    ['an internal load balancer without a VPC origin', () => ({ webTier: { internetFacing: false } }),
      'Site/App: webTier.internetFacing: false makes the load balancer unreachable from CloudFront'],
    ['a configuration path that SSM refuses', () => ({ configurationPath: 'shop/production' }),
      'Site/App: configurationPath: \'shop/production\' is not an SSM parameter path'],
    ['an invalid alarm e-mail', () => ({ alarmEmail: 'ops' }), /alarmEmails: 'ops' is not an e-mail address/],
  ])('%s', (_case, props, message) => {
    expect(() => synth('eu-west-1', props)).toThrow(message);
  });
});
