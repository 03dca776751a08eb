/**
 * Offline deploy proof, cfn-guard rung: runs the cfn-guard binary and the AWS Control Tower proactive control rules of
 * the validator plugin @cdklabs/cdk-validator-cfnguard over every template of one or more cloud assemblies, with the
 * plugin's own flags, applies this project's exemptions, and writes a Markdown report (per rule: enforced or exempted,
 * resources passed and failed, the reason for each exemption).
 *
 * Usage: ts-node --transpile-only --project tsconfig.dev.json scripts/verify/cfn-guard.ts [options] <cdk.out dir>...
 *   --report FILE   where to write the report (default docs/verification/cfn-guard-report.md); --no-report: none
 *   --all-rules     run every rule, also those naming no resource type of the templates (they can only skip)
 *
 * Why not the plugin's `validate()` (as `policyValidationBeta1` or called directly on the templates)? Its report holds
 * violations only: it drops cfn-guard's per-template lists of the rules that passed and of those that did not apply,
 * so the report could not tell the rules evaluated here from those that select nothing (CT.ACM.PR.1, CT.KMS.PR.2,
 * CT.ELASTICACHE.PR.7 and four more evaluate types present here, yet skip every resource); and for a check cfn-guard
 * could not resolve it names no resource (`resourceLogicalId` undefined, e.g. CT.CLOUDFRONT.PR.6 with a domain), which
 * a resource-scoped exemption cannot match. Its `disabledRules` would also drop a rule everywhere, where an exemption
 * here is limited to some resources or configurations.
 *
 * An assembly's label is its directory's name (scripts/verify/synth-examples.sh names them after their configuration,
 * e.g. eu-west-1-domain). An exemption (scripts/verify/cfn-guard-exemptions.json) applies to every failing resource of
 * its rule, or only to the resources whose logical ID matches one of its `resources` globs, and only in the assemblies
 * listed in its `outputs` when given; the rule stays enforced everywhere else.
 *
 * Exit status: 0 when every failure is exempted; 1 when a failure is not; 2 on a usage or setup error.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = '@cdklabs/cdk-validator-cfnguard';
const EXEMPTIONS = path.join(ROOT, 'scripts', 'verify', 'cfn-guard-exemptions.json');
const DEFAULT_REPORT = path.join(ROOT, 'docs', 'verification', 'cfn-guard-report.md');

/** One bundled rule: a Control Tower proactive control, from its rule file and metadata. */
interface Control {
  /** The rule's file name without extension, as the plugin's `disabledRules` takes it, e.g. ct-s3-pr-1. */
  readonly key: string;
  readonly controlId: string;
  /** The name of the cfn-guard rule in the file, as the plugin's violations name it. */
  readonly guardRule: string;
  readonly title: string;
  readonly severity: string;
  readonly resourceTypes: string[];
  readonly remediation: string;
  /** The rule file, and every resource type that it names. */
  readonly file: string;
  readonly typesNamed: string[];
}

interface Exemption {
  readonly reason: string;
  /** Logical ID globs (`*` matches anything); all failing resources when absent. */
  readonly resources?: string[];
  /** Assembly labels; all assemblies when absent. */
  readonly outputs?: string[];
}

interface TemplateInfo {
  /** The label of the cloud assembly (its directory's name). */
  readonly assembly: string;
  readonly stack: string;
  readonly region: string;
  readonly file: string;
  readonly resourceTypes: Map<string, string>;
}

interface Finding {
  readonly template: TemplateInfo;
  readonly resource: string;
  readonly exempted: boolean;
}

interface RuleResult {
  readonly control: Control;
  readonly exemption?: Exemption;
  /** Resources of the types the rule evaluates that passed / failed, summed over the templates. */
  passed: number;
  failed: number;
  templatesEvaluated: number;
  readonly findings: Finding[];
}

type Category = 'failing' | 'exempted' | 'partly exempted' | 'enforced' | 'not applicable';

function fail(message: string): never {
  process.stderr.write(`cfn-guard: ${message}\n`);
  process.exit(2);
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

function relative(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, suffix);
    return entry.name.endsWith(suffix) ? [full] : [];
  });
}

