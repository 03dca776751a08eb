/**
 * Draws the deployed architecture of the examples app as an SVG, from its synthesized templates.
 *
 *   cd examples && npx cdk synth --quiet && cd ..
 *   npx ts-node --transpile-only --project tsconfig.dev.json scripts/diagram/architecture.ts [cdk.out dir] [output]
 *
 * Defaults: examples/cdk.out and docs/architecture.svg (relative to the repository root). The layout is fixed and the
 * output deterministic: the same templates give a byte-identical file. Labels (CIDRs, zones, instance type, capacity,
 * engines, node types, alarm counts, regions, stack names) come from the templates; what the templates lack is left out.
 *
 * The default synth (us-east-1, no domain) has no Route 53 records, no ACM certificate and no us-east-1 companion stack.
 * docs/architecture.svg shows the whole system, synthesized outside us-east-1 with a (placeholder) domain:
 *
 *   cd examples && npx cdk synth --quiet -o ../.tmp/diagram.out -c region=eu-west-1 -c domainName=www.example.com \
 *     -c hostedZoneId=Z0123456789EXAMPLE -c zoneName=example.com -c alarmEmail=ops@example.com && cd ..
 *   npx ts-node --transpile-only --project tsconfig.dev.json scripts/diagram/architecture.ts .tmp/diagram.out docs/architecture.svg
 *
 * Run it without AWS credentials (as CI does): with an account the CLI looks the zones up and names them (eu-west-1a).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ArchitectureModel, AzSummary, SubnetTier, readArchitecture } from './model';
import { COLORS, Svg, fit, textWidth, wrap } from './svg';

const WIDTH = 1400;
const HEIGHT = 1000;

// Fixed geometry: header, edge row, then the main region (VPC, then the buckets column) and the side panel.
const EDGE_TOP = 84;
const EDGE_BOTTOM = 180;
const LANE_Y = 194;
const REGION = { x: 16, y: 210, w: 1044, h: 778 };
const VPC = { x: 32, y: 252, w: 806, h: 720 };
const RIGHT_COL = { x: 854, w: 192 };
const SIDE = { x: 1076, w: 308 };
const ROWS: Record<SubnetTier, { y: number; h: number }> = {
  public: { y: 304, h: 118 },
  app: { y: 446, h: 190 },
  data: { y: 660, h: 296 },
};
const AZ_TOP = 280;
const AZ_BOTTOM = 964;

interface Box { x: number; y: number; w: number; h: number }

const cx = (b: Box) => b.x + b.w / 2;
const cy = (b: Box) => b.y + b.h / 2;
const bottom = (b: Box) => b.y + b.h;
const right = (b: Box) => b.x + b.w;

// ---------------------------------------------------------------------------------------------------------------
// Drawing helpers
// ---------------------------------------------------------------------------------------------------------------

interface ServiceBoxOptions {
  readonly color: string;
  readonly icon: string;
  readonly title: string;
  readonly lines?: Array<string | undefined>;
  readonly fill?: string;
  /** Draw two offset cards behind the box (a fleet). */
  readonly stacked?: boolean;
  readonly titleSize?: number;
}

/** A service: white card with a coloured border, an icon tile, a bold title and detail lines. */
function serviceBox(svg: Svg, b: Box, o: ServiceBoxOptions): void {
  if (o.stacked) {
    svg.rect(b.x + 8, b.y - 8, b.w, b.h, { fill: '#FFFFFF', stroke: o.color, strokeWidth: 1, radius: 6, opacity: 0.55 });
    svg.rect(b.x + 4, b.y - 4, b.w, b.h, { fill: '#FFFFFF', stroke: o.color, strokeWidth: 1, radius: 6, opacity: 0.8 });
  }
  svg.rect(b.x, b.y, b.w, b.h, { fill: o.fill ?? '#FFFFFF', stroke: o.color, strokeWidth: 1.5, radius: 6 });
  const tile = 30;
  svg.rect(b.x + 8, b.y + 8, tile, tile, { fill: o.color, radius: 4 });
  const iconSize = o.icon.length > 3 ? 8.5 : o.icon.length === 3 ? 10 : 11.5;
  svg.text(b.x + 8 + tile / 2, b.y + 8 + tile / 2 + iconSize * 0.36, o.icon, { size: iconSize, weight: 'bold', color: '#FFFFFF', anchor: 'middle' });
  const textX = b.x + 8 + tile + 8;
  const textW = right(b) - textX - 8;
  const titleSize = o.titleSize ?? 12.5;
  svg.text(textX, b.y + 21, fit(o.title, textW, titleSize, true), { size: titleSize, weight: 'bold' });
  let y = b.y + 36;
  for (const line of o.lines ?? []) {
    if (line === undefined || line === '') continue;
    if (y > bottom(b) - 6) break;
    svg.text(textX, y, fit(line, textW, 11), { size: 11, color: COLORS.muted });
    y += 14;
  }
}

interface GroupOptions {
  readonly color: string;
  readonly fill?: string;
  readonly dash?: string;
  readonly label?: string;
  readonly labelAnchor?: 'start' | 'end';
  readonly labelPosition?: 'top' | 'bottom';
  readonly labelSize?: number;
  readonly bold?: boolean;
  /** A small filled flag before the label (AWS group icon). */
  readonly flag?: boolean;
}

