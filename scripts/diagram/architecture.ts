/**
 * Draws the deployed architecture of the examples app from its synthesized templates: the model (./model.ts) becomes a
 * Graphviz graph, and `dot -Tsvg` lays it out and renders it.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json scripts/diagram/architecture.ts <cdk.out dir> <output.svg>
 *
 * `npx projen diagram` synthesizes the example outside us-east-1 with a (placeholder) domain, so that every stack
 * shows, and writes docs/architecture.svg. Labels (CIDRs, zones, instance type, capacity, engines, node types, alarm
 * counts, regions, stack names) come from the templates; what the templates lack is left out. The same templates and
 * the same Graphviz release give a byte-identical file (the release is named in the SVG's first comment).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ArchitectureModel, AzSummary, SubnetTier, readArchitecture } from './model';

/** AWS architecture icon colours, by category. */
const COLORS = {
  ink: '#232F3E',
  muted: '#545B64',
  faint: '#879196',
  networking: '#8C4FFF',
  compute: '#ED7100',
  database: '#C925D1',
  storage: '#7AA116',
  security: '#DD344C',
  management: '#E7157B',
  region: '#00A4A6',
};

const SUBNETS: Record<SubnetTier, { fallback: string; color: string; fill: string }> = {
  public: { fallback: 'Public', color: '#7AA116', fill: '#F2F8E9' },
  app: { fallback: 'Application', color: '#00A4A6', fill: '#E6F6F7' },
  data: { fallback: 'Data', color: '#147EBA', fill: '#EAF3FB' },
};

/**
 * Graphviz sizes text with the font fontconfig finds: DejaVu Sans is named, not a family fontconfig substitutes (such as
 * Helvetica), so that every Debian machine with Graphviz (whose fontconfig brings fonts-dejavu-core) lays out alike.
 */
const FONT = 'DejaVu Sans';

// ---------------------------------------------------------------------------------------------------------------
// DOT helpers
// ---------------------------------------------------------------------------------------------------------------

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && v.startsWith('<<') ? v : JSON.stringify(String(v))}`).join(' ');
}

function join(parts: Array<string | undefined | false>, sep = ' · '): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(sep);
}

function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}

/** A service card: an icon tile in the category colour, a bold title and muted detail lines. */
function card(icon: string, color: string, title: string, lines: Array<string | undefined>): string {
  const details = lines.filter((l): l is string => l !== undefined && l !== '');
  const rows = details.map(l => `<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="${COLORS.muted}">${esc(l)}</FONT></TD></TR>`);
  return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
    + `<TR><TD ROWSPAN="${details.length + 1}" VALIGN="TOP"><TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR>`
    + `<TD BGCOLOR="${color}" FIXEDSIZE="TRUE" WIDTH="28" HEIGHT="28"><FONT COLOR="#FFFFFF" POINT-SIZE="${icon.length > 2 ? 8 : 10}"><B>${esc(icon)}</B></FONT></TD>`
    + '</TR></TABLE></TD>'
    + `<TD ALIGN="LEFT"><B>${esc(title)}</B></TD></TR>${rows.join('')}</TABLE>>`;
}

function heading(text: string, color: string, size = 11): string {
  return `<<FONT POINT-SIZE="${size}" COLOR="${color}"><B>${esc(text)}</B></FONT>>`;
}

class Dot {
  private readonly lines: string[] = [];
  private depth = 1;

  line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
  }

  node(id: string, a: Record<string, string | number | undefined>): void {
    this.line(`${id} [${attrs(a)}]`);
  }

  service(id: string, icon: string, color: string, title: string, lines: Array<string | undefined>, extra: Record<string, string> = {}): void {
    this.node(id, { label: card(icon, color, title, lines), color, ...extra });
  }

  edge(from: string, to: string, a: Record<string, string | number | undefined> = {}): void {
    this.line(`${from} -> ${to}${Object.keys(a).length ? ` [${attrs(a)}]` : ''}`);
  }

  cluster(id: string, a: Record<string, string | number | undefined>, body: () => void): void {
    this.line(`subgraph cluster_${id} {`);
    this.depth++;
    this.line(`graph [${attrs(a)}]`);
    body();
    this.depth--;
    this.line('}');
  }

  toString(header: string): string {
    return `${header}\n${this.lines.join('\n')}\n}\n`;
  }
}

function httpVersion(v: string | undefined): string | undefined {
  const names: Record<string, string> = { http1: 'HTTP/1.1', http2: 'HTTP/2', http3: 'HTTP/3', http2and3: 'HTTP/2 + HTTP/3' };
  return v ? names[v] ?? v : undefined;
}

function priceClass(v: string | undefined): string | undefined {
  const names: Record<string, string> = {
    PriceClass_All: 'all edge locations', PriceClass_200: 'price class 200', PriceClass_100: 'price class 100',
  };
  return v ? names[v] ?? v : undefined;
}

function windowLabel(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

function regionText(region: string | undefined): string {
  return region ?? '(environment-agnostic)';
}

function subnetLabel(az: AzSummary, tier: SubnetTier): string | undefined {
  const cidrs = az.cidrs[tier];
  if (cidrs.length === 0) return undefined;
  const kind = az.kinds[tier][0];
  const name = az.names[tier][0] ?? SUBNETS[tier].fallback;
  return `${name} subnet${kind && kind !== name.toLowerCase() ? ` (${kind})` : ''} · ${cidrs.join(', ')} · ${az.label}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The graph