/** The plugin's rules, with the metadata it ships beside them (title, severity, evaluated types, remediation). */
function loadControls(packageDir: string): Map<string, Control> {
  const base = path.join(packageDir, 'rules', 'control-tower');
  const metadata = new Map(filesUnder(path.join(base, 'metadata'), '.metadata.json')
    .map(file => [path.basename(file, '.metadata.json'), readJson(file)]));
  const controls = new Map<string, Control>();
  for (const file of filesUnder(path.join(base, 'cfn-guard'), '.guard')) {
    const key = path.basename(file, '.guard');
    const text = fs.readFileSync(file, 'utf-8');
    // The primary rule is the one with a `when` guard; the others are parameterized helpers.
    const guardRule = /^rule\s+(\w+)\s+when\s/m.exec(text)?.[1] ?? fail(`no primary rule in ${file}`);
    const meta = metadata.get(key) ?? {};
    controls.set(key, {
      key,
      controlId: meta.Id ?? key.toUpperCase().replace(/-/g, '.'),
      guardRule,
      title: meta.DisplayName ?? guardRule,
      severity: meta.Severity ?? '',
      resourceTypes: meta.EvaluatedResourceTypes ?? [],
      remediation: meta.RemediationMessage ?? '',
      file,
      typesNamed: [...new Set(text.match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+/g) ?? [])],
    });
  }
  return controls;
}

function loadExemptions(controls: Map<string, Control>): Map<string, Exemption> {
  const exemptions = new Map<string, Exemption>();
  for (const [key, value] of Object.entries<any>(readJson(EXEMPTIONS))) {
    if (key.startsWith('$')) continue; // "$comment"
    const where = `${relative(EXEMPTIONS)}: ${key}`;
    if (!controls.has(key)) fail(`${where} is not a bundled rule (keys are rule file names, e.g. ct-s3-pr-1)`);
    if (typeof value?.reason !== 'string' || value.reason.trim() === '') fail(`${where} needs a reason`);
    for (const field of ['resources', 'outputs']) {
      const list = value[field];
      if (list !== undefined && (!Array.isArray(list) || list.length === 0 || list.some((s: unknown) => typeof s !== 'string'))) {
        fail(`${where}.${field} must be a non-empty list of strings`);
      }
    }
    exemptions.set(key, value as Exemption);
  }
  return exemptions;
}

