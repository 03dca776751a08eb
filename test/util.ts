import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';

/** Context every test app synthesizes with: aws-cdk-lib's built-in CloudFormation rules fail the synth on any error. */
export const STRICT_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

/** An app that validates its templates against aws-cdk-lib's built-in CloudFormation rules. */
export function strictApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...STRICT_CONTEXT, ...props.context } });
}

/** A stack in a strict app; env-agnostic unless `env` is given. */
export function strictStack(props: StackProps = {}, id = 'TestStack'): Stack {
  return new Stack(strictApp(), id, props);
}

/**
 * What aws-cdk-lib's built-in CloudFormation rules reported for an app, warnings included, as `rule @ path` lines.
 * Errors already fail the synth; this catches the warnings too.
 */
export function templateRuleFindings(app: App): string[] {
  const assembly = app.synth();
  const reportFile = path.join(assembly.directory, 'validation-report.json');
  if (!fs.existsSync(reportFile)) return [];
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
  return (report.pluginReports ?? [])
    .filter((plugin: any) => plugin.pluginName === 'CloudFormation Validate')
    .flatMap((plugin: any) => plugin.violations ?? [])
    .flatMap((violation: any) => (violation.violatingConstructs ?? violation.violatingResources ?? [])
      .map((resource: any) => `${violation.ruleName} @ ${resource.constructPath ?? resource.resourceLogicalId}: ${violation.description}`));
}
