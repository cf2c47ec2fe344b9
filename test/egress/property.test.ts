import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressClient, egressFacts, egressFindings, type Resolver } from '../../src/egress/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { startServer, text, type TestServer } from './servers.js';

const CANARY = '127.0.0.61';
const CODES = new Set(['SSRF_BLOCKED', 'EGRESS_DENIED', 'PAYLOAD_TOO_LARGE', 'UPSTREAM_ERROR']);
let canary: TestServer;

beforeAll(async () => { canary = await startServer(CANARY, text('canary')); });
afterAll(async () => { await canary.close(); });

/** Answers depend on the name only (deterministic): the canary, a denied address, garbage, nothing, or a failure. */
const resolver: Resolver = async (name) => {
  const h = [...name].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7) % 6;
  if (h === 0) return [{ address: CANARY, family: 4 }];
  if (h === 1) return [{ address: '10.0.0.1', family: 4 }];
  if (h === 2) return [{ address: 'not an address', family: 4 }];
  if (h === 3) return [];
  if (h === 4) return [{ address: CANARY, family: 4 }, { address: 'fd00::1', family: 6 }];
  throw new Error('ENOTFOUND');
};

const hostish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefx.:[]%@#\\/?。．１２７ffff'.split('')), maxLength: 40 });
const urls = fc.oneof(
  fc.webUrl({
    validSchemes: ['http', 'https', 'ftp', 'file', 'gopher', 'ws'],
    withQueryParameters: true,
    withFragments: true,
    authoritySettings: { withIPv4: true, withIPv6: true, withIPv4Extended: true, withUserInfo: true, withPort: true },
  }),
  fc.tuple(fc.constantFrom('http://', 'https://', 'HTTP://', 'https:', '//', ''), hostish, fc.string({ maxLength: 20 })).map(([s, h, p]) => `${s}${h}/${p}`),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('property: every URL gets a decision, never a throw', () => {
  it('fetch resolves to ok or one of the four egress codes, and never repeats the URL in its message', async () => {
    const egress = createEgressClient({
      schemes: ['http', 'https'], ports: [canary.port], resolver, testAllowLoopback: [`${CANARY}/32`], timeoutMs: 2000,
    });
    const seen = new Map<string, number>();
    await fc.assert(fc.asyncProperty(urls, async (url) => {
      const r = await egress.fetch(url);
      const k = r.ok ? 'ok' : r.code;
      seen.set(k, (seen.get(k) ?? 0) + 1);
      if (!r.ok) {
        expect(CODES.has(r.code)).toBe(true);
        if (url.length >= 12) expect(r.message.includes(url)).toBe(false);
      }
    }), {
      numRuns: 300,
      // Fixed examples so that every stage is reached on every run, whatever the random sample:
      // URL rules, address rules, a refused loopback connection and a real fetch.
      examples: [['file:///etc/passwd'], ['http://10.0.0.1/'], [`http://${CANARY}/`], [`http://${CANARY}:${canary.port}/`]],
    });
    expect([...seen.keys()].sort()).toEqual(['EGRESS_DENIED', 'SSRF_BLOCKED', 'UPSTREAM_ERROR', 'ok']);
  });

  it('non-string input is a decision too', async () => {
    const egress = createEgressClient({ resolver });
    for (const bad of [undefined, null, 42, {}, [], 'x'.repeat(10_000)]) {
      const r = await egress.fetch(bad as unknown as string);
      expect(r.ok ? 'ALLOWED' : r.code).toBe('EGRESS_DENIED');
    }
  });
});

describe('egressFindings (for palisade doctor)', () => {
  const cfg = (egress: Record<string, unknown>) => ConfigSchema.parse({ egress }).egress;

  it('fails a production config without an allow-list, passes development', () => {
    expect(egressFindings(cfg({}), { production: true }).find((f) => f.check === 'egress.allow')?.ok).toBe(false);
    expect(egressFindings(cfg({}), { production: false }).every((f) => f.ok)).toBe(true);
    expect(egressFindings(cfg({ allow: ['api.vendor.example', '*.cdn.example'] }), { production: true }).every((f) => f.ok)).toBe(true);
  });

  it('fails over-broad entries, http in production and redirects above 3', () => {
    const f = egressFindings(cfg({ allow: ['*.com'], schemes: ['https', 'http'], max_redirects: 5 }), { production: true });
    expect(Object.fromEntries(f.map((x) => [x.check, x.ok]))).toEqual({
      'egress.allow': false, 'egress.schemes': false, 'egress.max_redirects': false, 'egress.caps': true,
    });
  });
});

describe('egressFacts (for the policy stage)', () => {
  it('normalizes the domain and matches the allow-list like the client', () => {
    expect(egressFacts('https://API.Vendor.Example./x', ['*.vendor.example'])).toEqual({ domain: 'api.vendor.example', inAllowList: true });
    expect(egressFacts('https://evilvendor.example/', ['*.vendor.example'])).toEqual({ domain: 'evilvendor.example', inAllowList: false });
    expect(egressFacts('https://anything.example/', [])).toEqual({ domain: 'anything.example', inAllowList: true });
    expect(egressFacts('not a url', ['a.example'])).toEqual({ domain: undefined, inAllowList: false });
    expect(egressFacts(42, [])).toEqual({ domain: undefined, inAllowList: false });
  });
});
