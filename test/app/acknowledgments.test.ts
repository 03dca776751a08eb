import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { ProductionWebApp, WebApplication } from '../../src';
import { complianceFindings, formatFindings } from '../compliance';
import { strictApp } from '../util';

/**
 * The acknowledgment register: every cdk-nag finding the default `ProductionWebApp` with a domain, an application and
 * static content (as the example deploys it) acknowledges, with the
 * reason it ships and the basis a reviewer gave it. A new, changed or removed acknowledgment fails this test until the
 * register (and the page rendered from it, docs/compliance/acknowledgments.md) changes in the same commit.
 */
const REGISTER_FILE = path.join(__dirname, 'acknowledgments.json');
const PAGE_FILE = path.join(__dirname, '..', '..', 'docs', 'compliance', 'acknowledgments.md');
const README_FILE = path.join(__dirname, '..', '..', 'README.md');
const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Why an acknowledged finding cannot, or does not, go away. */
const BASES: Record<string, string> = {
  spec: 'the architecture specification sets what the rule rejects; satisfying the rule would contradict it',
  aws: 'no configuration of the AWS service satisfies the rule for this resource',
  choice: 'a design decision of this library; the finding could be removed at the cost given in the note',
};

const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** One acknowledged finding: one rule on one resource, in one or more packs, with one reason. */
interface Acknowledgment {
  readonly stack: string;
  /** Construct path below the stack. */
  readonly resource: string;
  /** The rule, without the pack prefix of the three regulatory packs (`S3BucketReplicationEnabled`, `AwsSolutions-S1`). */
  readonly rule: string;
  readonly packs: string[];
  readonly reason: string;
  /** One of BASES, given by the reviewer; `unreviewed` until then. */
  readonly basis: string;
  /** The reviewer's note: the spec section, the AWS constraint, or what removing the finding would cost. */
  readonly note: string;
}

interface Register {
  readonly description: string;
  readonly acknowledgments: Acknowledgment[];
}

const key = (a: Pick<Acknowledgment, 'stack' | 'resource' | 'rule'>) => `${a.stack} ${a.resource} ${a.rule}`;

/**
 * The acknowledgments of the default system with a domain outside us-east-1 (so with every companion stack), with an
 * application and static content (so with the static content deployment).
 */
function actualAcknowledgments(): { acknowledgments: Omit<Acknowledgment, 'basis' | 'note'>[]; unacknowledged: string[] } {
  const app = strictApp();
  const stack = new Stack(app, 'WebApp', { env: { account: '123456789012', region: 'eu-west-1' } });
  new ProductionWebApp(stack, 'App', {
    domainName: 'www.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' }),
    application: WebApplication.fromAsset(path.join(FIXTURES, 'release'), { start: 'node server.js', runtimePackages: ['nodejs22'] }),
    staticContent: [s3deploy.Source.asset(path.join(FIXTURES, 'release', 'static'))],
  });
  const unacknowledged = formatFindings(complianceFindings(app));
  const grouped = new Map<string, { stack: string; resource: string; rule: string; packs: string[]; reason: string }>();
  for (const artifact of app.synth().stacks) {
    for (const entry of artifact.findMetadataByType('aws:cdk:acknowledged-rules')) {
      for (const [id, reason] of Object.entries(entry.data as unknown as Record<string, string>)) {
        // Recorded as 'Annotation::<rule>' by Validations.acknowledge, and as '<rule>' by the fallback of older
        // aws-cdk-lib versions (core/compliance.ts); aws-cdk-lib's own CloudFormation-rule ones are not cdk-nag findings.
        const ruleId = id.replace(/^Annotation::/, '');
        const pack = PACKS.find(p => ruleId.startsWith(`${p}-`));
        if (!pack && id.startsWith('Annotation::')) throw new Error(`${entry.path}: ${ruleId} is not a rule of the four packs`);
        if (!pack) continue;
        const rule = pack === 'AwsSolutions' ? ruleId : ruleId.slice(pack.length + 1);
        const resource = entry.path.split('/').slice(2).join('/').replace(/\/Resource$/, '');
        const found = { stack: artifact.stackName, resource, rule, packs: [pack], reason };
        const existing = grouped.get(`${key(found)} ${reason}`);
        if (existing) existing.packs.push(pack);
        else grouped.set(`${key(found)} ${reason}`, found);
      }
    }
  }
  const acknowledgments = [...grouped.values()]
    .map(a => ({ ...a, packs: PACKS.filter(p => a.packs.includes(p)) }))
    .sort((a, b) => key(a).localeCompare(key(b)));
  return { acknowledgments, unacknowledged };
}

