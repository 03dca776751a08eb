/**
 * Reads a synthesized cloud assembly (cdk.out) and extracts what the architecture diagram shows.
 *
 * Resources are matched by their CloudFormation type and properties, never by logical ID, so the model survives
 * refactors of the app that produced the templates. Every part of the model is optional: whatever is absent from the
 * templates is left undefined and the diagram omits it.
 */
import * as fs from 'fs';
import * as path from 'path';

// ---------------------------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------------------------

export type SubnetTier = 'public' | 'app' | 'data';

export interface StackSummary {
  /** The stack's name (display name in the manifest). */
  readonly name: string;
  /** Its region, when the manifest pins one. */
  readonly region?: string;
  /** What it holds, for the legend ("CloudFront certificate", "backups replica", ...). */
  readonly roles: string[];
}

export interface AzSummary {
  /** Sort key: the Fn::Select index of Fn::GetAZs, or the literal zone name. */
  readonly key: string;
  /** e.g. "Availability Zone 1" or "Availability Zone eu-west-1a". */
  readonly label: string;
  /** CIDRs of each tier's subnets in this zone. */
  readonly cidrs: Record<SubnetTier, string[]>;
  /** Subnet group names (aws-cdk:subnet-name tag) of each tier in this zone. */
  readonly names: Record<SubnetTier, string[]>;
  /** Subnet kinds of each tier in this zone: "public", "private" or "isolated" (aws-cdk:subnet-type tag). */
  readonly kinds: Record<SubnetTier, string[]>;
  /** NAT gateways in this zone. */
  readonly natGateways: number;
  /** Whether the tier's workload runs here (the ASG / DB subnet group / cache subnet group span it). */
  readonly hostsApp: boolean;
  readonly hostsData: boolean;
}

export interface VpcSummary {
  readonly cidr?: string;
  readonly azs: AzSummary[];
  readonly natGateways: number;
  readonly internetGateway: boolean;
  /** Gateway/interface endpoint service short names, e.g. ["s3", "dynamodb"]. */
  readonly endpoints: string[];
  readonly flowLogs: boolean;
  /** True when the data tier has no subnets of its own (it shares the application subnets). */
  readonly dataSharesAppSubnets: boolean;
}

export interface LoadBalancerSummary {
  readonly scheme?: string;
  /** e.g. ["HTTPS 443", "HTTP 80"]. */
  readonly listeners: string[];
  /** Ingress restricted to a managed prefix list (CloudFront's origin-facing one). */
  readonly prefixListOnly: boolean;
  /** Forwarding gated on a secret header from CloudFront. */
  readonly originHeader: boolean;
  /** Protocol and port of the targets, e.g. "HTTP 80". */
  readonly targetProtocol?: string;
  readonly healthCheckPath?: string;
  /** A regional WAF web ACL is associated with the load balancer. */
  readonly regionalWebAcl: boolean;
}

export interface AutoScalingSummary {
  readonly instanceType?: string;
  /** e.g. "Amazon Linux 2023", from the SSM parameter of the image ID. */
  readonly image?: string;
  readonly min?: number;
  readonly desired?: number;
  readonly max?: number;
  /** e.g. "step scaling on CPU (out ≥ 70%, in ≤ 30%)". */
  readonly scaling?: string;
}

export interface DatabaseSummary {
  /** e.g. "PostgreSQL 15". */
  readonly engine: string;
  readonly instanceClass?: string;
  readonly multiAz: boolean;
  readonly port?: number;
  readonly storage?: string;
  readonly encrypted: boolean;
  readonly backupRetentionDays?: number;
  readonly awsBackupPlan: boolean;
  readonly readReplicas: number;
}

export interface CacheSummary {
  /** e.g. "Redis 7.1". */
  readonly engine: string;
  readonly nodeType?: string;
  readonly shards: number;
  readonly replicasPerShard: number;
  readonly multiAz: boolean;
  readonly port?: number;
  readonly tls: boolean;
  readonly atRestEncryption: boolean;
  readonly clusterMode: boolean;
}

export interface WebAclSummary {
  readonly stack: string;
  readonly region?: string;
  readonly ruleCount: number;
  readonly managedRuleGroups: number;
  readonly rateLimit?: number;
  /** The rate-based rule's evaluation window. */
  readonly rateWindowSeconds?: number;
}

export interface EdgeSummary {
  readonly aliases: string[];
  readonly httpVersion?: string;
  readonly priceClass?: string;
  /** How CloudFront reaches the load balancer: "HTTPS 443" or "HTTP 80". */
  readonly originProtocol?: string;
  /** Path patterns served from the static assets bucket. */
  readonly staticPaths: string[];
  readonly staticViaOac: boolean;
  readonly viewerHttpsOnly: boolean;
  readonly minimumTls?: string;
  readonly webAcl?: WebAclSummary;
  /** Where the viewer certificate lives (a us-east-1 stack), when there is one. */
  readonly certificate?: { readonly stack: string; readonly region?: string };
  readonly logsToBucket: boolean;
}