// ---------------------------------------------------------------------------------------------------------------

/** The model as a Graphviz graph (DOT). */
export function architectureDot(m: ArchitectureModel): string {
  const g = new Dot();
  const mainName = m.mainStack?.name ?? 'the main stack';
  const edge = m.edge;
  const vpc = m.vpc;
  const azs = vpc?.azs ?? [];
  const lb = m.loadBalancer;
  const asg = m.autoScaling;
  const db = m.database;
  const cache = m.cache;

  const stackList = m.stacks.map(s => {
    const roles = s.roles.filter(r => r !== 'main');
    const detail = join([s.region, roles.length ? roles.join(', ') : undefined], ': ');
    return detail ? `${s.name} (${detail})` : s.name;
  }).join('  ·  ');
  const title = '<<FONT POINT-SIZE="20"><B>cdk-production-webapp · deployed architecture</B></FONT><BR ALIGN="LEFT"/>'
    + `<FONT POINT-SIZE="11" COLOR="${COLORS.muted}">${esc(`${plural(m.stacks.length, 'stack')}: ${stackList}`)}</FONT><BR ALIGN="LEFT"/>>`;
  const header = [
    '// Generated by scripts/diagram/architecture.ts from the synthesized templates; do not edit by hand.',
    'digraph architecture {',
    `  graph [${attrs({
      label: title,
      labelloc: 't',
      labeljust: 'l',
      fontname: FONT,
      fontcolor: COLORS.ink,
      bgcolor: '#FFFFFF',
      newrank: 'true',
      compound: 'true',
      nodesep: 0.3,
      ranksep: 0.4,
      pad: 0.2,
      style: 'rounded',
    })}]`,
    `  node [${attrs({
      shape: 'box',
      style: 'rounded,filled',
      fillcolor: '#FFFFFF',
      penwidth: 1.4,
      fontname: FONT,
      fontsize: 11,
      fontcolor: COLORS.ink,
      margin: '0.06,0.03',
    })}]`,
    `  edge [${attrs({ fontname: FONT, fontsize: 9.5, fontcolor: COLORS.ink, color: COLORS.ink, penwidth: 1.6, arrowsize: 0.7 })}]`,
  ].join('\n');

  // ----- Edge: users, Route 53, CloudFront; the WAF and certificate of the us-east-1 companion -----
  drawLegend(g);
  g.node('users', { label: card('WWW', COLORS.muted, 'Users', ['browsers, mobile apps']), color: COLORS.muted });
  if (edge) {
    g.service('cloudfront', 'CF', COLORS.networking, 'Amazon CloudFront', [
      join([httpVersion(edge.httpVersion), priceClass(edge.priceClass)]),
      edge.minimumTls ? `viewer TLS ≥ ${edge.minimumTls}` : undefined,
      edge.aliases.length ? `aliases: ${edge.aliases.join(', ')}` : 'default *.cloudfront.net domain',
      edge.logsToBucket ? 'access logs → logs bucket' : undefined,
    ]);
    if (m.dns) {
      g.service('route53', 'R53', COLORS.networking, 'Route 53', [
        m.dns.names.join(', '), m.dns.recordTypes.length ? `alias ${m.dns.recordTypes.join(' + ')}` : undefined,
      ]);
      g.edge('users', 'route53', { label: 'DNS', color: COLORS.muted, fontcolor: COLORS.muted, penwidth: 1.2 });
      g.edge('route53', 'cloudfront', { label: 'alias', style: 'dashed', color: COLORS.muted, fontcolor: COLORS.muted, penwidth: 1.2 });
    }
    g.edge('users', 'cloudfront', { label: edge.viewerHttpsOnly ? 'HTTPS 443' : 'HTTP / HTTPS', penwidth: 2 });

    const acl = edge.webAcl;
    const cert = edge.certificate;
    if (acl || cert) {
      const owner = acl ?? cert!;
      const label = owner.stack !== mainName
        ? `${regionText(owner.region)} companion · stack ${owner.stack}`
        : `CloudFront ${acl ? 'web ACL' : 'certificate'} · ${regionText(owner.region)} · stack ${owner.stack}`;
      g.cluster('companion', { label: heading(label, COLORS.security), labeljust: 'l', color: COLORS.security, style: 'dashed,filled', fillcolor: '#FFF7F8' }, () => {
        if (acl) {
          const other = acl.ruleCount - acl.managedRuleGroups - (acl.rateLimit !== undefined ? 1 : 0);
          g.service('waf', 'WAF', COLORS.security, 'AWS WAF web ACL', [
            join([plural(acl.ruleCount, 'rule'), acl.managedRuleGroups ? `${acl.managedRuleGroups} managed groups` : undefined]),
            acl.rateLimit !== undefined ? `rate limit ${acl.rateLimit} / ${windowLabel(acl.rateWindowSeconds)} per IP` : undefined,
            other > 0 ? `+ ${plural(other, 'custom rule')}` : undefined,
          ]);
        }
        if (cert) {
          g.service('acm', 'ACM', COLORS.security, 'ACM certificate', [
            'CloudFront viewer TLS', edge.aliases.join(', '), cert.stack !== owner.stack ? `stack ${cert.stack}` : undefined,
          ]);
        }
      });
      // Beside CloudFront, which uses them.
      const ids = [acl ? 'waf' : undefined, cert ? 'acm' : undefined].filter((x): x is string => !!x);
      row(g, ['cloudfront', ...ids]);
      g.edge('cloudfront', ids[0], { style: 'dashed', color: COLORS.security, arrowhead: 'none', penwidth: 1.2 });
    }
  }

  const cacheNodes: string[] = [];
  let primary: string | undefined;
  // ----- The main region: VPC (tiers, then zones within each), regional buckets -----
  g.cluster('region', {
    label: heading(`Region ${regionText(m.mainStack?.region)} · stack ${mainName}`, COLORS.region, 12),
    labeljust: 'l',
    color: COLORS.region,
    style: 'dashed',
  }, () => {
    if (vpc) {
      const vpcLabel = join([
        vpc.cidr ? `VPC ${vpc.cidr}` : 'VPC',
        plural(azs.length, 'Availability Zone'),
        vpc.natGateways > 0 ? plural(vpc.natGateways, 'NAT gateway') : undefined,
        vpc.endpoints.length ? `endpoints: ${vpc.endpoints.join(', ')}` : undefined,
        vpc.flowLogs ? 'flow logs' : undefined,
      ]);
      g.cluster('vpc', { label: heading(vpcLabel, COLORS.networking, 12), labeljust: 'l', color: COLORS.networking, penwidth: 1.4 }, () => {
        if (vpc.internetGateway) {
          g.node('igw', { label: heading('Internet gateway', COLORS.networking), color: COLORS.networking, style: 'rounded,filled', margin: '0.15,0.02' });
        }
        const tiers = drawVpcTiers(g, m, azs);
        primary = tiers.primary;
        cacheNodes.push(...tiers.cacheNodes);
      });
    }
    drawBuckets(g, m);
  });

  // Request traffic from the edge down to the data tier.
  const albId = lb ? 'alb' : undefined;
  if (edge && albId) {
    const only = lb!.prefixListOnly || lb!.originHeader;
    const how = join([lb!.prefixListOnly ? 'prefix list' : undefined, lb!.originHeader ? 'origin header' : undefined], ' + ');
    const label = join([edge.originProtocol ?? 'origin', only ? `from CloudFront only${how ? ` (${how})` : ''}` : undefined]);
    if (vpc?.internetGateway) {
      g.edge('cloudfront', 'igw', { label, penwidth: 2 });
    } else {
      g.edge('cloudfront', albId, { label, penwidth: 2 });
    }
  }
  const ec2 = azs.map((az, i) => (asg && az.hostsApp ? `ec2_${i}` : undefined)).filter((x): x is string => !!x);
  if (albId) {
    for (const id of ec2) g.edge(albId, id, { label: lb!.targetProtocol });
  }
  if (ec2.length > 0) {
    const from = ec2[0];
    if (primary && db) g.edge(from, primary, { ltail: 'cluster_asg', label: `${db.engine.split(' ')[0]} ${db.port ?? ''}`.trim() });
    const cacheTarget = cacheNodes[0];
    if (cache && cacheTarget) {
      g.edge(ec2[ec2.length - 1], cacheTarget, {
        ltail: 'cluster_asg', label: join([`${cache.engine.split(' ')[0]} ${cache.port ?? ''}`.trim(), cache.tls ? 'TLS' : undefined]),
      });
    }
  }
  if (edge && m.staticAssets) {
    g.edge('cloudfront', 'static', {
      label: m.edge?.staticPaths.length ? `${m.edge.staticPaths.join(', ')} (OAC)` : 'static origin',
      color: COLORS.storage,
      fontcolor: COLORS.storage,
    });
  }

  drawDisasterRecovery(g, m);
  const lowest = cacheNodes[0] ?? primary ?? ec2[0];
  drawObservability(g, m, lowest);
  return g.toString(header);
}

