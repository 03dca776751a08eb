import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  Change, NAME_PROPERTIES, changes, describe_, diffStacks, impactOf, refusedReplacements, statefulLosses, synthesize, typeOf,
} from './diff';
import { CacheEngine, NatStrategy, ProductionWebAppProps, WebApplication } from '../../src';

type Verdict = 'in place' | 'rolls the fleet' | 'refused';

/**
 * Day two: the common changes to a deployed system, each diffed against the deployed baseline as `cdk diff` would
 * (`@aws-cdk/cloudformation-diff`), stack by stack. No change may replace or remove a stateful resource, except where
 * the replacement is refused by design: a resource with a fixed name cannot be replaced, so CloudFormation fails the
 * update before touching anything.
 */

/** Launch templates whose data changes: the Auto Scaling group's instance refresh replaces the instances. */
function launchTemplateChanges(all: Change[]): Change[] {
  return all.filter(change => typeOf(change) === 'AWS::EC2::LaunchTemplate' && change.difference.isUpdate
    && 'LaunchTemplateData' in change.difference.propertyUpdates);
}

/** Launch templates whose user data changes: what the instances learn at boot (endpoints, configuration) changed. */
function userDataChanges(all: Change[]): Change[] {
  return launchTemplateChanges(all).filter(change => JSON.stringify(change.difference.oldProperties?.LaunchTemplateData?.UserData)
    !== JSON.stringify(change.difference.newProperties?.LaunchTemplateData?.UserData));
}

function verdictOf(all: Change[]): Verdict {
  if (refusedReplacements(all).length) return 'refused';
  if (launchTemplateChanges(all).length) return 'rolls the fleet';
  return 'in place';
}

/** A release of the test application whose VERSION file says `version`: another version is another asset. */
function release(version: string): WebApplication {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `release-${version}-`));
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'release', 'server.js'), path.join(folder, 'server.js'));
  fs.writeFileSync(path.join(folder, 'VERSION'), version);
  return WebApplication.fromAsset(folder, { start: 'node server.js', runtimePackages: ['nodejs22'] });
}

/** The deployed system: the default `ProductionWebApp`, without a domain or (for the `onDomain` changes) with one. */
const BASELINE: ProductionWebAppProps = {};

/** The common changes, each with the verdict the README's "Changing a deployed system" table gives it. */
interface CommonChange {
  readonly name: string;
  /** The first cell of its row in the README table. */
  readonly readme: string;
  readonly props: ProductionWebAppProps;
  /** Whether the changed system has a domain. */
  readonly domain?: boolean;
  /** Whether the deployed system already has a domain (and keeps it). */
  readonly onDomain?: boolean;
  /** What the deployed system was deployed with, when not the baseline (the change's props replace it). */
  readonly base?: ProductionWebAppProps;
  readonly expected: Verdict;
}

