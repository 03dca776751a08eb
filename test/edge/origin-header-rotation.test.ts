import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { CloudFrontOriginAccess, NetworkFoundation, OriginHeaderRotationOptions, ScalableWebTier, SecureEdge } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { assetDirectory, idOf } from '../template';
import { strictApp } from '../util';

const ACCOUNT = '123456789012';

/** SecureEdge in front of a ScalableWebTier, composed by hand, with the origin header rotated (or not). */
function compose(region: string, rotation?: Partial<OriginHeaderRotationOptions>, route = false) {
  const app = strictApp();
  const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region } });
  const network = new NetworkFoundation(stack, 'Network');
  const access = new CloudFrontOriginAccess(stack, 'OriginAccess');
  const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc, cloudFrontOriginAccess: access, regionalWebAcl: false });
  if (route) web.addRoute('Api', { priority: 10, pathPatterns: ['/api/*'] });
  const edge = new SecureEdge(stack, 'Edge', { loadBalancer: web.loadBalancer, originAccess: access });
  const added = rotation
    ? access.addRotation({ distribution: edge.distribution, vpc: network.vpc, webAclArn: edge.webAclArn, ...rotation })
    : undefined;
  return { app, stack, access, web, edge, rotation: added };
}

/** Acknowledged rule IDs recorded on a construct. */
function acknowledgedOn(app: ReturnType<typeof compose>['app'], constructPath: string): string[] {
  return app.synth().stacks.flatMap(s => s.findMetadataByType('aws:cdk:acknowledged-rules')
    .filter(e => e.path === constructPath)
    .flatMap(e => Object.keys(e.data as unknown as object)));
}