/** Draws the tiers of the VPC; returns the IDs of the database primary and of the cache nodes (a zone may hold none). */
function drawVpcTiers(g: Dot, m: ArchitectureModel, azs: AzSummary[]): { primary?: string; cacheNodes: string[] } {
  const cacheNodes: string[] = [];
  const vpc = m.vpc!;
  const lb = m.loadBalancer;
  const asg = m.autoScaling;
  const db = m.database;
  const cache = m.cache;
  const subnet = (tier: SubnetTier, i: number, body: () => void) => {
    const label = subnetLabel(azs[i], tier) ?? (tier === 'data' && vpc.dataSharesAppSubnets ? `data tier in the application subnets · ${azs[i].label}` : undefined);
    if (!label) return body();
    const s = SUBNETS[tier];
    g.cluster(`${tier}_${i}`, { label: heading(label, s.color, 10), labeljust: 'l', color: s.color, style: 'filled', fillcolor: s.fill }, body);
  };

  // Public tier: the load balancer across the zones, a NAT gateway in each.
  g.cluster('public', { label: '', style: 'invis' }, () => {
    if (lb) {
      g.service('alb', 'ALB', COLORS.networking, 'Application Load Balancer', [
        lb.scheme,
        lb.listeners.length ? `listeners ${lb.listeners.join(', ')}` : undefined,
        lb.originHeader ? 'forwards only with CloudFront\'s header' : undefined,
        lb.regionalWebAcl ? 'regional AWS WAF web ACL' : undefined,
      ]);
    }
    azs.forEach((az, i) => subnet('public', i, () => {
      if (az.natGateways > 0) {
        g.service(`nat_${i}`, 'NAT', COLORS.networking, az.natGateways > 1 ? `NAT gateway ×${az.natGateways}` : 'NAT gateway',
          ['Elastic IP · egress for this zone']);
      } else {
        g.node(`public_${i}`, { label: '', shape: 'point', style: 'invis' });
      }
    }));
  });

  // Application tier: the Auto Scaling group across the application subnets.
  if (asg) {
    const capacity = join([
      asg.min !== undefined ? `min ${asg.min}` : undefined,
      asg.desired !== undefined ? `desired ${asg.desired}` : undefined,
      asg.max !== undefined ? `max ${asg.max}` : undefined,
    ]);
    g.cluster('asg', {
      label: heading(join(['Auto Scaling group', capacity, asg.scaling]), COLORS.compute, 11),
      labeljust: 'l',
      color: COLORS.compute,
      style: 'dashed',
      penwidth: 1.4,
    }, () => {
      azs.forEach((az, i) => {
        if (!az.hostsApp) return;
        subnet('app', i, () => g.service(`ec2_${i}`, 'EC2', COLORS.compute, 'EC2 instances',
          [asg.instanceType, asg.image, lb?.healthCheckPath ? `health check ${lb.healthCheckPath}` : undefined]));
      });
    });
  }

  // Data tier: the database primary, its standby and read replicas, and the cache nodes of each zone.
  const dataAzs = azs.map((az, i) => ({ az, i })).filter(x => x.az.hostsData);
  const zones = dataAzs.length > 0 ? dataAzs : azs.map((az, i) => ({ az, i }));
  const perZone = new Map<number, string[]>();
  if (cache && zones.length > 0) {
    for (let s = 0; s < cache.shards; s++) {
      for (let k = 0; k <= cache.replicasPerShard; k++) {
        const zone = zones[(s + k) % zones.length].i;
        const role = k === 0 ? 'primary' : cache.replicasPerShard > 1 ? `replica ${k}` : 'replica';
        perZone.set(zone, [...perZone.get(zone) ?? [], cache.clusterMode || cache.shards > 1 ? `shard ${s + 1} ${role}` : role]);
      }
    }
  }
  const standbyZone = db?.multiAz && zones.length > 1 ? zones[1].i : undefined;
  const replicaZone = db && db.readReplicas > 0 ? zones.slice(1).map(z => z.i).find(i => i !== standbyZone) : undefined;
  azs.forEach((_, i) => {
    const roles = perZone.get(i);
    const isPrimary = db !== undefined && zones[0]?.i === i;
    if (!isPrimary && i !== standbyZone && i !== replicaZone && !roles) return;
    subnet('data', i, () => {
      if (db && isPrimary) {
        g.service(`rds_${i}`, 'RDS', COLORS.database, `RDS ${db.engine.split(' ')[0]}${db.multiAz || db.readReplicas ? ' · primary' : ''}`, [
          join([db.engine, db.instanceClass]),
          join([db.storage, db.encrypted ? 'encrypted' : undefined]),
          join([db.backupRetentionDays !== undefined ? `backups ${db.backupRetentionDays} d` : undefined, db.awsBackupPlan ? 'AWS Backup plan' : undefined]),
          db.readReplicas && replicaZone === undefined ? plural(db.readReplicas, 'read replica') : undefined,
        ]);
      }
      if (db && i === standbyZone) {
        g.service(`rds_${i}`, 'RDS', COLORS.database, `RDS ${db.engine.split(' ')[0]} · standby`,
          [join([db.engine, db.instanceClass]), 'Multi-AZ synchronous standby', 'automatic failover'], { fillcolor: '#FCF4FD' });
      }
      if (db && i === replicaZone) {
        g.service(`rds_replica_${i}`, 'RDS', COLORS.database, db.readReplicas > 1 ? `read replica ×${db.readReplicas}` : 'read replica',
          [join([db.engine, db.instanceClass]), 'asynchronous replication', 'read-only endpoint'], { fillcolor: '#FCF4FD' });
      }
      if (cache && roles) {
        cacheNodes.push(`cache_${i}`);
        g.service(`cache_${i}`, 'EC', COLORS.database, `ElastiCache ${cache.engine}`, [
          roles.join(' · '),
          cache.nodeType,
          join([cache.multiAz ? 'Multi-AZ failover' : undefined, cache.tls ? 'TLS' : undefined, cache.atRestEncryption ? 'at-rest encryption' : undefined]),
        ]);
      }
    });
  });
  if (db && standbyZone !== undefined) {
    const primary = `rds_${zones[0].i}`;
    g.edge(primary, `rds_${standbyZone}`, {
      label: 'sync replication', dir: 'both', style: 'dashed', color: COLORS.database, fontcolor: COLORS.database, penwidth: 1.2,
    });
  }
  // Each tier's zones side by side, in zone order (edges inside a rank order it left to right); the load balancer in
  // the middle of the public row; the cache of each zone under its database.
  const publicRow = azs.map((az, i) => (az.natGateways > 0 ? `nat_${i}` : `public_${i}`));
  if (lb) publicRow.splice(Math.ceil(publicRow.length / 2), 0, 'alb');
  row(g, publicRow);
  if (vpc.internetGateway) {
    // Traffic enters through the internet gateway; its out-edges, in this order, also order the public row.
    g.node('igw', { ordering: 'out' });
    for (const id of publicRow) g.edge('igw', id, id === 'alb' ? { penwidth: 2 } : { style: 'invis' });
  }
  if (db && standbyZone !== undefined) row(g, [`rds_${zones[0].i}`, `rds_${standbyZone}`]);
  row(g, azs.map((_, i) => `ec2_${i}`).filter((_, i) => asg && azs[i].hostsApp));
  row(g, cacheNodes);
  for (const id of cacheNodes) {
    const rds = id.replace('cache_', 'rds_');
    if (db && (rds === `rds_${zones[0]?.i}` || rds === `rds_${standbyZone}`)) g.edge(rds, id, { style: 'invis' });
  }
  return { primary: db && zones.length > 0 ? `rds_${zones[0].i}` : undefined, cacheNodes };
}

