import * as crypto from 'crypto';
import {
  CfnResource, CustomResource, Lazy, Stack, Stage, Token,
} from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { propError } from './errors';
import { handlerProviderServiceToken } from './handler-assets';

/** The region CloudFront takes its viewer certificates and CLOUDFRONT-scope web ACLs from. */
export const US_EAST_1 = 'us-east-1';

/** Type of the custom resource that reads a value back from us-east-1; also its provider's ID in the stack. */
export const CROSS_REGION_READER_TYPE = 'Custom::CdkProductionWebappCrossRegionReader';

/** The SSM hierarchy, in us-east-1, under which the values are handed over. */
export const CROSS_REGION_PARAMETER_PREFIX = '/cdk-production-webapp/cross-region';

// SSM Parameter Store limits: 15 hierarchy levels, and 1011 characters for the name with its ARN prefix
// (arn:<partition>:ssm:us-east-1:<account>:parameter is at most 60 of them).
const SSM_MAX_LEVELS = 15;
const SSM_MAX_NAME_LENGTH = 940;
// CloudFormation stack names have at most 128 characters; stack and parameter descriptions, 1024.
const MAX_STACK_NAME_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 1024;

/** Whether `scope`'s stack is in us-east-1 (a resolved region: an environment-agnostic stack is not). */
export function isInUsEast1(scope: IConstruct): boolean {
  const region = Stack.of(scope).region;
  return !Token.isUnresolved(region) && region === US_EAST_1;
}

/**
 * The us-east-1 stack that holds a stack's CloudFront-global resources: the stack itself when it is in us-east-1,
 * else a companion stack created once per (stage, parent stack), in the parent's account, which the parent depends on.
 *
 * As `cloudfront.experimental.EdgeFunction` does, but named after the parent stack and its region, so that the same
 * stack deployed to several regions (or under several names) of one account gets one companion each.
 */
export function usEast1Scope(scope: Construct): Stack {
  return companionScope(scope, US_EAST_1, US_EAST_1_PURPOSE);
}

/**
 * The stack in `region` that holds a stack's resources of that region: the stack itself when it is in `region`, else a
 * companion stack created once per (stage, parent stack, region), in the parent's account, which the parent depends
 * on. `usEast1Scope(scope)` is the same stack as `regionalCompanionScope(scope, 'us-east-1')`.
 */
export function regionalCompanionScope(scope: Construct, region: string): Stack {
  return companionScope(scope, region, region === US_EAST_1 ? US_EAST_1_PURPOSE : regionalPurpose(region));
}

/**
 * Makes a string produced in `consumer`'s us-east-1 stack (`usEast1Scope(consumer)`; typically a token of a resource
 * there) usable in `consumer`'s own stack.
 *
 * In us-east-1, that is the same stack: the value comes back unchanged. Elsewhere, the companion stack writes it into
 * an SSM String parameter (named after the stack, its region and `consumer`'s path, under
 * `CROSS_REGION_PARAMETER_PREFIX`), and a `Custom::CdkProductionWebappCrossRegionReader` resource, `id` under
 * `consumer`, reads it back at deployment; the result is that resource's `Value` attribute. The reader re-reads
 * whenever the definitions of the companion resources the value refers to change, which covers their replacement.
 */
export function crossRegionValue(consumer: Construct, id: string, value: string): string {
  return crossRegionValueFrom(consumer, id, value, US_EAST_1);
}

/**
 * Makes a string produced in `consumer`'s companion stack in `region` (`regionalCompanionScope(consumer, region)`)
 * usable in `consumer`'s own stack, as `crossRegionValue` does for us-east-1: the SSM parameter is written in
 * `region`, and read back from there.
 */
export function crossRegionValueFrom(consumer: Construct, id: string, value: string, region: string): string {
  const purpose = region === US_EAST_1 ? US_EAST_1_PURPOSE : regionalPurpose(region);
  if (isInRegion(consumer, region)) return value;
  return handOver(companionScope(consumer, region, purpose), consumer, id, value);
}

/**
 * The stack in `region` that holds a stack's resources of that region which need values of the stack itself (such as
 * an alarm on a resource of the stack): the stack itself when it is in `region`, else a follower stack created once
 * per (stage, parent stack, region), in the parent's account, which depends on the parent and so deploys after it.
 * Its ID is the companion's followed by `-monitoring`.
 */
export function regionalFollowerScope(scope: Construct, region: string): Stack {
  validateRegionName(scope, region);
  const stack = Stack.of(scope);
  if (isInRegion(stack, region)) return stack;
  const parent = topLevelStack(stack);
  const stage = requireStage(scope, parent, region, regionalPurpose(region));
  const follower = regionalStack(scope, parent, stage, region, {
    kind: 'follower',
    suffix: '-monitoring',
    description: `The ${region} resources of stack ${parent.node.path} in ${parent.region} that watch it (deployed after it).`,
  });
  follower.addStackDependency(parent, `It reads values of ${parent.node.path}, which must exist first`);
  return follower;
}

