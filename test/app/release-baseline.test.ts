import * as fs from 'fs';
import * as path from 'path';
import { changes, diffStacks, STATEFUL_TYPES, statefulLosses, synthesize, Templates } from './diff';

/**
 * An upgrade of the library must not replace a stateful resource of a system deployed with the last release. The
 * stateful-ID pins (stateful-ids.test.ts) cover logical IDs; this covers properties: the last release's stateful
 * resources (the default `ProductionWebApp` with a domain, in eu-west-1, every stack) are kept in
 * `release-baseline.json`, and today's templates are diffed against them as `cdk diff` would.
 *
 * Until the first release, the baseline is the state of `main` when it was last written. Releasing rewrites it
 * (`UPDATE_RELEASE_BASELINE=1 npx jest test/app/release-baseline.test.ts`, see CONTRIBUTING.md); so does a
 * deliberate change, with its migration path in the changelog.
 */
const BASELINE_FILE = path.join(__dirname, 'release-baseline.json');

/** A template's stateful resources, with what decides whether an update replaces them. */
function statefulResources(templates: Templates): Templates {
  return Object.fromEntries(Object.entries(templates).map(([stack, template]) => [stack, {
    Resources: Object.fromEntries(Object.entries<any>(template.Resources ?? {})
      .filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type))
      .map(([id, resource]) => [id, {
        Type: resource.Type,
        Properties: resource.Properties,
        ...(resource.UpdatePolicy ? { UpdatePolicy: resource.UpdatePolicy } : {}),
      }])),
  }]));
}

test('no stateful resource of a system deployed with the last release would be replaced or removed', () => {
  const current = statefulResources(synthesize({}, true));
  if (process.env.UPDATE_RELEASE_BASELINE === '1') {
    fs.writeFileSync(BASELINE_FILE, `${JSON.stringify(current, null, 1)}\n`);
  }
  const baseline: Templates = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf-8'));
  expect(Object.keys(baseline).length).toBeGreaterThanOrEqual(4);
  const losses = statefulLosses(changes(diffStacks(baseline, current)));
  if (losses.length) {
    throw new Error(['An upgrade would replace or remove stateful resources of a deployed system:',
      ...losses.map(loss => `  ${loss}`),
      'Keep the resource as it was, or make the change deliberate: a migration path in CHANGELOG.md and the baseline',
      'rewritten with UPDATE_RELEASE_BASELINE=1.'].join('\n'));
  }
});
