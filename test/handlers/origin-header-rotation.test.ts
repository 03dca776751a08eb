import type { RotationContext, RotationEvent } from '../../src/handlers/origin-header-rotation';

/**
 * The origin header rotation function (src/handlers/origin-header-rotation.ts), imported with fake Secrets Manager,
 * CloudFront and Elastic Load Balancing clients that keep state the way the services do.
 */

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin-AbCdEf';
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/1/2/3';
const ROUTE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/1/2/4';
const OLD = 'o'.repeat(48);

interface World {
  versions: Record<string, { value: string; stages: string[] }>;
  rotationEnabled: boolean;
  /** What each origin sends, and the status the distribution reports on each GetDistribution call. */
  distribution: { values: string[]; etag: string; statuses: string[] };
  rules: Record<string, any[]>;
  calls: string[];
  logs: string[];
}

function world(): World {
  return {
    versions: { v1: { value: OLD, stages: ['AWSCURRENT'] } },
    rotationEnabled: true,
    distribution: { values: [OLD], etag: 'E1', statuses: ['Deployed'] },
    rules: {
      [RULE]: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [OLD] } }],
      [ROUTE]: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-origin-verify', Values: [OLD] } },
        { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } },
      ],
    },
    calls: [],
    logs: [],
  };
}

class Command { constructor(public readonly input: any) {} }
const command = (name: string) => ({ [name]: class extends Command {} })[name];

function distributionConfig(w: World) {
  return {
    CallerReference: 'ref',
    Origins: {
      Quantity: w.distribution.values.length + 1,
      Items: [
        ...w.distribution.values.map((value, i) => ({
          Id: `alb${i}`, CustomHeaders: { Quantity: 2, Items: [{ HeaderName: 'X-Other', HeaderValue: 'keep' }, { HeaderName: 'X-Origin-Verify', HeaderValue: value }] },
        })),
        { Id: 's3', CustomHeaders: { Quantity: 0, Items: [] } },
      ],
    },
  };
}

