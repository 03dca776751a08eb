/**
 * Monthly cost of the example system: what its templates create, at the list prices of scripts/cost/prices.json,
 * next to the estimate of the architecture specification ("Cost Optimization": about 521 USD a month). Counts,
 * classes and sizes come from the synthesized templates, so the page follows the defaults; traffic-driven lines take
 * the specification's own assumptions.
 *
 * Usage: ts-node scripts/cost/estimate.ts <cloud assembly dir> [page to write]
 */
import * as fs from 'fs';
import * as path from 'path';

interface Resource { readonly Type: string; readonly Properties?: any }
interface Prices {
  readonly description: string;
  readonly hoursPerMonth: number;
  readonly ec2InstancePerHour: Record<string, number>;
  readonly ebsGp3PerGbMonth: number;
  readonly applicationLoadBalancerPerHour: number;
  readonly natGatewayPerHour: number;
  readonly rdsPostgresSingleAzPerHour: Record<string, number>;
  readonly rdsGp3PerGbMonthSingleAz: number;
  readonly elastiCacheNodePerHour: Record<string, Record<string, number>>;
  readonly kmsKeyPerMonth: number;
  readonly secretPerMonth: number;
  readonly alarmMetricPerMonth: number;
  readonly dashboardPerMonth: number;
  readonly wafWebAclPerMonth: number;
  readonly wafRulePerMonth: number;
  readonly wafPerMillionRequests: number;
  readonly hostedZonePerMonth: number;
  readonly natGatewayPerGbProcessed: number;
  readonly cloudWatchLogsPerGbIngested: number;
}

/** One line of the estimate. */
interface Line {
  readonly item: string;
  /** What the templates create, and how the figure is computed. */
  readonly basis: string;
  readonly monthly: number;
  /** The specification's figure for the same line, if it has one. */
  readonly spec?: number;
}

/** The specification's "Estimated Monthly Costs (Example - US East)" table. */
const SPEC = {
  ec2: 60, alb: 25, rds: 135, cache: 100, nat: 65, s3: 5, cloudFront: 85, route53: 1, dataTransfer: 45, total: 521,
};

const [assemblyDir, pageFile] = process.argv.slice(2);
if (!assemblyDir) throw new Error('usage: estimate.ts <cloud assembly dir> [page to write]');
const prices: Prices = JSON.parse(fs.readFileSync(path.join(__dirname, 'prices.json'), 'utf-8'));
const hours = prices.hoursPerMonth;

