import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { createEgressClient, IPV4_DENIED, IPV6_TABLE, judgeAddress } from '../../src/egress/index.js';

const toInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toDotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** An address inside one of the denied IPv4 rows (any of them, anywhere in it). */
const deniedV4 = fc.constantFrom(...IPV4_DENIED).chain((row) => {
  const [base, bits] = row.cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return fc.integer({ min: 0, max: size - 1 }).map((off) => toInt(base) + off);
});

type Base = 'd' | 'o' | 'x';
const part = (v: number, b: Base) => (b === 'd' ? String(v) : b === 'o' ? `0${v.toString(8)}` : `0x${v.toString(16)}`);

/** Every IPv4 notation the WHATWG parser accepts: 1 to 4 parts, each decimal, octal or hex. */
const v4Notation = (n: number) =>
  fc.record({ parts: fc.integer({ min: 1, max: 4 }), bases: fc.array(fc.constantFrom<Base>('d', 'o', 'x'), { minLength: 4, maxLength: 4 }), dot: fc.boolean() })
    .map(({ parts, bases, dot }) => {
      const o = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256);
      const rest = (k: number) => o.slice(k).reduce((a, x) => a * 256 + x, 0);
      const nums = parts === 1 ? [n] : parts === 2 ? [o[0]!, rest(1)] : parts === 3 ? [o[0]!, o[1]!, rest(2)] : o;
      return nums.map((v, i) => part(v, bases[i]!)).join('.') + (dot ? '.' : '');
    });

const hex4 = (n: number) => [Math.floor(n / 65536), n % 65536].map((x) => x.toString(16)).join(':');
/** IPv6 forms that carry the IPv4 address. */
const v6Embedding = (n: number) =>
  fc.constantFrom(
    `[::ffff:${toDotted(n)}]`, `[::ffff:${hex4(n)}]`, `[0:0:0:0:0:FFFF:${toDotted(n)}]`,
    `[64:ff9b::${toDotted(n)}]`, `[64:ff9b::${hex4(n)}]`, `[64:ff9b:1::${hex4(n)}]`,
    `[2002:${hex4(n)}::1]`, `[::${toDotted(n)}]`, `[::ffff:0:${toDotted(n)}]`,
  );

const client = createEgressClient({ schemes: ['http', 'https'], resolver: async () => { throw new Error('no DNS in this test'); } });

describe('address table', () => {
  it('denies the first and last address of every IPv4 row, alone and IPv4-mapped', () => {
    for (const row of IPV4_DENIED) {
      const [base, bits] = row.cidr.split('/') as [string, string];
      const first = toInt(base);
      const last = first + 2 ** (32 - Number(bits)) - 1;
      for (const n of [first, last]) {
        expect(judgeAddress(toDotted(n)).ok, `${row.cidr} ${toDotted(n)}`).toBe(false);
        expect(judgeAddress(`::ffff:${toDotted(n)}`).ok).toBe(false);
      }
    }
  });

  it('denies every IPv6 deny row', () => {
    for (const row of IPV6_TABLE.filter((r) => r.action === 'deny')) {
      expect(judgeAddress(ipaddr.IPv6.networkAddressFromCIDR(row.cidr).toString()).ok, row.cidr).toBe(false);
      expect(judgeAddress(ipaddr.IPv6.broadcastAddressFromCIDR(row.cidr).toString()).ok, row.cidr).toBe(false);
    }
  });

  it('allows public addresses, including public IPv4 inside NAT64, 6to4 and IPv4-mapped', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '64:ff9b::808:808', '::ffff:8.8.4.4', '2002:808:808::1']) {
      expect(judgeAddress(a), a).toMatchObject({ ok: true });
    }
  });

  it('is never more lenient than ipaddr.js: both ends of each of its special ranges are denied', () => {
    // Globally reachable per IANA (anycast DNS sinks, AMT relays): ipaddr.js names them, Palisade allows them.
    const globallyReachable = new Set(['as112', 'amt', 'as112v6']);
    type Ranges = Record<string, [ipaddr.IPv4 | ipaddr.IPv6, number] | [ipaddr.IPv4 | ipaddr.IPv6, number][]>;
    const tables = [
      (ipaddr.IPv4.prototype as unknown as { SpecialRanges: Ranges }).SpecialRanges,
      (ipaddr.IPv6.prototype as unknown as { SpecialRanges: Ranges }).SpecialRanges,
    ];
    let checked = 0;
    for (const table of tables) {
      for (const [name, entry] of Object.entries(table)) {
        if (globallyReachable.has(name)) continue;
        const list = Array.isArray(entry[0]) ? (entry as [ipaddr.IPv4 | ipaddr.IPv6, number][]) : [entry as [ipaddr.IPv4 | ipaddr.IPv6, number]];
        for (const [addr, bits] of list) {
          const cidr = `${addr.toString()}/${bits}`;
          const cls = addr.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6;
          for (const end of [cls.networkAddressFromCIDR(cidr), cls.broadcastAddressFromCIDR(cidr)]) {
            expect(judgeAddress(end.toString()).ok, `${name} ${cidr} ${end.toString()}`).toBe(false);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('property: any denied address, in any notation, is SSRF_BLOCKED', () => {
  it('IPv4 in decimal, octal, hex and short forms', async () => {
    await fc.assert(fc.asyncProperty(deniedV4.chain(v4Notation), fc.constantFrom('http', 'https'), async (host, scheme) => {
      const r = await client.fetch(`${scheme}://${host}/`);
      expect(r.ok ? 'ALLOWED' : r.code).toBe('SSRF_BLOCKED');
    }), { numRuns: 400 });
  });

  it('IPv6 embeddings of denied IPv4 addresses', async () => {
    await fc.assert(fc.asyncProperty(deniedV4.chain(v6Embedding), async (host) => {
      const r = await client.fetch(`http://${host}/`);
      expect(r.ok ? 'ALLOWED' : r.code).toBe('SSRF_BLOCKED');
    }), { numRuns: 300 });
  });

  it('any address inside an IPv6 deny row', async () => {
    const rows = IPV6_TABLE.filter((r) => r.action === 'deny');
    const arb = fc.constantFrom(...rows).chain((row) => fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((parts) => {
      const [net, bits] = ipaddr.IPv6.parseCIDR(row.cidr);
      const out = net.parts.map((p, i) => {
        const keep = Math.max(0, Math.min(16, bits - i * 16));
        const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
        return (p & mask) | (parts[i]! & ~mask & 0xffff);
      });
      return new ipaddr.IPv6(out).toString();
    }));
    await fc.assert(fc.asyncProperty(arb, async (a) => {
      const r = await client.fetch(`http://[${a}]/`);
      expect(r.ok ? 'ALLOWED' : r.code).toBe('SSRF_BLOCKED');
    }), { numRuns: 300 });
  });
});