describe('CloudFrontOriginAccess.addRotation', () => {
  describe('GIVEN the web tier behind SecureEdge in us-east-1, with a route', () => {
    const { app, stack } = compose('us-east-1', {}, true);
    const template = Template.fromStack(stack);
    const forwardRule = idOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', /FromCloudFrontRule/);
    const apiRule = idOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', /^WebApi/);
    const fn = idOf(template, 'AWS::Lambda::Function', /^OriginAccessRotationFunction/);

    test('THEN Secrets Manager rotates the secret every 30 days, never during a deployment', () => {
      template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        SecretId: { Ref: idOf(template, 'AWS::SecretsManager::Secret', /^OriginAccessSecret/) },
        RotationLambdaARN: { 'Fn::GetAtt': [fn, 'Arn'] },
        RotationRules: { ScheduleExpression: 'rate(30 days)' },
        RotateImmediatelyOnUpdate: false,
      });
    });

    test('THEN the function deploys the bundled handler, index.js alone, which exports the handler it names', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') },
      });
      const directory = assetDirectory(app, stack, /^OriginAccessRotationFunction/);
      expect(fs.readdirSync(directory)).toEqual(['index.js']);
      // The AWS SDK is the Lambda runtime's: required at load, not bundled.
      const required: string[] = [];
      const environment = process.env;
      process.env = { ...environment, HEADER_NAME: 'X-Origin-Verify', DISTRIBUTION_ID: 'E2EXAMPLE', RULE_ARNS: 'arn', VALUE_LENGTH: '48' };
      let loaded: any;
      try {
        jest.isolateModules(() => {
          for (const [name, client] of [['secrets-manager', 'SecretsManagerClient'], ['cloudfront', 'CloudFrontClient'], ['elastic-load-balancing-v2', 'ElasticLoadBalancingV2Client']]) {
            jest.doMock(`@aws-sdk/client-${name}`, () => { required.push(name); return { [client]: class {} }; }, { virtual: true });
          }
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          loaded = require(path.join(directory, 'index.js'));
        });
      } finally {
        process.env = environment;
      }
      expect(typeof loaded.handler).toBe('function');
      expect(required).toEqual(['secrets-manager', 'cloudfront', 'elastic-load-balancing-v2']);
    });

    test('THEN the function knows the header, the distribution and every listener rule that requires the header', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: Match.stringLikeRegexp('^nodejs\\d+\\.x$'),
        ReservedConcurrentExecutions: 1,
        VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
        // The environment is encrypted with the rotation's own key, which the role may use.
        KmsKeyArn: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', /^OriginAccessRotationKey/), 'Arn'] },
        Environment: {
          Variables: {
            HEADER_NAME: 'X-Origin-Verify',
            DISTRIBUTION_ID: { Ref: idOf(template, 'AWS::CloudFront::Distribution', /^EdgeDistribution/) },
            // In construct path order: Web/Api, then Web/LoadBalancer/…/FromCloudFrontRule.
            RULE_ARNS: { 'Fn::Join': [',', [{ Ref: apiRule }, { Ref: forwardRule }]] },
            VALUE_LENGTH: '48',
          },
        },
      });
    });

    test('THEN it may change only that distribution and those rules, and read the web ACL', () => {
      const policy = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
        .find(p => JSON.stringify(p.Properties.Roles).includes('OriginAccessRotationRole'))!;
      const statements: any[] = policy.Properties.PolicyDocument.Statement;
      const bySid = (sid: string) => statements.find(s => s.Sid === sid);
      expect(bySid('SetTheHeaderCloudFrontSends').Action).toEqual(['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution']);
      expect(JSON.stringify(bySid('SetTheHeaderCloudFrontSends').Resource)).toContain(':distribution/');
      expect(bySid('SetTheValuesTheListenerRulesAccept')).toMatchObject({
        Action: 'elasticloadbalancing:ModifyRule',
        Resource: expect.arrayContaining([{ Ref: forwardRule }, { Ref: apiRule }]),
      });
      expect(bySid('SetTheValuesTheListenerRulesAccept').Resource).toHaveLength(2);
      expect(bySid('ReadTheWebAcl').Action).toBe('wafv2:GetWebACL');
      const wildcards = statements.filter(s => s.Resource === '*').flatMap(s => [s.Action].flat()).sort();
      // Only the actions that accept no resource stay on '*'; the network interfaces are this account's and region's.
      expect(wildcards).toEqual(['ec2:DescribeNetworkInterfaces', 'elasticloadbalancing:DescribeRules', 'secretsmanager:GetRandomPassword']);
      expect(bySid('ManageTheFunctionNetworkInterfaces')).toMatchObject({
        Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':network-interface/*']] },
      });
      expect(JSON.stringify(bySid('CreateNetworkInterfacesInTheFunctionSubnets').Resource)).toMatch(/network-interface\/\*.*subnet\/.*subnet\/.*security-group\//);
    });

    test('THEN only this secret may invoke the function', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceArn: { Ref: idOf(template, 'AWS::SecretsManager::Secret', /^OriginAccessSecret/) },
        SourceAccount: ACCOUNT,
      });
    });

    test('THEN the secret carries no rotation acknowledgment, and the four packs report nothing', () => {
      expect(acknowledgedOn(app, '/TestStack/OriginAccess/Secret/Resource')).toEqual([]);
      expect(acknowledgedOn(app, '/TestStack/OriginAccess/Secret')).toEqual([]);
      // The load balancer's own findings (no certificate, no web ACL of its own) belong to this by-hand composition.
      expect(formatFindings(complianceFindings(app)).filter(f => f.includes('/OriginAccess/'))).toEqual([]);
    });
  });

  test('a user rule with the same header condition is rotated too; one with another header is not', () => {
    const { stack, web, access } = compose('eu-west-1', {});
    new elbv2.ApplicationListenerRule(stack, 'Mine', {
      listener: web.listener,
      priority: 20,
      conditions: [elbv2.ListenerCondition.httpHeader(access.headerName, [access.headerValue]), elbv2.ListenerCondition.pathPatterns(['/mine/*'])],
      action: elbv2.ListenerAction.fixedResponse(200),
    });
    new elbv2.ApplicationListenerRule(stack, 'Other', {
      listener: web.listener,
      priority: 30,
      conditions: [elbv2.ListenerCondition.httpHeader('X-Other', ['x'])],
      action: elbv2.ListenerAction.fixedResponse(200),
    });
    const template = Template.fromStack(stack);
    const variables = Object.values(template.findResources('AWS::Lambda::Function'))
      .find(f => f.Properties.Environment?.Variables?.HEADER_NAME)!.Properties.Environment.Variables;
    const refs = JSON.stringify(variables.RULE_ARNS);
    expect(refs).toContain(idOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', /^Mine/));
    expect(refs).not.toContain(idOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', /^Other/));
  });

  test('a period of 7 days is the schedule; the construct exposes its function, schedule and log group', () => {
    const { stack, rotation } = compose('us-east-1', { automaticallyAfter: Duration.days(7) });
    expect([rotation!.rotationFunction, rotation!.rotationSchedule, rotation!.logGroup].map(c => c.node.path)).toEqual([
      'TestStack/OriginAccess/Rotation/Function', 'TestStack/OriginAccess/Secret/RotationSchedule', 'TestStack/OriginAccess/Rotation/LogGroup',
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  });

  test('without a rotation, the secret acknowledges its rotation findings, and the packs report nothing else on it', () => {
    const { app } = compose('us-east-1');
    const acks = acknowledgedOn(app, '/TestStack/OriginAccess/Secret');
    expect(acks.map(a => a.replace(/^Annotation::/, '')).sort()).toEqual(['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled',
      'NIST.800.53.R5-SecretsManagerRotationEnabled', 'PCI.DSS.321-SecretsManagerRotationEnabled']);
    expect(formatFindings(complianceFindings(app)).filter(f => f.includes('/OriginAccess/'))).toEqual([]);
  });

  describe('bad input fails at synth, naming the prop', () => {
    test('a second rotation', () => {
      const { access, edge, stack } = compose('us-east-1', {});
      const vpc = (stack.node.findChild('Network') as NetworkFoundation).vpc;
      expect(() => access.addRotation({ distribution: edge.distribution, vpc })).toThrow(
        /addRotation: the header of TestStack\/OriginAccess is already rotated by TestStack\/OriginAccess\/Rotation; add one rotation/);
    });

    test('a period Secrets Manager does not accept', () => {
      expect(() => compose('us-east-1', { automaticallyAfter: Duration.hours(1) })).toThrow(
        /automaticallyAfter: 1 hour is not a rotation period Secrets Manager accepts; use 4 hours to 1000 days/);
    });

    test('no listener rule that requires the header', () => {
      const app = strictApp();
      const stack = new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
      const network = new NetworkFoundation(stack, 'Network');
      const access = new CloudFrontOriginAccess(stack, 'OriginAccess');
      const web = new ScalableWebTier(stack, 'Web', { vpc: network.vpc, regionalWebAcl: false });
      const edge = new SecureEdge(stack, 'Edge', { loadBalancer: web.loadBalancer, originAccess: access });
      access.addRotation({ distribution: edge.distribution, vpc: network.vpc });
      expect(() => app.synth()).toThrow(/no listener rule in TestStack requires the X-Origin-Verify header of this secret/);
    });
  });
});
