import * as fs from 'fs';
import * as path from 'path';
import { CustomResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import {
  CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST_NAME, CLOUDFRONT_PREFIX_LIST_LOOKUP_ID, PREFIX_LIST_LOOKUP_TYPE,
  cloudFrontOriginFacingPrefixListId,
} from '../../src/core/cloudfront-prefix-list';
import { complianceFindings, formatFindings } from '../compliance';
import { assetDirectory, only } from '../template';
import { strictApp, templateRuleFindings } from '../util';

const ACCOUNT = '123456789012';
const NAME = 'com.amazonaws.global.cloudfront.origin-facing';

// The Lambda Node.js runtime ships the AWS SDK v3; this package does not depend on it.
const mockSend = jest.fn();
jest.mock('@aws-sdk/client-ec2', () => ({
  EC2Client: jest.fn().mockImplementation((config: unknown) => ({ config, send: mockSend })),
  DescribeManagedPrefixListsCommand: jest.fn().mockImplementation((input: unknown) => ({ input })),
}), { virtual: true });

/** A stack in eu-west-1 where two constructs each ask for the prefix list, and another stack that asks once. */
function twoStackApp() {
  const app = strictApp();
  const stack = new Stack(app, 'Web', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const first = cloudFrontOriginFacingPrefixListId(new Construct(stack, 'A'));
  const second = cloudFrontOriginFacingPrefixListId(new Construct(stack, 'B'));
  const other = new Stack(app, 'Other', { env: { account: ACCOUNT, region: 'ap-southeast-2' } });
  const inOther = cloudFrontOriginFacingPrefixListId(other);
  return { app, stack, first, second, other, inOther };
}

/** A stack whose load balancer security group admits only CloudFront, on 443, as a web tier does. */
function securityGroupApp() {
  const app = strictApp();
  const stack = new Stack(app, 'Web', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
  const securityGroup = new ec2.SecurityGroup(stack, 'LoadBalancer', { vpc, description: 'Load balancer', allowAllOutbound: false });
  securityGroup.addIngressRule(ec2.Peer.prefixList(cloudFrontOriginFacingPrefixListId(securityGroup)), ec2.Port.tcp(443),
    'HTTPS from CloudFront only');
  return { app, stack, securityGroup };
}

describe('cloudFrontOriginFacingPrefixListId', () => {
  describe('GIVEN two constructs in one stack and one in another', () => {
    const { stack, first, second, other, inOther } = twoStackApp();
    const template = Template.fromStack(stack);

    test('THEN the stack gets one lookup, under the stack, which both constructs share', () => {
      template.resourceCountIs(PREFIX_LIST_LOOKUP_TYPE, 1);
      const lookup = stack.node.findChild(CLOUDFRONT_PREFIX_LIST_LOOKUP_ID);
      expect(lookup).toBeInstanceOf(CustomResource);
      expect(second).toBe(first);
    });

    test('THEN the lookup asks for the CloudFront origin-facing list by name, and nothing else', () => {
      const [lookupId, lookup] = only(template, PREFIX_LIST_LOOKUP_TYPE);
      const [handlerId] = only(template, 'AWS::Lambda::Function');
      expect(lookupId).toMatch(new RegExp(`^${CLOUDFRONT_PREFIX_LIST_LOOKUP_ID}`));
      expect(lookup.Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [handlerId, 'Arn'] },
        PrefixListName: NAME,
      });
      expect(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST_NAME).toBe(NAME);
    });

    test('THEN the ID is the lookup\'s PrefixListId attribute', () => {
      const [lookupId] = only(template, PREFIX_LIST_LOOKUP_TYPE);
      expect(stack.resolve(first)).toEqual({ 'Fn::GetAtt': [lookupId, 'PrefixListId'] });
    });

    test('THEN the other stack gets its own lookup and provider', () => {
      const otherTemplate = Template.fromStack(other);
      const [otherLookupId] = only(otherTemplate, PREFIX_LIST_LOOKUP_TYPE);
      only(otherTemplate, 'AWS::Lambda::Function');
      expect(other.resolve(inOther)).toEqual({ 'Fn::GetAtt': [otherLookupId, 'PrefixListId'] });
      expect(stack.node.findChild(CLOUDFRONT_PREFIX_LIST_LOOKUP_ID)).not.toBe(other.node.findChild(CLOUDFRONT_PREFIX_LIST_LOOKUP_ID));
    });

    test('THEN one provider per stack, on the newest Node.js runtime, allowed only ec2:DescribeManagedPrefixLists', () => {
      const [, handler] = only(template, 'AWS::Lambda::Function');
      expect(handler.Properties.Runtime).toBe('nodejs24.x');
      expect(handler.Properties.Handler).toBe('__entrypoint__.handler');

      const [, role] = only(template, 'AWS::IAM::Role');
      expect(role.Properties.Policies).toEqual([{
        PolicyName: 'Inline',
        PolicyDocument: {
          Version: '2012-10-17',
          // The action takes no resource ARNs.
          Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeManagedPrefixLists', Resource: '*' }],
        },
      }]);
      // Everything else it may do is writing its own logs.
      expect(role.Properties.ManagedPolicyArns).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
      ]);
    });
  });

  describe('GIVEN a security group rule that admits only CloudFront', () => {
    const { app, stack, securityGroup } = securityGroupApp();
    const template = Template.fromStack(stack);

    test('THEN the rule\'s source is the looked-up prefix list, on the one port', () => {
      const [lookupId] = only(template, PREFIX_LIST_LOOKUP_TYPE);
      const [groupId, group] = only(template, 'AWS::EC2::SecurityGroup');
      // aws-cdk-lib never inlines a prefix list rule: it is a resource of its own.
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      const [, rule] = only(template, 'AWS::EC2::SecurityGroupIngress');
      expect(rule.Properties).toEqual({
        GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
        SourcePrefixListId: { 'Fn::GetAtt': [lookupId, 'PrefixListId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        Description: 'HTTPS from CloudFront only',
      });
      expect(securityGroup.node.tryFindChild(CLOUDFRONT_PREFIX_LIST_LOOKUP_ID)).toBeUndefined();
      expect(app.node.findAll().filter(c => c instanceof CustomResource)).toHaveLength(1);
    });

    test('THEN the stack passes the four compliance packs and the CloudFormation rules', () => {
      expect(formatFindings(complianceFindings(securityGroupApp().app))).toEqual([]);
      expect(templateRuleFindings(securityGroupApp().app)).toEqual([]);
    });
  });

  describe('GIVEN other stacks', () => {
    test('an environment-agnostic stack gets a lookup too (the function runs in the region it is deployed to)', () => {
      const stack = new Stack(strictApp(), 'Agnostic');
      const id = cloudFrontOriginFacingPrefixListId(stack);
      const template = Template.fromStack(stack);
      const [lookupId] = only(template, PREFIX_LIST_LOOKUP_TYPE);
      expect(stack.resolve(id)).toEqual({ 'Fn::GetAtt': [lookupId, 'PrefixListId'] });
    });

    test('a construct in a nested stack gets the nested stack\'s own lookup', () => {
      const parent = new Stack(strictApp(), 'Parent', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      const nested = new NestedStack(parent, 'Nested');
      const id = cloudFrontOriginFacingPrefixListId(new Construct(nested, 'Consumer'));
      const [lookupId] = only(Template.fromStack(nested), PREFIX_LIST_LOOKUP_TYPE);
      expect(nested.resolve(id)).toEqual({ 'Fn::GetAtt': [lookupId, 'PrefixListId'] });
      Template.fromStack(parent).resourceCountIs(PREFIX_LIST_LOOKUP_TYPE, 0);
    });

    test('another construct holding the lookup\'s ID is refused, naming both', () => {
      const stack = new Stack(strictApp(), 'Web', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      new Construct(stack, CLOUDFRONT_PREFIX_LIST_LOOKUP_ID);
      expect(() => cloudFrontOriginFacingPrefixListId(new Construct(stack, 'Edge'))).toThrow(
        'Web/Edge: the ID CloudFrontOriginFacingPrefixList, which the lookup of the CloudFront origin-facing prefix list '
        + 'takes under stack Web, is taken by Web/CloudFrontOriginFacingPrefixList; rename it.');
    });
  });

  describe('the lookup\'s code, as synthesized', () => {
    const { app, stack, other } = twoStackApp();
    const directory = assetDirectory(app, stack);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lookup = require(path.join(directory, 'index.js'));
    // aws-cdk-lib's response wrapper, which Lambda calls and which calls the lookup.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entrypoint = require(path.join(directory, '__entrypoint__.js'));
    const originalDescribe = lookup.external.describeManagedPrefixLists;
    const responses: any[] = [];
    const originalRegion = process.env.AWS_REGION;
    const filters = { Filters: [{ Name: 'prefix-list-name', Values: [NAME] }] };

    beforeEach(() => {
      responses.length = 0;
      entrypoint.external.sendHttpRequest = async (_options: unknown, body: string) => { responses.push(JSON.parse(body)); };
      entrypoint.external.log = () => undefined;
      lookup.external.describeManagedPrefixLists = originalDescribe;
      mockSend.mockReset();
      process.env.AWS_REGION = 'eu-west-1';
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
    });

    afterEach(() => {
      jest.restoreAllMocks();
      if (originalRegion === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = originalRegion;
    });

    const event = (requestType: string, extra: object = {}) => ({
      RequestType: requestType,
      ResponseURL: 'https://cloudformation-custom-resource-response.example.com/response',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Web/guid',
      RequestId: 'request',
      LogicalResourceId: 'CloudFrontOriginFacingPrefixList',
      ResourceType: PREFIX_LIST_LOOKUP_TYPE,
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:lookup',
        PrefixListName: NAME,
      },
      ...extra,
    });

    const list = (id: string) => ({ PrefixListId: id, PrefixListName: NAME, AddressFamily: 'IPv4', OwnerId: 'AWS' });

    test('THEN the asset holds the lookup\'s index.js, with a handler, next to the wrapper', () => {
      expect(fs.readdirSync(directory).sort()).toEqual(['__entrypoint__.js', 'index.js']);
      expect(typeof lookup.handler).toBe('function');
      // The same bytes in every stack: one asset, whatever the stack or the language of the app.
      expect(assetDirectory(app, other)).toBe(directory);
    });

    test.each(['Create', 'Update'])('WHEN %s THEN it finds the list by name with the SDK, in its own region, and returns its ID', async requestType => {
      mockSend.mockResolvedValue({ PrefixLists: [list('pl-4fa04526')] });
      const result = await lookup.handler(event(requestType, { PhysicalResourceId: 'pl-old' }));
      expect(result).toEqual({ PhysicalResourceId: 'pl-4fa04526', Data: { PrefixListId: 'pl-4fa04526' } });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('@aws-sdk/client-ec2');
      // No region given: the client takes the function's own (AWS_REGION), which is the stack's.
      expect(sdk.EC2Client).toHaveBeenLastCalledWith({});
      expect(mockSend).toHaveBeenCalledTimes(1);
      expect(mockSend).toHaveBeenCalledWith({ input: filters });
    });

    test('WHEN EC2 pages its answer THEN it reads every page', async () => {
      mockSend
        .mockResolvedValueOnce({ PrefixLists: [], NextToken: 'page-2' })
        .mockResolvedValueOnce({ PrefixLists: [list('pl-4fa04526')] });
      const result = await lookup.handler(event('Create'));
      expect(result.Data).toEqual({ PrefixListId: 'pl-4fa04526' });
      expect(mockSend.mock.calls).toEqual([[{ input: filters }], [{ input: { ...filters, NextToken: 'page-2' } }]]);
    });

    test('WHEN Create, through the wrapper THEN CloudFormation gets SUCCESS, the ID as physical ID and as PrefixListId', async () => {
      lookup.external.describeManagedPrefixLists = jest.fn(async () => ({ PrefixLists: [list('pl-4fa04526')] }));
      await entrypoint.handler(event('Create'), {});
      expect(lookup.external.describeManagedPrefixLists).toHaveBeenCalledWith(filters);
      expect(responses).toEqual([expect.objectContaining({
        Status: 'SUCCESS',
        RequestId: 'request',
        PhysicalResourceId: 'pl-4fa04526',
        Data: { PrefixListId: 'pl-4fa04526' },
      })]);
    });

    test('WHEN Delete THEN it looks nothing up and keeps the physical ID', async () => {
      lookup.external.describeManagedPrefixLists = jest.fn();
      await expect(lookup.handler(event('Delete', { PhysicalResourceId: 'pl-4fa04526' }))).resolves.toEqual({});
      await entrypoint.handler(event('Delete', { PhysicalResourceId: 'pl-4fa04526' }), {});
      expect(lookup.external.describeManagedPrefixLists).not.toHaveBeenCalled();
      expect(mockSend).not.toHaveBeenCalled();
      expect(responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'pl-4fa04526' })]);
    });

    test.each([
      ['no list has the name', [], `No managed prefix list named ${NAME} in eu-west-1`],
      ['two lists have the name', [list('pl-1'), list('pl-2')], `Expected one managed prefix list named ${NAME} in eu-west-1, found 2: pl-1, pl-2`],
      ['the list has no ID', [{ PrefixListName: NAME }], `The managed prefix list named ${NAME} in eu-west-1 has no ID`],
    ])('WHEN %s THEN it throws a clear error and CloudFormation gets FAILED', async (_case, prefixLists, message) => {
      mockSend.mockResolvedValue({ PrefixLists: prefixLists });
      await expect(lookup.handler(event('Create'))).rejects.toThrow(message);
      await entrypoint.handler(event('Create'), {});
      expect(responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining(message) })]);
    });

    test('WHEN the API call fails THEN CloudFormation gets FAILED', async () => {
      mockSend.mockRejectedValue(new Error('UnauthorizedOperation'));
      await entrypoint.handler(event('Update', { PhysicalResourceId: 'pl-4fa04526' }), {});
      expect(responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining('UnauthorizedOperation') })]);
    });
  });
});