const CHANGES: CommonChange[] = [
  { name: 'instance type', readme: 'Instance type', props: { webTier: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.LARGE) } }, expected: 'rolls the fleet' },
  { name: 'capacity', readme: 'Capacity', props: { webTier: { minCapacity: 3, maxCapacity: 9 } }, expected: 'in place' },
  {
    name: 'database class and storage',
    readme: 'Database class',
    props: {
      dataTier: {
        database: {
          instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
          allocatedStorageGiB: 200,
          maxAllocatedStorageGiB: 1000,
        },
      },
    },
    expected: 'in place',
  },
  { name: 'read replicas added', readme: 'Read replicas', props: { dataTier: { database: { readReplicas: 2 } } }, expected: 'rolls the fleet' },
  {
    name: 'backup and maintenance windows',
    readme: 'Backup and maintenance windows',
    props: { dataTier: { database: { preferredBackupWindow: '22:00-23:00', preferredMaintenanceWindow: 'sat:23:30-sun:00:30', backupRetention: Duration.days(14) } } },
    expected: 'in place',
  },
  {
    name: 'engine minor version',
    readme: 'Engine minor version',
    props: { dataTier: { database: { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15_10 }) } } },
    expected: 'in place',
  },
  {
    name: 'engine major version, with allowMajorVersionUpgrade',
    readme: 'Engine major version',
    props: {
      dataTier: {
        database: { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), allowMajorVersionUpgrade: true },
      },
    },
    expected: 'in place',
  },
  { name: 'RDS Proxy on', readme: 'RDS Proxy', props: { dataTier: { database: { proxy: true } } }, expected: 'rolls the fleet' },
  { name: 'health check path', readme: 'Health check path', props: { webTier: { healthCheck: { path: '/healthz' } } }, expected: 'rolls the fleet' },
  { name: 'cache node type', readme: 'Cache node type', props: { dataTier: { cache: { nodeType: 'cache.r7g.large' } } }, expected: 'in place' },
  { name: 'cache shards', readme: 'Cache shards', props: { dataTier: { cache: { shards: 3 } } }, expected: 'in place' },
  { name: 'cache replicas per shard', readme: 'Cache replicas per shard', props: { dataTier: { cache: { replicasPerShard: 2 } } }, expected: 'refused' },
  { name: 'cache engine Redis OSS to Valkey', readme: 'Cache engine', props: { dataTier: { cache: { engine: CacheEngine.valkey() } } }, expected: 'refused' },
  { name: 'NAT strategy', readme: 'NAT strategy', props: { network: { natStrategy: NatStrategy.single() } }, expected: 'in place' },
  { name: 'alarm e-mail', readme: 'Alarm e-mail', props: { alarmEmail: 'ops@example.com' }, expected: 'in place' },
  { name: 'WAF rate limit and geo rules', readme: 'WAF rate limit and geo rules', props: { edge: { rateLimitPerFiveMinutes: 1000, blockedCountries: ['KP'] } }, expected: 'in place' },
  { name: 'domain added later', readme: 'A domain added later', props: {}, domain: true, expected: 'in place' },
  {
    name: 'a new application release',
    readme: 'A new application release',
    base: { application: release('1') },
    props: { application: release('2') },
    expected: 'rolls the fleet',
  },
  // The same kinds of change on a system served on its own domain (HTTPS to the origin, certificates in us-east-1).
  {
    name: 'with a domain: instance type',
    readme: 'Instance type',
    props: { webTier: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.LARGE) } },
    onDomain: true,
    expected: 'rolls the fleet',
  },
  {
    name: 'with a domain: WAF rate limit and geo rules',
    readme: 'WAF rate limit and geo rules',
    props: { edge: { rateLimitPerFiveMinutes: 1000, blockedCountries: ['KP'] } },
    onDomain: true,
    expected: 'in place',
  },
];

