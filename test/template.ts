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