/** Puts nodes on one rank, left to right in this order. */
function row(g: Dot, ids: string[]): void {
  if (ids.length < 2) return;
  g.line(`{ rank=same; ${ids.join(' -> ')} [style=invis] }`);
}

/** Breaks a detail line at about `width` characters, between words. */
function wrap(text: string, width = 44): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

function drawBuckets(g: Dot, m: ArchitectureModel): void {
  const bucketLines = (b: { encryption?: string; versioned: boolean; lifecycle: string[] }) => [
    join([b.versioned ? 'versioned' : undefined, b.encryption]), b.lifecycle.join(' · '),
  ];
  const ids: string[] = [];
  if (m.staticAssets) {
    ids.push('static');
    g.service('static', 'S3', COLORS.storage, 'Static assets', [
      m.edge?.staticPaths.length ? `origin for ${m.edge.staticPaths.join(', ')}` : 'CloudFront origin',
      m.edge?.staticViaOac ? 'origin access control' : undefined,
      ...bucketLines(m.staticAssets),
    ]);
  }
  if (m.logs) {
    ids.push('logs');
    g.service('logs', 'S3', COLORS.storage, 'Logs', [
      m.logs.sources.length ? `access logs: ${m.logs.sources.join(', ')}` : 'access logs', ...bucketLines(m.logs),
    ]);
  }
  if (m.backups) {
    ids.push('backups');
    g.service('backups', 'S3', COLORS.storage, 'Backups', [
      ...bucketLines(m.backups), m.replication ? `replicated to ${regionText(m.replication.region)}` : undefined,
    ]);
  }
  // One column, top to bottom.
  for (let i = 1; i < ids.length; i++) g.edge(ids[i - 1], ids[i], { style: 'invis' });
}