/** A grouping rectangle (region, VPC, zone, subnet, scaling group) with its label inside a corner. */
function group(svg: Svg, b: Box, o: GroupOptions): void {
  svg.rect(b.x, b.y, b.w, b.h, { fill: o.fill ?? 'none', stroke: o.color, strokeWidth: 1.3, dash: o.dash, radius: 2 });
  if (!o.label) return;
  const size = o.labelSize ?? 11.5;
  const flag = o.flag ? 14 : 0;
  const anchor = o.labelAnchor ?? 'start';
  const y = o.labelPosition === 'bottom' ? bottom(b) - 8 : b.y + 17;
  const maxW = b.w - 20 - flag;
  const label = fit(o.label, maxW, size, o.bold ?? true);
  if (o.flag) {
    const fx = anchor === 'start' ? b.x : right(b) - 20;
    svg.rect(fx, b.y, 20, 20, { fill: o.color });
  }
  const x = anchor === 'start' ? b.x + 8 + (o.flag ? 18 : 0) : right(b) - 8 - (o.flag ? 18 : 0);
  svg.text(x, y, label, { size, weight: o.bold === false ? 'normal' : 'bold', color: o.color, anchor });
}

function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}

function join(parts: Array<string | undefined | false>, sep = ' · '): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(sep);
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

// ---------------------------------------------------------------------------------------------------------------
// The diagram
// ---------------------------------------------------------------------------------------------------------------

