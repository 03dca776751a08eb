/**
 * Rotates the value of the secret header CloudFront sends to the load balancer, with no moment in which the load
 * balancer refuses what CloudFront sends:
 * - createSecret stores a new value as AWSPENDING;
 * - setSecret makes the listener rules accept the current value, the new one and whatever CloudFront sends now, then
 *   makes CloudFront send the new one;
 * - testSecret waits until CloudFront has deployed that change to every edge location;
 * - finishSecret makes the new value AWSCURRENT, then the listener rules accept it alone.
 * A step that fails leaves the rules accepting every value CloudFront may send; Secrets Manager retries the rotation.
 * Values are never logged.
 *
 * Bundled into `assets/handlers/origin-header-rotation/index.js`; it runs with the AWS SDK of the Lambda Node.js
 * runtime. Its environment: HEADER_NAME, DISTRIBUTION_ID, RULE_ARNS (comma-separated), VALUE_LENGTH and, for tests,
 * POLL_MILLISECONDS.
 */
import * as crypto from 'crypto';
import type { SdkClientClass, SdkCommandClass } from './sdk';

/** The slice of `@aws-sdk/client-secrets-manager` the rotation calls. */
interface SecretsManagerModule {
  readonly SecretsManagerClient: SdkClientClass;
  readonly DescribeSecretCommand: SdkCommandClass<{ SecretId: string },
    { RotationEnabled?: boolean; VersionIdsToStages?: Record<string, string[]> }>;
  readonly GetSecretValueCommand: SdkCommandClass<{ SecretId: string; VersionStage: string; VersionId?: string },
    { SecretString?: string }>;
  readonly PutSecretValueCommand: SdkCommandClass<
    { SecretId: string; ClientRequestToken: string; SecretString: string; VersionStages: string[] }, object>;
  readonly UpdateSecretVersionStageCommand: SdkCommandClass<
    { SecretId: string; VersionStage: string; MoveToVersionId: string; RemoveFromVersionId?: string }, object>;
}

interface OriginCustomHeader { HeaderName?: string; HeaderValue?: string }
/** A distribution's configuration, as far as the rotation reads it; the rest goes back to CloudFront unchanged. */
interface DistributionConfig {
  readonly Origins?: { readonly Items?: Array<{ readonly CustomHeaders?: { readonly Items?: OriginCustomHeader[] } }> };
}

/** The slice of `@aws-sdk/client-cloudfront` the rotation calls. */
interface CloudFrontModule {
  readonly CloudFrontClient: SdkClientClass;
  readonly GetDistributionConfigCommand: SdkCommandClass<{ Id: string },
    { DistributionConfig?: DistributionConfig; ETag?: string }>;
  readonly UpdateDistributionCommand: SdkCommandClass<
    { Id: string; IfMatch?: string; DistributionConfig: DistributionConfig }, object>;
  readonly GetDistributionCommand: SdkCommandClass<{ Id: string },
    { Distribution?: { Status?: string; DistributionConfig?: DistributionConfig } }>;
}

interface RuleCondition {
  readonly Field?: string;
  readonly Values?: string[];
  readonly HttpHeaderConfig?: { readonly HttpHeaderName?: string; readonly Values?: string[] };
  readonly [config: string]: unknown;
}

/** The slice of `@aws-sdk/client-elastic-load-balancing-v2` the rotation calls. */
interface LoadBalancingModule {
  readonly ElasticLoadBalancingV2Client: SdkClientClass;
  readonly DescribeRulesCommand: SdkCommandClass<{ RuleArns: string[] },
    { Rules?: Array<{ RuleArn?: string; Conditions?: RuleCondition[] }> }>;
  readonly ModifyRuleCommand: SdkCommandClass<{ RuleArn: string; Conditions: RuleCondition[] }, object>;
}

/** The event Secrets Manager invokes a rotation function with. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

/** The part of the Lambda context the rotation reads. */
export interface RotationContext {
  getRemainingTimeInMillis(): number;
}

// The Lambda runtime's SDK, not a dependency of this package: esbuild leaves it out of the bundle.
/* eslint-disable @typescript-eslint/no-require-imports, import/no-extraneous-dependencies */
const sm = require('@aws-sdk/client-secrets-manager') as SecretsManagerModule;
const cf = require('@aws-sdk/client-cloudfront') as CloudFrontModule;
const elb = require('@aws-sdk/client-elastic-load-balancing-v2') as LoadBalancingModule;
/* eslint-enable @typescript-eslint/no-require-imports, import/no-extraneous-dependencies */