/** Loads the handler, afresh, with fake AWS SDK modules bound to a world and the environment the construct gives it. */
function load(w: World) {
  const modules: Record<string, any> = {
    '@aws-sdk/client-secrets-manager': {
      SecretsManagerClient: class {
        async send(c: any) {
          const name = c.constructor.name;
          w.calls.push(name);
          const byStage = (stage: string) => Object.entries(w.versions).find(([, v]) => v.stages.includes(stage));
          switch (name) {
            case 'DescribeSecretCommand':
              return {
                RotationEnabled: w.rotationEnabled,
                VersionIdsToStages: Object.fromEntries(Object.entries(w.versions).map(([id, v]) => [id, [...v.stages]])),
              };
            case 'GetSecretValueCommand': {
              const found = c.input.VersionId ? [c.input.VersionId, w.versions[c.input.VersionId]] : byStage(c.input.VersionStage);
              if (!found || !found[1] || found[1].value === undefined || !found[1].stages.includes(c.input.VersionStage)) {
                throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
              }
              return { SecretString: found[1].value };
            }
            case 'PutSecretValueCommand':
              for (const v of Object.values(w.versions)) v.stages = v.stages.filter(s => s !== 'AWSPENDING');
              w.versions[c.input.ClientRequestToken] = { value: c.input.SecretString, stages: c.input.VersionStages };
              return {};
            case 'UpdateSecretVersionStageCommand':
              w.versions[c.input.RemoveFromVersionId].stages = w.versions[c.input.RemoveFromVersionId].stages.filter(s => s !== 'AWSCURRENT');
              w.versions[c.input.MoveToVersionId].stages.push('AWSCURRENT');
              return {};
          }
          throw new Error(`unexpected ${name}`);
        }
      },
      ...Object.assign({}, ...['DescribeSecretCommand', 'GetSecretValueCommand', 'PutSecretValueCommand', 'UpdateSecretVersionStageCommand'].map(n => ({ [n]: command(n) }))),
    },
    '@aws-sdk/client-cloudfront': {
      CloudFrontClient: class {
        async send(c: any) {
          const name = c.constructor.name;
          w.calls.push(name);
          switch (name) {
            case 'GetDistributionConfigCommand':
              return { ETag: w.distribution.etag, DistributionConfig: distributionConfig(w) };
            case 'UpdateDistributionCommand': {
              if (c.input.IfMatch !== w.distribution.etag) throw new Error('PreconditionFailed');
              const origins = c.input.DistributionConfig.Origins.Items.filter((o: any) => o.Id.startsWith('alb'));
              expect(origins.map((o: any) => o.CustomHeaders.Items[0])).toEqual(origins.map(() => ({ HeaderName: 'X-Other', HeaderValue: 'keep' })));
              w.distribution.values = origins.map((o: any) => o.CustomHeaders.Items[1].HeaderValue);
              w.distribution.etag = `E${Number(w.distribution.etag.slice(1)) + 1}`;
              w.distribution.statuses = ['InProgress', 'InProgress', 'Deployed'];
              return {};
            }
            case 'GetDistributionCommand': {
              const status = w.distribution.statuses.length > 1 ? w.distribution.statuses.shift()! : w.distribution.statuses[0];
              return { Distribution: { Status: status, DistributionConfig: distributionConfig(w) } };
            }
          }
          throw new Error(`unexpected ${name}`);
        }
      },
      ...Object.assign({}, ...['GetDistributionConfigCommand', 'UpdateDistributionCommand', 'GetDistributionCommand'].map(n => ({ [n]: command(n) }))),
    },
    '@aws-sdk/client-elastic-load-balancing-v2': {
      ElasticLoadBalancingV2Client: class {
        async send(c: any) {
          const name = c.constructor.name;
          w.calls.push(name);
          switch (name) {
            case 'DescribeRulesCommand':
              return { Rules: c.input.RuleArns.map((arn: string) => ({ RuleArn: arn, Conditions: JSON.parse(JSON.stringify(w.rules[arn])) })) };
            case 'ModifyRuleCommand':
              for (const condition of c.input.Conditions) {
                // ModifyRule refuses a condition that gives its values twice.
                if (condition.Values && Object.keys(condition).some(k => k.endsWith('Config'))) throw new Error('ValidationError: Values and Config');
              }
              w.rules[c.input.RuleArn] = c.input.Conditions;
              return {};
          }
          throw new Error(`unexpected ${name}`);
        }
      },
      ...Object.assign({}, ...['DescribeRulesCommand', 'ModifyRuleCommand'].map(n => ({ [n]: command(n) }))),
    },
  };
  // The handler reads its environment and creates its clients when it is loaded, as in Lambda.
  const environment = process.env;
  process.env = { ...environment, HEADER_NAME: 'X-Origin-Verify', DISTRIBUTION_ID: 'E2EXAMPLE', RULE_ARNS: `${RULE},${ROUTE}`, VALUE_LENGTH: '48', POLL_MILLISECONDS: '1' };
  let handler!: (event: RotationEvent, context: RotationContext) => Promise<void>;
  try {
    jest.isolateModules(() => {
      // The Lambda runtime ships the AWS SDK; this package does not depend on it.
      for (const [name, fake] of Object.entries(modules)) jest.doMock(name, () => fake, { virtual: true });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require('../../src/handlers/origin-header-rotation').handler;
    });
  } finally {
    process.env = environment;
  }
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { w.logs.push(args.join(' ')); });
  const context = { getRemainingTimeInMillis: () => 600_000 };
  return (step: string, token = 'v2', ctx = context) => handler({ SecretId: SECRET, ClientRequestToken: token, Step: step }, ctx);
}

/** The values a rule accepts in the header. */
const accepted = (w: World, rule: string) => w.rules[rule].find(c => c.Field === 'http-header').HttpHeaderConfig.Values;

/** Runs createSecret as Secrets Manager does: with the new version already staged AWSPENDING, without a value. */
async function startRotation(w: World, run: ReturnType<typeof load>) {
  w.versions.v2 = { value: undefined as any, stages: ['AWSPENDING'] };
  await run('createSecret');
  return w.versions.v2.value;
}