function drawDisasterRecovery(g: Dot, m: ArchitectureModel): void {
  const r = m.replication;
  if (!r) return;
  g.cluster('dr', {
    label: heading(join([`Region ${regionText(r.region)} · disaster recovery`, r.stack ? `stack ${r.stack}` : undefined]), COLORS.region),
    labeljust: 'l',
    color: COLORS.region,
    style: 'dashed',
  }, () => {
    g.service('replica', 'S3', COLORS.storage, 'Backups replica',
      ['versioned', r.kms ? 'SSE-KMS (replica key)' : undefined, r.replicaLifecycle.join(' · ')]);
  });
  if (m.backups) {
    g.edge('backups', 'replica', {
      label: 'cross-region replication', style: 'dashed', color: COLORS.storage, fontcolor: COLORS.storage, penwidth: 2,
    });
  }
}

function drawObservability(g: Dot, m: ArchitectureModel, below: string | undefined): void {
  const o = m.observability;
  const items: Array<{ id: string; icon: string; title: string; lines: string[] }> = [];
  if (o.alarmCount > 0 || o.scalingAlarmCount > 0) {
    items.push({
      id: 'alarms',
      icon: 'CW',
      title: `CloudWatch alarms · ${o.alarmCount}`,
      lines: [
        o.alarmsByRegion.map(r => `${r.count} in ${r.region}`).join(', '),
        o.scalingAlarmCount ? `+ ${plural(o.scalingAlarmCount, 'auto scaling alarm')}` : '',
      ],
    });
  }
  if (o.alarmTopics > 0) {
    items.push({
      id: 'topics',
      icon: 'SNS',
      title: `SNS alarm ${o.alarmTopics === 1 ? 'topic' : 'topics'} · ${o.alarmTopics}`,
      lines: [o.emailSubscriptions ? plural(o.emailSubscriptions, 'e-mail subscription') : 'no e-mail subscriptions'],
    });
  }
  if (o.dashboards > 0) {
    items.push({
      id: 'dashboard',
      icon: 'CW',
      title: `CloudWatch ${o.dashboards === 1 ? 'dashboard' : 'dashboards'} · ${o.dashboards}`,
      lines: [
        join([o.dashboardGraphs ? plural(o.dashboardGraphs, 'graph') : undefined, o.dashboardSections.length ? plural(o.dashboardSections.length, 'section') : undefined]),
        ...wrap(o.dashboardSections.join(', ')),
      ],
    });
  }
  if (o.trail) {
    items.push({
      id: 'trail',
      icon: 'CT',
      title: 'CloudTrail',
      lines: [
        join([o.trail.multiRegion ? 'multi-region' : 'single-region', o.trail.validation ? 'log file validation' : undefined]),
        join([o.trail.kms ? 'KMS' : undefined, o.trail.toLogs ? 'S3 + CloudWatch Logs' : 'S3']),
      ],
    });
  }
  if (o.logGroups > 0 || o.flowLogs) {
    items.push({
      id: 'loggroups',
      icon: 'CW',
      title: 'CloudWatch Logs',
      lines: [join([o.logGroups ? plural(o.logGroups, 'log group') : undefined, o.flowLogs ? 'VPC flow logs' : undefined])],
    });
  }
  if (items.length === 0) return;
  g.cluster('observability', {
    label: heading('Observability', COLORS.management, 12), labeljust: 'l', color: COLORS.management, style: 'filled', fillcolor: '#FFF8FB',
  }, () => {
    for (const item of items) g.service(item.id, item.icon, COLORS.management, item.title, item.lines);
  });
  // One row under the region, left to right; the alarms notify through the topics.
  const ids = items.map(i => i.id);
  row(g, ids);
  if (ids[0] === 'alarms' && ids[1] === 'topics') g.edge('alarms', 'topics', { color: COLORS.management, penwidth: 1.2 });
  if (below) g.edge(below, ids[0], { style: 'invis' });
}

