import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitsEntrySchema, LimitsFileSchema } from '../../src/config/limits.js';
import { FaultError } from '../../src/core/errors.js';
import { limitKey } from '../../src/limits/key.js';
import { createLimiter, type LimitCall } from '../../src/limits/limiter.js';
import { createLimitTable } from '../../src/limits/resolve.js';
import { createRedisStore } from '../../src/state/redis.js';
import { readFileSync } from 'node:fs';

const seed = JSON.parse(readFileSync(new URL('../../seed/limits.json', import.meta.url), 'utf8')) as unknown;
const call = (tool: LimitCall['tool']): LimitCall => ({ principal: { id: 'agent:copilot', tenant: 'acme' }, tool, args: {}, sessionId: 's', meta: {} });

describe('limits faults: the state store unreachable', () => {
  // A real Redis client aimed at a loopback port nothing listens on.
  const dead = () => createRedisStore({ url: 'redis://127.0.0.1:1', prefix: 'dead:', commandTimeoutMs: 300 });
  const entries = [LimitsEntrySchema.parse(seed)];

  it('denies with UPSTREAM_ERROR naming the state store (fail closed)', async () => {
    const store = dead();
    const lim = createLimiter({ store, entries });
    const err = await lim.check(call({ name: 'orders.get', effect: 'read', cost: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaultError);
    expect((err as FaultError).code).toBe('UPSTREAM_ERROR');
    expect((err as FaultError).message).toContain('state store (redis)');
    await expect(lim.rateWait({ id: 'agent:copilot', tenant: 'acme' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    await store.close();
  });

  it('fail_open lets a READ tool through, marked; never a write tool', async () => {
    const store = dead();
    const lim = createLimiter({ store, entries, tools: { 'orders.get': { fail_open: true }, 'flag.set': { fail_open: true } } });
    expect(await lim.check(call({ name: 'orders.get', effect: 'read', cost: 0 }))).toMatchObject({ ok: true, failOpen: true });
    await expect(lim.check(call({ name: 'flag.set', effect: 'write', cost: 0 }))).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    await store.close();
  });
});

describe('limits.json shape', () => {
  it('the seed file parses as written', () => {
    expect(LimitsFileSchema.safeParse(seed).success).toBe(true);
  });
  it('refuses an entry naming both or neither of principal and tenant, unknown keys, burst without rpm', () => {
    expect(LimitsEntrySchema.safeParse({ limits: { rpm: 1 } }).success).toBe(false);
    expect(LimitsEntrySchema.safeParse({ principal: 'a', tenant: 'b', limits: { rpm: 1 } }).success).toBe(false);
    expect(LimitsEntrySchema.safeParse({ principal: 'a', limits: { rpmm: 1 } }).success).toBe(false);
    expect(LimitsEntrySchema.safeParse({ principal: 'a', limits: { burst: 5 } }).success).toBe(false);
  });
  it('refuses two entries for the same subject and tool', () => {
    const e = LimitsEntrySchema.parse({ principal: 'a', limits: { rpm: 1 } });
    expect(() => createLimitTable([e, e])).toThrow(TypeError);
  });
});

describe('composite keys cannot be joined into each other', () => {
  it('distinct part lists give distinct keys', () => {
    const part = fc.string({ maxLength: 6, unit: fc.constantFrom('a', ':', '|', '1', '\u0000') });
    fc.assert(fc.property(fc.array(part, { maxLength: 4 }), fc.array(part, { maxLength: 4 }), (a, b) => {
      fc.pre(JSON.stringify(a) !== JSON.stringify(b));
      return limitKey('x', ...a) !== limitKey('x', ...b);
    }));
  });
  it('a principal id carrying a separator cannot share counters with another tenant', () => {
    const t = createLimitTable([LimitsEntrySchema.parse({ principal: '*', limits: { rpm: 1 } })]);
    expect(t.scopes('b', 'a:', undefined)[0]!.id).not.toBe(t.scopes(':b', 'a', undefined)[0]!.id);
  });
});

describe('doctor reports the limits', () => {
  it('fail_open tools FAIL by name; no "*" entry fails in production only', async () => {
    const { limitsFindings } = await import('../../src/limits/doctor.js');
    const { loadConfig } = await import('../../src/config/load.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'pal-doc-'));
    writeFileSync(join(d, 'p.yaml'), 'tools:\n  orders.get: { fail_open: true }\n');
    const loaded = loadConfig({ file: join(d, 'p.yaml'), env: {} });
    const f = limitsFindings(loaded, { production: true });
    expect(f.find((x) => x.check === 'limits.fail_open')).toMatchObject({ ok: false });
    expect(f.find((x) => x.check === 'limits.fail_open')!.reason).toContain('orders.get');
    expect(f.find((x) => x.check === 'limits.default')).toMatchObject({ ok: false });
    expect(limitsFindings(loaded, { production: false }).find((x) => x.check === 'limits.default')).toMatchObject({ ok: true });
  });
});