describe('day two: every common change to a deployed ProductionWebApp', () => {
  const baseline = synthesize(BASELINE);
  const baselineOnDomain = synthesize(BASELINE, true);
  const results = CHANGES.map(change => {
    const before = change.base ? synthesize(change.base) : change.onDomain ? baselineOnDomain : baseline;
    const all = changes(diffStacks(before, synthesize(change.props, change.domain || change.onDomain)));
    return { ...change, all, verdict: verdictOf(all) };
  });

  afterAll(() => {
    const rows = results.map(r => {
      const refused = refusedReplacements(r.all).map(c => `${c.logicalId} keeps its name ${JSON.stringify(c.difference.newProperties?.[NAME_PROPERTIES[typeOf(c)]])}`);
      const rolls = launchTemplateChanges(r.all).map(c => c.logicalId);
      const detail = refused.length ? `replacement of ${refused.join(', ')}` : rolls.length ? `new launch template version (${rolls.join(', ')})` : `${r.all.length} resources updated, added or removed; no stateful one replaced`;
      return `| ${r.name} | ${r.verdict} | ${detail} | ${userDataChanges(r.all).length ? 'yes' : 'no'} |`;
    });
    // The table behind the README's "Changing a deployed system".
    console.log(['| Change | Verdict | Why | User data changes |', '|---|---|---|---|', ...rows].join('\n'));
  });

  test.each(CHANGES.map(c => [c.name]))('%s: the verdict is the documented one', name => {
    const result = results.find(r => r.name === name)!;
    expect(result.all.length).toBeGreaterThan(0);
    expect(result.verdict).toBe(result.expected);
  });

  test.each(CHANGES.filter(c => c.expected !== 'refused').map(c => [c.name]))('%s: no stateful resource is replaced or removed', name => {
    const result = results.find(r => r.name === name)!;
    expect(statefulLosses(result.all)).toEqual([]);
  });

  test.each(CHANGES.filter(c => c.expected === 'refused').map(c => [c.name]))(
    '%s: only the cache would be replaced, and its fixed name makes CloudFormation refuse it', name => {
      const result = results.find(r => r.name === name)!;
      const refused = refusedReplacements(result.all);
      expect(refused.map(describe_)).toEqual(['WebApp/AppDataCacheReplicationGroup9BF208EC (AWS::ElastiCache::ReplicationGroup)']);
      expect(impactOf(refused[0])).toBe(ResourceImpact.WILL_REPLACE);
      expect(refused[0].difference.newProperties?.ReplicationGroupId).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
      // Nothing else stateful goes: the deployment stops at the cache, and CloudFormation rolls the rest back.
      expect(statefulLosses(result.all)).toEqual(refused.map(c => `${describe_(c)}: ${ResourceImpact.WILL_REPLACE}`));
    });

  test('the README\'s "Changing a deployed system" table gives each change the verdict the diff finds', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    const start = readme.indexOf('\n## Changing a deployed system\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const mismatches = results.filter(r => {
      const row = section.split('\n').find(line => line.startsWith(`| ${r.readme}`));
      return !row?.split(' | ')[1].includes(r.verdict);
    }).map(r => `${r.name}: ${r.verdict}`);
    expect(mismatches).toEqual([]);
  });

  test('conditional replacements are resolved only where the condition holds', () => {
    const resolved = results.flatMap(r => r.all
      .filter(c => c.difference.changeImpact === ResourceImpact.MAY_REPLACE && impactOf(c) === ResourceImpact.WILL_UPDATE)
      .map(c => `${r.name}: ${typeOf(c)}`));
    expect(resolved).toEqual([
      'backup and maintenance windows: AWS::RDS::DBInstance',
      'engine major version, with allowMajorVersionUpgrade: AWS::RDS::DBInstance',
      'cache shards: AWS::ElastiCache::ReplicationGroup',
    ]);
  });

  test('the major version upgrade switches the instance to a new parameter group of the new family in the same update', () => {
    const result = results.find(r => r.name.startsWith('engine major version'))!;
    const db = result.all.find(c => typeOf(c) === 'AWS::RDS::DBInstance')!;
    expect(Object.keys(db.difference.propertyUpdates).sort()).toEqual(['AllowMajorVersionUpgrade', 'DBParameterGroupName', 'EngineVersion']);
    const groups = result.all.filter(c => typeOf(c) === 'AWS::RDS::DBParameterGroup');
    const family = (c: Change) => c.difference.newProperties?.Family ?? c.difference.oldProperties?.Family;
    expect(groups.map(c => [c.difference.isAddition, c.difference.isRemoval, family(c)]))
      .toEqual(expect.arrayContaining([[true, false, 'postgres16'], [false, true, 'postgres15']]));
  });

  test.each(['read replicas added', 'RDS Proxy on'])(
    '%s: the new endpoint is in the launch template\'s user data, so the fleet rolls onto it', name => {
      const result = results.find(r => r.name === name)!;
      const [change] = userDataChanges(result.all);
      expect(change.logicalId).toMatch(/^AppWebLaunchTemplate/);
      const userData = JSON.stringify(change.difference.newProperties?.LaunchTemplateData?.UserData);
      expect(userData).toContain(name === 'RDS Proxy on' ? 'database/host=' : 'database/replica-hosts=');
      expect(userData).toContain(name === 'RDS Proxy on' ? 'AppDataDatabaseProxy' : 'AppDataReadReplica');
    });

  test('a health check path change updates the target group in place and rolls the fleet onto the new path', () => {
    const result = results.find(r => r.name === 'health check path')!;
    const group = result.all.find(c => typeOf(c) === 'AWS::ElasticLoadBalancingV2::TargetGroup')!;
    expect(Object.keys(group.difference.propertyUpdates)).toEqual(['HealthCheckPath']);
    expect(impactOf(group)).toBe(ResourceImpact.WILL_UPDATE);
    expect(userDataChanges(result.all)).toHaveLength(1);
  });

  test('a new application release changes only the launch template (and what it points at), rolling the fleet', () => {
    const result = results.find(r => r.name === 'a new application release')!;
    expect(userDataChanges(result.all).map(c => c.logicalId)).toEqual([expect.stringMatching(/^AppWebLaunchTemplate/)]);
    expect(statefulLosses(result.all)).toEqual([]);
  });
});
