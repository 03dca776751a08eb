/**
 * A tiny, dependency-free SVG writer: boxes, text, arrows. Output is deterministic (fixed number formatting, no
 * timestamps, no random IDs).
 */

export const FONT = "'Amazon Ember', 'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/** AWS architecture icon colours, by category. */
export const COLORS = {
  ink: '#232F3E',
  muted: '#545B64',
  faint: '#879196',
  line: '#D5DBDB',
  networking: '#8C4FFF',
  compute: '#ED7100',
  database: '#C925D1',
  storage: '#7AA116',
  security: '#DD344C',
  management: '#E7157B',
  region: '#00A4A6',
  publicSubnet: '#7AA116',
  publicFill: '#F2F8E9',
  privateSubnet: '#00A4A6',
  privateFill: '#E6F6F7',
  dataSubnet: '#147EBA',
  dataFill: '#EAF3FB',
  edgeFill: '#F4F0FF',
  arrow: '#232F3E',
};

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Fixed formatting of coordinates: at most one decimal, no trailing zeros. */
export function n(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

// Advance widths (1/1000 em) of Helvetica and Helvetica-Bold (Adobe AFM; Arial and Liberation Sans share them) for
// printable ASCII, from ' ' (32) to '~' (126).
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
  611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];
const OTHER: Record<string, number> = { '·': 278, '•': 350, '→': 1000, '←': 1000, '↔': 1000, '≥': 549, '≤': 549, '×': 584, '…': 1000, '’': 222 };

/** Width of a text in Helvetica/Arial metrics: what every text element is drawn to (its textLength). */
export function advance(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    units += code >= 32 && code <= 126 ? table[code - 32] : OTHER[ch] ?? 1000;
  }
  return (units / 1000) * size;
}

/** The width layout decisions use: the advance plus a little room. */
export function textWidth(text: string, size: number, bold = false): number {
  return advance(text, size, bold) * 1.04;
}

