/**
 * Source of the origin header rotation function (Node.js, with the AWS SDK for JavaScript v3 of the Lambda runtime:
 * it is deployed inline).
 *
 * Kept in a TypeScript module so that it ships inside the jsii package with the code that deploys it; the tests run
 * this exact text against fake AWS clients.
 */
export const ORIGIN_HEADER_ROTATION_HANDLER = String.raw`'use strict';
// Rotates the value of the secret header CloudFront sends to the load balancer, with no moment in which the load
// balancer refuses what CloudFront sends:
// - createSecret stores a new value as AWSPENDING;
// - setSecret makes the listener rules accept the current value, the new one and whatever CloudFront sends now, then
//   makes CloudFront send the new one;
// - testSecret waits until CloudFront has deployed that change to every edge location;
// - finishSecret makes the new value AWSCURRENT, then the listener rules accept it alone.
// A step that fails leaves the rules accepting every value CloudFront may send; Secrets Manager retries the rotation.
// Values are never logged.
const crypto = require('crypto');
const sm = require('@aws-sdk/client-secrets-manager');
const cf = require('@aws-sdk/client-cloudfront');
const elb = require('@aws-sdk/client-elastic-load-balancing-v2');

const HEADER_NAME = process.env.HEADER_NAME;
const DISTRIBUTION_ID = process.env.DISTRIBUTION_ID;
const RULE_ARNS = process.env.RULE_ARNS.split(',').filter(arn => arn !== '');
const VALUE_LENGTH = Number(process.env.VALUE_LENGTH);
const POLL_MILLISECONDS = Number(process.env.POLL_MILLISECONDS || '15000');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const secrets = new sm.SecretsManagerClient({});
const cloudFront = new cf.CloudFrontClient({});
const loadBalancing = new elb.ElasticLoadBalancingV2Client({});

exports.handler = async (event, context) => {
  const arn = event.SecretId;
  const token = event.ClientRequestToken;
  const step = event.Step;
  const metadata = await secrets.send(new sm.DescribeSecretCommand({ SecretId: arn }));
  if (!metadata.RotationEnabled) throw new Error('Rotation is not enabled for ' + arn);
  const stages = (metadata.VersionIdsToStages || {})[token];
  if (!stages) throw new Error('Version ' + token + ' of ' + arn + ' has no stage for rotation');
  if (stages.includes('AWSCURRENT')) {
    if (step === 'finishSecret') {
      // A retry after the stage moved: the listener rules may still accept the previous value too.
      await acceptOnly(await valueOf(arn, 'AWSCURRENT'), context);
    }
    console.log('Version ' + token + ' of ' + arn + ' is already AWSCURRENT');
    return;
  }
  if (!stages.includes('AWSPENDING')) throw new Error('Version ' + token + ' of ' + arn + ' is not AWSPENDING');
  switch (step) {
    case 'createSecret': return createSecret(arn, token);
    case 'setSecret': return setSecret(arn, token);
    case 'testSecret': return waitUntilSent(await valueOf(arn, 'AWSPENDING', token), context);
    case 'finishSecret': return finishSecret(arn, token, context, metadata);
    default: throw new Error('Unknown rotation step ' + step);
  }
};

async function valueOf(arn, stage, token) {
  const request = { SecretId: arn, VersionStage: stage };
  if (token) request.VersionId = token;
  return (await secrets.send(new sm.GetSecretValueCommand(request))).SecretString;
}

/** Letters and digits, drawn without modulo bias (248 = 4 x 62). */
function generate() {
  let value = '';
  while (value.length < VALUE_LENGTH) {
    for (const byte of crypto.randomBytes(VALUE_LENGTH)) {
      if (byte < 248 && value.length < VALUE_LENGTH) value += ALPHABET[byte % 62];
    }
  }
  return value;
}

async function createSecret(arn, token) {
  try {
    await valueOf(arn, 'AWSPENDING', token);
    console.log('createSecret: version ' + token + ' already holds a value');
    return;
  } catch (error) {
    if (error.name !== 'ResourceNotFoundException') throw error;
  }
  await secrets.send(new sm.PutSecretValueCommand({
    SecretId: arn, ClientRequestToken: token, SecretString: generate(), VersionStages: ['AWSPENDING'],
  }));
  console.log('createSecret: new value stored as version ' + token);
}

async function setSecret(arn, token) {
  const current = await valueOf(arn, 'AWSCURRENT');
  const pending = await valueOf(arn, 'AWSPENDING', token);
  const sent = (await distributionHeaders()).headers.map(header => header.HeaderValue);
  await setAccepted([...new Set([current, pending, ...sent])]);
  await sendFromDistribution(pending);
}

async function finishSecret(arn, token, context, metadata) {
  const pending = await valueOf(arn, 'AWSPENDING', token);
  await waitUntilSent(pending, context);
  const stages = metadata.VersionIdsToStages;
  const current = Object.keys(stages).find(version => stages[version].includes('AWSCURRENT'));
  await secrets.send(new sm.UpdateSecretVersionStageCommand({
    SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current,
  }));
  console.log('finishSecret: version ' + token + ' is AWSCURRENT');
  await setAccepted([pending]);
}

async function acceptOnly(value, context) {
  await waitUntilSent(value, context);
  await setAccepted([value]);
}

function isTheHeader(name) {
  return typeof name === 'string' && name.toLowerCase() === HEADER_NAME.toLowerCase();
}

function headersOf(config) {
  return ((config.Origins || {}).Items || [])
    .flatMap(origin => ((origin.CustomHeaders || {}).Items || []).filter(header => isTheHeader(header.HeaderName)));
}

/** The origin headers of the distribution's configuration, with the configuration and its ETag. */
async function distributionHeaders() {
  const response = await cloudFront.send(new cf.GetDistributionConfigCommand({ Id: DISTRIBUTION_ID }));
  const headers = headersOf(response.DistributionConfig);
  if (headers.length === 0) throw new Error('No origin of distribution ' + DISTRIBUTION_ID + ' sends ' + HEADER_NAME);
  return { headers, config: response.DistributionConfig, etag: response.ETag };
}

async function sendFromDistribution(value) {
  const { headers, config, etag } = await distributionHeaders();
  if (headers.every(header => header.HeaderValue === value)) {
    console.log('setSecret: distribution ' + DISTRIBUTION_ID + ' already sends the new value');
    return;
  }
  for (const header of headers) header.HeaderValue = value;
  await cloudFront.send(new cf.UpdateDistributionCommand({ Id: DISTRIBUTION_ID, IfMatch: etag, DistributionConfig: config }));
  console.log('setSecret: distribution ' + DISTRIBUTION_ID + ' sends the new value once deployed');
}

/** Waits until every origin sends the value and the distribution is deployed to every edge location. */
async function waitUntilSent(value, context) {
  for (;;) {
    const distribution = (await cloudFront.send(new cf.GetDistributionCommand({ Id: DISTRIBUTION_ID }))).Distribution;
    const sent = headersOf(distribution.DistributionConfig).map(header => header.HeaderValue);
    if (sent.length === 0 || sent.some(v => v !== value)) {
      throw new Error('Distribution ' + DISTRIBUTION_ID + ' does not send the ' + HEADER_NAME + ' value of this '
        + 'rotation (a deployment may have set it again); the listener rules keep accepting every value it sends');
    }
    if (distribution.Status === 'Deployed') return;
    if (context.getRemainingTimeInMillis() < POLL_MILLISECONDS + 10000) {
      throw new Error('Distribution ' + DISTRIBUTION_ID + ' is still deploying; Secrets Manager retries the rotation');
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MILLISECONDS));
  }
}

/** Sets the values the listener rules accept in the header, keeping their other conditions as they are. */
async function setAccepted(values) {
  const rules = (await loadBalancing.send(new elb.DescribeRulesCommand({ RuleArns: RULE_ARNS }))).Rules;
  for (const rule of rules) {
    const header = rule.Conditions.find(c => c.Field === 'http-header' && isTheHeader((c.HttpHeaderConfig || {}).HttpHeaderName));
    if (!header) throw new Error('Rule ' + rule.RuleArn + ' has no ' + HEADER_NAME + ' condition');
    const accepted = header.HttpHeaderConfig.Values || [];
    if (accepted.length === values.length && values.every(v => accepted.includes(v))) continue;
    const conditions = rule.Conditions.map(condition => {
      if (condition === header) {
        return { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: header.HttpHeaderConfig.HttpHeaderName, Values: values } };
      }
      // DescribeRules returns host-header and path-pattern values twice (Values and the *Config); ModifyRule takes one.
      const { Values: _legacy, ...rest } = condition;
      return Object.keys(rest).some(key => key.endsWith('Config')) ? rest : condition;
    });
    await loadBalancing.send(new elb.ModifyRuleCommand({ RuleArn: rule.RuleArn, Conditions: conditions }));
    console.log('Rule ' + rule.RuleArn + ' accepts ' + values.length + ' value(s) of ' + HEADER_NAME);
  }
}
`;