export function renderArchitecture(m: ArchitectureModel): string {
  const svg = new Svg(WIDTH, HEIGHT);
  const mainName = m.mainStack?.name ?? 'the main stack';
  const mainRegion = m.mainStack?.region;

  // ----- Header -----
  svg.comment('Generated by scripts/diagram/architecture.ts from the synthesized templates; do not edit by hand.');
  svg.text(24, 36, 'cdk-production-webapp · deployed architecture', { size: 22, weight: 'bold' });
  const stackList = m.stacks.map(s => {
    const roles = s.roles.filter(r => r !== 'main');
    const detail = join([s.region, roles.length ? roles.join(', ') : undefined], ': ');
    return detail ? `${s.name} (${detail})` : s.name;
  }).join('   ·   ');
  svg.text(24, 58, fit(`${plural(m.stacks.length, 'stack')}:  ${stackList}`, WIDTH - 48, 12), { size: 12, color: COLORS.muted });

  // ----- Region, VPC, zones, subnets -----
  const vpc = m.vpc;
  const azs = vpc?.azs ?? [];
  const azCount = Math.max(azs.length, 1);
  group(svg, REGION, {
    color: COLORS.region, dash: '6 4', flag: true, label: `Region ${regionText(mainRegion)} · stack ${mainName}`,
  });

  const vpcCenter = VPC.x + VPC.w / 2;
  const azGap = 16;
  const azWidth = (VPC.w - 32 - azGap * (azCount - 1)) / azCount;
  const azBoxes: Box[] = azs.map((_, i) => ({ x: VPC.x + 16 + i * (azWidth + azGap), y: AZ_TOP, w: azWidth, h: AZ_BOTTOM - AZ_TOP }));
  // With two zones, the load balancer straddles the boundary and each zone's contents sit on its outer side.
  const sideOf = (i: number): 'start' | 'end' => (azs.length === 2 && i === 1 ? 'end' : 'start');

  if (vpc) {
    const vpcBits = join([
      vpc.cidr ? `VPC ${vpc.cidr}` : 'VPC',
      plural(azs.length, 'Availability Zone'),
      vpc.natGateways > 0 ? plural(vpc.natGateways, 'NAT gateway') : undefined,
    ]);
    group(svg, VPC, { color: COLORS.networking, flag: true, label: vpcBits });
    const extras = join([
      vpc.endpoints.length ? `VPC endpoints: ${vpc.endpoints.join(', ')}` : undefined,
      vpc.flowLogs ? 'flow logs' : undefined,
    ]);
    if (extras) svg.text(right(VPC) - 8, VPC.y + 17, fit(extras, VPC.w / 2 - 80, 11), { size: 11, color: COLORS.networking, anchor: 'end' });

    azs.forEach((az, i) => {
      const b = azBoxes[i];
      group(svg, b, { color: COLORS.region, dash: '4 4', label: az.label, labelAnchor: sideOf(i), bold: false, labelSize: 11 });
      drawSubnets(svg, az, b, sideOf(i), vpc.dataSharesAppSubnets, azs.length === 2 ? b.w - 40 : b.w - 96);
    });
  }

  // ----- Edge: users, Route 53, CloudFront, WAF/ACM, static assets -----
  const users: Box = { x: 20, y: 96, w: 118, h: 68 };
  drawUsers(svg, users);

  const edge = m.edge;
  const cfBox: Box = { x: 384, y: EDGE_TOP, w: 252, h: EDGE_BOTTOM - EDGE_TOP };
  const r53: Box = { x: 176, y: EDGE_TOP, w: 164, h: 56 };
  if (edge) {
    serviceBox(svg, cfBox, {
      color: COLORS.networking,
      icon: 'CF',
      title: 'Amazon CloudFront',
      lines: [
        join([httpVersion(edge.httpVersion), priceClass(edge.priceClass)]),
        edge.minimumTls ? `viewer TLS ≥ ${edge.minimumTls}` : undefined,
        edge.aliases.length ? `aliases: ${edge.aliases.join(', ')}` : 'default *.cloudfront.net domain',
        edge.logsToBucket ? 'access logs → logs bucket' : undefined,
      ],
    });
    if (m.dns) {
      serviceBox(svg, r53, {
        color: COLORS.networking,
        icon: 'R53',
        title: 'Route 53',
        lines: [m.dns.names.join(', '), m.dns.recordTypes.length ? `alias ${m.dns.recordTypes.join(' + ')}` : undefined],
      });
      svg.arrow([[right(users), users.y + 14], [r53.x, users.y + 14]], { color: COLORS.muted });
      svg.label((right(users) + r53.x) / 2, users.y + 2, 'DNS', { size: 9.5, color: COLORS.muted });
      svg.arrow([[right(r53), r53.y + 28], [cfBox.x, r53.y + 28]], { color: COLORS.muted, dash: '5 3' });
      svg.label((right(r53) + cfBox.x) / 2, r53.y + 14, 'alias', { size: 9.5, color: COLORS.muted });
    }
    const viewerY = m.dns ? 150 : cy(users);
    svg.arrow([[right(users), viewerY], [cfBox.x, viewerY]], { color: COLORS.arrow, width: 2 });
    svg.label((right(users) + cfBox.x) / 2 + (m.dns ? 20 : 0), viewerY + (m.dns ? 16 : -14),
      edge.viewerHttpsOnly ? 'HTTPS 443' : 'HTTP / HTTPS', { size: 10.5 });

    drawEdgeSecurity(svg, m, cfBox, mainName);
  } else {
    svg.text(right(users) + 16, cy(users) + 4, 'no CloudFront distribution in the templates', { size: 11, color: COLORS.faint, italic: true });
  }

  // ----- Public tier: internet gateway, load balancer, NAT gateways -----
  // Two zones: the load balancer straddles the zone boundary, the scaling group's card sits below it, NAT gateways and
  // instances on the outer sides. Any other count: the load balancer is a bar across all public subnets, the
  // instances are fed from it straight down, and the scaling group is labelled along its bottom edge.
  const twoZones = azs.length === 2;
  const lb = m.loadBalancer;
  const publicBottom = ROWS.public.y + ROWS.public.h;
  const albBox: Box = twoZones
    ? { x: vpcCenter - 128, y: ROWS.public.y + 28, w: 256, h: 76 }
    : { x: VPC.x + 24, y: ROWS.public.y + 24, w: VPC.w - 48, h: 36 };
  // Where traffic from CloudFront comes down: the middle (two zones) or the zone gap nearest CloudFront's centre.
  let entryX = cx(albBox);
  if (!twoZones && azBoxes.length > 1) {
    const gaps = azBoxes.slice(1).map(b => b.x - azGap / 2);
    entryX = gaps.reduce((best, g) => (Math.abs(g - cx(cfBox)) < Math.abs(best - cx(cfBox)) ? g : best), gaps[0]);
  }
  const igwBox: Box = { x: entryX - 56, y: VPC.y - 14, w: 112, h: 28 };
  if (lb) {
    const lbLines = [
      lb.scheme,
      lb.listeners.length ? `listeners ${lb.listeners.join(', ')}` : undefined,
      lb.originHeader ? 'forwards only with CloudFront\'s header' : undefined,
      lb.regionalWebAcl ? 'regional AWS WAF web ACL' : undefined,
    ];
    if (twoZones) {
      serviceBox(svg, albBox, { color: COLORS.networking, icon: 'ALB', title: 'Application Load Balancer', lines: lbLines });
    } else {
      svg.rect(albBox.x, albBox.y, albBox.w, albBox.h, { fill: '#FFFFFF', stroke: COLORS.networking, strokeWidth: 1.5, radius: 6 });
      svg.rect(albBox.x + 4, albBox.y + 4, 28, 28, { fill: COLORS.networking, radius: 4 });
      svg.text(albBox.x + 18, albBox.y + 21.5, 'ALB', { size: 10, weight: 'bold', color: '#FFFFFF', anchor: 'middle' });
      const title = 'Application Load Balancer';
      svg.text(albBox.x + 40, albBox.y + 22, title, { size: 12.5, weight: 'bold' });
      const detail = join(lbLines);
      const detailX = albBox.x + 52 + textWidth(title, 12.5, true);
      svg.text(detailX, albBox.y + 22, fit(detail, right(albBox) - detailX - 10, 11), { size: 11, color: COLORS.muted });
    }
    if (edge) {
      const startX = Math.min(Math.max(entryX, cfBox.x + 16), right(cfBox) - 16);
      const points: Array<[number, number]> = startX === entryX
        ? [[entryX, bottom(cfBox)], [entryX, albBox.y]]
        : [[startX, bottom(cfBox)], [startX, LANE_Y - 6], [entryX, LANE_Y - 6], [entryX, albBox.y]];
      svg.arrow(points, { width: 2 });
      const only = lb.prefixListOnly || lb.originHeader;
      const how = join([lb.prefixListOnly ? 'prefix list' : undefined, lb.originHeader ? 'origin header' : undefined], ' + ');
      const text = join([edge.originProtocol ?? 'origin', only ? `from CloudFront only${how ? ` (${how})` : ''}` : undefined]);
      svg.label(Math.min(entryX, startX) - 8, LANE_Y, text, { anchor: 'end', size: 10.5 });
    }
  }

  // Over the arrow from CloudFront, which passes through it.
  if (vpc?.internetGateway) {
    svg.rect(igwBox.x, igwBox.y, igwBox.w, igwBox.h, { fill: '#FFFFFF', stroke: COLORS.networking, strokeWidth: 1.5, radius: 14 });
    svg.text(cx(igwBox), igwBox.y + 18, 'Internet gateway', { size: 11, weight: 'bold', color: COLORS.networking, anchor: 'middle' });
  }

  azs.forEach((az, i) => {
    if (az.natGateways === 0) return;
    const b = azBoxes[i];
    const title = az.natGateways > 1 ? `NAT gateway ×${az.natGateways}` : 'NAT gateway';
    if (twoZones) {
      const w = 150;
      const nat: Box = { x: sideOf(i) === 'start' ? b.x + 16 : right(b) - 16 - w, y: ROWS.public.y + 34, w, h: 60 };
      serviceBox(svg, nat, { color: COLORS.networking, icon: 'NAT', title, lines: ['Elastic IP · egress', 'for this zone'], titleSize: 12 });
    } else {
      const w = Math.min(150, b.w - 80);
      const nat: Box = { x: b.x + 16, y: bottom(albBox) + 8, w, h: publicBottom - bottom(albBox) - 14 };
      serviceBox(svg, nat, { color: COLORS.networking, icon: 'NAT', title, lines: ['Elastic IP · egress'], titleSize: 12 });
    }
  });

  // ----- Application tier: Auto Scaling group -----
  const asg = m.autoScaling;
  const asgBox: Box = { x: VPC.x + 40, y: ROWS.app.y + 30, w: VPC.w - 80, h: ROWS.app.h - 40 };
  const ec2Boxes: Box[] = [];
  const asgCard: Box = { x: vpcCenter - 90, y: ROWS.app.y + 56, w: 180, h: 96 };
  const gapY = (publicBottom + ROWS.app.y) / 2;
  if (asg) {
    const capacity = join([
      asg.min !== undefined ? `min ${asg.min}` : undefined,
      asg.desired !== undefined ? `desired ${asg.desired}` : undefined,
      asg.max !== undefined ? `max ${asg.max}` : undefined,
    ]);
    if (twoZones) {
      group(svg, asgBox, { color: COLORS.compute, dash: '7 4' });
      const card = asgCard;
      svg.rect(card.x, card.y, card.w, card.h, { fill: '#FFFFFF', stroke: COLORS.compute, strokeWidth: 1.3, dash: '7 4', radius: 6 });
      svg.text(cx(card), card.y + 20, 'Auto Scaling group', { size: 12.5, weight: 'bold', color: COLORS.compute, anchor: 'middle' });
      // "step scaling on CPU (out ≥ 70%, in ≤ 30%)": the kind on one line, the thresholds on the next.
      const scaling = asg.scaling ? /^(.*?)(?: \((.*)\))?$/.exec(asg.scaling) : null;
      const asgLines = [capacity, ...(scaling ? [scaling[1], scaling[2]?.replace(', ', ' · ')] : [])]
        .filter((l): l is string => l !== undefined && l !== '').flatMap(l => wrap(l, card.w - 16, 11, 2));
      asgLines.slice(0, 4).forEach((line, i) => {
        svg.text(cx(card), card.y + 38 + i * 15, line, { size: 11, color: COLORS.muted, anchor: 'middle' });
      });
    } else {
      group(svg, asgBox, {
        color: COLORS.compute,
        dash: '7 4',
        label: join(['Auto Scaling group', capacity, asg.scaling]),
        labelPosition: 'bottom',
        labelAnchor: 'end',
        labelSize: 11,
      });
    }
    azs.forEach((az, i) => {
      if (!az.hostsApp) return;
      const b = azBoxes[i];
      const w = Math.min(212, b.w - (twoZones ? 60 : 40));
      const x = twoZones ? (sideOf(i) === 'start' ? b.x + 32 : right(b) - 42 - w) : b.x + 20;
      const box: Box = { x, y: ROWS.app.y + 64, w, h: 76 };
      ec2Boxes.push(box);
      serviceBox(svg, box, {
        color: COLORS.compute,
        icon: 'EC2',
        title: 'EC2 instances',
        lines: [asg.instanceType, asg.image, lb?.healthCheckPath ? `health check ${lb.healthCheckPath}` : undefined],
        stacked: true,
      });
    });
    if (lb) {
      for (const box of ec2Boxes) {
        if (twoZones) {
          // Down a lane between the instances and the scaling group's card, then into the instances' inner side.
          const leftOfLb = cx(box) < cx(albBox);
          const laneX = leftOfLb
            ? Math.max(albBox.x + 14, (right(box) + 8 + asgCard.x) / 2)
            : Math.min(right(albBox) - 14, (box.x + right(asgCard)) / 2);
          const endX = leftOfLb ? right(box) + 10 : box.x - 2;
          svg.arrow([[laneX, bottom(albBox)], [laneX, cy(box)], [endX, cy(box)]], { width: 1.8 });
          if (lb.targetProtocol) svg.label(laneX, gapY, lb.targetProtocol);
        } else {
          // Straight down from the bar, past the NAT gateway, into the top of the instances (clear of the stacked cards).
          const x = right(box) - 28;
          svg.arrow([[x, bottom(albBox)], [x, box.y - 10]], { width: 1.8 });
          if (lb.targetProtocol) svg.label(x, gapY, lb.targetProtocol);
        }
      }
    }
  }

  // ----- Data tier: RDS primary / standby, cache nodes -----
  drawData(svg, m, azs, azBoxes, sideOf, asg ? asgBox : undefined);

  // ----- Regional buckets -----
  const buckets = drawBuckets(svg, m, edge ? cfBox : undefined);

  // ----- Side panel: observability, DR region, legend -----
  drawObservability(svg, m);
  drawDisasterRecovery(svg, m, buckets.backups);
  drawLegend(svg);

  return svg.toString();
}