export interface DnsSummary {
  /** Record names aliasing the distribution, without the trailing dot. */
  readonly names: string[];
  readonly recordTypes: string[];
}

export interface BucketSummary {
  readonly encryption?: string;
  readonly versioned: boolean;
  /** e.g. "Glacier after 30 d", "expire after 90 d". */
  readonly lifecycle: string[];
}

export interface ReplicationSummary {
  readonly region?: string;
  readonly stack?: string;
  readonly kms: boolean;
  readonly replicaLifecycle: string[];
}

export interface ObservabilitySummary {
  /** Alarms that notify (not auto scaling triggers), per region in stack order. */
  readonly alarmsByRegion: { region: string; count: number }[];
  readonly alarmCount: number;
  readonly scalingAlarmCount: number;
  readonly dashboards: number;
  /** Graph widgets and markdown section headings of the dashboards. */
  readonly dashboardGraphs: number;
  readonly dashboardSections: string[];
  readonly trail?: { readonly multiRegion: boolean; readonly validation: boolean; readonly kms: boolean; readonly toLogs: boolean };
  readonly alarmTopics: number;
  readonly emailSubscriptions: number;
  readonly logGroups: number;
  readonly flowLogs: boolean;
}

export interface ArchitectureModel {
  readonly source: string;
  readonly stacks: StackSummary[];
  readonly mainStack?: StackSummary;
  readonly vpc?: VpcSummary;
  readonly loadBalancer?: LoadBalancerSummary;
  readonly autoScaling?: AutoScalingSummary;
  readonly database?: DatabaseSummary;
  readonly cache?: CacheSummary;
  readonly edge?: EdgeSummary;
  readonly dns?: DnsSummary;
  readonly staticAssets?: BucketSummary;
  readonly logs?: BucketSummary & { readonly sources: string[] };
  readonly backups?: BucketSummary;
  readonly replication?: ReplicationSummary;
  readonly observability: ObservabilitySummary;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

interface Resource {
  readonly id: string;
  readonly type: string;
  readonly props: Obj;
}

interface Template {
  readonly name: string;
  readonly region?: string;
  readonly resources: Resource[];
  readonly byId: Map<string, Resource>;
  readonly parameters: Obj;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A literal string (or number) value; undefined for intrinsic functions. */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

/** The logical ID a Ref or Fn::GetAtt points at. */
function target(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every logical ID referenced anywhere inside a value. */
function referencedIds(v: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(v)) {
    for (const item of v) referencedIds(item, into);
  } else if (isObj(v)) {
    const t = target(v);
    if (t) into.add(t);
    for (const value of Object.values(v)) referencedIds(value, into);
  }
  return into;
}

function tag(props: Obj, key: string): string | undefined {
  for (const t of arr(props.Tags)) {
    if (isObj(t) && t.Key === key) return str(t.Value);
  }
  return undefined;
}

function ofType(template: Template | undefined, type: string): Resource[] {
  return template ? template.resources.filter(r => r.type === type) : [];
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the cloud assembly
// ---------------------------------------------------------------------------------------------------------------

function loadTemplate(file: string, name: string, region?: string): Template {
  const json = obj(JSON.parse(fs.readFileSync(file, 'utf8')));
  const resources = Object.entries(obj(json.Resources)).map(([id, r]) => ({
    id,
    type: String(obj(r).Type ?? ''),
    props: obj(obj(r).Properties),
  }));
  return { name, region, resources, byId: new Map(resources.map(r => [r.id, r])), parameters: obj(json.Parameters) };
}

function regionOf(environment: unknown): string | undefined {
  const match = /^aws:\/\/[^/]+\/(.+)$/.exec(String(environment ?? ''));
  if (!match || match[1].startsWith('unknown-')) return undefined;
  return match[1];
}

/** The stacks of an assembly (and of nested assemblies, e.g. stages), in manifest order. */
function loadAssembly(dir: string): Template[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    return fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).sort()
      .map(f => loadTemplate(path.join(dir, f), f.replace(/\.template\.json$/, '')));
  }
  const manifest = obj(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
  const templates: Template[] = [];
  for (const [id, artifact] of Object.entries(obj(manifest.artifacts))) {
    const a = obj(artifact);
    const props = obj(a.properties);
    if (a.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
      const file = path.join(dir, props.templateFile);
      if (fs.existsSync(file)) {
        templates.push(loadTemplate(file, str(a.displayName) ?? str(props.stackName) ?? id, regionOf(a.environment)));
      }
    } else if (a.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      templates.push(...loadAssembly(path.join(dir, props.directoryName)));
    }
  }
  return templates;
}

// ---------------------------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------------------------

const ENGINE_NAMES: Record<string, string> = {
  'postgres': 'PostgreSQL',
  'aurora-postgresql': 'Aurora PostgreSQL',
  'mysql': 'MySQL',
  'aurora-mysql': 'Aurora MySQL',
  'mariadb': 'MariaDB',
  'redis': 'Redis',
  'valkey': 'Valkey',
  'memcached': 'Memcached',
};

function engineLabel(engine: unknown, version: unknown): string | undefined {
  const e = str(engine);
  if (!e) return undefined;
  const name = ENGINE_NAMES[e.toLowerCase()] ?? e;
  const v = str(version);
  return v ? `${name} ${v}` : name;
}

function bucketSummary(props: Obj): BucketSummary {
  const sse = obj(arr(obj(props.BucketEncryption).ServerSideEncryptionConfiguration)[0]);
  const algorithm = str(obj(sse.ServerSideEncryptionByDefault).SSEAlgorithm);
  const encryption = algorithm === 'AES256' ? 'SSE-S3' : algorithm?.startsWith('aws:kms') ? 'SSE-KMS' : undefined;
  return {
    encryption,
    versioned: str(obj(props.VersioningConfiguration).Status) === 'Enabled',
    lifecycle: lifecycleOf(props),
  };
}

function lifecycleOf(props: Obj): string[] {
  const out: string[] = [];
  for (const rule of arr(obj(props.LifecycleConfiguration).Rules)) {
    const r = obj(rule);
    if (str(r.Status) !== 'Enabled') continue;
    for (const t of arr(r.Transitions)) {
      const days = num(obj(t).TransitionInDays);
      const cls = str(obj(t).StorageClass);
      if (days !== undefined && cls) out.push(`${storageClass(cls)} after ${days} d`);
    }
    const expire = num(r.ExpirationInDays);
    if (expire !== undefined) out.push(`expire after ${expire} d`);
  }
  return unique(out);
}

function storageClass(cls: string): string {
  const names: Record<string, string> = {
    GLACIER: 'Glacier',
    DEEP_ARCHIVE: 'Deep Archive',
    GLACIER_IR: 'Glacier IR',
    STANDARD_IA: 'Standard-IA',
    ONEZONE_IA: 'One Zone-IA',
    INTELLIGENT_TIERING: 'Intelligent-Tiering',
  };
  return names[cls] ?? cls;
}

function azOf(subnet: Resource): { key: string; label: string } | undefined {
  const az = subnet.props.AvailabilityZone;
  const literal = str(az);
  if (literal) return { key: `z:${literal}`, label: `Availability Zone ${literal}` };
  const select = obj(az)['Fn::Select'];
  if (Array.isArray(select)) {
    const index = num(select[0]);
    if (index !== undefined) return { key: `i:${String(index).padStart(3, '0')}`, label: `Availability Zone ${index + 1}` };
  }
  return undefined;
}

function subnetIdsOf(v: unknown): string[] {
  return arr(v).map(target).filter((x): x is string => x !== undefined);
}

function extractVpc(main: Template, asg: Resource | undefined, alb: Resource | undefined, dbSubnets: string[]): VpcSummary | undefined {
  const vpc = ofType(main, 'AWS::EC2::VPC')[0];
  if (!vpc) return undefined;
  const subnets = ofType(main, 'AWS::EC2::Subnet').filter(s => target(s.props.VpcId) === vpc.id || !target(s.props.VpcId));

  const albSubnets = new Set(alb ? subnetIdsOf(alb.props.Subnets) : []);
  const appSubnets = new Set(asg ? subnetIdsOf(asg.props.VPCZoneIdentifier) : []);
  const dataSubnets = new Set(dbSubnets);
  const igwRouted = new Set<string>();
  const igws = new Set(ofType(main, 'AWS::EC2::InternetGateway').map(r => r.id));
  const tableOfSubnet = new Map<string, string>();
  for (const assoc of ofType(main, 'AWS::EC2::SubnetRouteTableAssociation')) {
    const s = target(assoc.props.SubnetId);
    const t = target(assoc.props.RouteTableId);
    if (s && t) tableOfSubnet.set(s, t);
  }
  const igwTables = new Set(ofType(main, 'AWS::EC2::Route')
    .filter(r => igws.has(target(r.props.GatewayId) ?? ''))
    .map(r => target(r.props.RouteTableId)));
  for (const [s, t] of tableOfSubnet) if (igwTables.has(t)) igwRouted.add(s);

  const tierOf = (s: Resource): SubnetTier => {
    if (albSubnets.has(s.id) && (alb && str(alb.props.Scheme) !== 'internal')) return 'public';
    if (appSubnets.has(s.id)) return 'app';
    if (dataSubnets.has(s.id)) return 'data';
    const type = tag(s.props, 'aws-cdk:subnet-type');
    if (type === 'Public' || igwRouted.has(s.id) || bool(s.props.MapPublicIpOnLaunch)) return 'public';
    if (type === 'Isolated') return 'data';
    return 'app';
  };

  const natSubnets = ofType(main, 'AWS::EC2::NatGateway').map(n => target(n.props.SubnetId));
  const azs = new Map<string, {
    label: string;
    cidrs: Record<SubnetTier, string[]>;
    names: Record<SubnetTier, string[]>;
    kinds: Record<SubnetTier, string[]>;
    nat: number;
    app: boolean;
    data: boolean;
  }>();
  for (const s of subnets) {
    const az = azOf(s);
    if (!az) continue;
    let entry = azs.get(az.key);
    if (!entry) {
      entry = {
        label: az.label,
        cidrs: { public: [], app: [], data: [] },
        names: { public: [], app: [], data: [] },
        kinds: { public: [], app: [], data: [] },
        nat: 0,
        app: false,
        data: false,
      };
      azs.set(az.key, entry);
    }
    const tier = tierOf(s);
    const cidr = str(s.props.CidrBlock);
    if (cidr) entry.cidrs[tier].push(cidr);
    const name = tag(s.props, 'aws-cdk:subnet-name');
    if (name && !entry.names[tier].includes(name)) entry.names[tier].push(name);
    const type = tag(s.props, 'aws-cdk:subnet-type')?.toLowerCase()
      ?? (igwRouted.has(s.id) || bool(s.props.MapPublicIpOnLaunch) ? 'public' : undefined);
    if (type && !entry.kinds[tier].includes(type)) entry.kinds[tier].push(type);
    entry.nat += natSubnets.filter(n => n === s.id).length;
    if (appSubnets.has(s.id)) entry.app = true;
    if (dataSubnets.has(s.id)) entry.data = true;
  }
  const dataShares = dataSubnets.size > 0 && [...dataSubnets].every(id => appSubnets.has(id));
  const sorted = [...azs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const endpoints = ofType(main, 'AWS::EC2::VPCEndpoint').map(e => {
    const service = e.props.ServiceName;
    const literal = str(service);
    if (literal) return literal.split('.').pop() ?? literal;
    const join = arr(obj(service)['Fn::Join'])[1];
    const parts = arr(join).map(str).filter((x): x is string => x !== undefined);
    return (parts[parts.length - 1] ?? '').replace(/^\./, '');
  }).filter(x => x !== '');

  return {
    cidr: str(vpc.props.CidrBlock),
    azs: sorted.map(([key, e]) => ({
      key, label: e.label, cidrs: e.cidrs, names: e.names, kinds: e.kinds, natGateways: e.nat, hostsApp: e.app, hostsData: e.data,
    })),
    natGateways: ofType(main, 'AWS::EC2::NatGateway').length,
    internetGateway: igws.size > 0,
    endpoints: unique(endpoints),
    flowLogs: ofType(main, 'AWS::EC2::FlowLog').length > 0,
    dataSharesAppSubnets: dataShares,
  };
}

function extractLoadBalancer(main: Template, alb: Resource): LoadBalancerSummary {
  const listeners = ofType(main, 'AWS::ElasticLoadBalancingV2::Listener')
    .filter(l => target(l.props.LoadBalancerArn) === alb.id)
    .map(l => ({ port: num(l.props.Port) ?? 0, protocol: str(l.props.Protocol) ?? '' }))
    .sort((a, b) => b.port - a.port)
    .map(l => `${l.protocol} ${l.port}`.trim());
  const groups = new Set(arr(alb.props.SecurityGroups).map(target));
  const ingress = [
    ...ofType(main, 'AWS::EC2::SecurityGroupIngress').filter(i => groups.has(target(i.props.GroupId))).map(i => i.props),
    ...ofType(main, 'AWS::EC2::SecurityGroup').filter(g => groups.has(g.id)).flatMap(g => arr(g.props.SecurityGroupIngress).map(obj)),
  ];
  const prefixListOnly = ingress.length > 0 && ingress.every(i => i.SourcePrefixListId !== undefined);
  const listenerIds = new Set(ofType(main, 'AWS::ElasticLoadBalancingV2::Listener')
    .filter(l => target(l.props.LoadBalancerArn) === alb.id).map(l => l.id));
  const originHeader = ofType(main, 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(r => listenerIds.has(target(r.props.ListenerArn) ?? ''))
    .some(r => arr(r.props.Conditions).some(c => str(obj(c).Field) === 'http-header'));
  const tg = ofType(main, 'AWS::ElasticLoadBalancingV2::TargetGroup')[0];
  const tgProtocol = tg ? str(tg.props.Protocol) : undefined;
  const tgPort = tg ? num(tg.props.Port) : undefined;
  return {
    scheme: str(alb.props.Scheme),
    listeners,
    prefixListOnly,
    originHeader,
    targetProtocol: tgProtocol && tgPort !== undefined ? `${tgProtocol} ${tgPort}` : undefined,
    healthCheckPath: tg ? str(tg.props.HealthCheckPath) : undefined,
    regionalWebAcl: ofType(main, 'AWS::WAFv2::WebACLAssociation').some(a => referencedIds(a.props.ResourceArn).has(alb.id)),
  };
}

function extractAutoScaling(main: Template, asg: Resource): AutoScalingSummary {
  let instanceType: string | undefined;
  const ltRef = target(obj(asg.props.LaunchTemplate).LaunchTemplateId) ?? target(obj(asg.props.MixedInstancesPolicy).LaunchTemplate);
  const lt = ltRef ? main.byId.get(ltRef) : undefined;
  if (lt) instanceType = str(obj(lt.props.LaunchTemplateData).InstanceType);
  const imageParam = target(obj(lt?.props.LaunchTemplateData).ImageId);
  const image = imageParam ? imageName(str(obj(main.parameters[imageParam]).Default)) : undefined;
  const lcRef = target(asg.props.LaunchConfigurationName);
  const lc = lcRef ? main.byId.get(lcRef) : undefined;
  if (!instanceType && lc) instanceType = str(lc.props.InstanceType);

  // Scaling: target tracking policies, or step policies with the alarms that trigger them.
  const policies = ofType(main, 'AWS::AutoScaling::ScalingPolicy').filter(p => target(p.props.AutoScalingGroupName) === asg.id);
  let scaling: string | undefined;
  const tracking = policies.find(p => str(p.props.PolicyType) === 'TargetTrackingScaling');
  if (tracking) {
    const config = obj(tracking.props.TargetTrackingConfiguration);
    const metric = str(obj(config.PredefinedMetricSpecification).PredefinedMetricType) ?? 'custom metric';
    const value = num(config.TargetValue);
    scaling = `target tracking: ${metricLabel(metric)}${value !== undefined ? ` ${value}${/CPU/.test(metric) ? '%' : ''}` : ''}`;
  } else if (policies.some(p => str(p.props.PolicyType) === 'StepScaling')) {
    const policyIds = new Set(policies.map(p => p.id));
    const triggers = ofType(main, 'AWS::CloudWatch::Alarm')
      .filter(a => arr(a.props.AlarmActions).some(x => policyIds.has(target(x) ?? '')));
    const metric = unique(triggers.map(a => str(a.props.MetricName)).filter((x): x is string => !!x))[0];
    const parts: string[] = [];
    for (const a of triggers) {
      const op = str(a.props.ComparisonOperator) ?? '';
      const threshold = num(a.props.Threshold);
      if (threshold === undefined) continue;
      const unit = metric === 'CPUUtilization' ? '%' : '';
      if (op.startsWith('Greater')) parts.unshift(`out ${op.includes('OrEqual') ? '≥' : '>'} ${threshold}${unit}`);
      else if (op.startsWith('Less')) parts.push(`in ${op.includes('OrEqual') ? '≤' : '<'} ${threshold}${unit}`);
    }
    scaling = `step scaling on ${metric ? metricLabel(metric) : 'alarms'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
  return {
    instanceType,
    image,
    min: num(asg.props.MinSize),
    desired: num(asg.props.DesiredCapacity),
    max: num(asg.props.MaxSize),
    scaling,
  };
}

function imageName(ssmParameter: string | undefined): string | undefined {
  if (!ssmParameter) return undefined;
  if (/al2023/.test(ssmParameter)) return 'Amazon Linux 2023';
  if (/amzn2/.test(ssmParameter)) return 'Amazon Linux 2';
  if (/ubuntu/.test(ssmParameter)) return 'Ubuntu';
  if (/windows/i.test(ssmParameter)) return 'Windows Server';
  return undefined;
}

function metricLabel(metric: string): string {
  if (/CPU/i.test(metric)) return 'CPU';
  if (/RequestCount/i.test(metric)) return 'requests per target';
  if (/NetworkIn/i.test(metric)) return 'network in';
  if (/NetworkOut/i.test(metric)) return 'network out';
  return metric;
}

function extractDatabase(main: Template): { summary?: DatabaseSummary; subnets: string[] } {
  const instances = ofType(main, 'AWS::RDS::DBInstance');
  const cluster = ofType(main, 'AWS::RDS::DBCluster')[0];
  const primary = instances.find(i => i.props.SourceDBInstanceIdentifier === undefined && i.props.DBClusterIdentifier === undefined)
    ?? instances[0];
  if (!primary && !cluster) return { subnets: [] };
  const p = cluster?.props ?? primary!.props;
  const engine = engineLabel(p.Engine, p.EngineVersion) ?? 'Database';
  const subnetGroupId = target(p.DBSubnetGroupName) ?? (primary ? target(primary.props.DBSubnetGroupName) : undefined);
  const subnetGroup = subnetGroupId ? main.byId.get(subnetGroupId) : undefined;
  const dbIds = new Set([primary?.id, cluster?.id].filter((x): x is string => !!x));
  const awsBackupPlan = ofType(main, 'AWS::Backup::BackupSelection')
    .some(s => [...referencedIds(obj(s.props.BackupSelection).Resources)].some(id => dbIds.has(id)));
  const storageType = str(p.StorageType);
  const allocated = num(p.AllocatedStorage);
  return {
    summary: {
      engine,
      instanceClass: str(primary?.props.DBInstanceClass) ?? str(p.DBClusterInstanceClass),
      multiAz: bool(p.MultiAZ) || (cluster !== undefined && instances.filter(i => target(i.props.DBClusterIdentifier) === cluster.id).length > 1),
      port: num(p.Port),
      storage: allocated !== undefined ? `${allocated} GiB${storageType ? ` ${storageType}` : ''}` : storageType,
      encrypted: bool(p.StorageEncrypted),
      backupRetentionDays: num(p.BackupRetentionPeriod),
      awsBackupPlan,
      readReplicas: instances.filter(i => i.props.SourceDBInstanceIdentifier !== undefined).length,
    },
    subnets: subnetGroup ? subnetIdsOf(subnetGroup.props.SubnetIds) : [],
  };
}

function extractCache(main: Template): { summary?: CacheSummary; subnets: string[] } {
  const rg = ofType(main, 'AWS::ElastiCache::ReplicationGroup')[0];
  const cc = ofType(main, 'AWS::ElastiCache::CacheCluster')[0];
  const r = rg ?? cc;
  if (!r) return { subnets: [] };
  const p = r.props;
  const configured = arr(p.NodeGroupConfiguration);
  const shards = num(p.NumNodeGroups) ?? (configured.length || 1);
  const replicas = num(p.ReplicasPerNodeGroup)
    ?? (num(p.NumCacheClusters) !== undefined ? Math.max(0, num(p.NumCacheClusters)! - 1) : 0);
  const subnetGroupId = target(p.CacheSubnetGroupName);
  const subnetGroup = subnetGroupId ? main.byId.get(subnetGroupId) : undefined;
  return {
    summary: {
      engine: engineLabel(p.Engine, p.EngineVersion) ?? 'Cache',
      nodeType: str(p.CacheNodeType),
      shards,
      replicasPerShard: rg ? replicas : 0,
      multiAz: bool(p.MultiAZEnabled),
      port: num(p.Port),
      tls: bool(p.TransitEncryptionEnabled),
      atRestEncryption: bool(p.AtRestEncryptionEnabled),
      clusterMode: num(p.NumNodeGroups) !== undefined || configured.length > 0,
    },
    subnets: subnetGroup ? subnetIdsOf(subnetGroup.props.SubnetIds) : [],
  };
}

/** The template, region and resource a cross-region reference (a custom resource with a Region property) points at. */
function crossRegionTarget(templates: Template[], from: Template, id: string | undefined):
{ template?: Template; resource?: Resource; region?: string } {
  if (!id) return {};
  const local = from.byId.get(id);
  if (!local) return {};
  if (!local.type.startsWith('Custom::')) return { template: from, resource: local, region: from.region };
  const region = str(local.props.Region);
  const parameter = str(local.props.ParameterName);
  for (const t of templates) {
    if (t === from) continue;
    const param = ofType(t, 'AWS::SSM::Parameter').find(p => parameter !== undefined && str(p.props.Name) === parameter);
    if (param) {
      const resourceId = target(param.props.Value);
      return { template: t, resource: resourceId ? t.byId.get(resourceId) : undefined, region: region ?? t.region };
    }
  }
  return { region };
}

function extractEdge(templates: Template[], main: Template, alb: Resource | undefined, buckets: Set<string>):
{ edge?: EdgeSummary; staticBucket?: string; logsBucket?: string } {
  const dist = ofType(main, 'AWS::CloudFront::Distribution')[0];
  if (!dist) return {};
  const config = obj(dist.props.DistributionConfig);
  const origins = arr(config.Origins).map(obj);
  let originProtocol: string | undefined;
  let staticBucket: string | undefined;
  const staticOriginIds = new Set<string>();
  let staticViaOac = false;
  for (const o of origins) {
    const domainTarget = target(o.DomainName);
    if (domainTarget && buckets.has(domainTarget)) {
      staticBucket = staticBucket ?? domainTarget;
      if (str(o.Id)) staticOriginIds.add(str(o.Id)!);
      staticViaOac = staticViaOac || o.OriginAccessControlId !== undefined;
    } else if (isObj(o.CustomOriginConfig)) {
      const policy = str(o.CustomOriginConfig.OriginProtocolPolicy);
      const pointsAtAlb = alb && referencedIds(o.DomainName).has(alb.id);
      if (!originProtocol || pointsAtAlb) {
        originProtocol = policy === 'http-only'
          ? `HTTP ${num(o.CustomOriginConfig.HTTPPort) ?? 80}`
          : `HTTPS ${num(o.CustomOriginConfig.HTTPSPort) ?? 443}`;
      }
    }
  }
  const behaviors = arr(config.CacheBehaviors).map(obj);
  const staticPaths = behaviors.filter(b => staticOriginIds.has(str(b.TargetOriginId) ?? '')).map(b => str(b.PathPattern) ?? '')
    .filter(x => x !== '');
  const allBehaviors = [obj(config.DefaultCacheBehavior), ...behaviors];
  const viewerHttpsOnly = allBehaviors.every(b => ['redirect-to-https', 'https-only'].includes(str(b.ViewerProtocolPolicy) ?? ''));

  // Web ACL: a WAFv2 web ACL with CLOUDFRONT scope, in this template or the us-east-1 companion the distribution reads.
  let webAcl: WebAclSummary | undefined;
  const aclRef = crossRegionTarget(templates, main, target(config.WebACLId));
  const acl = aclRef.resource?.type === 'AWS::WAFv2::WebACL' ? aclRef.resource
    : templates.flatMap(t => ofType(t, 'AWS::WAFv2::WebACL')).find(a => str(a.props.Scope) === 'CLOUDFRONT');
  if (acl) {
    const owner = templates.find(t => t.byId.get(acl.id) === acl)!;
    const rules = arr(acl.props.Rules).map(obj);
    const rateRule = rules.map(r => obj(obj(r.Statement).RateBasedStatement)).find(r => num(r.Limit) !== undefined);
    webAcl = {
      stack: owner.name,
      region: owner.region,
      ruleCount: rules.length,
      managedRuleGroups: rules.filter(r => isObj(obj(r.Statement).ManagedRuleGroupStatement)).length,
      rateLimit: rateRule ? num(rateRule.Limit) : undefined,
      rateWindowSeconds: rateRule ? num(rateRule.EvaluationWindowSec) ?? 300 : undefined,
    };
  }
  let certificate: EdgeSummary['certificate'];
  const viewerCert = obj(config.ViewerCertificate);
  if (viewerCert.AcmCertificateArn !== undefined) {
    const certRef = crossRegionTarget(templates, main, target(viewerCert.AcmCertificateArn));
    const owner = certRef.template ?? main;
    certificate = { stack: owner.name, region: certRef.region ?? owner.region };
  }
  const logsBucket = target(obj(config.Logging).Bucket);
  return {
    edge: {
      aliases: arr(config.Aliases).map(str).filter((x): x is string => !!x),
      httpVersion: str(config.HttpVersion),
      priceClass: str(config.PriceClass),
      originProtocol,
      staticPaths,
      staticViaOac,
      viewerHttpsOnly,
      minimumTls: str(viewerCert.MinimumProtocolVersion),
      webAcl,
      certificate,
      logsToBucket: logsBucket !== undefined,
    },
    staticBucket,
    logsBucket,
  };
}

function extractDns(main: Template): DnsSummary | undefined {
  const dist = ofType(main, 'AWS::CloudFront::Distribution')[0];
  if (!dist) return undefined;
  const records = ofType(main, 'AWS::Route53::RecordSet')
    .filter(r => referencedIds(obj(r.props.AliasTarget).DNSName).has(dist.id));
  if (records.length === 0) return undefined;
  return {
    names: unique(records.map(r => (str(r.props.Name) ?? '').replace(/\.$/, '')).filter(x => x !== '')),
    recordTypes: unique(records.map(r => str(r.props.Type) ?? '').filter(x => x !== '')),
  };
}

function extractObservability(templates: Template[], main: Template | undefined): ObservabilitySummary {
  const byRegion = new Map<string, number>();
  let alarmCount = 0;
  let scalingAlarmCount = 0;
  const topics = new Set<string>();
  for (const t of templates) {
    const policies = new Set(ofType(t, 'AWS::AutoScaling::ScalingPolicy').map(p => p.id));
    for (const a of ofType(t, 'AWS::CloudWatch::Alarm')) {
      const actions = [...arr(a.props.AlarmActions), ...arr(a.props.OKActions), ...arr(a.props.InsufficientDataActions)];
      const targets = actions.map(target);
      if (targets.length > 0 && targets.every(x => x !== undefined && policies.has(x))) {
        scalingAlarmCount++;
        continue;
      }
      alarmCount++;
      const region = t.region ?? t.name;
      byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
      for (const x of targets) {
        if (x && t.byId.get(x)?.type === 'AWS::SNS::Topic') topics.add(`${t.name}/${x}`);
      }
    }
  }
  const trail = templates.flatMap(t => ofType(t, 'AWS::CloudTrail::Trail'))[0];
  // The dashboard body is JSON text, often an Fn::Join around tokens: read its literal parts.
  const bodies = templates.flatMap(t => ofType(t, 'AWS::CloudWatch::Dashboard')).map(d => {
    const body = d.props.DashboardBody;
    const parts = str(body) !== undefined ? [body] : arr(arr(obj(body)['Fn::Join'])[1]);
    return parts.map(str).filter((x): x is string => x !== undefined).join('');
  });
  const dashboardGraphs = bodies.reduce((sum, b) => sum + (b.match(/"type":"(metric|log)"/g) ?? []).length, 0);
  const dashboardSections = bodies.flatMap(b => [...b.matchAll(/"markdown":"#+ ([^"\\]+)/g)].map(x => x[1].trim()));
  const emailSubscriptions = templates.flatMap(t => ofType(t, 'AWS::SNS::Subscription')
    .filter(s => str(s.props.Protocol) === 'email' && topics.has(`${t.name}/${target(s.props.TopicArn)}`))).length
    + templates.flatMap(t => ofType(t, 'AWS::SNS::Topic')
      .filter(x => topics.has(`${t.name}/${x.id}`))
      .flatMap(x => arr(x.props.Subscription).filter(s => str(obj(s).Protocol) === 'email'))).length;
  return {
    alarmsByRegion: [...byRegion.entries()].map(([region, count]) => ({ region, count })),
    alarmCount,
    scalingAlarmCount,
    dashboards: bodies.length,
    dashboardGraphs,
    dashboardSections,
    trail: trail ? {
      multiRegion: bool(trail.props.IsMultiRegionTrail),
      validation: bool(trail.props.EnableLogFileValidation),
      kms: trail.props.KMSKeyId !== undefined,
      toLogs: trail.props.CloudWatchLogsLogGroupArn !== undefined,
    } : undefined,
    alarmTopics: topics.size,
    emailSubscriptions,
    logGroups: templates.flatMap(t => ofType(t, 'AWS::Logs::LogGroup')).length,
    flowLogs: main ? ofType(main, 'AWS::EC2::FlowLog').length > 0 : false,
  };
}

/** Reads the templates of a cloud assembly directory into the diagram's model. */
export function readArchitecture(cdkOut: string): ArchitectureModel {
  const templates = loadAssembly(cdkOut);
  if (templates.length === 0) throw new Error(`No stack templates in ${cdkOut} (run 'npx cdk synth' first).`);
  const main = templates.find(t => ofType(t, 'AWS::EC2::VPC').length > 0)
    ?? [...templates].sort((a, b) => b.resources.length - a.resources.length)[0];

  const alb = ofType(main, 'AWS::ElasticLoadBalancingV2::LoadBalancer').find(l => str(l.props.Type) !== 'network')
    ?? ofType(main, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
  const asg = ofType(main, 'AWS::AutoScaling::AutoScalingGroup')[0];
  const db = extractDatabase(main);
  const cache = extractCache(main);
  const vpc = extractVpc(main, asg, alb, unique([...db.subnets, ...cache.subnets]));

  const buckets = ofType(main, 'AWS::S3::Bucket');
  const bucketIds = new Set(buckets.map(b => b.id));
  const { edge, staticBucket, logsBucket: cfLogs } = extractEdge(templates, main, alb, bucketIds);

  // Logs bucket: where CloudFront / the load balancer write access logs, else the most common server access log target.
  const albLogs = alb ? arr(alb.props.LoadBalancerAttributes).map(obj)
    .filter(a => str(a.Key) === 'access_logs.s3.bucket').map(a => target(a.Value))[0] : undefined;
  const logsId = [cfLogs, albLogs].find(id => id !== undefined && bucketIds.has(id));
  const logSources: string[] = [];
  if (logsId) {
    if (cfLogs === logsId) logSources.push('CloudFront');
    if (albLogs === logsId) logSources.push('ALB');
    for (const b of buckets) {
      if (target(obj(b.props.LoggingConfiguration).DestinationBucketName) === logsId) logSources.push('S3');
    }
  }
  // Backups bucket: the (first) bucket replicating to another region.
  const backups = buckets.find(b => isObj(b.props.ReplicationConfiguration));
  let replication: ReplicationSummary | undefined;
  if (backups) {
    const rules = arr(obj(backups.props.ReplicationConfiguration).Rules).map(obj);
    const destination = obj(rules[0]?.Destination);
    const dest = crossRegionTarget(templates, main, target(destination.Bucket));
    const replicaStack = dest.template && dest.template !== main ? dest.template : undefined;
    const replicaRegion = dest.region ?? replicaStack?.region;
    replication = {
      region: replicaRegion,
      stack: replicaStack?.name ?? templates.find(t => t !== main && replicaRegion && t.region === replicaRegion)?.name,
      kms: obj(destination.EncryptionConfiguration).ReplicaKmsKeyID !== undefined,
      replicaLifecycle: dest.resource ? lifecycleOf(dest.resource.props) : [],
    };
  }

  // What each stack holds, for the header.
  const stacks: StackSummary[] = templates.map(t => {
    const roles: string[] = [];
    if (t === main) roles.push('main');
    if (ofType(t, 'AWS::WAFv2::WebACL').some(a => str(a.props.Scope) === 'CLOUDFRONT') && t !== main) roles.push('web ACL');
    if (t !== main && edge?.certificate?.stack === t.name) roles.push('certificate');
    if (t !== main && replication?.stack === t.name) roles.push('backups replica');
    if (t !== main && roles.length === 0 && ofType(t, 'AWS::CloudWatch::Alarm').length > 0) roles.push('alarms');
    return { name: t.name, region: t.region, roles };
  });

  return {
    source: cdkOut,
    stacks,
    mainStack: stacks[templates.indexOf(main)],
    vpc,
    loadBalancer: alb ? extractLoadBalancer(main, alb) : undefined,
    autoScaling: asg ? extractAutoScaling(main, asg) : undefined,
    database: db.summary,
    cache: cache.summary,
    edge,
    dns: extractDns(main),
    staticAssets: staticBucket ? bucketSummary(main.byId.get(staticBucket)!.props) : undefined,
    logs: logsId ? { ...bucketSummary(main.byId.get(logsId)!.props), sources: unique(logSources) } : undefined,
    backups: backups ? bucketSummary(backups.props) : undefined,
    replication,
    observability: extractObservability(templates, main),
  };
}