describe('the origin header rotation function', () => {
  afterEach(() => jest.restoreAllMocks());

  test('createSecret stores a new value of 48 letters and digits as AWSPENDING, once', async () => {
    const w = world();
    const run = load(w);
    const pending = await startRotation(w, run);
    expect(pending).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(pending).not.toEqual(OLD);
    await run('createSecret');
    expect(w.versions.v2.value).toEqual(pending);
  });

  test('a whole rotation: both values accepted while CloudFront deploys, then the new one alone', async () => {
    const w = world();
    const run = load(w);
    const pending = await startRotation(w, run);

    await run('setSecret');
    expect(accepted(w, RULE)).toEqual([OLD, pending]);
    expect(accepted(w, ROUTE)).toEqual([OLD, pending]);
    // The route keeps its path condition, given once (no legacy Values next to the PathPatternConfig).
    expect(w.rules[ROUTE][1]).toEqual({ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } });
    expect(w.distribution.values).toEqual([pending]);
    expect(w.calls.indexOf('ModifyRuleCommand')).toBeLessThan(w.calls.indexOf('UpdateDistributionCommand'));

    await run('testSecret');
    expect(w.distribution.statuses).toEqual(['Deployed']);

    await run('finishSecret');
    expect(w.versions.v2.stages).toContain('AWSCURRENT');
    expect(w.versions.v1.stages).not.toContain('AWSCURRENT');
    expect(accepted(w, RULE)).toEqual([pending]);
    expect(accepted(w, ROUTE)).toEqual([pending]);
    expect(w.logs.join('\n')).not.toContain(pending);
    expect(w.logs.join('\n')).not.toContain(OLD);
  });

  test('setSecret also keeps accepting what CloudFront sends now, e.g. the value of an earlier, failed rotation', async () => {
    const w = world();
    const stale = 's'.repeat(48);
    w.distribution.values = [stale];
    const run = load(w);
    const pending = await startRotation(w, run);
    await run('setSecret');
    expect(accepted(w, RULE)).toEqual([OLD, pending, stale]);
  });

  test('testSecret gives up before the function times out while CloudFront still deploys', async () => {
    const w = world();
    const run = load(w);
    await startRotation(w, run);
    await run('setSecret');
    await expect(run('testSecret', 'v2', { getRemainingTimeInMillis: () => 5_000 })).rejects.toThrow(/still deploying/);
  });

  test('finishSecret does not narrow the rules when a deployment set the previous value back on CloudFront', async () => {
    const w = world();
    const run = load(w);
    const pending = await startRotation(w, run);
    await run('setSecret');
    w.distribution.values = [OLD];
    await expect(run('finishSecret')).rejects.toThrow(/does not send the X-Origin-Verify value of this rotation/);
    expect(accepted(w, RULE)).toEqual([OLD, pending]);
    expect(w.versions.v1.stages).toContain('AWSCURRENT');
  });

  test('finishSecret retried after the stage moved narrows the rules to the current value', async () => {
    const w = world();
    const run = load(w);
    const pending = await startRotation(w, run);
    await run('setSecret');
    await run('testSecret');
    w.versions.v1.stages = [];
    w.versions.v2.stages = ['AWSCURRENT'];
    await run('finishSecret');
    expect(accepted(w, RULE)).toEqual([pending]);
  });

  test('it refuses a secret without rotation, a version not pending and an unknown step', async () => {
    const w = world();
    const run = load(w);
    w.versions.v2 = { value: 'x', stages: ['AWSPREVIOUS'] };
    await expect(run('createSecret')).rejects.toThrow(/is not AWSPENDING/);
    w.versions.v2.stages = ['AWSPENDING'];
    await expect(run('rotate')).rejects.toThrow(/Unknown rotation step rotate/);
    w.rotationEnabled = false;
    await expect(run('createSecret')).rejects.toThrow(/Rotation is not enabled/);
  });

  test('a rule without the header condition fails the step instead of being rewritten', async () => {
    const w = world();
    w.rules[ROUTE] = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }];
    const run = load(w);
    await startRotation(w, run);
    await expect(run('setSecret')).rejects.toThrow(/has no X-Origin-Verify condition/);
  });
});