function drawUsers(svg: Svg, b: Box): void {
  svg.rect(b.x, b.y, b.w, b.h, { fill: '#FFFFFF', stroke: COLORS.muted, strokeWidth: 1.3, radius: 6 });
  // A person glyph.
  const px = b.x + 24;
  const py = b.y + 22;
  svg.circle(px, py, 7, COLORS.muted);
  svg.path(`M${px - 12} ${py + 26} Q${px - 12} ${py + 9} ${px} ${py + 9} Q${px + 12} ${py + 9} ${px + 12} ${py + 26} Z`, { fill: COLORS.muted });
  svg.text(b.x + 46, b.y + 30, 'Users', { size: 12.5, weight: 'bold' });
  svg.text(b.x + 46, b.y + 46, 'browsers,', { size: 11, color: COLORS.muted });
  svg.text(b.x + 46, b.y + 59, 'mobile apps', { size: 11, color: COLORS.muted });
}

function drawEdgeSecurity(svg: Svg, m: ArchitectureModel, cfBox: Box, mainName: string): void {
  const edge = m.edge!;
  const acl = edge.webAcl;
  const cert = edge.certificate;
  if (!acl && !cert) return;
  const owner = acl ?? cert!;
  const isCompanion = owner.stack !== mainName;
  const count = (acl ? 1 : 0) + (cert ? 1 : 0);
  const maxW = SIDE.x + SIDE.w - right(cfBox) - 40;
  const innerW = Math.min(340, (maxW - 12 * (count + 1)) / count);
  const groupBox: Box = { x: right(cfBox) + 40, y: EDGE_TOP - 10, w: count * innerW + 12 * (count + 1), h: EDGE_BOTTOM - EDGE_TOP + 14 };
  group(svg, groupBox, {
    color: COLORS.security,
    dash: '6 4',
    fill: '#FFF7F8',
    label: isCompanion
      ? `${regionText(owner.region)} companion · stack ${owner.stack}`
      : `CloudFront ${acl ? 'web ACL' : 'certificate'} · ${regionText(owner.region)} · stack ${owner.stack}`,
    labelSize: 11,
  });
  const inner: Box[] = [];
  let x = groupBox.x + 12;
  if (acl) {
    const b: Box = { x, y: groupBox.y + 28, w: innerW, h: groupBox.h - 38 };
    inner.push(b);
    const other = acl.ruleCount - acl.managedRuleGroups - (acl.rateLimit !== undefined ? 1 : 0);
    serviceBox(svg, b, {
      color: COLORS.security,
      icon: 'WAF',
      title: 'AWS WAF web ACL',
      lines: [
        join([plural(acl.ruleCount, 'rule'), acl.managedRuleGroups ? `${acl.managedRuleGroups} managed groups` : undefined]),
        acl.rateLimit !== undefined ? `rate limit ${acl.rateLimit} / ${windowLabel(acl.rateWindowSeconds)} per IP` : undefined,
        other > 0 ? `+ ${plural(other, 'custom rule')}` : undefined,
      ],
    });
    x += innerW + 12;
  }
  if (cert) {
    const b: Box = { x, y: groupBox.y + 28, w: innerW, h: groupBox.h - 38 };
    inner.push(b);
    serviceBox(svg, b, {
      color: COLORS.security,
      icon: 'ACM',
      title: 'ACM certificate',
      lines: [
        'CloudFront viewer TLS',
        edge.aliases.length ? edge.aliases.join(', ') : undefined,
        cert.stack !== owner.stack ? `stack ${cert.stack}` : undefined,
      ],
    });
  }
  // CloudFront uses them.
  svg.arrow([[right(cfBox), cy(cfBox)], [groupBox.x, cy(cfBox)]], { color: COLORS.security, dash: '4 3', plain: true, width: 1.4 });
}

