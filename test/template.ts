import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** The one resource of a type whose logical ID matches `pattern`, as [logical ID, resource]; fails unless exactly one. */
export function only(template: Template, type: string, pattern: RegExp = /.*/): [string, any] {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => pattern.test(id));
  expect(matches.map(([id]) => id)).toHaveLength(1);
  return matches[0];
}

/** The logical ID of the one resource of a type whose logical ID matches `pattern`. */
export function idOf(template: Template, type: string, pattern: RegExp): string {
  return only(template, type, pattern)[0];
}

/**
 * A Lambda function's code directory as synthesized in the cloud assembly: the stack's one function, or the one whose
 * logical ID matches `pattern`.
 */
export function assetDirectory(app: App, stack: Stack, pattern?: RegExp): string {
  const assembly = app.synth();
  const [, handler] = only(Template.fromStack(stack), 'AWS::Lambda::Function', pattern);
  const hash = handler.Properties.Code.S3Key.replace(/\.zip$/, '');
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf-8'));
  return path.join(assembly.directory, manifest.files[hash].source.path);
}
