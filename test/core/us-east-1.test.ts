import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  CROSS_REGION_PARAMETER_PREFIX, CROSS_REGION_READER_TYPE, crossRegionValue, crossRegionValueFrom, followerValue,
  isInUsEast1, regionalCompanionScope, regionalFollowerScope, usEast1Scope,
} from '../../src/core/us-east-1';
import { complianceFindings, formatFindings } from '../compliance';
import { assetDirectory, idOf, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

const ACCOUNT = '123456789012';

// The Lambda Node.js runtime ships the AWS SDK v3; this package does not depend on it.
const mockSend = jest.fn();
jest.mock('@aws-sdk/client-ssm', () => ({
  SSMClient: jest.fn().mockImplementation((config: unknown) => ({ config, send: mockSend })),
  GetParameterCommand: jest.fn().mockImplementation((input: unknown) => ({ input })),
}), { virtual: true });

/**
 * A CLOUDFRONT-scope IP set created in `consumer`'s us-east-1 scope, and its ARN handed over to `consumer`.
 */
function handOver(consumer: Construct, id = 'IpSetArn', addresses = ['192.0.2.0/24']) {
  const home = usEast1Scope(consumer);
  const ipSet = new wafv2.CfnIPSet(home, `${consumer.node.id}${id}Source`, {
    scope: 'CLOUDFRONT',
    ipAddressVersion: 'IPV4',
    addresses,
  });
  return { home, ipSet, value: crossRegionValue(consumer, id, ipSet.attrArn) };
}

function stacksOf(app: App): Stack[] {
  return app.node.children.filter(Stack.isStack);
}

/** A parent stack in eu-west-1 with two constructs that each hand a value over, and another parent elsewhere. */
function twoRegionApp(options: { addresses?: string[]; otherParent?: boolean } = {}) {
  const app = strictApp();
  const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const a = handOver(new Construct(parent, 'A'), 'IpSetArn', options.addresses);
  const b = handOver(new Construct(parent, 'B'));
  const other = options.otherParent === false ? undefined
    : new Stack(app, 'Other', { env: { account: ACCOUNT, region: 'ap-southeast-2' } });
  const c = other ? handOver(new Construct(other, 'C')) : undefined;
  return { app, parent, a, b, other, c };
}

describe('usEast1Scope, isInUsEast1, crossRegionValue', () => {
  describe('GIVEN a stack in us-east-1', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const consumer = new Construct(stack, 'Consumer');
    const { home, ipSet, value } = handOver(consumer);

    test('THEN the stack is its own us-east-1 scope and no companion stack is added', () => {
      expect(isInUsEast1(consumer)).toBe(true);
      expect(home).toBe(stack);
      expect(stacksOf(app)).toEqual([stack]);
      expect(stack.dependencies).toEqual([]);
    });

    test('THEN the value comes back unchanged, with no parameter and no reader', () => {
      expect(value).toBe(ipSet.attrArn);
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SSM::Parameter', 0);
      template.resourceCountIs(CROSS_REGION_READER_TYPE, 0);
      template.resourceCountIs('AWS::Lambda::Function', 0);
    });
  });

  describe('GIVEN a stack in eu-west-1', () => {
    const { app, parent, a, b, other, c } = twoRegionApp();
    const companion = a.home;
    const parentTemplate = Template.fromStack(parent);
    const companionTemplate = Template.fromStack(companion);

    test('THEN one companion stack, in us-east-1 and the same account, serves every construct of the stack', () => {
      expect(isInUsEast1(parent)).toBe(false);
      expect(companion).not.toBe(parent);
      expect(b.home).toBe(companion);
      expect(companion.region).toBe('us-east-1');
      expect(companion.account).toBe(ACCOUNT);
      expect(companion.node.scope).toBe(app);
      expect(companion.node.id).toBe('Parent-us-east-1');
      expect(companion.stackName).toBe('Parent-eu-west-1-us-east-1');
    });

    test('THEN the stack depends on its companion', () => {
      expect(parent.dependencies).toEqual([companion]);
      expect(companion.dependencies).toEqual([]);
    });

    test('THEN another stack, in another region, gets its own companion', () => {
      expect(c!.home).not.toBe(companion);
      expect(c!.home.region).toBe('us-east-1');
      expect(c!.home.stackName).toBe('Other-ap-southeast-2-us-east-1');
      expect(other!.dependencies).toEqual([c!.home]);
      expect(stacksOf(app).map(s => s.node.id).sort()).toEqual(['Other', 'Other-us-east-1', 'Parent', 'Parent-us-east-1']);
    });

    test('THEN the companion writes each value into an SSM String parameter named after the stack, region and path', () => {
      companionTemplate.resourceCountIs('AWS::SSM::Parameter', 2);
      for (const [consumer, ipSet] of [['A', a.ipSet], ['B', b.ipSet]] as const) {
        companionTemplate.hasResourceProperties('AWS::SSM::Parameter', {
          Type: 'String',
          Name: `${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/${consumer}/IpSetArn`,
          Value: { 'Fn::GetAtt': [companion.getLogicalId(ipSet), 'Arn'] },
        });
      }
      Template.fromStack(c!.home).hasResourceProperties('AWS::SSM::Parameter', {
        Name: `${CROSS_REGION_PARAMETER_PREFIX}/ap-southeast-2/Other/C/IpSetArn`,
      });
    });

    test('THEN the stack reads each value back from us-east-1 with a reader, whose Value attribute is returned', () => {
      parentTemplate.resourceCountIs(CROSS_REGION_READER_TYPE, 2);
      const readerId = idOf(parentTemplate, CROSS_REGION_READER_TYPE, /^AIpSetArn/);
      expect(parentTemplate.toJSON().Resources[readerId].Properties).toEqual({
        ServiceToken: expect.anything(),
        Region: 'us-east-1',
        ParameterName: `${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/A/IpSetArn`,
        RefreshToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(parent.resolve(a.value)).toEqual({ 'Fn::GetAtt': [readerId, 'Value'] });
      expect(parent.resolve(b.value)).toEqual({ 'Fn::GetAtt': [idOf(parentTemplate, CROSS_REGION_READER_TYPE, /^BIpSetArn/), 'Value'] });
      // Nothing crosses the regions as a CloudFormation reference.
      expect(JSON.stringify(parentTemplate.toJSON())).not.toContain('Fn::ImportValue');
      expect(JSON.stringify(companionTemplate.toJSON().Outputs ?? {})).toBe('{}');
    });

    test('THEN one provider per stack, allowed only ssm:GetParameter on the stack\'s own parameters in us-east-1', () => {
      const [handlerId, handler] = only(parentTemplate, 'AWS::Lambda::Function');
      const readers = Object.values(parentTemplate.findResources(CROSS_REGION_READER_TYPE));
      for (const reader of readers) expect(reader.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [handlerId, 'Arn'] });
      expect(handler.Properties.Runtime).toBe('nodejs24.x');
      expect(handler.Properties.Handler).toBe('__entrypoint__.handler');

      const [, role] = only(parentTemplate, 'AWS::IAM::Role');
      expect(role.Properties.Policies).toEqual([{
        PolicyName: 'Inline',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: 'ssm:GetParameter',
            Resource: {
              'Fn::Join': ['', [
                'arn:', { Ref: 'AWS::Partition' },
                `:ssm:us-east-1:${ACCOUNT}:parameter${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/*`,
              ]],
            },
          }],
        },
      }]);
      // Everything else it may do is writing its own logs.
      expect(role.Properties.ManagedPolicyArns).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
      ]);
      companionTemplate.resourceCountIs('AWS::Lambda::Function', 0);
    });

    test('THEN the other stack\'s provider reads only that stack\'s parameters', () => {
      const [, role] = only(Template.fromStack(other!), 'AWS::IAM::Role');
      expect(JSON.stringify(role.Properties.Policies)).toContain(`parameter${CROSS_REGION_PARAMETER_PREFIX}/ap-southeast-2/Other/*`);
    });

    test('THEN both stacks, companions included, pass the four compliance packs and the CloudFormation rules', () => {
      const fresh = twoRegionApp();
      expect(formatFindings(complianceFindings(fresh.app))).toEqual([]);
      expect(templateRuleFindings(twoRegionApp().app)).toEqual([]);
    });
  });

  describe('the refresh token', () => {
    const refreshToken = (options: Parameters<typeof twoRegionApp>[0] = {}) => {
      const { parent } = twoRegionApp({ otherParent: false, ...options });
      const template = Template.fromStack(parent);
      return template.toJSON().Resources[idOf(template, CROSS_REGION_READER_TYPE, /^AIpSetArn/)].Properties.RefreshToken;
    };

    test('is stable from one synthesis to the next', () => {
      expect(refreshToken()).toBe(refreshToken());
    });

    test('changes when the resource the value refers to is redefined (which may replace it)', () => {
      expect(refreshToken({ addresses: ['198.51.100.0/24'] })).not.toBe(refreshToken());
    });

    test('depends only on that resource, not on the rest of the companion', () => {
      const withExtra = () => {
        const { parent, a } = twoRegionApp({ otherParent: false });
        new wafv2.CfnIPSet(a.home, 'Unrelated', { scope: 'CLOUDFRONT', ipAddressVersion: 'IPV6', addresses: [] });
        const template = Template.fromStack(parent);
        return template.toJSON().Resources[idOf(template, CROSS_REGION_READER_TYPE, /^AIpSetArn/)].Properties.RefreshToken;
      };
      expect(withExtra()).toBe(refreshToken());
      const { parent } = twoRegionApp({ otherParent: false });
      const template = Template.fromStack(parent);
      const [, readerOfA] = only(template, CROSS_REGION_READER_TYPE, /^AIpSetArn/);
      const [, readerOfB] = only(template, CROSS_REGION_READER_TYPE, /^BIpSetArn/);
      expect(readerOfA.Properties.RefreshToken).not.toBe(readerOfB.Properties.RefreshToken);
    });
  });

  describe('the reader\'s code, as synthesized', () => {
    const { app, parent, other } = twoRegionApp();
    const directory = assetDirectory(app, parent);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const reader = require(path.join(directory, 'index.js'));
    // aws-cdk-lib's response wrapper, which Lambda calls and which calls the reader.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entrypoint = require(path.join(directory, '__entrypoint__.js'));
    const originalGetParameter = reader.external.getParameter;
    const responses: any[] = [];

    beforeEach(() => {
      responses.length = 0;
      entrypoint.external.sendHttpRequest = async (_options: unknown, body: string) => { responses.push(JSON.parse(body)); };
      entrypoint.external.log = () => undefined;
      reader.external.getParameter = originalGetParameter;
      mockSend.mockReset();
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
    });

    afterEach(() => jest.restoreAllMocks());

    const event = (requestType: string, extra: object = {}) => ({
      RequestType: requestType,
      ResponseURL: 'https://cloudformation-custom-resource-response.example.com/response',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Parent/guid',
      RequestId: 'request',
      LogicalResourceId: 'AIpSetArn',
      ResourceType: CROSS_REGION_READER_TYPE,
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:reader',
        Region: 'us-east-1',
        ParameterName: '/cdk-production-webapp/cross-region/eu-west-1/Parent/A/IpSetArn',
        RefreshToken: 'abc',
      },
      ...extra,
    });

    test('THEN the asset holds the reader\'s index.js, with a handler, next to the wrapper', () => {
      expect(fs.readdirSync(directory).sort()).toEqual(['__entrypoint__.js', 'index.js']);
      expect(typeof reader.handler).toBe('function');
      // The same bytes in every stack: one asset, whatever the stack or the language of the app.
      expect(assetDirectory(app, other!)).toBe(directory);
    });

    test.each(['Create', 'Update'])('WHEN %s THEN it reads the parameter in us-east-1 with the SDK and returns its value', async requestType => {
      mockSend.mockResolvedValue({ Parameter: { Value: 'arn:aws:wafv2:us-east-1:123456789012:global/ipset/x/1' } });
      const result = await reader.handler(event(requestType, { PhysicalResourceId: 'old' }));
      expect(result).toEqual({
        PhysicalResourceId: '/cdk-production-webapp/cross-region/eu-west-1/Parent/A/IpSetArn',
        Data: { Value: 'arn:aws:wafv2:us-east-1:123456789012:global/ipset/x/1' },
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('@aws-sdk/client-ssm');
      expect(sdk.SSMClient).toHaveBeenLastCalledWith({ region: 'us-east-1' });
      expect(mockSend).toHaveBeenCalledWith({ input: { Name: '/cdk-production-webapp/cross-region/eu-west-1/Parent/A/IpSetArn' } });
    });

    test('WHEN Create, through the wrapper THEN CloudFormation gets SUCCESS, the parameter name and the value', async () => {
      reader.external.getParameter = jest.fn(async () => 'the-value');
      await entrypoint.handler(event('Create'), {});
      expect(reader.external.getParameter).toHaveBeenCalledWith('us-east-1', '/cdk-production-webapp/cross-region/eu-west-1/Parent/A/IpSetArn');
      expect(responses).toEqual([expect.objectContaining({
        Status: 'SUCCESS',
        RequestId: 'request',
        PhysicalResourceId: '/cdk-production-webapp/cross-region/eu-west-1/Parent/A/IpSetArn',
        Data: { Value: 'the-value' },
      })]);
    });

    test('WHEN Delete THEN it reads nothing and keeps the physical ID', async () => {
      reader.external.getParameter = jest.fn();
      await entrypoint.handler(event('Delete', { PhysicalResourceId: '/some/name' }), {});
      expect(reader.external.getParameter).not.toHaveBeenCalled();
      expect(responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: '/some/name' })]);
    });

    test.each([
      ['the parameter is missing', () => Promise.reject(new Error('ParameterNotFound'))],
      ['the parameter has no value', () => Promise.resolve(undefined)],
    ])('WHEN %s THEN CloudFormation gets FAILED', async (_case, getParameter) => {
      reader.external.getParameter = getParameter;
      await entrypoint.handler(event('Create'), {});
      expect(responses).toEqual([expect.objectContaining({ Status: 'FAILED' })]);
    });
  });

  describe('GIVEN unusual paths', () => {
    const parameterNames = (consumer: Construct) => {
      handOver(consumer, 'Value');
      const companion = usEast1Scope(consumer);
      return Object.values(Template.fromStack(companion).findResources('AWS::SSM::Parameter')).map(p => p.Properties.Name);
    };

    test('a consumer in a nested stack shares the top-level stack\'s companion and reads that stack\'s parameters', () => {
      const app = strictApp();
      const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      const nested = new NestedStack(parent, 'Nested');
      const { home, value } = handOver(new Construct(nested, 'Consumer'));
      expect(home).toBe(usEast1Scope(parent));
      expect(parent.dependencies).toEqual([home]);
      Template.fromStack(home).resourceCountIs('AWS::SSM::Parameter', 1);
      const template = Template.fromStack(nested);
      expect(nested.resolve(value)).toEqual({ 'Fn::GetAtt': [idOf(template, CROSS_REGION_READER_TYPE, /^ConsumerIpSetArn/), 'Value'] });
      template.hasResourceProperties(CROSS_REGION_READER_TYPE, {
        ParameterName: `${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/Nested/Consumer/IpSetArn`,
      });
      const [, role] = only(template, 'AWS::IAM::Role');
      expect(JSON.stringify(role.Properties.Policies)).toContain(`parameter${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/*`);
    });

    test('a stack in a Stage gets its companion in that Stage, named after its own stack name', () => {
      const app = strictApp();
      const stage = new Stage(app, 'Prod');
      const parent = new Stack(stage, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      const home = usEast1Scope(parent);
      expect(home.node.path).toBe('Prod/Parent-us-east-1');
      expect(home.stackName).toBe('Prod-Parent-eu-west-1-us-east-1');
      expect(parameterNames(new Construct(parent, 'Consumer')))
        .toEqual([`${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Prod-Parent/Consumer/Value`]);
    });

    test('names deeper than the 15 levels of SSM fold their last levels into one', () => {
      const parent = new Stack(strictApp(), 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      let consumer: Construct = parent;
      for (let level = 1; level <= 12; level++) consumer = new Construct(consumer, `L${level}`);
      const [name] = parameterNames(consumer);
      expect(name).toBe(`${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/L1/L2/L3/L4/L5/L6/L7/L8/L9/L10/L11.L12.Value`);
      expect(name.split('/').slice(1)).toHaveLength(15);
    });

    test('names longer than SSM allows are cut and end with a hash; other characters become _', () => {
      const newParent = () => new Stack(strictApp(), 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      const [long] = parameterNames(new Construct(newParent(), 'x'.repeat(1000)));
      expect(long).toHaveLength(940);
      expect(long).toMatch(new RegExp(`^${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/x+-[0-9a-f]{16}$`));
      expect(parameterNames(new Construct(newParent(), 'Site (www) #1'))).toEqual([`${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/Site__www___1/Value`]);
    });
  });

  describe('GIVEN a parent stack that cannot get a companion', () => {
    test('its companion\'s ID is taken by another construct', () => {
      const app = strictApp();
      const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      new Stack(app, 'Parent-us-east-1', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      expect(() => usEast1Scope(new Construct(parent, 'Edge'))).toThrow(
        'Parent/Edge: the ID Parent-us-east-1 of the us-east-1 companion stack of Parent is taken by Parent-us-east-1; rename it.');
    });

    test('it belongs to no App or Stage', () => {
      const stack = new Stack(new Construct(undefined as any, ''), 'Lonely', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      expect(() => usEast1Scope(new Construct(stack, 'Edge'))).toThrow(
        'Lonely/Edge: stack Lonely must belong to an App or a Stage, which will hold its us-east-1 companion stack.');
    });
  });

  describe('GIVEN an environment-agnostic stack', () => {
    test.each([
      ['without env', {}],
      ['with an account only', { account: ACCOUNT }],
    ])('%s THEN usEast1Scope and crossRegionValue refuse it, naming the construct', (_case, env) => {
      const app = strictApp();
      const stack = new Stack(app, 'Agnostic', { env });
      const consumer = new Construct(stack, 'Edge');
      const message = 'Agnostic/Edge: stack Agnostic has no region at synthesis (environment-agnostic), but CloudFront takes '
        + 'its certificate and web ACL from us-east-1: set env.region on the stack (and env.account, for the us-east-1 '
        + 'companion stack that a stack in another region gets).';
      expect(isInUsEast1(consumer)).toBe(false);
      expect(() => usEast1Scope(consumer)).toThrow(message);
      expect(() => crossRegionValue(consumer, 'Value', 'literal')).toThrow(message);
      expect(stacksOf(app)).toEqual([stack]);
    });
  });
});

describe('regionalCompanionScope, crossRegionValueFrom', () => {
  /** A KMS-free resource of any region: an SSM parameter whose name is handed over. */
  function handOverFrom(consumer: Construct, region: string, id = 'Value') {
    const home = regionalCompanionScope(consumer, region);
    const source = new wafv2.CfnIPSet(home, `${consumer.node.id}${id}Source`, {
      scope: 'REGIONAL',
      ipAddressVersion: 'IPV4',
      addresses: ['192.0.2.0/24'],
    });
    return { home, source, value: crossRegionValueFrom(consumer, id, source.attrArn, region) };
  }

  test('GIVEN the stack\'s own region THEN the stack is its own scope and the value comes back unchanged', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const { home, source, value } = handOverFrom(new Construct(stack, 'Consumer'), 'eu-west-1');
    expect(home).toBe(stack);
    expect(value).toBe(source.attrArn);
    expect(stacksOf(app)).toEqual([stack]);
    Template.fromStack(stack).resourceCountIs(CROSS_REGION_READER_TYPE, 0);
  });

  describe('GIVEN a stack in eu-west-1 that reads from eu-central-1 and from us-east-1', () => {
    const app = strictApp();
    const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const dr = handOverFrom(new Construct(parent, 'Storage'), 'eu-central-1');
    const edge = handOver(new Construct(parent, 'Edge'));
    const template = Template.fromStack(parent);

    test('THEN each region gets one companion stack, named after the stack, its region and the companion\'s region', () => {
      expect(dr.home.region).toBe('eu-central-1');
      expect(dr.home.account).toBe(ACCOUNT);
      expect(dr.home.node.id).toBe('Parent-eu-central-1');
      expect(dr.home.stackName).toBe('Parent-eu-west-1-eu-central-1');
      expect(regionalCompanionScope(parent, 'eu-central-1')).toBe(dr.home);
      expect(regionalCompanionScope(parent, 'us-east-1')).toBe(edge.home);
      expect(edge.home.node.id).toBe('Parent-us-east-1');
      expect(parent.dependencies).toEqual([dr.home, edge.home]);
      expect(stacksOf(app).map(s => s.node.id).sort()).toEqual(['Parent', 'Parent-eu-central-1', 'Parent-us-east-1']);
    });

    test('THEN the companion in eu-central-1 is described after its region, and the us-east-1 one as before', () => {
      expect(dr.home.templateOptions.description).toBe('The eu-central-1 resources of stack Parent in eu-west-1.');
      expect(edge.home.templateOptions.description)
        .toBe('The us-east-1 resources (CloudFront certificate, web ACL) of stack Parent in eu-west-1.');
    });

    test('THEN the value is written in eu-central-1 and read from there by a reader provider of that region only', () => {
      Template.fromStack(dr.home).hasResourceProperties('AWS::SSM::Parameter', {
        Name: `${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/Storage/Value`,
        Value: { 'Fn::GetAtt': [dr.home.getLogicalId(dr.source), 'Arn'] },
      });
      template.hasResourceProperties(CROSS_REGION_READER_TYPE, {
        Region: 'eu-central-1',
        ParameterName: `${CROSS_REGION_PARAMETER_PREFIX}/eu-west-1/Parent/Storage/Value`,
      });
      template.hasResourceProperties(CROSS_REGION_READER_TYPE, { Region: 'us-east-1' });
      template.resourceCountIs('AWS::Lambda::Function', 2);
      const roles = Object.values(template.findResources('AWS::IAM::Role')).map(r => JSON.stringify(r.Properties.Policies));
      expect(roles.filter(p => p.includes(':ssm:eu-central-1:'))).toHaveLength(1);
      expect(roles.filter(p => p.includes(':ssm:us-east-1:'))).toHaveLength(1);
      expect(roles.filter(p => p.includes(':ssm:eu-central-1:') && p.includes(':ssm:us-east-1:'))).toEqual([]);
    });

    test('THEN cdk-nag reports no unacknowledged finding, and the template rules none', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  test.each([
    ['a token', () => Stack.of(new Stack()).region],
    ['not a region name', () => 'Europe'],
  ])('GIVEN a companion region that is %s THEN it is refused', (_case, region) => {
    const parent = new Stack(strictApp(), 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const value = region();
    expect(() => regionalCompanionScope(new Construct(parent, 'Storage'), value)).toThrow(
      `Parent/Storage: the companion stack's region must be a region name such as 'eu-west-1', got '${value}'.`);
  });

  test('GIVEN an environment-agnostic stack THEN a companion outside us-east-1 is refused, naming its region', () => {
    const stack = new Stack(strictApp(), 'Agnostic');
    expect(() => crossRegionValueFrom(new Construct(stack, 'Storage'), 'Value', 'literal', 'eu-central-1')).toThrow(
      'Agnostic/Storage: stack Agnostic has no region at synthesis (environment-agnostic), but it needs a companion stack in '
      + 'eu-central-1: set env.region on the stack (and env.account, for the eu-central-1 companion stack that a stack in '
      + 'another region gets).');
  });

  test('GIVEN a companion ID taken by another construct THEN it is refused, naming the region', () => {
    const app = strictApp();
    const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new Stack(app, 'Parent-eu-central-1', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => regionalCompanionScope(new Construct(parent, 'Storage'), 'eu-central-1')).toThrow(
      'Parent/Storage: the ID Parent-eu-central-1 of the eu-central-1 companion stack of Parent is taken by Parent-eu-central-1; rename it.');
  });
});

describe('regionalFollowerScope, followerValue', () => {
  test('GIVEN the stack\'s own region THEN the stack is its own follower and values come back unchanged', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const follower = regionalFollowerScope(new Construct(stack, 'Watcher'), 'us-east-1');
    expect(follower).toBe(stack);
    expect(followerValue(new Construct(stack, 'X'), 'Value', 'literal', stack)).toBe('literal');
    expect(stacksOf(app)).toEqual([stack]);
  });

  describe('GIVEN a stack in eu-west-1 watched from us-east-1', () => {
    const app = strictApp();
    const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const source = new wafv2.CfnIPSet(parent, 'Source', { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses: ['192.0.2.0/24'] });
    const follower = regionalFollowerScope(new Construct(parent, 'Watcher'), 'us-east-1');
    const consumer = new Construct(follower, 'Alarms');
    const value = followerValue(consumer, 'SourceArn', source.attrArn, parent);

    test('THEN one follower stack in us-east-1, in the parent\'s account, that depends on the parent (not the reverse)', () => {
      expect(regionalFollowerScope(parent, 'us-east-1')).toBe(follower);
      expect(follower.node.id).toBe('Parent-us-east-1-monitoring');
      expect(follower.stackName).toBe('Parent-eu-west-1-us-east-1-monitoring');
      expect(follower.account).toBe(ACCOUNT);
      expect(follower.dependencies).toEqual([parent]);
      expect(parent.dependencies).toEqual([]);
      expect(follower.templateOptions.description)
        .toBe('The us-east-1 resources of stack Parent in eu-west-1 that watch it (deployed after it).');
    });

    test('THEN the parent writes the value in its own region and the follower reads it from there', () => {
      const name = `${CROSS_REGION_PARAMETER_PREFIX}/us-east-1/Parent-eu-west-1-us-east-1-monitoring/Alarms/SourceArn`;
      Template.fromStack(parent).hasResourceProperties('AWS::SSM::Parameter', {
        Name: name,
        Value: { 'Fn::GetAtt': [parent.getLogicalId(source), 'Arn'] },
      });
      const template = Template.fromStack(follower);
      const [readerId, reader] = only(template, CROSS_REGION_READER_TYPE);
      expect(reader.Properties).toMatchObject({ Region: 'eu-west-1', ParameterName: name });
      expect(follower.resolve(value)).toEqual({ 'Fn::GetAtt': [readerId, 'Value'] });
      const policies = JSON.stringify(template.findResources('AWS::IAM::Role'));
      expect(policies).toContain(`:ssm:eu-west-1:${ACCOUNT}:parameter/cdk-production-webapp/cross-region/us-east-1/Parent-eu-west-1-us-east-1-monitoring/*`);
    });

    test('THEN cdk-nag reports no unacknowledged finding, and the template rules none', () => {
      expect(formatFindings(complianceFindings(app))).toEqual([]);
      expect(templateRuleFindings(app)).toEqual([]);
    });
  });

  test('GIVEN a follower ID taken by another construct THEN it is refused, naming the region', () => {
    const app = strictApp();
    const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new Stack(app, 'Parent-us-east-1-monitoring', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => regionalFollowerScope(new Construct(parent, 'Watcher'), 'us-east-1')).toThrow(
      'Parent/Watcher: the ID Parent-us-east-1-monitoring of the us-east-1 follower stack of Parent is taken by Parent-us-east-1-monitoring; rename it.');
  });

  test('GIVEN an environment-agnostic stack THEN a follower is refused', () => {
    const stack = new Stack(strictApp(), 'Agnostic');
    expect(() => regionalFollowerScope(new Construct(stack, 'Watcher'), 'us-east-1'))
      .toThrow(/Agnostic\/Watcher: stack Agnostic has no region at synthesis/);
  });
});