function drawSubnets(svg: Svg, az: AzSummary, b: Box, side: 'start' | 'end', dataSharesApp: boolean, maxLabel: number): void {
  const tiers: Array<{ tier: SubnetTier; fallback: string; color: string; fill: string }> = [
    { tier: 'public', fallback: 'Public', color: COLORS.publicSubnet, fill: COLORS.publicFill },
    { tier: 'app', fallback: 'Application', color: COLORS.privateSubnet, fill: COLORS.privateFill },
    { tier: 'data', fallback: 'Data', color: COLORS.dataSubnet, fill: COLORS.dataFill },
  ];
  for (const t of tiers) {
    const cidrs = az.cidrs[t.tier];
    const row = ROWS[t.tier];
    const box: Box = { x: b.x + 8, y: row.y, w: b.w - 16, h: row.h };
    if (cidrs.length === 0) {
      if (t.tier === 'data' && dataSharesApp) {
        group(svg, box, { color: t.color, dash: '3 3', label: 'data tier in the application subnets', labelAnchor: side, bold: false });
      }
      continue;
    }
    const kind = az.kinds[t.tier][0];
    const name = az.names[t.tier][0] ?? t.fallback;
    // The longest label that fits: "Data subnet (isolated) · 10.0.20.0/24", "Data · 10.0.20.0/24", the CIDRs.
    const candidates = [
      `${name} subnet${kind && kind !== name.toLowerCase() ? ` (${kind})` : ''} · ${cidrs.join(', ')}`,
      `${name} · ${cidrs.join(', ')}`,
      cidrs.join(', '),
    ];
    const label = candidates.find(c => textWidth(c, 11, true) <= maxLabel) ?? candidates[candidates.length - 1];
    group(svg, box, { color: t.color, fill: t.fill, label, labelAnchor: side, labelSize: 11 });
  }
}