function drawLegend(g: Dot): void {
  const swatch = (color: string, text: string) =>
    `<TD BGCOLOR="${color}" FIXEDSIZE="TRUE" WIDTH="10" HEIGHT="10"></TD><TD ALIGN="LEFT"><FONT POINT-SIZE="9.5" COLOR="${COLORS.muted}">${esc(text)}</FONT></TD>`;
  const rows = [
    [swatch(COLORS.networking, 'networking, edge'), swatch(COLORS.security, 'security')],
    [swatch(COLORS.compute, 'compute'), swatch(COLORS.database, 'databases')],
    [swatch(COLORS.storage, 'storage'), swatch(COLORS.management, 'monitoring')],
  ].map(cells => `<TR>${cells.join('')}</TR>`).join('');
  const note = (text: string) => `<TR><TD COLSPAN="4" ALIGN="LEFT"><FONT POINT-SIZE="9.5" COLOR="${COLORS.muted}">${esc(text)}</FONT></TD></TR>`;
  const label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1">'
    + '<TR><TD COLSPAN="4" ALIGN="LEFT"><B>Legend</B></TD></TR>'
    + `${rows}${note('solid arrows: request traffic; dashed: replication, alias')}`
    + `<TR><TD COLSPAN="4" ALIGN="LEFT"><FONT POINT-SIZE="8.5" COLOR="${COLORS.faint}"><I>${esc('Drawn from the synthesized templates by scripts/diagram/architecture.ts')}</I></FONT></TD></TR>`
    + '</TABLE>>';
  g.node('legend', { label, color: '#D5DBDB', fillcolor: '#FAFAFA', style: 'rounded,filled' });
}

