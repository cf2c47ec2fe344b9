import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { IPV4_DENIED, IPV6_GLOBAL_UNICAST, IPV6_TABLE, type RangeRow } from './ranges.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Cidr<T> = readonly [T, number];

interface CompiledRow<T> { readonly row: RangeRow; readonly cidr: Cidr<T> }

const V4: readonly CompiledRow<IPv4>[] = IPV4_DENIED.map((row) => ({ row, cidr: ipaddr.IPv4.parseCIDR(row.cidr) }));
const V6: readonly CompiledRow<IPv6>[] = IPV6_TABLE.map((row) => ({ row, cidr: ipaddr.IPv6.parseCIDR(row.cidr) }));
const V6_GLOBAL = ipaddr.IPv6.parseCIDR(IPV6_GLOBAL_UNICAST);

/** The verdict on one IP address: allowed, or the range (by name) that denies it. */
export type AddressVerdict =
  | { readonly ok: true; readonly address: string; readonly family: 4 | 6 }
  | { readonly ok: false; readonly range: string };

/** Parsed CIDRs of an allowance (test/demo only): addresses inside are allowed despite the table. */
export type Allowance = readonly Cidr<IPv4 | IPv6>[];

/** Parses allowance CIDRs once, at start-up; a bad entry is a programmer error. */
export function compileAllowance(cidrs: readonly string[]): Allowance {
  return cidrs.map((c) => {
    if (!ipaddr.isValidCIDR(c)) throw new TypeError('egress allowance entries must be CIDRs (e.g. 127.0.0.1/32)');
    return ipaddr.parseCIDR(c);
  });
}

/**
 * Judges one address as the socket would see it. Only canonical literals
 * (what `net.isIP` accepts) are judged; anything else is refused, so that no
 * lenient parser can read an address differently from the one connected to.
 * Zone ids are refused: a scoped address is local by definition.
 */
export function judgeAddress(raw: string, allowance: Allowance = []): AddressVerdict {
  const family = isIP(raw);
  if (family === 0 || raw.includes('%')) return { ok: false, range: 'not a canonical IP address' };
  let addr: IPv4 | IPv6;
  try { addr = ipaddr.parse(raw); } catch { return { ok: false, range: 'not a canonical IP address' }; }
  if (allowance.some((c) => c[0].kind() === addr.kind() && addr.match(c as [IPv4 | IPv6, number]))) {
    return { ok: true, address: raw, family: family as 4 | 6 };
  }
  const denied = addr.kind() === 'ipv4' ? deniedV4(addr as IPv4) : deniedV6(addr as IPv6);
  return denied ? { ok: false, range: denied } : { ok: true, address: raw, family: family as 4 | 6 };
}

/** The name of the IPv4 row denying this address, if any. */
function deniedV4(addr: IPv4): string | undefined {
  for (const c of V4) if (addr.match(c.cidr as [IPv4, number])) return `${c.row.name} (${c.row.cidr})`;
  return undefined;
}

function deniedV6(addr: IPv6): string | undefined {
  for (const c of V6) {
    if (!addr.match(c.cidr as [IPv6, number])) continue;
    if (c.row.action === 'deny') return `${c.row.name} (${c.row.cidr})`;
    const inner = embeddedV4(addr);
    const d = inner ? deniedV4(inner) : 'unreadable embedded IPv4';
    return d ? `${d} inside ${c.row.name}` : undefined;
  }
  if (!addr.match(V6_GLOBAL as [IPv6, number])) return `not global unicast (outside ${IPV6_GLOBAL_UNICAST})`;
  return undefined;
}

/**
 * The IPv4 address an IPv6 form carries: the low 32 bits for IPv4-mapped,
 * IPv4-translated, IPv4-compatible and NAT64 /96; bits 16..47 for 6to4.
 * Judged here rather than with ipaddr.js `range()`, which misreads some forms.
 */
export function embeddedV4(addr: IPv6): IPv4 | undefined {
  const p = addr.parts;
  if (p[0] === 0x2002) return v4From(p[1]!, p[2]!);
  const topZero = p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0;
  const mapped = topZero && (p[4] === 0 && (p[5] === 0xffff || p[5] === 0));
  const translated = topZero && p[4] === 0xffff && p[5] === 0;
  const nat64 = p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0;
  return mapped || translated || nat64 ? v4From(p[6]!, p[7]!) : undefined;
}

function v4From(hi: number, lo: number): IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}