function drawData(svg: Svg, m: ArchitectureModel, azs: AzSummary[], azBoxes: Box[], sideOf: (i: number) => 'start' | 'end',
  asgBox: Box | undefined): void {
  const db = m.database;
  const cache = m.cache;
  const dataAzs = azs.map((az, i) => ({ az, i })).filter(x => x.az.hostsData);
  const zones = dataAzs.length > 0 ? dataAzs : azs.map((az, i) => ({ az, i }));
  if (zones.length === 0) return;

  // RDS: primary in the first zone, standby in the second (Multi-AZ), read replicas in the next zone when there is one.
  const dbY = ROWS.data.y + 34;
  const dbH = 84;
  const gapY = (ROWS.app.y + ROWS.app.h + ROWS.data.y) / 2;
  let primary: Box | undefined;
  if (db) {
    const [engineName] = db.engine.split(' ');
    const dbBox = (zone: number): Box => {
      const b = azBoxes[zones[zone].i];
      const w = Math.min(280, b.w - 40);
      return { x: sideOf(zones[zone].i) === 'start' ? b.x + 24 : right(b) - 24 - w, y: dbY, w, h: dbH };
    };
    const title = (b: Box, role?: string) => {
      const options = role ? [`RDS ${engineName} · ${role}`, `RDS ${role}`] : [`RDS ${engineName}`, 'RDS'];
      return options.find(t => textWidth(t, 12.5, true) <= b.w - 54) ?? options[options.length - 1];
    };
    primary = dbBox(0);
    const standbyZone = db.multiAz && zones.length > 1 ? 1 : undefined;
    const replicaZone = db.readReplicas > 0 ? [1, 2].find(z => z < zones.length && z !== standbyZone) : undefined;
    serviceBox(svg, primary, {
      color: COLORS.database,
      icon: 'RDS',
      title: title(primary, db.multiAz || db.readReplicas ? 'primary' : undefined),
      lines: [
        join([db.engine, db.instanceClass]),
        join([db.storage, db.encrypted ? 'encrypted' : undefined]),
        join([
          db.backupRetentionDays !== undefined ? `backups ${db.backupRetentionDays} d` : undefined,
          db.awsBackupPlan ? 'AWS Backup plan' : undefined,
        ]),
        db.readReplicas && replicaZone === undefined ? plural(db.readReplicas, 'read replica') : undefined,
      ],
    });
    if (standbyZone !== undefined) {
      const standby = dbBox(standbyZone);
      serviceBox(svg, standby, {
        color: COLORS.database,
        icon: 'RDS',
        title: title(standby, 'standby'),
        lines: [join([db.engine, db.instanceClass]), 'Multi-AZ synchronous standby', 'automatic failover'],
        fill: '#FCF4FD',
      });
      const y = cy(primary) + 6;
      svg.arrow([[right(primary), y], [standby.x, y]], { color: COLORS.database, dash: '5 3', both: true, width: 1.4 });
      const text = 'sync replication';
      const room = standby.x - right(primary) - 40;
      if (textWidth(text, 9.5, true) + 10 <= room) {
        svg.label((right(primary) + 34 + standby.x) / 2, y - 14, text, { size: 9.5, color: COLORS.database });
      }
    }
    if (replicaZone !== undefined) {
      const replica = dbBox(replicaZone);
      serviceBox(svg, replica, {
        color: COLORS.database,
        icon: 'RDS',
        title: title(replica, db.readReplicas > 1 ? `read replica ×${db.readReplicas}` : 'read replica'),
        lines: [join([db.engine, db.instanceClass]), 'asynchronous replication', 'read-only endpoint'],
        fill: '#FCF4FD',
      });
    }
    if (asgBox) {
      const x = right(primary) - 24;
      svg.arrow([[x, bottom(asgBox)], [x, primary.y]], { width: 1.8 });
      svg.label(x - 6, gapY, `${engineName} ${db.port ?? ''}`.trim(), { anchor: 'end' });
    }
  }

  // Cache: one group across the zones, with each node placed (shard primaries spread round-robin).
  if (cache) {
    const first = azBoxes[zones[0].i];
    const last = azBoxes[zones[zones.length - 1].i];
    const gBox: Box = { x: first.x + 24, y: ROWS.data.y + 160, w: right(last) - 24 - first.x - 24, h: 116 };
    const nodesPerShard = 1 + cache.replicasPerShard;
    const topology = cache.clusterMode
      ? `${plural(cache.shards, 'shard')} × (1 primary + ${plural(cache.replicasPerShard, 'replica')})`
      : `1 primary + ${plural(cache.replicasPerShard, 'replica')}`;
    group(svg, gBox, {
      color: COLORS.database,
      dash: '6 3',
      fill: '#FFFFFF',
      label: join([
        `ElastiCache ${cache.engine}`, topology, cache.nodeType, cache.multiAz ? 'Multi-AZ failover' : undefined,
        join([cache.tls ? 'TLS' : undefined, cache.atRestEncryption ? 'at-rest encryption' : undefined], ' + '),
      ]),
      labelPosition: 'bottom',
      labelSize: 11,
    });
    const perZone: string[][] = zones.map(() => []);
    for (let s = 0; s < cache.shards; s++) {
      for (let k = 0; k < nodesPerShard; k++) {
        const zone = (s + k) % zones.length;
        const role = k === 0 ? 'primary' : cache.replicasPerShard > 1 ? `replica ${k}` : 'replica';
        perZone[zone].push(cache.clusterMode || cache.shards > 1 ? `shard ${s + 1}|${role}` : `node|${role}`);
      }
    }
    // Chips for each node when every zone has room for them (at least 100 px each), else one summary per zone.
    const gap = 10;
    const areaOf = (b: Box) => ({ x: Math.max(b.x + 8, gBox.x) + 14, w: Math.min(right(b) - 8, right(gBox)) - Math.max(b.x + 8, gBox.x) - 28 });
    const chipWidths = zones.map((z, zi) => {
      const count = Math.max(perZone[zi].length, 1);
      return Math.min(150, (areaOf(azBoxes[z.i]).w - gap * (count - 1)) / count);
    });
    const compact = chipWidths.some(w => w < 100);
    zones.forEach((z, zi) => {
      const b = azBoxes[z.i];
      const nodes = perZone[zi];
      if (nodes.length === 0) return;
      const area = areaOf(b);
      const chipW = chipWidths[zi];
      if (compact) {
        const primaries = nodes.filter(x => x.endsWith('|primary')).length;
        const box: Box = { x: area.x, y: gBox.y + 14, w: Math.min(area.w, 220), h: 64 };
        serviceBox(svg, box, {
          color: COLORS.database,
          icon: 'EC',
          title: plural(nodes.length, 'cache node'),
          lines: [join([primaries ? plural(primaries, 'primary', 'primaries') : undefined, nodes.length - primaries ? plural(nodes.length - primaries, 'replica') : undefined]), cache.nodeType],
        });
        return;
      }
      const total = chipW * nodes.length + gap * (nodes.length - 1);
      let x = sideOf(z.i) === 'start' ? area.x : area.x + area.w - total;
      for (const node of nodes) {
        const [name, role] = node.split('|');
        const isPrimary = role === 'primary';
        svg.rect(x, gBox.y + 16, chipW, 62, {
          fill: isPrimary ? '#FCF4FD' : '#FFFFFF',
          stroke: COLORS.database,
          strokeWidth: isPrimary ? 1.6 : 1,
          radius: 5,
          dash: isPrimary ? undefined : '4 2',
        });
        svg.rect(x + 8, gBox.y + 24, 24, 24, { fill: COLORS.database, radius: 4 });
        svg.text(x + 20, gBox.y + 40, 'EC', { size: 9.5, weight: 'bold', color: '#FFFFFF', anchor: 'middle' });
        svg.text(x + 38, gBox.y + 33, fit(name, chipW - 44, 11.5, true), { size: 11.5, weight: 'bold' });
        svg.text(x + 38, gBox.y + 47, fit(role, chipW - 44, 11), { size: 11, color: COLORS.muted });
        if (cache.nodeType) svg.text(x + 8, gBox.y + 68, fit(cache.nodeType, chipW - 14, 10), { size: 10, color: COLORS.faint });
        x += chipW + gap;
      }
    });
    if (asgBox) {
      // Enter the cache group between the database boxes (the zone boundary side of the primary).
      const x = primary ? right(primary) + 20 : cx(gBox);
      const engineName = cache.engine.split(' ')[0];
      svg.arrow([[x, bottom(asgBox)], [x, gBox.y]], { width: 1.8 });
      svg.label(x + 6, gapY, join([`${engineName} ${cache.port ?? ''}`.trim(), cache.tls ? 'TLS' : undefined]), { anchor: 'start' });
    }
  }
}

