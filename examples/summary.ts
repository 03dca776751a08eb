/**
 * Prints what `cdk synth` produced: the stacks, their resources by type, and the compliance findings
 * recorded in the cloud assembly's validation report. Exits non-zero when a finding is present.
 *
 * Usage: ts-node summary.ts <cloud assembly directory>
 */
import * as fs from 'fs';
import * as path from 'path';

interface StackSummary {
  readonly name: string;
  readonly region: string;
  readonly resources: Record<string, number>;
  /** The compliance findings acknowledged in the stack, as `rule @ construct path` with the reason. */
  readonly acknowledgments: Array<{ readonly finding: string; readonly reason: string }>;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

function stacksOf(assemblyDir: string): StackSummary[] {
  const manifest = readJson(path.join(assemblyDir, 'manifest.json'));
  return Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => {
      const template = readJson(path.join(assemblyDir, artifact.properties.templateFile));
      const resources: Record<string, number> = {};
      for (const resource of Object.values<any>(template.Resources ?? {})) {
        resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
      }
      const region = String(artifact.environment ?? '').split('/').pop() || 'unknown-region';
      return { name, region, resources, acknowledgments: acknowledgmentsOf(assemblyDir, artifact) };
    });
}

/** The rule-ID prefixes of the four compliance packs. */
const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** The cdk-nag acknowledgments recorded in a stack's metadata (aws-cdk-lib's own CloudFormation-rule ones left out). */
function acknowledgmentsOf(assemblyDir: string, artifact: any): StackSummary['acknowledgments'] {
  const metadata: Record<string, any[]> = {
    ...artifact.metadata,
    ...artifact.additionalMetadataFile ? readJson(path.join(assemblyDir, artifact.additionalMetadataFile)) : {},
  };
  return Object.entries(metadata).flatMap(([constructPath, entries]) => entries
    .filter(entry => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap(entry => Object.entries<string>(entry.data))
    // 'Annotation::<rule>' from Validations.acknowledge; '<rule>' where an older aws-cdk-lib refused the rule ID.
    .map(([rule, reason]) => [rule.replace(/^Annotation::/, ''), reason])
    .filter(([rule]) => PACKS.some(pack => rule.startsWith(`${pack}-`)))
    .map(([rule, reason]) => ({ finding: `${rule} @ ${constructPath}`, reason })));
}

function findingsOf(assemblyDir: string): string[] {
  const reportFile = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) {
    throw new Error(`${reportFile} is missing: the compliance packs did not run`);
  }
  const report = readJson(reportFile);
  return (report.pluginReports ?? []).flatMap((plugin: any) =>
    (plugin.violations ?? []).flatMap((violation: any) =>
      (violation.violatingConstructs ?? violation.violatingResources ?? []).map((resource: any) =>
        `${violation.ruleName} @ ${resource.constructPath ?? resource.resourceLogicalId}`)));
}

const assemblyDir = process.argv[2] ?? 'cdk.out';
const stacks = stacksOf(assemblyDir);
const findings = findingsOf(assemblyDir);
const total = stacks.reduce((sum, s) => sum + Object.values(s.resources).reduce((a, b) => a + b, 0), 0);

console.log(`Example system: ${stacks.length} stack(s), ${total} resources`);
for (const stack of stacks) {
  const count = Object.values(stack.resources).reduce((a, b) => a + b, 0);
  console.log(`  ${stack.name} (${stack.region}): ${count} resources`);
  for (const [type, n] of Object.entries(stack.resources).sort()) {
    console.log(`    ${String(n).padStart(3)} ${type}`);
  }
}
console.log('Compliance packs: AwsSolutions, HIPAA.Security, NIST.800.53.R5, PCI.DSS.321');
console.log(`Unacknowledged compliance findings: ${findings.length}`);
const acknowledgments = stacks.flatMap(s => s.acknowledgments);
const resources = new Set(acknowledgments.map(a => a.finding.replace(/^.* @ /, '').replace(/\/(Resource|Default)$/, '')));
const reasons = new Set(acknowledgments.map(a => `${a.finding.replace(/^.* @ /, '')}: ${a.reason}`));
console.log(`Acknowledged compliance findings: ${acknowledgments.length}, on ${resources.size} resources, with `
  + `${reasons.size} distinct (resource, reason) pairs`);
console.log('Each acknowledgment with its reason and reviewed basis: docs/compliance/acknowledgments.md');
// Per resource, the rules acknowledged on it (the reasons are in the construct metadata and the register).
const byResource = new Map<string, Set<string>>();
for (const { finding } of acknowledgments) {
  const [rule, constructPath] = finding.split(' @ ');
  const resource = constructPath.replace(/\/(Resource|Default)$/, '');
  byResource.set(resource, (byResource.get(resource) ?? new Set()).add(rule.replace(/^(HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-/, '')));
}
for (const [resource, rules] of [...byResource].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`  ${resource}: ${[...rules].sort().join(', ')}`);
}
for (const finding of findings) console.log(`  ${finding}`);
process.exitCode = findings.length === 0 ? 0 : 1;