// ---------------------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------------------

/** Renders DOT with Graphviz; drops the comment naming the graph, keeps the one naming the Graphviz release. */
export function renderSvg(dot: string): string {
  const proc = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (proc.error) throw new Error(`dot did not run (${proc.error.message}): install Graphviz (Debian: apt-get install graphviz)`);
  if (proc.status !== 0) throw new Error(`dot failed (exit ${proc.status}):\n${proc.stderr}`);
  return proc.stdout.replace(/^<!-- Title: .* Pages: \d+ -->\n/m, '');
}

function main(): void {
  const [cdkOutArg, outputArg] = process.argv.slice(2);
  if (!cdkOutArg || !outputArg) {
    process.stderr.write('usage: architecture.ts <cdk.out dir> <output.svg>\n');
    process.exit(2);
  }
  const cdkOut = path.resolve(cdkOutArg);
  const output = path.resolve(outputArg);
  if (!fs.existsSync(cdkOut)) {
    process.stderr.write(`No cloud assembly at ${cdkOut}: synthesize the example first (npx projen diagram does).\n`);
    process.exit(1);
  }
  const model = readArchitecture(cdkOut);
  const svg = renderSvg(architectureDot(model));
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, svg);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), output) || output} (${Buffer.byteLength(svg)} bytes) from ${plural(model.stacks.length, 'stack')}.\n`);
}

if (require.main === module) main();