function drawBuckets(svg: Svg, m: ArchitectureModel, cfBox: Box | undefined): { backups?: Box } {
  const x = RIGHT_COL.x;
  const w = RIGHT_COL.w;
  const out: { backups?: Box } = {};
  const bucketLines = (b: { encryption?: string; versioned: boolean; lifecycle: string[] }) => [
    join([b.versioned ? 'versioned' : undefined, b.encryption]),
    ...wrap(b.lifecycle.join(' · '), w - 54, 11, 2),
  ];
  if (m.staticAssets) {
    const box: Box = { x, y: 262, w, h: 92 };
    serviceBox(svg, box, {
      color: COLORS.storage,
      icon: 'S3',
      title: 'Static assets',
      lines: [
        m.edge?.staticPaths.length ? `origin for ${m.edge.staticPaths.join(', ')}` : 'CloudFront origin',
        m.edge?.staticViaOac ? 'origin access control' : undefined,
        ...bucketLines(m.staticAssets),
      ],
    });
    if (cfBox) {
      const from = cfBox.x + cfBox.w - 30;
      svg.arrow([[from, bottom(cfBox)], [from, LANE_Y], [cx(box), LANE_Y], [cx(box), box.y]], { width: 1.8, color: COLORS.storage });
      const text = m.edge?.staticPaths.length ? `${m.edge.staticPaths.join(', ')} (OAC)` : 'static origin';
      svg.label((from + cx(box)) / 2 + 30, LANE_Y, text, { color: COLORS.storage });
    }
  }
  if (m.logs) {
    const box: Box = { x, y: 474, w, h: 92 };
    serviceBox(svg, box, {
      color: COLORS.storage,
      icon: 'S3',
      title: 'Logs',
      lines: [
        ...wrap(m.logs.sources.length ? `access logs: ${m.logs.sources.join(', ')}` : 'access logs', w - 54, 11, 2),
        ...bucketLines(m.logs),
      ],
    });
  }
  if (m.backups) {
    const box: Box = { x, y: 720, w, h: 92 };
    out.backups = box;
    serviceBox(svg, box, {
      color: COLORS.storage,
      icon: 'S3',
      title: 'Backups',
      lines: [...bucketLines(m.backups), m.replication ? `replicated to ${regionText(m.replication.region)}` : undefined],
    });
  }
  return out;
}