/**
 * Makes a string produced in `consumer`'s top-level stack usable in `consumer`, which is in that stack's follower
 * stack (`regionalFollowerScope`): the parent writes it into an SSM String parameter of its own region, and a reader
 * in the follower reads it back at deployment. In the parent's own stack, the value comes back unchanged.
 */
export function followerValue(consumer: Construct, id: string, value: string, producer: Stack): string {
  // In one region, CloudFormation's own cross-stack references do.
  if (Stack.of(consumer).region === producer.region) return value;
  return handOver(producer, consumer, id, value);
}

/**
 * Writes `value` (produced in `producer`) into an SSM parameter in `producer`'s region, named after `consumer`'s
 * top-level stack, its region and `consumer`'s path, and returns the `Value` of a reader, `id` under `consumer`, that
 * reads it back at deployment.
 */
function handOver(producer: Stack, consumer: Construct, id: string, value: string): string {
  const stack = Stack.of(consumer);
  const parent = topLevelStack(stack);

  const prefix = parameterPrefix(parent);
  const relativePath = [...consumer.node.scopes.slice(parent.node.scopes.length).map(c => c.node.id), id];
  const parameterName = parameterNameOf(prefix, relativePath);
  const values = producer.node.tryFindChild('CrossRegionValues') as Construct | undefined
    ?? new Construct(producer, 'CrossRegionValues');
  new ssm.StringParameter(values, relativePath.join('.'), {
    parameterName,
    stringValue: value,
    description: fitWithHash(`${id} of ${consumer.node.path}, read by its stack in ${parent.region}`, MAX_DESCRIPTION_LENGTH),
  });

  const reader = new CustomResource(consumer, id, {
    resourceType: CROSS_REGION_READER_TYPE,
    serviceToken: readerServiceToken(stack, prefix, producer.region),
    properties: {
      Region: producer.region,
      ParameterName: parameterName,
      RefreshToken: definitionHash(producer, value),
    },
  });
  return reader.getAttString('Value');
}

/** What a companion stack is for, in its description, its dependency and the errors about it. */
interface CompanionPurpose {
  /** What the companion holds, e.g. "(CloudFront certificate, web ACL)"; may be empty. */
  readonly holds: string;
  /** Why the parent depends on it. */
  readonly dependencyReason: string;
  /** Why a stack with no region cannot have it, ending in the advice. */
  readonly agnosticReason: string;
}

const US_EAST_1_PURPOSE: CompanionPurpose = {
  holds: ' (CloudFront certificate, web ACL)',
  dependencyReason: 'CloudFront reads its certificate and web ACL from the us-east-1 companion stack',
  agnosticReason: 'but CloudFront takes its certificate and web ACL from us-east-1: set env.region on the stack (and '
    + 'env.account, for the us-east-1 companion stack that a stack in another region gets).',
};

function regionalPurpose(region: string): CompanionPurpose {
  return {
    holds: '',
    dependencyReason: `The stack reads values from its ${region} companion stack`,
    agnosticReason: `but it needs a companion stack in ${region}: set env.region on the stack (and env.account, for the `
      + `${region} companion stack that a stack in another region gets).`,
  };
}

/** Whether `scope`'s stack is in `region` (a resolved region: an environment-agnostic stack is not). */
function isInRegion(scope: IConstruct, region: string): boolean {
  const own = Stack.of(scope).region;
  return !Token.isUnresolved(own) && own === region;
}

function companionScope(scope: Construct, region: string, purpose: CompanionPurpose): Stack {
  validateRegionName(scope, region);
  const stack = Stack.of(scope);
  if (isInRegion(stack, region)) return stack;

  const parent = topLevelStack(stack);
  const stage = requireStage(scope, parent, region, purpose);
  const companion = regionalStack(scope, parent, stage, region, {
    kind: 'companion',
    suffix: '',
    description: `The ${region} resources${purpose.holds} of stack ${parent.node.path} in ${parent.region}.`,
  });
  parent.addStackDependency(companion, purpose.dependencyReason);
  return companion;
}

function validateRegionName(scope: Construct, region: string) {
  if (Token.isUnresolved(region) || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw propError(scope, `the companion stack's region must be a region name such as 'eu-west-1', got '${region}'.`);
  }
}

/**
 * The stack of `parent` in `region` with ID `<companion ID><suffix>` (and stack name `<parent's name>-<parent's
 * region>-<region><suffix>`), in `parent`'s account, tags and termination protection: the existing one, or a new one.
 */
function regionalStack(scope: Construct, parent: Stack, stage: Stage, region: string,
  options: { kind: string; suffix: string; description: string }): Stack {
  const id = `${companionId(parent, stage, region)}${options.suffix}`;
  const existing = stage.node.tryFindChild(id);
  if (existing && !(Stack.isStack(existing) && existing.region === region)) {
    throw propError(scope, `the ID ${id} of the ${region} ${options.kind} stack of ${parent.node.path} is taken by ${existing.node.path}; rename it.`);
  }
  return (existing as Stack | undefined) ?? new Stack(stage, id, {
    env: { region, account: parent.account },
    stackName: Token.isUnresolved(parent.stackName)
      ? undefined
      : fitWithHash(`${parent.stackName}-${parent.region}-${region}${options.suffix}`, MAX_STACK_NAME_LENGTH),
    description: fitWithHash(options.description, MAX_DESCRIPTION_LENGTH),
    tags: parent.tags.tagValues(),
    terminationProtection: parent.terminationProtection,
  });
}