function templatesOf(assemblyDir: string, label: string): TemplateInfo[] {
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) fail(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
  return Object.entries<any>(readJson(manifestFile).artifacts ?? {}).sort(([a], [b]) => a.localeCompare(b)).flatMap(([name, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly') return templatesOf(path.join(assemblyDir, artifact.properties.directoryName), label);
    if (artifact.type !== 'aws:cloudformation:stack') return [];
    const file = path.join(assemblyDir, artifact.properties.templateFile);
    return [{
      assembly: label,
      stack: artifact.properties.stackName ?? name,
      region: String(artifact.environment ?? '').split('/').pop() || 'unknown',
      file,
      resourceTypes: new Map(Object.entries<any>(readJson(file).Resources ?? {}).map(([id, resource]) => [id, String(resource.Type)])),
    }];
  });
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function isExempted(exemption: Exemption | undefined, template: TemplateInfo, resource: string): boolean {
  if (!exemption) return false;
  if (exemption.outputs && !exemption.outputs.includes(template.assembly)) return false;
  return !exemption.resources || exemption.resources.some(glob => globToRegExp(glob).test(resource));
}

/** The cfn-guard binary the plugin ships for this platform (the plugin runs the same one). */
function guardBinary(packageDir: string): string {
  const platform = { linux: 'ubuntu', darwin: 'macos' }[os.platform() as string];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[os.arch() as string];
  if (!platform || !arch) fail(`${PACKAGE} ships cfn-guard for Linux and macOS on x64 and arm64, not ${os.platform()} ${os.arch()}`);
  return path.join(packageDir, 'bin', platform, arch, 'cfn-guard');
}

/** The logical IDs that the paths of a cfn-guard result reach, e.g. /Resources/MyBucket/Properties/... */
function resourcesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(item => resourcesIn(item, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const match = key === 'path' && typeof child === 'string' ? /^\/Resources\/([^/[]+)/.exec(child) : null;
      if (match) found.add(match[1]);
      else resourcesIn(child, found);
    }
  }
  return found;
}

/**
 * Runs cfn-guard with the plugin's flags and reads, per template, which rules failed on which resources and which passed
 * (the others were skipped: nothing they select is there). A rule selects resources by type and names each type it
 * selects in its file (`let S3_BUCKET_TYPE = "AWS::S3::Bucket"`): unless `allRules`, the rules naming no type of these
 * templates, which could only be skipped, are not run (a third of the time).
 */
function evaluate(guard: string, controls: Map<string, Control>, exemptions: Map<string, Exemption>, templates: TemplateInfo[],
  allRules: boolean): RuleResult[] {
  const present = new Set(templates.flatMap(t => [...t.resourceTypes.values()]));
  const run = [...controls.values()].filter(c => allRules || c.typesNamed.some(type => present.has(type)));
  const args = ['validate', ...run.flatMap(c => ['--rules', c.file]), ...templates.flatMap(t => ['--data', t.file]),
    '--output-format', 'json', '--show-summary', 'none', '--structured'];
  const proc = spawnSync(guard, args, { maxBuffer: 1024 * 1024 * 1024, encoding: 'utf-8' });
  // 5 and 19: some rule failed (as the plugin reads them).
  if (proc.error || ![0, 5, 19].includes(proc.status ?? -1)) {
    fail(`cfn-guard failed (${proc.error?.message ?? proc.status ?? proc.signal}):\n${proc.stderr}`);
  }

  const byRuleName = new Map([...controls.values()].map(control => [control.guardRule, control.key]));
  const byFile = new Map(templates.map(t => [path.resolve(t.file), t]));
  /** rule key -> template -> the failing resources, or none for a rule that passed. */
  const outcomes = new Map<string, Map<TemplateInfo, Set<string>>>();
  const outcome = (key: string, template: TemplateInfo) => {
    const perTemplate = outcomes.get(key) ?? new Map<TemplateInfo, Set<string>>();
    outcomes.set(key, perTemplate);
    return perTemplate.get(template) ?? perTemplate.set(template, new Set<string>()).get(template)!;
  };
  for (const output of JSON.parse(proc.stdout)) {
    const template = byFile.get(path.resolve(output.name)) ?? fail(`cfn-guard reported on an unknown file ${output.name}`);
    for (const name of output.compliant ?? []) if (byRuleName.has(name)) outcome(byRuleName.get(name)!, template);
    for (const entry of output.not_compliant ?? []) {
      const rule = entry.Rule ?? entry;
      const key = byRuleName.get(rule.name);
      if (!key) continue;
      const failed = outcome(key, template);
      const resources = resourcesIn(rule);
      if (resources.size === 0) resources.add('(template)');
      resources.forEach(r => failed.add(r));
    }
  }

  // On a template where a rule was not skipped, the resources of the types it evaluates that it did not fail passed.
  return [...controls.values()].map(control => {
    const exemption = exemptions.get(control.key);
    const result: RuleResult = { control, exemption, passed: 0, failed: 0, templatesEvaluated: 0, findings: [] };
    for (const [template, failed] of outcomes.get(control.key) ?? []) {
      const evaluated = [...template.resourceTypes].filter(([, type]) => control.resourceTypes.includes(type)).map(([id]) => id);
      result.templatesEvaluated++;
      result.failed += failed.size;
      result.passed += evaluated.filter(id => !failed.has(id)).length;
      for (const resource of [...failed].sort()) {
        result.findings.push({ template, resource, exempted: isExempted(exemption, template, resource) });
      }
    }
    return result;
  }).sort((a, b) => a.control.controlId.localeCompare(b.control.controlId, 'en', { numeric: true }));
}

function categoryOf(result: RuleResult): Category {
  if (result.findings.some(f => !f.exempted)) return 'failing';
  if (result.exemption) return result.exemption.resources || result.exemption.outputs ? 'partly exempted' : 'exempted';
  return result.templatesEvaluated > 0 ? 'enforced' : 'not applicable';
}

/** Exemptions that matched no failure: kept honest by listing them. */
function staleExemptions(results: RuleResult[], assemblies: Set<string>): string[] {
  return results.filter(r => r.exemption).flatMap(({ control, exemption, findings }) => {
    const exempted = findings.filter(f => f.exempted);
    if (exempted.length === 0) return [`${control.key}: exempted, but nothing fails it`];
    return [
      ...(exemption!.resources ?? []).filter(glob => !exempted.some(f => globToRegExp(glob).test(f.resource)))
        .map(glob => `${control.key}: resources glob ${glob} matches no failure`),
      ...(exemption!.outputs ?? []).filter(label => !assemblies.has(label))
        .map(label => `${control.key}: outputs entry ${label} is not among the checked assemblies`),
    ];
  });
}

function escapeCell(text: string): string {
  return text.replace(/([|*])/g, '\\$1').replace(/\n/g, ' ');
}

function renderReport(version: string, guardVersion: string, templates: TemplateInfo[], results: RuleResult[], stale: string[]): string {
  const count = (category: Category) => results.filter(r => categoryOf(r) === category).length;
  const failing = results.filter(r => categoryOf(r) === 'failing');
  const assemblies = [...new Set(templates.map(t => t.assembly))];
  const lines = [
    '# cfn-guard: AWS Control Tower proactive controls',
    '',
    '<!-- Generated by scripts/verify/cfn-guard.ts (run scripts/verify/cfn-guard.sh); do not edit by hand. -->',
    '',
    `The ${results.length} rules bundled in \`${PACKAGE}\` ${version} (cfn-guard ${guardVersion}), run against every template`,
    `of the examples app in ${assemblies.length} configurations. A rule is **enforced** unless \`${relative(EXEMPTIONS)}\``,
    'exempts it, with a reason; an exemption can be limited to some resources or configurations, the rule staying enforced',
    'for the others. A failure that no exemption covers fails the check.',
    '',
    `**Result: ${failing.length === 0 ? 'PASS' : `FAIL (${failing.length} rules fail without an exemption)`}**`,
    '',
    '## Templates',
    '',
    '| Configuration | Stack | Region | Template | Resources |',
    '| --- | --- | --- | --- | ---: |',
    ...templates.map(t => `| ${t.assembly} | ${t.stack} | ${t.region} | ${path.basename(t.file)} | ${t.resourceTypes.size} |`),
    '',
    '## Summary',
    '',
    '| Rules | Count |',
    '| --- | ---: |',
    `| Enforced, evaluated on these templates, passing | ${count('enforced')} |`,
    `| Enforced, not applicable (no resource of their types here) | ${count('not applicable')} |`,
    `| Partly exempted (only the listed resources or configurations) | ${count('partly exempted')} |`,
    `| Exempted | ${count('exempted')} |`,
    `| **Failing without an exemption** | **${count('failing')}** |`,
    `| Total | ${results.length} |`,
    '',
    'Pass and fail count resource evaluations, summed over the configurations (a resource present in all three counts three',
    'times); resources of the types a rule evaluates that it did not fail are counted as passed.',
    '',
  ];

  if (failing.length > 0) {
    lines.push('## Failing without an exemption', '');
    for (const { control, findings } of failing) {
      lines.push(`### ${control.controlId}: ${control.title}`, '', `Rule \`${control.guardRule}\` (${control.key}). Fix: ${control.remediation}`, '',
        ...findings.filter(f => !f.exempted).map(f => `- ${f.template.assembly} / ${f.template.stack}: \`${f.resource}\``), '');
    }
  }

  lines.push(
    '## Rules evaluated on these templates',
    '',
    '| Control | Title | Severity | Status | Pass | Fail | Reason for the exemption |',
    '| --- | --- | --- | --- | ---: | ---: | --- |',
  );
  for (const category of ['failing', 'partly exempted', 'exempted', 'enforced'] as Category[]) {
    for (const r of results.filter(x => categoryOf(x) === category)) {
      const e = r.exemption;
      const scope = e && category === 'partly exempted'
        ? ` (only ${[e.resources?.map(g => `\`${g}\``).join(', '), e.outputs?.join(', ')].filter(Boolean).join(' in ')})`
        : '';
      const reason = e && category !== 'enforced' ? escapeCell(e.reason) + scope : '';
      lines.push(`| ${r.control.controlId} | ${escapeCell(r.control.title)} (\`${r.control.key}\`) | ${r.control.severity} | ${category} | ${r.passed} | ${r.failed} | ${reason} |`);
    }
  }
  lines.push('');

  const exempted = results.filter(r => r.findings.some(f => f.exempted));
  if (exempted.length > 0) {
    lines.push('## Exempted findings', '');
    for (const r of exempted) {
      const byResource = new Map<string, string[]>();
      for (const f of r.findings.filter(x => x.exempted)) byResource.set(f.resource, [...byResource.get(f.resource) ?? [], f.template.assembly]);
      lines.push(`- **${r.control.controlId}** (\`${r.control.guardRule}\`): ` +
        [...byResource].sort(([a], [b]) => a.localeCompare(b)).map(([resource, where]) => `\`${resource}\` (${where.join(', ')})`).join('; '));
    }
    lines.push('');
  }

  if (stale.length > 0) lines.push('## Stale exemptions', '', ...stale.map(s => `- ${s}`), '');

  const notApplicable = results.filter(r => categoryOf(r) === 'not applicable');
  lines.push(
    '## Enforced rules not applicable to these templates',
    '',
    `<details><summary>${notApplicable.length} rules: no resource of the types they evaluate</summary>`,
    '',
    ...notApplicable.map(r => `- ${r.control.controlId}: ${r.control.title}`),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

function main() {
  const started = Date.now();
  const assemblyDirs: string[] = [];
  let report: string | undefined = DEFAULT_REPORT;
  let allRules = false;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--report') report = path.resolve(argv[++i] ?? fail('--report needs a file'));
    else if (argv[i] === '--no-report') report = undefined;
    else if (argv[i] === '--all-rules') allRules = true;
    else if (argv[i].startsWith('-')) fail(`unknown option ${argv[i]}`);
    else assemblyDirs.push(path.resolve(argv[i]));
  }
  if (assemblyDirs.length === 0) fail('give one or more cdk.out directories');

  const packageDir = path.dirname(require.resolve(`${PACKAGE}/package.json`, { paths: [ROOT] }));
  const version: string = readJson(path.join(packageDir, 'package.json')).version;
  const guardVersion: string = readJson(path.join(packageDir, 'guard-version.json')).version ?? 'unknown';
  const controls = loadControls(packageDir);
  const exemptions = loadExemptions(controls);
  const templates = assemblyDirs.flatMap(dir => templatesOf(dir, path.basename(dir)));
  if (templates.length === 0) fail('no template found');

  const results = evaluate(guardBinary(packageDir), controls, exemptions, templates, allRules);
  const assemblies = new Set(templates.map(t => t.assembly));
  const stale = staleExemptions(results, assemblies);
  const count = (category: Category) => results.filter(r => categoryOf(r) === category).length;
  for (const r of results.filter(x => categoryOf(x) === 'failing')) {
    console.log(`FAIL ${r.control.controlId} (${r.control.key}, ${r.control.guardRule}): ${r.control.title}`);
    for (const f of r.findings.filter(x => !x.exempted)) console.log(`     ${f.template.assembly}/${path.basename(f.template.file)}  ${f.resource}`);
    console.log(`     fix: ${r.control.remediation}`);
  }
  for (const s of stale) console.log(`stale exemption: ${s}`);

  const findings = results.flatMap(r => r.findings);
  console.log(`\ncfn-guard ${guardVersion} with the ${controls.size} rules of ${PACKAGE} ${version}: ` +
    `${templates.length} templates in ${assemblies.size} cloud assemblies (${[...assemblies].join(', ')})`);
  console.log(`rules: ${controls.size - count('exempted')} enforced (${count('enforced')} evaluated and passing, ` +
    `${count('not applicable')} not applicable), ${count('partly exempted')} partly exempted, ${count('exempted')} exempted, ` +
    `${count('failing')} failing without an exemption`);
  console.log(`resource failures: ${findings.length} (${findings.filter(f => f.exempted).length} exempted, ${findings.filter(f => !f.exempted).length} not)`);
  if (report) {
    fs.mkdirSync(path.dirname(report), { recursive: true });
    fs.writeFileSync(report, renderReport(version, guardVersion, templates, results, stale));
    console.log(`report: ${relative(report)}`);
  }
  console.log(`cfn-guard: ${count('failing') === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.exitCode = count('failing') === 0 ? 0 : 1;
}

main();