/** The text, shortened with an ellipsis if it would be wider than maxWidth. */
export function fit(text: string, maxWidth: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, size, bold) > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** Greedy word wrap into at most maxLines lines (the last one shortened with an ellipsis when needed). */
export function wrap(text: string, maxWidth: number, size: number, maxLines = 3, bold = false): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, size, bold) <= maxWidth || !current) {
      current = candidate;
    } else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = fit(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`, maxWidth, size, bold);
    return kept;
  }
  return lines.map(l => fit(l, maxWidth, size, bold));
}

export interface TextOptions {
  readonly size?: number;
  readonly weight?: 'normal' | 'bold';
  readonly color?: string;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly italic?: boolean;
}

export interface RectOptions {
  readonly fill?: string;
  readonly stroke?: string;
  readonly strokeWidth?: number;
  readonly dash?: string;
  readonly radius?: number;
  readonly opacity?: number;
}

export interface ArrowOptions {
  readonly color?: string;
  readonly dash?: string;
  readonly width?: number;
  /** Arrow heads at both ends. */
  readonly both?: boolean;
  /** No arrow head at all (a plain connector). */
  readonly plain?: boolean;
}

export class Svg {
  private readonly parts: string[] = [];
  private readonly markers = new Map<string, string>();

  constructor(private readonly width: number, private readonly height: number) {}

  comment(text: string): void {
    this.parts.push(`<!-- ${esc(text).replace(/--/g, '- -')} -->`);
  }

  rect(x: number, y: number, w: number, h: number, o: RectOptions = {}): void {
    const attrs = [
      `x="${n(x)}"`, `y="${n(y)}"`, `width="${n(w)}"`, `height="${n(h)}"`,
      o.radius ? `rx="${n(o.radius)}"` : '',
      `fill="${o.fill ?? 'none'}"`,
      o.stroke ? `stroke="${o.stroke}" stroke-width="${n(o.strokeWidth ?? 1)}"` : '',
      o.dash ? `stroke-dasharray="${o.dash}"` : '',
      o.opacity !== undefined ? `opacity="${n(o.opacity)}"` : '',
    ].filter(a => a !== '');
    this.parts.push(`<rect ${attrs.join(' ')}/>`);
  }

  circle(cx: number, cy: number, r: number, fill: string): void {
    this.parts.push(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${fill}"/>`);
  }

  path(d: string, o: { fill?: string; stroke?: string; strokeWidth?: number; dash?: string } = {}): void {
    const attrs = [
      `d="${d}"`,
      `fill="${o.fill ?? 'none'}"`,
      o.stroke ? `stroke="${o.stroke}" stroke-width="${n(o.strokeWidth ?? 1)}"` : '',
      o.dash ? `stroke-dasharray="${o.dash}"` : '',
    ].filter(a => a !== '');
    this.parts.push(`<path ${attrs.join(' ')}/>`);
  }

  text(x: number, y: number, content: string, o: TextOptions = {}): void {
    const attrs = [
      `x="${n(x)}"`, `y="${n(y)}"`,
      `font-size="${n(o.size ?? 11)}"`,
      o.weight === 'bold' ? 'font-weight="bold"' : '',
      o.italic ? 'font-style="italic"' : '',
      `fill="${o.color ?? COLORS.ink}"`,
      o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
      // Drawn to the width the layout measured, whatever font the viewer substitutes (as shields.io badges do).
      `textLength="${n(advance(content, o.size ?? 11, o.weight === 'bold'))}" lengthAdjust="spacingAndGlyphs"`,
    ].filter(a => a !== '');
    this.parts.push(`<text ${attrs.join(' ')}>${esc(content)}</text>`);
  }

  /** A label on a white, rounded background, centred at (cx, cy). */
  label(cx: number, cy: number, content: string, o: { size?: number; color?: string; anchor?: 'start' | 'middle' | 'end' } = {}): void {
    const size = o.size ?? 10.5;
    const w = textWidth(content, size, true) + 10;
    const h = size + 7;
    const anchor = o.anchor ?? 'middle';
    const left = anchor === 'middle' ? cx - w / 2 : anchor === 'start' ? cx : cx - w;
    this.rect(left, cy - h / 2, w, h, { fill: '#FFFFFF', stroke: o.color ?? COLORS.faint, strokeWidth: 0.8, radius: h / 2 });
    this.text(left + w / 2, cy + size * 0.36, content, { size, weight: 'bold', color: o.color ?? COLORS.ink, anchor: 'middle' });
  }

  /** A polyline arrow through the given points. */
  arrow(points: Array<[number, number]>, o: ArrowOptions = {}): void {
    const color = o.color ?? COLORS.arrow;
    const marker = this.marker(color);
    const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${n(x)} ${n(y)}`).join(' ');
    const attrs = [
      `d="${d}"`, 'fill="none"', `stroke="${color}"`, `stroke-width="${n(o.width ?? 1.6)}"`,
      'stroke-linejoin="round"',
      o.dash ? `stroke-dasharray="${o.dash}"` : '',
      o.plain ? '' : `marker-end="url(#${marker})"`,
      o.both && !o.plain ? `marker-start="url(#${marker})"` : '',
    ].filter(a => a !== '');
    this.parts.push(`<path ${attrs.join(' ')}/>`);
  }

  raw(fragment: string): void {
    this.parts.push(fragment);
  }

  toString(): string {
    const defs = [...this.markers.entries()].map(([id, color]) =>
      `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">`
      + `<path d="M0 0 L10 5 L0 10 z" fill="${color}"/></marker>`);
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}" `
        + `font-family="${esc(FONT)}">`,
      `<defs>${defs.join('')}</defs>`,
      `<rect x="0" y="0" width="${this.width}" height="${this.height}" fill="#FFFFFF"/>`,
      ...this.parts,
      '</svg>',
      '',
    ].join('\n');
  }

  private marker(color: string): string {
    const id = `arrow-${color.replace('#', '').toLowerCase()}`;
    this.markers.set(id, color);
    return id;
  }
}
