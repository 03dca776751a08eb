import { ResourceDifference, ResourceImpact, TemplateDiff, fullDiff } from '@aws-cdk/cloudformation-diff';
import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ProductionWebApp, ProductionWebAppProps } from '../../src';
import { strictApp } from '../util';

/**
 * Diffs of deployed systems as `cdk diff` computes them (`@aws-cdk/cloudformation-diff`), and what they would do to
 * stateful resources: the day-two test and the release baseline test share them.
 */

/** Resource types whose replacement or removal loses data, addresses, or the fleet serving traffic. */
export const STATEFUL_TYPES = [
  'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::S3::Bucket', 'AWS::KMS::Key',
  'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::Backup::BackupVault', 'AWS::EC2::VPC', 'AWS::EC2::Subnet',
  'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CloudFront::Distribution', 'AWS::AutoScaling::AutoScalingGroup',
];

/** The property that gives a resource a fixed name: CloudFormation refuses to replace it ("custom-named resource"). */
export const NAME_PROPERTIES: Record<string, string> = {
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
};

/**
 * Properties the CloudFormation resource specification marks as a conditional replacement ("may replace"), with the
 * condition under which this system's update is made in place. A conditional replacement not listed here fails the test.
 */
export const IN_PLACE_CONDITIONS: Record<string, { why: string; holds: (resource: any) => boolean }> = {
  'AWS::ElastiCache::ReplicationGroup.NumNodeGroups': {
    why: 'with the UseOnlineResharding update policy, ElastiCache adds or removes shards online',
    holds: resource => resource.UpdatePolicy?.UseOnlineResharding === true,
  },
  ...Object.fromEntries(['BackupRetentionPeriod', 'PreferredMaintenanceWindow', 'DBParameterGroupName'].map(property => [
    `AWS::RDS::DBInstance.${property}`, {
      why: 'RDS modifies it in place (ModifyDBInstance); should CloudFormation ever replace the instance instead, its fixed '
        + 'DBInstanceIdentifier makes the update fail, never swap in a new database',
      holds: (resource: any) => resource.Properties?.DBInstanceIdentifier !== undefined,
    },
  ])),
};

export type Templates = Record<string, any>;

/** Every stack's template, by stack name, of a `ProductionWebApp` in eu-west-1 (companion stacks included). */
export function synthesize(props: ProductionWebAppProps = {}, domain = false): Templates {
  const app = strictApp();
  const stack = new Stack(app, 'WebApp', { env: { account: '123456789012', region: 'eu-west-1' } });
  const hostedZone = domain
    ? route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' })
    : undefined;
  new ProductionWebApp(stack, 'App', { ...props, ...(domain ? { domainName: 'www.example.com', hostedZone } : {}) });
  return Object.fromEntries(app.synth().stacks.map(artifact => [artifact.stackName, artifact.template]));
}

/** The diff of each stack, from `before` to `after`; a stack only in `after` diffs against an empty template. */
export function diffStacks(before: Templates, after: Templates): Record<string, TemplateDiff> {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return Object.fromEntries(names.map(name => [name, fullDiff(before[name] ?? {}, after[name] ?? {})]));
}

export interface Change {
  readonly stack: string;
  readonly logicalId: string;
  readonly difference: ResourceDifference;
}

export function changes(diffs: Record<string, TemplateDiff>): Change[] {
  const all: Change[] = [];
  for (const [stack, diff] of Object.entries(diffs)) {
    diff.resources.forEachDifference((logicalId, difference) => all.push({ stack, logicalId, difference }));
  }
  return all;
}

export const typeOf = (change: Change) => change.difference.oldResourceType ?? change.difference.newResourceType ?? '';
export const describe_ = (change: Change) => `${change.stack}/${change.logicalId} (${typeOf(change)})`;
/** The impact of a change once the conditional replacements this system avoids (IN_PLACE_CONDITIONS) are resolved. */
export function impactOf(change: Change): ResourceImpact {
  const impact = change.difference.changeImpact;
  if (impact !== ResourceImpact.MAY_REPLACE) return impact;
  const conditional = Object.entries(change.difference.propertyUpdates)
    .filter(([, update]) => update.changeImpact === ResourceImpact.MAY_REPLACE)
    .map(([property]) => IN_PLACE_CONDITIONS[`${typeOf(change)}.${property}`]);
  return conditional.every(condition => condition?.holds(change.difference.newValue)) ? ResourceImpact.WILL_UPDATE : impact;
}
export const replaced = (change: Change) => [ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE].includes(impactOf(change));

/** Stateful resources the change would replace or remove, as `stack/logicalId (type): impact`. */
export function statefulLosses(all: Change[]): string[] {
  return all
    .filter(change => STATEFUL_TYPES.includes(typeOf(change)))
    .filter(change => change.difference.isRemoval || replaced(change))
    .map(change => `${describe_(change)}: ${change.difference.isRemoval ? 'removed' : impactOf(change)}`);
}

/** Replacements CloudFormation refuses: the resource keeps its fixed name, which the new resource could not take. */
export function refusedReplacements(all: Change[]): Change[] {
  return all.filter(change => {
    const name = NAME_PROPERTIES[typeOf(change)];
    if (!name || !replaced(change) || change.difference.isRemoval || change.difference.isAddition) return false;
    const before = change.difference.oldProperties?.[name];
    return before !== undefined && JSON.stringify(before) === JSON.stringify(change.difference.newProperties?.[name]);
  });
}

