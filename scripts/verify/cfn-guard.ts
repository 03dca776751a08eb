/**
 * Offline deploy proof, cfn-guard rung: runs the cfn-guard binary and the AWS Control Tower proactive control rules
 * bundled in @cdklabs/cdk-validator-cfnguard against every template of one or more cloud assemblies, and writes a
 * Markdown report (per rule: enforced or exempted, resources passed and failed, the reason for each exemption).
 *
 * Usage: ts-node --transpile-only --project tsconfig.dev.json scripts/verify/cfn-guard.ts [options] <cdk.out dir>...
 *   --exemptions FILE  the exemptions, keyed by rule (default scripts/verify/cfn-guard-exemptions.json)
 *   --report FILE      where to write the report (default docs/verification/cfn-guard-report.md); --no-report: none
 *   --all-rules        run every rule, also those naming no resource type of the templates (they can only skip)
 *
 * An assembly's label is its directory's name (scripts/verify/synth-examples.sh names them after their configuration,
 * e.g. eu-west-1-domain). An exemption applies to every failing resource of its rule, or only to the resources whose
 * logical ID matches one of its `resources` globs, and only in the assemblies listed in its `outputs` when given; the
 * rule stays enforced everywhere else.
 *
 * Exit status: 0 when every failure is exempted; 1 when a failure is not; 2 on a usage or setup error.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = '@cdklabs/cdk-validator-cfnguard';
const DEFAULT_EXEMPTIONS = path.join(ROOT, 'scripts', 'verify', 'cfn-guard-exemptions.json');
const DEFAULT_REPORT = path.join(ROOT, 'docs', 'verification', 'cfn-guard-report.md');
/** cfn-guard's exit statuses when it ran and some rule failed (as the validator plugin reads them). */
const GUARD_FAILURE_STATUSES = [5, 19];

/** One bundled rule: a Control Tower proactive control. */
interface Control {
  /** The rule's file name without extension, as the plugin's `disabledRules` takes it, e.g. ct-s3-pr-1. */
  readonly key: string;
  /** The control's identifier, e.g. CT.S3.PR.1. */
  readonly controlId: string;
  /** The name of the cfn-guard rule in the file, e.g. s3_bucket_level_public_access_prohibited_check. */
  readonly guardRule: string;
  readonly title: string;
  readonly severity: string;
  readonly resourceTypes: string[];
  readonly remediation: string;
  /** The rule file. */
  readonly file: string;
  /** Every resource type that the rule file names. */
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

type Status = 'PASS' | 'FAIL' | 'SKIP';

interface Finding {
  readonly control: Control;
  readonly template: TemplateInfo;
  readonly resource: string;
  readonly exempted: boolean;
}

interface RuleResult {
  readonly control: Control;
  readonly exemption?: Exemption;
  /** Resource evaluations that passed / failed, summed over the templates where the rule applied. */
  passed: number;
  failed: number;
  templatesEvaluated: number;
  readonly findings: Finding[];
}

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

function parseArgs(argv: string[]): { assemblies: string[]; exemptions: string; report?: string; allRules: boolean } {
  const assemblies: string[] = [];
  let allRules = false;
  let exemptions = DEFAULT_EXEMPTIONS;
  let report: string | undefined = DEFAULT_REPORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--exemptions' || arg === '--report') {
      const value = argv[++i];
      if (!value) fail(`${arg} needs a file`);
      if (arg === '--exemptions') exemptions = path.resolve(value); else report = path.resolve(value);
    } else if (arg === '--no-report') {
      report = undefined;
    } else if (arg === '--all-rules') {
      allRules = true;
    } else if (arg.startsWith('-')) {
      fail(`unknown option ${arg}`);
    } else {
      assemblies.push(path.resolve(arg));
    }
  }
  if (assemblies.length === 0) fail('give one or more cdk.out directories');
  return { assemblies, exemptions, report, allRules };
}

