import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ProductionWebApp } from '../../src';
import { strictApp } from '../util';

/**
 * Resource types whose replacement loses data or access to it: databases, caches, buckets, keys, secrets, log groups
 * (flow logs, trail, database and WAF logs are audit records) and backup vaults.
 */
const STATEFUL_TYPES = [
  'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::S3::Bucket', 'AWS::KMS::Key',
  'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::Backup::BackupVault',
];

const PINNED_FILE = path.join(__dirname, 'stateful-ids.json');

/** `{ stack ID: { logical ID: type } }` of the stateful resources of the complete system, with a domain, outside us-east-1. */
function statefulIds(): Record<string, Record<string, string>> {
  const app = strictApp();
  const stack = new Stack(app, 'WebApp', { env: { account: '123456789012', region: 'eu-west-1' } });
  new ProductionWebApp(stack, 'App', {
    domainName: 'www.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' }),
    dataTier: { database: { readReplicas: 1 } },
  });
  return Object.fromEntries(app.node.children.filter(Stack.isStack).map(s => [s.node.id, Object.fromEntries(
    Object.entries(Template.fromStack(s).toJSON().Resources as Record<string, { Type: string }>)
      .filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type))
      .map(([id, resource]) => [id, resource.Type])
      .sort(([a], [b]) => a.localeCompare(b)))]));
}

test('the logical IDs of every stateful resource of the complete system are the pinned ones', () => {
  const actual = statefulIds();
  if (process.env.UPDATE_STATEFUL_IDS === '1') fs.writeFileSync(PINNED_FILE, `${JSON.stringify(actual, null, 2)}\n`);
  const pinned: Record<string, Record<string, string>> = JSON.parse(fs.readFileSync(PINNED_FILE, 'utf-8'));
  const flatten = (ids: Record<string, Record<string, string>>) =>
    Object.entries(ids).flatMap(([stack, resources]) => Object.entries(resources).map(([id, type]) => `${stack}/${id} (${type})`));
  const removed = flatten(pinned).filter(id => !flatten(actual).includes(id));
  const added = flatten(actual).filter(id => !flatten(pinned).includes(id));
  if (removed.length || added.length) {
    throw new Error([
      'The logical IDs of stateful resources changed.',
      ...removed.map(id => `  gone:  ${id}`),
      ...added.map(id => `  new:   ${id}`),
      'CloudFormation deletes a resource whose logical ID disappears and creates the new one empty: a new database,',
      'bucket, key or secret, with the old one retained (orphaned) or deleted. If this is a mistake, restore the construct',
      'IDs. If it is deliberate, ship it as a breaking change: rerun with UPDATE_STATEFUL_IDS=1 to rewrite',
      'test/app/stateful-ids.json in the same commit, say so in the release notes, and document the migration',
      '(for example `cdk import` of the retained resource, or a snapshot restore).',
    ].join('\n'));
  }
  expect(added).toEqual([]);
});

/**
 * Deleted with the stack on purpose: the secret CloudFront sends to the load balancer guards no data, and the deployment
 * that replaces it sets the new value on both sides (`CloudFrontOriginAccess` `removalPolicy`).
 */
const DISPOSABLE = [/^AppOriginAccessKey/, /^AppOriginAccessSecret/];

test('every other stateful resource is retained (or snapshotted) when it leaves the stack or is replaced', () => {
  const app = strictApp();
  const stack = new Stack(app, 'WebApp', { env: { account: '123456789012', region: 'eu-west-1' } });
  new ProductionWebApp(stack, 'App');
  for (const s of app.node.children.filter(Stack.isStack)) {
    for (const [id, resource] of Object.entries(Template.fromStack(s).toJSON().Resources as Record<string, any>)) {
      if (!STATEFUL_TYPES.includes(resource.Type) || DISPOSABLE.some(pattern => pattern.test(id))) continue;
      expect([`${s.node.id}/${id}`, resource.DeletionPolicy]).toEqual([`${s.node.id}/${id}`, expect.stringMatching(/^(Retain|Snapshot|RetainExceptOnCreate)$/)]);
      expect([`${s.node.id}/${id}`, resource.UpdateReplacePolicy]).toEqual([`${s.node.id}/${id}`, expect.stringMatching(/^(Retain|Snapshot)$/)]);
    }
  }
});
