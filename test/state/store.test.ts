import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/state/memory.js';
import { createRedisStore } from '../../src/state/redis.js';
import { createSqliteStore } from '../../src/state/sqlite.js';
import type { StateStore } from '../../src/state/store.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const impls: [string, (now: () => number) => StateStore][] = [
  ['memory', (now) => createMemoryStore({ now })],
  ['sqlite', (now) => createSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'pal-st-')), 's.db'), now, pollMs: 10 })],
];
// test/setup.ts moves REDIS_URL to TEST_REDIS_URL; under CI=true these tests always run.
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? process.env['REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);

describe.each(impls)('%s StateStore', (_name, make) => {
  it('get/set/del with TTL', async () => {
    const c = clock();
    const s = make(c.now);
    await s.set('a', '1', 1000);
    await s.set('b', '2');
    expect(await s.get('a')).toBe('1');
    c.advance(1000);
    expect(await s.get('a')).toBeNull();
    expect(await s.get('b')).toBe('2');
    await s.del('b');
    expect(await s.get('b')).toBeNull();
    await s.close();
  });

  it('setIfAbsent only once until expiry', async () => {
    const c = clock();
    const s = make(c.now);
    expect(await s.setIfAbsent('k', 'x', 500)).toBe(true);
    expect(await s.setIfAbsent('k', 'y', 500)).toBe(false);
    expect(await s.get('k')).toBe('x');
    c.advance(501);
    expect(await s.setIfAbsent('k', 'z', 500)).toBe(true);
    await s.close();
  });

  it('incr is atomic under concurrency and keeps the first TTL', async () => {
    const c = clock();
    const s = make(c.now);
    const all = await Promise.all(Array.from({ length: 50 }, () => s.incr('n', 1, 1000)));
    expect(new Set(all).size).toBe(50);
    expect(Math.max(...all)).toBe(50);
    c.advance(600);
    expect(await s.incr('n', 2, 1000)).toBe(52);
    c.advance(400);
    expect(await s.incr('n', 1, 1000)).toBe(1);
    await s.close();
  });

  it('publish reaches subscribers', async () => {
    const s = make(Date.now);
    const got: string[] = [];
    const off = s.subscribe('ch', (m) => got.push(m));
    await s.publish('ch', 'hello');
    await expect.poll(() => got, { timeout: 2000 }).toEqual(['hello']);
    off();
    await s.close();
  });
});

describe('sqlite store across processes', () => {
  it('two handles on one file see each other (kill switch path)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pal-st2-')), 's.db');
    const a = createSqliteStore({ file, pollMs: 10 });
    const b = createSqliteStore({ file, pollMs: 10 });
    const got: string[] = [];
    b.subscribe('ch', (m) => got.push(m));
    await a.set('x', 'y');
    await a.publish('ch', 'm1');
    expect(await b.get('x')).toBe('y');
    await expect.poll(() => got, { timeout: 2000 }).toEqual(['m1']);
    expect(await a.setIfAbsent('once', '1')).toBe(true);
    expect(await b.setIfAbsent('once', '2')).toBe(false);
    await a.close();
    await b.close();
  });
});

// Redis keeps its own clock, so TTLs are checked with short real waits instead of an injected clock.
describe.runIf(REDIS_URL !== undefined)('redis StateStore (REDIS_URL)', () => {
  const make = () => createRedisStore({ url: REDIS_URL!, prefix: `palisade-test:${crypto.randomUUID()}:` });

  it('get/set/del, setIfAbsent and TTL', async () => {
    const s = make();
    await s.set('a', '1', 150);
    expect(await s.get('a')).toBe('1');
    expect(await s.setIfAbsent('a', '2', 150)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.get('a')).toBeNull();
    expect(await s.setIfAbsent('a', '3')).toBe(true);
    await s.del('a');
    expect(await s.get('a')).toBeNull();
    await s.close();
  });

  it('incr is atomic across two connections and sets the TTL once', async () => {
    const prefix = `palisade-test:${crypto.randomUUID()}:`;
    const a = createRedisStore({ url: REDIS_URL!, prefix });
    const b = createRedisStore({ url: REDIS_URL!, prefix });
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).incr('n', 1, 60_000)));
    expect(new Set(all).size).toBe(40);
    expect(Math.max(...all)).toBe(40);
    await a.close();
    await b.close();
  });

  it('publish reaches a subscriber on another connection', async () => {
    const prefix = `palisade-test:${crypto.randomUUID()}:`;
    const a = createRedisStore({ url: REDIS_URL!, prefix });
    const b = createRedisStore({ url: REDIS_URL!, prefix });
    const got: string[] = [];
    b.subscribe('ch', (m) => got.push(m));
    await expect.poll(async () => { await a.publish('ch', 'hi'); return got.length > 0; }, { timeout: 5000, interval: 100 }).toBe(true);
    expect(got[0]).toBe('hi');
    await a.close();
    await b.close();
  });

  it('a dead Redis fails the command (so guards fail closed), it does not crash', async () => {
    const s = createRedisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 300 });
    await expect(s.get('x')).rejects.toBeDefined();
    await s.close();
  });
});

describe.runIf(REDIS_URL !== undefined)('kill switches over Redis (fleet-wide)', () => {
  it('a quarantine set on one instance reaches another through pub/sub', async () => {
    const { createSwitchboard } = await import('../../src/state/switches.js');
    const prefix = `palisade-test:${crypto.randomUUID()}:`;
    const a = createRedisStore({ url: REDIS_URL!, prefix });
    const b = createRedisStore({ url: REDIS_URL!, prefix });
    const defaults = { readOnly: false, readOnlyForced: false, quarantine: [], egressBlock: [] };
    const sa = await createSwitchboard(a, defaults, { refreshMs: 60_000 });
    const sb = await createSwitchboard(b, defaults, { refreshMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100)); // let b's SUBSCRIBE land
    await sa.setQuarantined('orders.export', true);
    await sa.setEgressBlocked('Evil.Example', true);
    await expect.poll(() => sb.current().quarantine.has('orders.export'), { timeout: 5000 }).toBe(true);
    await expect.poll(() => sb.current().egressBlock.has('evil.example'), { timeout: 5000 }).toBe(true);
    sa.close(); sb.close();
    await a.close(); await b.close();
  });
});

describe('redis prefix', () => {
  it.each(['palisade', 'a b:', 'x{y}:', 'p:\n:', ''])('a prefix %j that does not end cleanly with ":" is refused before connecting', (prefix) => {
    expect(() => createRedisStore({ url: 'redis://127.0.0.1:1', prefix })).toThrow(TypeError);
  });
});