function environment(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`The environment variable ${name} is not set`);
  return value;
}

const HEADER_NAME = environment('HEADER_NAME');
const DISTRIBUTION_ID = environment('DISTRIBUTION_ID');
const RULE_ARNS = environment('RULE_ARNS').split(',').filter(arn => arn !== '');
const VALUE_LENGTH = Number(environment('VALUE_LENGTH'));
const POLL_MILLISECONDS = Number(process.env.POLL_MILLISECONDS ?? '15000');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const secrets = new sm.SecretsManagerClient({});
const cloudFront = new cf.CloudFrontClient({});
const loadBalancing = new elb.ElasticLoadBalancingV2Client({});

export async function handler(event: RotationEvent, context: RotationContext): Promise<void> {
  const arn = event.SecretId;
  const token = event.ClientRequestToken;
  const step = event.Step;
  const metadata = await secrets.send(new sm.DescribeSecretCommand({ SecretId: arn }));
  if (!metadata.RotationEnabled) throw new Error(`Rotation is not enabled for ${arn}`);
  const stages = (metadata.VersionIdsToStages ?? {})[token];
  if (!stages) throw new Error(`Version ${token} of ${arn} has no stage for rotation`);
  if (stages.includes('AWSCURRENT')) {
    if (step === 'finishSecret') {
      // A retry after the stage moved: the listener rules may still accept the previous value too.
      await acceptOnly(await valueOf(arn, 'AWSCURRENT'), context);
    }
    console.log(`Version ${token} of ${arn} is already AWSCURRENT`);
    return;
  }
  if (!stages.includes('AWSPENDING')) throw new Error(`Version ${token} of ${arn} is not AWSPENDING`);
  switch (step) {
    case 'createSecret': return createSecret(arn, token);
    case 'setSecret': return setSecret(arn, token);
    case 'testSecret': return waitUntilSent(await valueOf(arn, 'AWSPENDING', token), context);
    case 'finishSecret': return finishSecret(arn, token, context, metadata.VersionIdsToStages ?? {});
    default: throw new Error(`Unknown rotation step ${step}`);
  }
}

async function valueOf(arn: string, stage: string, token?: string): Promise<string> {
  const request: { SecretId: string; VersionStage: string; VersionId?: string } = { SecretId: arn, VersionStage: stage };
  if (token) request.VersionId = token;
  const value = (await secrets.send(new sm.GetSecretValueCommand(request))).SecretString;
  if (value === undefined) throw new Error(`Version ${token ?? stage} of ${arn} has no string value`);
  return value;
}

/** Letters and digits, drawn without modulo bias (248 = 4 x 62). */
function generate(): string {
  let value = '';
  while (value.length < VALUE_LENGTH) {
    for (const byte of crypto.randomBytes(VALUE_LENGTH)) {
      if (byte < 248 && value.length < VALUE_LENGTH) value += ALPHABET[byte % 62];
    }
  }
  return value;
}

