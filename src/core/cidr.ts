/**
 * IPv4 CIDR arithmetic for synth-time validation of address plans.
 *
 * Addresses are held as unsigned 32-bit integers.
 */
export interface Ipv4Cidr {
  /** First address of the block. */
  readonly network: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
  /** The block as written by the user. */
  readonly text: string;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`; returns undefined when the text is not an IPv4 CIDR block.
 * A block with host bits set (`10.0.1.7/24`) parses; see `isNetworkAddress`.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some(o => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  return { network: address, prefix, text };
}

/** Size of the block in addresses. */
export function blockSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** Whether the block's host bits are all zero (`10.0.1.0/24`, not `10.0.1.7/24`). */
export function isNetworkAddress(cidr: Ipv4Cidr): boolean {
  return cidr.network % blockSize(cidr) === 0;
}

/** The block with its host bits cleared: what the user most likely meant. */
export function networkOf(cidr: Ipv4Cidr): string {
  const network = cidr.network - (cidr.network % blockSize(cidr));
  return `${formatAddress(network)}/${cidr.prefix}`;
}

/** Whether `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  const outerStart = outer.network - (outer.network % blockSize(outer));
  return inner.prefix >= outer.prefix
    && inner.network >= outerStart
    && inner.network + blockSize(inner) <= outerStart + blockSize(outer);
}

/** Whether two blocks share at least one address. */
export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network < b.network + blockSize(b) && b.network < a.network + blockSize(a);
}

/** The block of `prefix` length that starts `offset` blocks of that size after the start of `base`. */
export function subBlock(base: Ipv4Cidr, prefix: number, offset: number): string {
  return `${formatAddress(base.network + offset * 2 ** (32 - prefix))}/${prefix}`;
}

function formatAddress(address: number): string {
  return [3, 2, 1, 0].map(byte => Math.floor(address / 256 ** byte) % 256).join('.');
}