const resources: Resource[] = fs.readdirSync(assemblyDir)
  .filter(file => file.endsWith('.template.json'))
  .sort()
  .flatMap(file => Object.values(JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf-8')).Resources ?? {}) as Resource[]);
const ofType = (type: string) => resources.filter(r => r.Type === type);

function priceOf(table: Record<string, number>, key: unknown, what: string): number {
  if (typeof key !== 'string' || !(key in table)) {
    throw new Error(`${what} ${JSON.stringify(key)} has no price in scripts/cost/prices.json; add it`);
  }
  return table[key];
}

const usd = (amount: number) => amount.toFixed(2);
const lines: Line[] = [];

// Instances: the Auto Scaling group's minimum, with their root volumes.
for (const group of ofType('AWS::AutoScaling::AutoScalingGroup')) {
  const min = Number(group.Properties.MinSize);
  const max = Number(group.Properties.MaxSize);
  const templates = ofType('AWS::EC2::LaunchTemplate').map(t => t.Properties.LaunchTemplateData);
  if (templates.length !== 1) throw new Error(`expected one launch template, found ${templates.length}`);
  const data = templates[0];
  const perHour = priceOf(prices.ec2InstancePerHour, data.InstanceType, 'EC2 instance type');
  lines.push({
    item: 'EC2 instances',
    basis: `${min} × ${data.InstanceType} (the group's minimum; up to ${max} under load) × ${perHour}/h`,
    monthly: min * perHour * hours,
    spec: SPEC.ec2,
  });
  const gb = (data.BlockDeviceMappings ?? []).reduce((sum: number, m: any) => sum + Number(m.Ebs?.VolumeSize ?? 0), 0);
  lines.push({ item: 'EBS root volumes', basis: `${min} × ${gb} GB gp3 × ${prices.ebsGp3PerGbMonth}/GB`, monthly: min * gb * prices.ebsGp3PerGbMonth });
}

const albs = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').length;
lines.push({
  item: 'Application Load Balancer',
  basis: `${albs} × ${prices.applicationLoadBalancerPerHour}/h, plus load balancer capacity units (traffic)`,
  monthly: albs * prices.applicationLoadBalancerPerHour * hours,
  spec: SPEC.alb,
});

const nats = ofType('AWS::EC2::NatGateway').length;
lines.push({
  item: 'NAT gateways',
  basis: `${nats} × ${prices.natGatewayPerHour}/h, plus ${prices.natGatewayPerGbProcessed}/GB processed (traffic)`,
  monthly: nats * prices.natGatewayPerHour * hours,
  spec: SPEC.nat,
});

for (const db of ofType('AWS::RDS::DBInstance')) {
  const p = db.Properties;
  if (p.Engine !== undefined && p.Engine !== 'postgres') throw new Error(`database engine ${p.Engine} has no price`);
  const copies = p.MultiAZ ? 2 : 1;
  const perHour = priceOf(prices.rdsPostgresSingleAzPerHour, p.DBInstanceClass, 'RDS instance class');
  const gb = Number(p.AllocatedStorage);
  lines.push({
    item: p.SourceDBInstanceIdentifier ? 'RDS read replica' : 'RDS PostgreSQL',
    basis: `${p.DBInstanceClass}${p.MultiAZ ? ' Multi-AZ (primary and standby)' : ''} × ${perHour}/h, `
      + `${gb} GB gp3 × ${copies} × ${prices.rdsGp3PerGbMonthSingleAz}/GB`,
    monthly: copies * (perHour * hours + gb * prices.rdsGp3PerGbMonthSingleAz),
    spec: p.SourceDBInstanceIdentifier ? undefined : SPEC.rds,
  });
}

for (const cache of ofType('AWS::ElastiCache::ReplicationGroup')) {
  const p = cache.Properties;
  const nodes = Number(p.NumNodeGroups ?? 1) * (1 + Number(p.ReplicasPerNodeGroup ?? 0));
  const engine = String(p.Engine ?? 'redis').toLowerCase();
  const perHour = priceOf(prices.elastiCacheNodePerHour[engine] ?? {}, p.CacheNodeType, `ElastiCache (${engine}) node type`);
  lines.push({
    item: `ElastiCache (${engine === 'valkey' ? 'Valkey' : 'Redis OSS'})`,
    basis: `${nodes} nodes (${p.NumNodeGroups} shards × (1 primary + ${p.ReplicasPerNodeGroup} replica)) × ${p.CacheNodeType} × ${perHour}/h`,
    monthly: nodes * perHour * hours,
    spec: SPEC.cache,
  });
}

for (const acl of ofType('AWS::WAFv2::WebACL')) {
  const rules = (acl.Properties.Rules ?? []).length;
  lines.push({
    item: `AWS WAF (${acl.Properties.Scope === 'CLOUDFRONT' ? 'CloudFront' : 'regional'} web ACL)`,
    basis: `1 web ACL × ${prices.wafWebAclPerMonth} + ${rules} rules × ${prices.wafRulePerMonth}, plus ${prices.wafPerMillionRequests} per million requests (traffic)`,
    monthly: prices.wafWebAclPerMonth + rules * prices.wafRulePerMonth,
  });
}

const keys = ofType('AWS::KMS::Key').length;
lines.push({ item: 'KMS keys', basis: `${keys} customer-managed keys × ${prices.kmsKeyPerMonth}`, monthly: keys * prices.kmsKeyPerMonth });

const secrets = ofType('AWS::SecretsManager::Secret').length;
lines.push({ item: 'Secrets Manager', basis: `${secrets} secrets × ${prices.secretPerMonth}`, monthly: secrets * prices.secretPerMonth });

const alarms = ofType('AWS::CloudWatch::Alarm');
const alarmMetrics = alarms.reduce((sum, a) => sum + (a.Properties.Metrics
  ? a.Properties.Metrics.filter((m: any) => m.MetricStat).length
  : 1), 0);
const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
lines.push({
  item: 'CloudWatch alarms and dashboard',
  basis: `${alarms.length} alarms on ${alarmMetrics} metrics × ${prices.alarmMetricPerMonth}, ${dashboards} dashboard × ${prices.dashboardPerMonth}`,
  monthly: alarmMetrics * prices.alarmMetricPerMonth + dashboards * prices.dashboardPerMonth,
});

const zones = ofType('AWS::Route53::HostedZone').length;
lines.push({
  item: 'Route 53',
  basis: zones ? `${zones} hosted zone × ${prices.hostedZonePerMonth}, plus queries` : 'your hosted zone and its queries (the specification\'s figure)',
  monthly: zones ? zones * prices.hostedZonePerMonth : SPEC.route53,
  spec: SPEC.route53,
});

const trails = ofType('AWS::CloudTrail::Trail').length;
lines.push({ item: 'CloudTrail', basis: `${trails} trail of management events: the first copy is free; its S3 and log storage is traffic`, monthly: 0 });

// Traffic: the specification's own assumptions.
lines.push({ item: 'CloudFront', basis: '1 TB delivered (the specification\'s assumption)', monthly: SPEC.cloudFront, spec: SPEC.cloudFront });
lines.push({ item: 'S3 storage', basis: '100 GB and requests (the specification\'s assumption)', monthly: SPEC.s3, spec: SPEC.s3 });
lines.push({ item: 'Data transfer', basis: 'outbound (the specification\'s assumption)', monthly: SPEC.dataTransfer, spec: SPEC.dataTransfer });

const total = lines.reduce((sum, l) => sum + l.monthly, 0);
const fixed = lines.filter(l => !['CloudFront', 'S3 storage', 'Data transfer', 'Route 53'].includes(l.item) || l.item === 'Route 53' && zones > 0)
  .reduce((sum, l) => sum + l.monthly, 0);

const page = [
  '# What the example system costs',
  '',
  '<!-- Written by `npx projen cost` from the example\'s templates and scripts/cost/prices.json; do not edit by hand. -->',
  '',
  'The default `ProductionWebApp` of `examples/` (us-east-1, no domain), priced line by line: counts, classes and sizes '
    + 'come from its synthesized templates, prices from [scripts/cost/prices.json](../scripts/cost/prices.json). '
    + prices.description,
  '',
  '| Item | What the templates create | USD a month | Specification |',
  '|---|---|---:|---:|',
  ...lines.map(l => `| ${l.item} | ${l.basis} | ${usd(l.monthly)} | ${l.spec === undefined ? '-' : l.spec} |`),
  `| **Total** | | **${usd(total)}** | **~${SPEC.total}** |`,
  '',
  `Of the total, ${usd(fixed)} USD is billed whatever the traffic. Not priced above, because they follow traffic: load `
    + 'balancer capacity units, NAT data processing, WAF requests, CloudWatch Logs ingestion (VPC flow logs, instance, '
    + `database, cache and WAF logs, at ${prices.cloudWatchLogsPerGbIngested} per GB), cross-region replication of the backups, `
    + 'AWS Backup and snapshot storage beyond the free allowance, Lambda and SNS.',
  '',
  'Where the figures differ from the specification\'s table:',
  '- **ElastiCache**: the specification\'s configuration (cluster mode, 2 shards, 1 replica per shard) is 4 nodes, while '
    + 'its cost table counts 2.',
  '- **Security and operations** the specification asks for but does not price: the CloudFront web ACL, the KMS keys '
    + 'that encrypt every store and log, the secrets, the alarms and the dashboard.',
  '',
  'The levers: `network: { natStrategy: NatStrategy.single() }` saves a NAT gateway (for development: the architecture '
    + 'keeps one per zone); `dataTier: { cache: { engine: CacheEngine.valkey() } }` costs 20% less per node than Redis '
    + 'OSS; reserved instances and Savings Plans apply to the instances, the database and the cache nodes.',
  '',
].join('\n');

console.log(page);
if (pageFile) {
  fs.writeFileSync(pageFile, page);
  // The README quotes the total, rounded to ten dollars: it must follow the defaults too.
  const quoted = `about ${Math.round(total / 10) * 10} USD a month`;
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8').replace(/\s+/g, ' ');
  if (!readme.includes(quoted)) throw new Error(`README.md must quote the estimate as '${quoted}' (section Cost)`);
}