/** The installed validator package: its version, cfn-guard binary, rules and their metadata. */
function locatePackage() {
  let packageJson: string;
  try {
    packageJson = require.resolve(`${PACKAGE}/package.json`, { paths: [ROOT] });
  } catch {
    return fail(`${PACKAGE} is not installed: it is a devDependency of this project (npm ci)`);
  }
  const dir = path.dirname(packageJson);
  const platform = { linux: 'ubuntu', darwin: 'macos' }[os.platform() as string];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[os.arch() as string];
  if (!platform || !arch) fail(`${PACKAGE} ships cfn-guard for Linux and macOS on x64 and arm64, not ${os.platform()} ${os.arch()}`);
  const guard = path.join(dir, 'bin', platform, arch, 'cfn-guard');
  if (!fs.existsSync(guard)) fail(`${guard} is missing`);
  return {
    version: readJson(packageJson).version as string,
    guard,
    guardVersion: (readJson(path.join(dir, 'guard-version.json')).version as string) ?? 'unknown',
    rulesDir: path.join(dir, 'rules', 'control-tower', 'cfn-guard'),
    metadataDir: path.join(dir, 'rules', 'control-tower', 'metadata'),
  };
}

function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, suffix);
    return entry.name.endsWith(suffix) ? [full] : [];
  });
}