async function createSecret(arn: string, token: string): Promise<void> {
  try {
    await valueOf(arn, 'AWSPENDING', token);
    console.log(`createSecret: version ${token} already holds a value`);
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  await secrets.send(new sm.PutSecretValueCommand({
    SecretId: arn, ClientRequestToken: token, SecretString: generate(), VersionStages: ['AWSPENDING'],
  }));
  console.log(`createSecret: new value stored as version ${token}`);
}

async function setSecret(arn: string, token: string): Promise<void> {
  const current = await valueOf(arn, 'AWSCURRENT');
  const pending = await valueOf(arn, 'AWSPENDING', token);
  const sent = (await distributionHeaders()).headers.map(header => header.HeaderValue ?? '');
  await setAccepted([...new Set([current, pending, ...sent])]);
  await sendFromDistribution(pending);
}

async function finishSecret(arn: string, token: string, context: RotationContext, stages: Record<string, string[]>): Promise<void> {
  const pending = await valueOf(arn, 'AWSPENDING', token);
  await waitUntilSent(pending, context);
  const current = Object.keys(stages).find(version => stages[version].includes('AWSCURRENT'));
  await secrets.send(new sm.UpdateSecretVersionStageCommand({
    SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current,
  }));
  console.log(`finishSecret: version ${token} is AWSCURRENT`);
  await setAccepted([pending]);
}

async function acceptOnly(value: string, context: RotationContext): Promise<void> {
  await waitUntilSent(value, context);
  await setAccepted([value]);
}

function isTheHeader(name: unknown): boolean {
  return typeof name === 'string' && name.toLowerCase() === HEADER_NAME.toLowerCase();
}

function headersOf(config: DistributionConfig | undefined): OriginCustomHeader[] {
  return (config?.Origins?.Items ?? [])
    .flatMap(origin => (origin.CustomHeaders?.Items ?? []).filter(header => isTheHeader(header.HeaderName)));
}

/** The origin headers of the distribution's configuration, with the configuration and its ETag. */
async function distributionHeaders() {
  const response = await cloudFront.send(new cf.GetDistributionConfigCommand({ Id: DISTRIBUTION_ID }));
  const config = response.DistributionConfig ?? {};
  const headers = headersOf(config);
  if (headers.length === 0) throw new Error(`No origin of distribution ${DISTRIBUTION_ID} sends ${HEADER_NAME}`);
  return { headers, config, etag: response.ETag };
}

async function sendFromDistribution(value: string): Promise<void> {
  const { headers, config, etag } = await distributionHeaders();
  if (headers.every(header => header.HeaderValue === value)) {
    console.log(`setSecret: distribution ${DISTRIBUTION_ID} already sends the new value`);
    return;
  }
  for (const header of headers) header.HeaderValue = value;
  await cloudFront.send(new cf.UpdateDistributionCommand({ Id: DISTRIBUTION_ID, IfMatch: etag, DistributionConfig: config }));
  console.log(`setSecret: distribution ${DISTRIBUTION_ID} sends the new value once deployed`);
}

/** Waits until every origin sends the value and the distribution is deployed to every edge location. */
async function waitUntilSent(value: string, context: RotationContext): Promise<void> {
  for (;;) {
    const distribution = (await cloudFront.send(new cf.GetDistributionCommand({ Id: DISTRIBUTION_ID }))).Distribution;
    const sent = headersOf(distribution?.DistributionConfig).map(header => header.HeaderValue);
    if (sent.length === 0 || sent.some(v => v !== value)) {
      throw new Error(`Distribution ${DISTRIBUTION_ID} does not send the ${HEADER_NAME} value of this `
        + 'rotation (a deployment may have set it again); the listener rules keep accepting every value it sends');
    }
    if (distribution?.Status === 'Deployed') return;
    if (context.getRemainingTimeInMillis() < POLL_MILLISECONDS + 10000) {
      throw new Error(`Distribution ${DISTRIBUTION_ID} is still deploying; Secrets Manager retries the rotation`);
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MILLISECONDS));
  }
}

/** Sets the values the listener rules accept in the header, keeping their other conditions as they are. */
async function setAccepted(values: string[]): Promise<void> {
  const rules = (await loadBalancing.send(new elb.DescribeRulesCommand({ RuleArns: RULE_ARNS }))).Rules ?? [];
  for (const rule of rules) {
    const ruleConditions = rule.Conditions ?? [];
    const header = ruleConditions.find(c => c.Field === 'http-header' && isTheHeader(c.HttpHeaderConfig?.HttpHeaderName));
    if (!header) throw new Error(`Rule ${rule.RuleArn} has no ${HEADER_NAME} condition`);
    const accepted = header.HttpHeaderConfig?.Values ?? [];
    if (accepted.length === values.length && values.every(v => accepted.includes(v))) continue;
    const conditions = ruleConditions.map((condition): RuleCondition => {
      if (condition === header) {
        return { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: header.HttpHeaderConfig?.HttpHeaderName, Values: values } };
      }
      // DescribeRules returns host-header and path-pattern values twice (Values and the *Config); ModifyRule takes one.
      const { Values: _legacy, ...rest } = condition;
      return Object.keys(rest).some(key => key.endsWith('Config')) ? rest : condition;
    });
    await loadBalancing.send(new elb.ModifyRuleCommand({ RuleArn: rule.RuleArn!, Conditions: conditions }));
    console.log(`Rule ${rule.RuleArn} accepts ${values.length} value(s) of ${HEADER_NAME}`);
  }
}
