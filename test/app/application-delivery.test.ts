import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { ProductionWebApp, ProductionWebAppProps, WebApplication } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';
import { heredoc, shellcheck, userDataScript } from '../web-tier/user-data';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const FIXTURES = path.join(__dirname, '..', 'fixtures');

function synth(props: ProductionWebAppProps = {}) {
  const app = strictApp();
  const stack = new Stack(app, 'Site', { env: ENV });
  const webApp = new ProductionWebApp(stack, 'App', props);
  return { app, stack, webApp, template: Template.fromStack(stack) };
}

const application = () => WebApplication.fromAsset(path.join(FIXTURES, 'release'), {
  start: 'node server.js', runtimePackages: ['nodejs20'],
});
const staticContent = () => [s3deploy.Source.asset(path.join(FIXTURES, 'release', 'static'))];

describe('GIVEN a ProductionWebApp with an application and static content', () => {
  const { app, webApp, template } = synth({ application: application(), staticContent: staticContent() });
  const script = userDataScript(template);

  test('THEN the instances write their configuration, then install and run the application behind nginx', () => {
    const lines = script.split('\n');
    const configuration = lines.findIndex(line => line.includes('> /etc/webapp/config.env'));
    expect(configuration).toBeGreaterThan(0);
    expect(lines.indexOf('systemctl enable --now webapp.service')).toBeGreaterThan(configuration);
    expect(heredoc(script, '/etc/systemd/system/webapp.service')).toContain('EnvironmentFile=-/etc/webapp/config.env');
    expect(webApp.webTier.application).toBeDefined();
  });

  test('THEN the user data passes shellcheck with no finding', () => {
    expect(shellcheck(script)).toEqual('');
  });

  test('THEN the static content is deployed under /static/ of the static bucket, and exactly /static/* is invalidated', () => {
    const [, deployment] = only(template, 'Custom::CDKBucketDeployment');
    const bucket = idOf(template, 'AWS::S3::Bucket', /^AppStorageStaticAssetsBucket/);
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucket },
      DestinationBucketKeyPrefix: 'static/',
      DistributionId: { Ref: idOf(template, 'AWS::CloudFront::Distribution', /^AppEdge/) },
      DistributionPaths: ['/static/*'],
      Prune: false,
    });
    expect(webApp.staticContentDeployment).toBeDefined();
  });

  test('THEN the deployment function runs in the VPC, one at a time, with a dead-letter queue and exact S3 actions', () => {
    const [, fn] = only(template, 'AWS::Lambda::Function', /^CustomCDKBucketDeployment/);
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Properties.DeadLetterConfig.TargetArn).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::SQS::Queue', /^AppStaticContentDeadLetterQueue/), 'Arn'] });
    expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [idOf(template, 'AWS::IAM::Role', /^AppStaticContentRole/), 'Arn'] });
    const [, policy] = only(template, 'AWS::IAM::ManagedPolicy', /^AppStaticContentRolePolicy/);
    const actions: string[] = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.filter(action => action.startsWith('s3:') && action.includes('*'))).toEqual([]);
    expect(actions).not.toContain('s3:DeleteObject');
    const invalidation = policy.Properties.PolicyDocument.Statement.find((s: any) => [s.Action].flat().includes('cloudfront:CreateInvalidation'));
    expect(JSON.stringify(invalidation.Resource)).toContain(':distribution/');
  });

  test('THEN the function reads only its archive in the CDK asset bucket, and writes only the static folder', () => {
    const [, policy] = only(template, 'AWS::IAM::ManagedPolicy', /^AppStaticContentRolePolicy/);
    const objects = s3ObjectResources(policy);
    const archives = objects.filter(resource => resource.includes('cdk-hnb659fds-assets'));
    expect(archives).toHaveLength(1);
    expect(archives[0]).toMatch(/\/[0-9a-f]{64}\.zip"\]\]\}$/);
    expect(objects.filter(resource => resource.endsWith('*"]]}'))).toEqual([
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(template, 'AWS::S3::Bucket', /^AppStorageStaticAssetsBucket/), 'Arn'] }, '/static/*']] }),
    ]);
  });

  test('THEN the four compliance packs report no unacknowledged finding in any stack, and the template rules none', () => {
    expect(formatFindings(complianceFindings(app))).toEqual([]);
    expect(templateRuleFindings(app)).toEqual([]);
  });
});