/** The stage that holds `parent`'s companion stacks, when `parent` may have one. */
function requireStage(scope: Construct, parent: Stack, region: string, purpose: CompanionPurpose): Stage {
  if (Token.isUnresolved(parent.region)) {
    throw propError(scope, `stack ${parent.node.path} has no region at synthesis (environment-agnostic), ${purpose.agnosticReason}`);
  }
  const stage = Stage.of(parent);
  if (!stage) {
    throw propError(scope, `stack ${parent.node.path} must belong to an App or a Stage, which will hold its ${region} companion stack.`);
  }
  return stage;
}

/** The stack that deploys `stack`: itself, or the top-level parent of a nested stack. */
function topLevelStack(stack: Stack): Stack {
  let top = stack;
  while (top.nestedStackParent) top = top.nestedStackParent;
  return top;
}

/** `<parent's path in its stage, dashed>-<region>`: unique in the stage, stable while the parent's path is. */
function companionId(parent: Stack, stage: Stage, region: string): string {
  const relative = parent.node.scopes.slice(stage.node.scopes.length).map(c => c.node.id).join('-');
  return `${relative.replace(/[^A-Za-z0-9-]/g, '-')}-${region}`;
}

/** `/cdk-production-webapp/cross-region/<region>/<stack name>`: the parameters one stack reads, and only those. */
function parameterPrefix(parent: Stack): string {
  // Stack names are unique in an account and region, so two deployments of one app never share a parameter.
  const stackPart = Token.isUnresolved(parent.stackName) ? parent.node.path : parent.stackName;
  return `${CROSS_REGION_PARAMETER_PREFIX}/${parent.region}/${sanitize(stackPart)}`;
}

function parameterNameOf(prefix: string, relativePath: string[]): string {
  const levels = [...prefix.split('/').slice(1), ...relativePath.map(sanitize)];
  if (levels.length > SSM_MAX_LEVELS) {
    levels.splice(SSM_MAX_LEVELS - 1, levels.length, levels.slice(SSM_MAX_LEVELS - 1).join('.'));
  }
  return fitWithHash(`/${levels.join('/')}`, SSM_MAX_NAME_LENGTH);
}

/** The characters an SSM parameter name allows, besides `/`. */
function sanitize(segment: string): string {
  return segment.replace(/[^\w.-]/g, '_');
}

/** `text`, or when longer than `maxLength` its start and a hash of the whole. */
function fitWithHash(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const hash = sha256(text).slice(0, 16);
  return `${text.slice(0, maxLength - hash.length - 1)}-${hash}`;
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * The service token of the stack's reader provider for `region`, which may call ssm:GetParameter on the parameters
 * under `prefix` in that region and nothing else. The us-east-1 provider keeps the reader type as its ID; the
 * provider of another region has the region appended.
 */
function readerServiceToken(stack: Stack, prefix: string, region: string): string {
  const providerId = region === US_EAST_1 ? CROSS_REGION_READER_TYPE : `${CROSS_REGION_READER_TYPE}-${region}`;
  return handlerProviderServiceToken(stack, providerId, 'cross-region-reader',
    `Reads the values that the ${region} companion stack hands over in SSM Parameter Store`, [{
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: stack.formatArn({ service: 'ssm', region, resource: 'parameter', resourceName: `${prefix.slice(1)}/*` }),
    }]);
}

/**
 * A hash of `value` and of the definitions of the companion resources it refers to, resolved at synthesis.
 *
 * The value is only known at deployment, and a reader re-reads only when its properties change: this changes when a
 * referenced resource is renamed or redefined, which includes every change that replaces it (and so its ARN).
 */
function definitionHash(companion: Stack, value: string): string {
  return Lazy.string({
    produce: () => {
      const resolved = companion.resolve(value);
      const logicalIds = new Set<string>();
      collectLogicalIds(resolved, logicalIds);
      const definitions = companion.node.findAll()
        .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === companion)
        .filter(resource => logicalIds.has(companion.resolve(resource.logicalId)))
        .map(resource => companion.resolve(resource._toCloudFormation()));
      return sha256(JSON.stringify([resolved, definitions]));
    },
  });
}

/** The logical IDs that `Ref` and `Fn::GetAtt` name anywhere in a resolved value. */
function collectLogicalIds(resolved: unknown, into: Set<string>): void {
  if (Array.isArray(resolved)) {
    resolved.forEach(item => collectLogicalIds(item, into));
  } else if (resolved && typeof resolved === 'object') {
    for (const [key, item] of Object.entries(resolved)) {
      if (key === 'Ref' && typeof item === 'string') into.add(item);
      if (key === 'Fn::GetAtt' && Array.isArray(item) && typeof item[0] === 'string') into.add(item[0]);
      if (key === 'Fn::GetAtt' && typeof item === 'string') into.add(item.split('.')[0]);
      collectLogicalIds(item, into);
    }
  }
}