/** docs/compliance/acknowledgments.md, from the register. */
function renderPage(register: Register): string {
  const all = register.acknowledgments;
  const count = (basis: string) => all.filter(a => a.basis === basis).length;
  const findings = all.reduce((sum, a) => sum + a.packs.length, 0);
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Acknowledged compliance findings',
    '',
    '<!-- Rendered from test/app/acknowledgments.json by test/app/acknowledgments.test.ts; do not edit by hand. -->',
    '',
    `${register.description}`,
    '',
    `**${all.length} acknowledgments** (one rule on one resource each), covering ${findings} findings of the four packs `
      + `on ${new Set(all.map(a => `${a.stack} ${a.resource}`)).size} resources. No finding is left unacknowledged.`,
    '',
    '| Basis | Meaning | Acknowledgments |',
    '|---|---|---|',
    ...Object.entries(BASES).map(([basis, meaning]) => `| \`${basis}\` | ${meaning} | ${count(basis)} |`),
    '',
    `The floor under the specification is ${count('spec') + count('aws')} (\`spec\` and \`aws\`); the \`choice\` rows `
      + 'are the ones a different design could remove, at the cost their note gives.',
    '',
  ];
  for (const stack of [...new Set(all.map(a => a.stack))]) {
    lines.push(`## ${stack}`, '', '| Resource | Rule | Packs | Basis | Reason | Note |', '|---|---|---|---|---|---|');
    for (const a of all.filter(x => x.stack === stack)) {
      lines.push(`| \`${a.resource}\` | \`${cell(a.rule)}\` | ${a.packs.join(', ')} | \`${a.basis}\` | ${cell(a.reason)} | ${cell(a.note)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const DESCRIPTION = 'Every cdk-nag finding (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1) that the default '
  + '`ProductionWebApp` with a domain, an application and static content (as the example deploys it) acknowledges, '
  + 'deployed outside us-east-1 so that every companion stack exists. Each '
  + 'acknowledgment is scoped to one resource and one rule, ships with the construct, and carries the reason printed '
  + 'here. A reviewer gave each its basis and note.';

describe('the acknowledgment register', () => {
  const { acknowledgments: actual, unacknowledged } = actualAcknowledgments();

  if (process.env.UPDATE_ACKNOWLEDGMENTS === '1') {
    const previous: Register = fs.existsSync(REGISTER_FILE) ? JSON.parse(fs.readFileSync(REGISTER_FILE, 'utf-8')) : { description: '', acknowledgments: [] };
    const reviewed = new Map(previous.acknowledgments.map(a => [key(a), a]));
    const register: Register = {
      description: DESCRIPTION,
      acknowledgments: actual.map(a => ({ ...a, basis: reviewed.get(key(a))?.basis ?? 'unreviewed', note: reviewed.get(key(a))?.note ?? '' })),
    };
    fs.writeFileSync(REGISTER_FILE, `${JSON.stringify(register, null, 2)}\n`);
    fs.mkdirSync(path.dirname(PAGE_FILE), { recursive: true });
    fs.writeFileSync(PAGE_FILE, renderPage(register));
  }
  const register: Register = JSON.parse(fs.readFileSync(REGISTER_FILE, 'utf-8'));

  test('no finding is left unacknowledged', () => {
    expect(unacknowledged).toEqual([]);
  });

  test('the shipped acknowledgments are exactly the registered ones, with the registered reasons', () => {
    const shipped = actual.map(a => `${key(a)} [${a.packs.join(', ')}]: ${a.reason}`);
    const registered = register.acknowledgments.map(a => `${key(a)} [${a.packs.join(', ')}]: ${a.reason}`);
    const gone = registered.filter(a => !shipped.includes(a));
    const added = shipped.filter(a => !registered.includes(a));
    if (gone.length || added.length) {
      throw new Error([
        'The acknowledged compliance findings changed.',
        ...gone.map(a => `  no longer shipped: ${a}`),
        ...added.map(a => `  newly shipped:     ${a}`),
        'An acknowledgment is a last resort: first try to satisfy the rule. If it stays, rerun with',
        'UPDATE_ACKNOWLEDGMENTS=1 to rewrite test/app/acknowledgments.json and docs/compliance/acknowledgments.md, then give',
        'each new entry its basis and note (see BASES in this file) and rerun once more to render the page.',
      ].join('\n'));
    }
    expect(added).toEqual([]);
  });

  test('every acknowledgment has a reviewed basis and a note', () => {
    const unreviewed = register.acknowledgments.filter(a => !(a.basis in BASES) || a.note.trim() === '').map(key);
    expect(unreviewed).toEqual([]);
  });

  test('docs/compliance/acknowledgments.md is rendered from the register', () => {
    expect(fs.readFileSync(PAGE_FILE, 'utf-8')).toEqual(renderPage(register));
  });

  test('the README quotes the register\'s figures', () => {
    const readme = fs.readFileSync(README_FILE, 'utf-8').replace(/\s+/g, ' ');
    const all = register.acknowledgments;
    const resources = new Set(all.map(a => `${a.stack} ${a.resource}`)).size;
    const findings = all.reduce((sum, a) => sum + a.packs.length, 0);
    const expected = [`${all.length} acknowledgments covering ${findings} findings on ${resources} resources`,
      ...Object.keys(BASES).map(basis => `\`${basis}\`: ${all.filter(a => a.basis === basis).length},`)];
    expect(expected.filter(text => !readme.includes(text))).toEqual([]);
  });
});