/** The object ARNs (`<bucket>/<key>`) of a policy's S3 statements, each as its template JSON. */
function s3ObjectResources(policy: any): string[] {
  return policy.Properties.PolicyDocument.Statement
    .filter((statement: any) => [statement.Action].flat().every((action: string) => action.startsWith('s3:')))
    .flatMap((statement: any) => [statement.Resource].flat().map(resource => JSON.stringify(resource)))
    .filter((resource: string) => resource.includes('/'));
}

test('a source from a bucket keeps the read on that bucket\'s objects, acknowledged, and the asset sources their archives', () => {
  const app = strictApp();
  const stack = new Stack(app, 'Site', { env: ENV });
  const releases = s3.Bucket.fromBucketName(stack, 'Releases', 'site-releases');
  new ProductionWebApp(stack, 'App', { staticContent: [s3deploy.Source.bucket(releases, 'site.zip'), ...staticContent()] });
  const template = Template.fromStack(stack);
  const [, policy] = only(template, 'AWS::IAM::ManagedPolicy', /^AppStaticContentRolePolicy/);
  const objects = s3ObjectResources(policy);
  expect(objects).toContain(JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::site-releases/*']] }));
  expect(objects.filter(resource => resource.includes('cdk-hnb659fds-assets'))).toHaveLength(1);
  expect(formatFindings(complianceFindings(app)).filter(finding => finding.includes(stack.stackName))).toEqual([]);
});

describe('the configuration the instances are told', () => {
  const userData = (props: ProductionWebAppProps) =>
    JSON.stringify(only(synth(props).template, 'AWS::EC2::LaunchTemplate')[1].Properties.LaunchTemplateData.UserData);

  test('turning on the RDS Proxy or adding read replicas changes the launch template, so the fleet rolls', () => {
    const baseline = userData({});
    expect(baseline).toContain('# Configuration of this launch template: ');
    expect(userData({ dataTier: { database: { proxy: true } } })).not.toEqual(baseline);
    expect(userData({ dataTier: { database: { readReplicas: 1 } } })).not.toEqual(baseline);
  });

  test('new instances launch after their configuration parameters are written', () => {
    const { template } = synth();
    const [, group] = only(template, 'AWS::AutoScaling::AutoScalingGroup');
    const parameters = Object.keys(template.findResources('AWS::SSM::Parameter')).filter(id => id.startsWith('AppConfiguration'));
    expect(parameters.length).toBeGreaterThanOrEqual(8);
    for (const parameter of parameters) expect(group.DependsOn).toContain(parameter);
  });

  test('the default user data (no application) passes shellcheck with no finding', () => {
    expect(shellcheck(userDataScript(synth().template))).toEqual('');
  });
});

test('static content needs a folder among the edge\'s static paths', () => {
  expect(() => synth({ staticContent: staticContent(), edge: { staticPathPatterns: ['/*.png'] } }))
    .toThrow("Site/App: staticContent: edge.staticPathPatterns ['/*.png'] name no folder to deploy the content to; add one such as '/static/*'.");
});

test('the rollout alarm notifies the one alarm topic', () => {
  const { template } = synth({ application: application() });
  const [, alarm] = only(template, 'AWS::CloudWatch::Alarm', /^AppWebRolloutAlarm/);
  const topic = idOf(template, 'AWS::SNS::Topic', /^AppObservabilityAlarmTopic/);
  expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  expect(alarm.Properties.OKActions).toEqual([{ Ref: topic }]);
});