function loadControls(rulesDir: string, metadataDir: string): Map<string, Control> {
  const metadata = new Map(filesUnder(metadataDir, '.metadata.json')
    .map(file => [path.basename(file, '.metadata.json'), readJson(file)]));
  const controls = new Map<string, Control>();
  for (const file of filesUnder(rulesDir, '.guard')) {
    const key = path.basename(file, '.guard');
    // The primary rule is the one with a `when` guard; the others are parameterized helpers.
    const text = fs.readFileSync(file, 'utf-8');
    const guardRule = /^rule\s+(\w+)\s+when\s/m.exec(text)?.[1];
    if (!guardRule) fail(`no primary rule in ${file}`);
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

function loadExemptions(file: string, controls: Map<string, Control>): Map<string, Exemption> {
  if (!fs.existsSync(file)) fail(`${file} is missing`);
  const raw = readJson(file);
  const exemptions = new Map<string, Exemption>();
  for (const [key, value] of Object.entries<any>(raw)) {
    if (key.startsWith('$')) continue; // "$comment"
    if (!controls.has(key)) fail(`${relative(file)}: ${key} is not a bundled rule (keys are rule file names, e.g. ct-s3-pr-1)`);
    if (typeof value?.reason !== 'string' || value.reason.trim() === '') fail(`${relative(file)}: ${key} needs a reason`);
    for (const field of ['resources', 'outputs']) {
      const list = value[field];
      if (list !== undefined && (!Array.isArray(list) || list.length === 0 || list.some((s: unknown) => typeof s !== 'string'))) {
        fail(`${relative(file)}: ${key}.${field} must be a non-empty list of strings`);
      }
    }
    exemptions.set(key, value as Exemption);
  }
  return exemptions;
}

function templatesOf(assemblyDir: string, label: string): TemplateInfo[] {
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) fail(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
  const manifest = readJson(manifestFile);
  return Object.entries<any>(manifest.artifacts ?? {}).sort(([a], [b]) => a.localeCompare(b)).flatMap(([name, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly') {
      return templatesOf(path.join(assemblyDir, artifact.properties.directoryName), label);
    }
    if (artifact.type !== 'aws:cloudformation:stack') return [];
    const file = path.join(assemblyDir, artifact.properties.templateFile);
    const resources = readJson(file).Resources ?? {};
    return [{
      assembly: label,
      stack: artifact.properties.stackName ?? name,
      region: String(artifact.environment ?? '').split('/').pop() || 'unknown',
      file,
      resourceTypes: new Map(Object.entries<any>(resources).map(([id, resource]) => [id, String(resource.Type)])),
    }];
  });
}

/** The logical IDs that the paths of a cfn-guard result reach, e.g. /Resources/MyBucket/Properties/... */
function resourcesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(item => resourcesIn(item, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'path' && typeof child === 'string') {
        const match = /^\/Resources\/([^/[]+)/.exec(child);
        if (match) found.add(match[1]);
      } else {
        resourcesIn(child, found);
      }
    }
  }
  return found;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function isExempted(exemption: Exemption | undefined, template: TemplateInfo, resource: string): boolean {
  if (!exemption) return false;
  if (exemption.outputs && !exemption.outputs.includes(template.assembly)) return false;
  return !exemption.resources || exemption.resources.some(glob => globToRegExp(glob).test(resource));
}

/**
 * The rule files that can apply to these templates. A rule selects resources by type, and names each type it selects in
 * its file (`let S3_BUCKET_TYPE = "AWS::S3::Bucket"`): a rule naming no type present in any template could only be
 * skipped, so it is not run (a third of the time). `--all-rules` runs every rule, to check that this holds.
 */
function applicableRuleFiles(controls: Map<string, Control>, templates: TemplateInfo[], allRules: boolean): string[] {
  const present = new Set(templates.flatMap(t => [...t.resourceTypes.values()]));
  return [...controls.values()]
    .filter(control => allRules || control.typesNamed.some(type => present.has(type)))
    .map(control => control.file);
}

function runGuard(guard: string, ruleFiles: string[], templates: TemplateInfo[]): any[] {
  if (ruleFiles.length === 0) return templates.map(t => ({ name: t.file, compliant: [], not_compliant: [] }));
  const args = ['validate', ...ruleFiles.flatMap(file => ['--rules', file]), ...templates.flatMap(t => ['--data', t.file]),
    '--output-format', 'json', '--show-summary', 'none', '--structured'];
  const proc = spawnSync(guard, args, { maxBuffer: 1024 * 1024 * 1024, encoding: 'utf-8' });
  if (proc.error) fail(`${guard} did not run: ${proc.error.message}`);
  if (proc.status !== 0 && !GUARD_FAILURE_STATUSES.includes(proc.status ?? -1)) {
    fail(`cfn-guard exited with ${proc.status ?? proc.signal}:\n${proc.stderr}`);
  }
  try {
    return JSON.parse(proc.stdout);
  } catch {
    return fail(`cfn-guard printed no JSON:\n${proc.stdout.slice(0, 2000)}\n${proc.stderr}`);
  }
}

function evaluate(controls: Map<string, Control>, exemptions: Map<string, Exemption>, templates: TemplateInfo[], guardOutput: any[]) {
  const byRuleName = new Map([...controls.values()].map(control => [control.guardRule, control]));
  const results = new Map([...controls.values()].map(control => [control.key, {
    control, exemption: exemptions.get(control.key), passed: 0, failed: 0, templatesEvaluated: 0, findings: [],
  } as RuleResult]));
  const byFile = new Map(templates.map(t => [path.resolve(t.file), t]));
  const seen = new Set<TemplateInfo>();

  for (const output of guardOutput) {
    const template = byFile.get(path.resolve(output.name));
    if (!template) fail(`cfn-guard reported on an unknown file ${output.name}`);
    seen.add(template);
    const failing = new Map<string, Set<string>>();
    for (const entry of output.not_compliant ?? []) {
      const rule = entry.Rule ?? entry;
      const control = byRuleName.get(rule.name);
      if (!control) continue;
      const resources = resourcesIn(rule);
      if (resources.size === 0) resources.add('(template)');
      const set = failing.get(control.key) ?? new Set<string>();
      resources.forEach(r => set.add(r));
      failing.set(control.key, set);
    }
    const compliant = new Set<string>(output.compliant ?? []);
    for (const result of results.values()) {
      const { control } = result;
      const failed = failing.get(control.key);
      const status: Status = failed ? 'FAIL' : compliant.has(control.guardRule) ? 'PASS' : 'SKIP';
      if (status === 'SKIP') continue;
      result.templatesEvaluated++;
      const evaluated = [...template.resourceTypes].filter(([, type]) => control.resourceTypes.includes(type)).map(([id]) => id);
      const failedIds = [...(failed ?? [])].sort();
      result.failed += failedIds.length;
      result.passed += evaluated.filter(id => !failed?.has(id)).length;
      for (const resource of failedIds) {
        result.findings.push({ control, template, resource, exempted: isExempted(result.exemption, template, resource) });
      }
    }
  }
  const missing = templates.filter(t => !seen.has(t));
  if (missing.length > 0) fail(`cfn-guard reported nothing for ${missing.map(t => relative(t.file)).join(', ')}`);
  return [...results.values()].sort((a, b) => a.control.controlId.localeCompare(b.control.controlId, 'en', { numeric: true }));
}

type Category = 'failing' | 'exempted' | 'partly exempted' | 'enforced' | 'not applicable';

function categoryOf(result: RuleResult): Category {
  if (result.findings.some(f => !f.exempted)) return 'failing';
  if (result.exemption) {
    return result.exemption.resources || result.exemption.outputs ? 'partly exempted' : 'exempted';
  }
  return result.templatesEvaluated > 0 ? 'enforced' : 'not applicable';
}

/** Exemptions that matched no failure: kept honest by listing them. */
function staleExemptions(results: RuleResult[], assemblies: Set<string>): string[] {
  const stale: string[] = [];
  for (const result of results) {
    const exemption = result.exemption;
    if (!exemption) continue;
    const exempted = result.findings.filter(f => f.exempted);
    if (exempted.length === 0) {
      stale.push(`${result.control.key}: exempted, but nothing fails it`);
      continue;
    }
    for (const glob of exemption.resources ?? []) {
      if (!exempted.some(f => globToRegExp(glob).test(f.resource))) stale.push(`${result.control.key}: resources glob ${glob} matches no failure`);
    }
    for (const label of exemption.outputs ?? []) {
      if (!assemblies.has(label)) stale.push(`${result.control.key}: outputs entry ${label} is not among the checked assemblies`);
    }
  }
  return stale;
}

function escapeCell(text: string): string {
  return text.replace(/([|*])/g, '\\$1').replace(/\n/g, ' ');
}

function renderReport(props: {
  pkg: ReturnType<typeof locatePackage>;
  templates: TemplateInfo[];
  results: RuleResult[];
  exemptionsFile: string;
  stale: string[];
}): string {
  const { pkg, templates, results } = props;
  const count = (category: Category) => results.filter(r => categoryOf(r) === category).length;
  const failing = results.filter(r => categoryOf(r) === 'failing');
  const lines: string[] = [];
  const assemblies = [...new Set(templates.map(t => t.assembly))];
  lines.push(
    '# cfn-guard: AWS Control Tower proactive controls',
    '',
    '<!-- Generated by scripts/verify/cfn-guard.ts (run scripts/verify/cfn-guard.sh); do not edit by hand. -->',
    '',
    `The ${results.length} rules bundled in \`${PACKAGE}\` ${pkg.version} (cfn-guard ${pkg.guardVersion}), run against every template`,
    `of the examples app in ${assemblies.length} configurations. A rule is **enforced** unless \`${relative(props.exemptionsFile)}\``,
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
  );

  if (failing.length > 0) {
    lines.push('## Failing without an exemption', '');
    for (const result of failing) {
      lines.push(`### ${result.control.controlId}: ${result.control.title}`, '',
        `Rule \`${result.control.guardRule}\` (${result.control.key}). Fix: ${result.control.remediation}`, '');
      for (const f of result.findings.filter(x => !x.exempted)) {
        lines.push(`- ${f.template.assembly} / ${f.template.stack}: \`${f.resource}\``);
      }
      lines.push('');
    }
  }

  lines.push(
    '## Rules evaluated on these templates',
    '',
    '| Control | Title | Severity | Status | Pass | Fail | Reason for the exemption |',
    '| --- | --- | --- | --- | ---: | ---: | --- |',
  );
  const order: Category[] = ['failing', 'partly exempted', 'exempted', 'enforced'];
  for (const category of order) {
    for (const r of results.filter(x => categoryOf(x) === category)) {
      const scope = r.exemption && categoryOf(r) === 'partly exempted'
        ? ` (only ${[r.exemption.resources?.map(g => `\`${g}\``).join(', '), r.exemption.outputs?.join(', ')].filter(Boolean).join(' in ')})`
        : '';
      const reason = r.exemption && category !== 'enforced' ? escapeCell(r.exemption.reason) + scope : '';
      lines.push(`| ${r.control.controlId} | ${escapeCell(r.control.title)} (\`${r.control.key}\`) | ${r.control.severity} | ${category} | ${r.passed} | ${r.failed} | ${reason} |`);
    }
  }
  lines.push('');

  const exempted = results.filter(r => r.findings.some(f => f.exempted));
  if (exempted.length > 0) {
    lines.push('## Exempted findings', '');
    for (const r of exempted) {
      const byResource = new Map<string, string[]>();
      for (const f of r.findings.filter(x => x.exempted)) {
        const where = byResource.get(f.resource) ?? [];
        where.push(f.template.assembly);
        byResource.set(f.resource, where);
      }
      lines.push(`- **${r.control.controlId}** (\`${r.control.guardRule}\`): ` +
        [...byResource].sort(([a], [b]) => a.localeCompare(b)).map(([resource, where]) => `\`${resource}\` (${where.join(', ')})`).join('; '));
    }
    lines.push('');
  }

  if (props.stale.length > 0) {
    lines.push('## Stale exemptions', '', ...props.stale.map(s => `- ${s}`), '');
  }

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
  const args = parseArgs(process.argv.slice(2));
  const pkg = locatePackage();
  const controls = loadControls(pkg.rulesDir, pkg.metadataDir);
  const exemptions = loadExemptions(args.exemptions, controls);
  const templates = args.assemblies.flatMap(dir => templatesOf(dir, path.basename(dir)));
  if (templates.length === 0) fail('no template found');

  const ruleFiles = applicableRuleFiles(controls, templates, args.allRules);
  const results = evaluate(controls, exemptions, templates, runGuard(pkg.guard, ruleFiles, templates));
  const stale = staleExemptions(results, new Set(templates.map(t => t.assembly)));

  const failing = results.filter(r => categoryOf(r) === 'failing');
  for (const r of failing) {
    console.log(`FAIL ${r.control.controlId} (${r.control.key}, ${r.control.guardRule}): ${r.control.title}`);
    for (const f of r.findings.filter(x => !x.exempted)) {
      console.log(`     ${f.template.assembly}/${path.basename(f.template.file)}  ${f.resource}`);
    }
    console.log(`     fix: ${r.control.remediation}`);
  }
  for (const s of stale) console.log(`stale exemption: ${s}`);

  const count = (category: Category) => results.filter(r => categoryOf(r) === category).length;
  const findings = results.flatMap(r => r.findings);
  console.log();
  console.log(`cfn-guard ${pkg.guardVersion} with the ${controls.size} rules of ${PACKAGE} ${pkg.version}: ` +
    `${templates.length} templates in ${args.assemblies.length} cloud assemblies (${[...new Set(templates.map(t => t.assembly))].join(', ')}), ` +
    `${ruleFiles.length} rules run${args.allRules ? '' : ' (the others name no resource type of these templates)'}`);
  console.log(`rules: ${controls.size - count('exempted')} enforced (${count('enforced')} evaluated and passing, ` +
    `${count('not applicable')} not applicable), ${count('partly exempted')} partly exempted, ${count('exempted')} exempted, ` +
    `${count('failing')} failing without an exemption`);
  console.log(`resource failures: ${findings.length} (${findings.filter(f => f.exempted).length} exempted, ` +
    `${findings.filter(f => !f.exempted).length} not)`);
  if (args.report) {
    fs.mkdirSync(path.dirname(args.report), { recursive: true });
    fs.writeFileSync(args.report, renderReport({ pkg, templates, results, exemptionsFile: args.exemptions, stale }));
    console.log(`report: ${relative(args.report)}`);
  }
  console.log(`cfn-guard: ${failing.length === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.exitCode = failing.length === 0 ? 0 : 1;
}

main();
