import { Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, NagPack, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding. */
export interface Finding {
  /** Rule ID, with the finding suffix where the rule reports several (`AwsSolutions-IAM5[Resource::*]`). */
  readonly rule: string;
  /** Construct path of the resource. */
  readonly path: string;
  /** Warning or error. */
  readonly severity: string;
}

/** The four packs every construct of this library must pass with no unacknowledged finding. */
export function compliancePacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()];
}

/**
 * Runs the AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1 packs over a construct tree (usually the app)
 * and returns every unacknowledged finding, warnings included.
 */
export function complianceFindings(scope: IConstruct): Finding[] {
  // Synthesize first, so that aspects and lazy values have run as they do in a real `cdk synth`.
  Stage.of(scope)?.synth();
  const findings: Finding[] = [];
  for (const pack of compliancePacks()) {
    const report = pack.validateScope(scope);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({
          rule: violation.ruleName,
          path: (resource as { constructPath?: string }).constructPath ?? resource.resourceLogicalId ?? '?',
          severity: violation.severity ?? 'error',
        });
      }
    }
  }
  return findings;
}

/** Findings as `rule @ path` lines, for readable test failures. */
export function formatFindings(findings: Finding[]): string[] {
  return findings.map(f => `${f.rule} @ ${f.path}`).sort();
}