function drawObservability(svg: Svg, m: ArchitectureModel): void {
  const o = m.observability;
  const items: Array<{ icon: string; title: string; lines: string[] }> = [];
  if (o.alarmCount > 0 || o.scalingAlarmCount > 0) {
    items.push({
      icon: 'CW',
      title: `CloudWatch alarms · ${o.alarmCount}`,
      lines: [
        o.alarmsByRegion.length ? o.alarmsByRegion.map(r => `${r.count} in ${r.region}`).join(', ') : '',
        o.scalingAlarmCount ? `+ ${plural(o.scalingAlarmCount, 'auto scaling alarm')}` : '',
      ],
    });
  }
  if (o.alarmTopics > 0) {
    items.push({
      icon: 'SNS',
      title: `SNS alarm ${o.alarmTopics === 1 ? 'topic' : 'topics'} · ${o.alarmTopics}`,
      lines: [o.emailSubscriptions ? plural(o.emailSubscriptions, 'e-mail subscription') : 'no e-mail subscriptions'],
    });
  }
  if (o.dashboards > 0) {
    items.push({
      icon: 'CW',
      title: `CloudWatch ${o.dashboards === 1 ? 'dashboard' : 'dashboards'} · ${o.dashboards}`,
      lines: [
        join([o.dashboardGraphs ? plural(o.dashboardGraphs, 'graph') : undefined, o.dashboardSections.length ? plural(o.dashboardSections.length, 'section') : undefined]),
        o.dashboardSections.join(', '),
      ],
    });
  }
  if (o.trail) {
    items.push({
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
      icon: 'CW',
      title: 'CloudWatch Logs',
      lines: [join([o.logGroups ? plural(o.logGroups, 'log group') : undefined, o.flowLogs ? 'VPC flow logs' : undefined])],
    });
  }
  const panel: Box = { x: SIDE.x, y: REGION.y, w: SIDE.w, h: 404 };
  group(svg, panel, { color: COLORS.management, fill: '#FFF8FB', label: 'Observability', labelSize: 12.5 });
  if (items.length === 0) {
    svg.text(panel.x + 12, panel.y + 44, 'no alarms, dashboard or trail in the templates', { size: 11, color: COLORS.faint, italic: true });
    return;
  }
  const gap = 8;
  const top = panel.y + 28;
  const h = Math.min(64, (panel.h - 36 - gap * (items.length - 1)) / items.length);
  const boxes: Box[] = [];
  items.forEach((item, i) => {
    const b: Box = { x: panel.x + 12, y: top + i * (h + gap), w: panel.w - 24, h };
    boxes.push(b);
    serviceBox(svg, b, { color: COLORS.management, icon: item.icon, title: item.title, lines: item.lines });
  });
  if (items[0].icon === 'CW' && items[1]?.icon === 'SNS') {
    const x = right(boxes[0]) - 24;
    svg.arrow([[x, bottom(boxes[0])], [x, boxes[1].y]], { color: COLORS.management, width: 1.4 });
  }
}

function drawDisasterRecovery(svg: Svg, m: ArchitectureModel, backups: Box | undefined): void {
  const r = m.replication;
  if (!r) return;
  const region: Box = { x: SIDE.x, y: 630, w: SIDE.w, h: 190 };
  group(svg, region, {
    color: COLORS.region,
    dash: '6 4',
    flag: true,
    label: `Region ${regionText(r.region)} · disaster recovery`,
    labelSize: 11,
  });
  if (r.stack) svg.text(region.x + 26, region.y + 34, fit(`stack ${r.stack}`, region.w - 34, 11), { size: 11, color: COLORS.region });
  const box: Box = { x: region.x + 84, y: backups ? backups.y : region.y + 60, w: region.w - 96, h: 92 };
  serviceBox(svg, box, {
    color: COLORS.storage,
    icon: 'S3',
    title: 'Backups replica',
    lines: [
      'versioned',
      r.kms ? 'SSE-KMS (replica key)' : undefined,
      ...wrap(r.replicaLifecycle.join(' · '), box.w - 54, 11, 2),
    ],
  });
  if (backups) {
    const y = cy(backups);
    svg.arrow([[right(backups), y], [box.x, y]], { color: COLORS.storage, width: 2, dash: '7 3' });
    svg.label((right(backups) + box.x) / 2, y - 34, 'cross-region', { size: 9.5, color: COLORS.storage });
    svg.label((right(backups) + box.x) / 2, y - 16, 'replication', { size: 9.5, color: COLORS.storage });
  }
}

function drawLegend(svg: Svg): void {
  const b: Box = { x: SIDE.x, y: 836, w: SIDE.w, h: 152 };
  svg.rect(b.x, b.y, b.w, b.h, { fill: '#FAFAFA', stroke: COLORS.line, radius: 4 });
  svg.text(b.x + 12, b.y + 18, 'Legend', { size: 12, weight: 'bold' });
  const swatches: Array<[string, string]> = [
    [COLORS.networking, 'networking, edge'],
    [COLORS.security, 'security'],
    [COLORS.compute, 'compute'],
    [COLORS.database, 'databases'],
    [COLORS.storage, 'storage'],
    [COLORS.management, 'monitoring'],
  ];
  swatches.forEach(([color, text], i) => {
    const x = b.x + 12 + (i % 2) * 148;
    const y = b.y + 32 + Math.floor(i / 2) * 18;
    svg.rect(x, y - 9, 12, 12, { fill: color, radius: 2 });
    svg.text(x + 18, y + 1, text, { size: 10.5, color: COLORS.muted });
  });
  const y = b.y + 96;
  svg.arrow([[b.x + 12, y], [b.x + 52, y]], { width: 1.8 });
  svg.text(b.x + 58, y + 4, 'request traffic', { size: 10.5, color: COLORS.muted });
  svg.arrow([[b.x + 160, y], [b.x + 200, y]], { width: 1.6, dash: '5 3', color: COLORS.muted });
  svg.text(b.x + 206, y + 4, 'replication, alias', { size: 10.5, color: COLORS.muted });
  const note = 'Generated from the synthesized templates by scripts/diagram/architecture.ts. Cache node placement across zones is indicative.';
  wrap(note, b.w - 24, 9.5, 3).forEach((line, i) => {
    svg.text(b.x + 12, b.y + 118 + i * 12, line, { size: 9.5, color: COLORS.faint, italic: true });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------------------

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const [cdkOutArg, outputArg] = process.argv.slice(2);
  const cdkOut = path.resolve(cdkOutArg ?? path.join(root, 'examples', 'cdk.out'));
  const output = path.resolve(outputArg ?? path.join(root, 'docs', 'architecture.svg'));
  if (!fs.existsSync(cdkOut)) {
    process.stderr.write(`No cloud assembly at ${cdkOut}: run 'cd examples && npx cdk synth --quiet' first.\n`);
    process.exit(1);
  }
  const model = readArchitecture(cdkOut);
  const svg = renderArchitecture(model);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, svg);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), output) || output} (${Buffer.byteLength(svg)} bytes) from ${plural(model.stacks.length, 'stack')}.\n`);
}

if (require.main === module) main();
