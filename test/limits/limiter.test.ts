import { afterEach, describe, expect, it } from 'vitest';
import type { LimitsEntry } from '../../src/config/limits.js';
import { LimitsEntrySchema } from '../../src/config/limits.js';
import { FaultError } from '../../src/core/errors.js';
import { createLimiter, type LimitCall, type LimiterOptions } from '../../src/limits/limiter.js';
import { PLAN_META_KEY } from '../../src/limits/stop-rules.js';
import type { StateStore } from '../../src/state/store.js';
import { clock, STORES } from './stores.js';

const entry = (e: unknown): LimitsEntry => LimitsEntrySchema.parse(e);
const read = { name: 'orders.get', effect: 'read' as const, cost: 0 };
const call = (over: Partial<LimitCall> = {}): LimitCall => ({
  principal: { id: 'agent:copilot', tenant: 'acme' }, tool: read, args: { id: 'o-1' }, sessionId: 's-1', meta: {}, ...over,
});

describe.each(STORES)('limits on $name', (sc) => {
  const open: StateStore[] = [];
  afterEach(async () => { for (const s of open.splice(0)) await s.close(); });
  function limiter(entries: unknown[], extra: Partial<LimiterOptions> = {}) {
    const c = clock();
    const store = sc.make(c.now);
    open.push(store);
    return { c, store, lim: createLimiter({ store, entries: entries.map(entry), now: sc.fakeTime ? c.now : Date.now, ...extra }) };
  }

  it('the seed entry as written: rpm 60 + burst 100 admits 100 at once, then RATE_LIMITED with retryAfterMs', async () => {
    const { lim } = limiter([{ principal: 'agent:copilot', limits: { rpm: 60, burst: 100, concurrency: 1000, daily_cost_usd: 50 } }]);
    for (let i = 0; i < 100; i++) {
      const v = await lim.check(call({ args: { i } }));
      expect(v.ok).toBe(true);
      if (v.ok) await v.settle({ kind: 'ok', replayed: false, result: {} });
    }
    const v = await lim.check(call());
    expect(v).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    if (!v.ok) expect(v.retryAfterMs).toBeGreaterThan(0);
    if (!v.ok) expect(v.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await lim.rateWait({ id: 'agent:copilot', tenant: 'acme' })).toBeGreaterThan(0);
    expect(await lim.rateWait({ id: 'agent:other', tenant: 'acme' })).toBe(0);
  });

  it.runIf(sc.fakeTime)('a new minute admits rpm again; the burst allowance does not come back within the hour', async () => {
    const { c, lim } = limiter([{ principal: 'agent:copilot', limits: { rpm: 2, burst: 3 } }]);
    const codes = async (n: number) => { const out = []; for (let i = 0; i < n; i++) { const v = await lim.check(call()); out.push(v.ok ? 'ok' : v.code); } return out; };
    expect(await codes(4)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    c.advance(60_001);
    expect(await codes(3)).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });

  it('principal and tenant both apply; "*" gives every principal counters of its own', async () => {
    const { lim } = limiter([
      { principal: '*', limits: { rpm: 2 } },
      { tenant: 'acme', limits: { rpm: 3 } },
    ]);
    const as = (id: string, tenant = 'acme') => lim.check(call({ principal: { id, tenant } }));
    expect((await as('a')).ok).toBe(true);
    expect((await as('a')).ok).toBe(true);
    expect(await as('a')).toMatchObject({ code: 'RATE_LIMITED' }); // principal's own 2
    expect((await as('b')).ok).toBe(true); // tenant's 3rd
    expect(await as('c')).toMatchObject({ code: 'RATE_LIMITED' }); // tenant spent
    expect((await as('a', 'globex')).ok).toBe(true); // same id, other tenant: another principal
  });

  it('a tool entry adds counters of its own for that tool', async () => {
    const { lim } = limiter([
      { principal: 'agent:copilot', limits: { rpm: 100 } },
      { principal: 'agent:copilot', tool: 'orders.export', limits: { rpm: 1 } },
    ]);
    const exp = { name: 'orders.export', effect: 'read' as const, cost: 0 };
    expect((await lim.check(call({ tool: exp }))).ok).toBe(true);
    expect(await lim.check(call({ tool: exp }))).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await lim.check(call())).ok).toBe(true);
  });

  it('CONCURRENCY_LIMITED while slots are held; a settled call frees its slot', async () => {
    const { lim } = limiter([{ principal: 'agent:copilot', limits: { concurrency: 2 } }]);
    const a = await lim.check(call());
    const b = await lim.check(call());
    expect(a.ok && b.ok).toBe(true);
    expect(await lim.check(call())).toMatchObject({ ok: false, code: 'CONCURRENCY_LIMITED' });
    if (a.ok) await a.settle({ kind: 'denied' });
    const c = await lim.check(call());
    expect(c.ok).toBe(true);
  });

  it('a lease expires: a crashed instance leaks no slot', async () => {
    const { c, lim } = limiter([{ principal: 'agent:copilot', limits: { concurrency: 1 } }], { leaseMs: sc.fakeTime ? 60_000 : 300 });
    expect((await lim.check(call())).ok).toBe(true); // never settled: the instance "crashed"
    expect(await lim.check(call())).toMatchObject({ code: 'CONCURRENCY_LIMITED' });
    if (sc.fakeTime) c.advance(60_001); else await new Promise((r) => setTimeout(r, 400));
    expect((await lim.check(call())).ok).toBe(true);
  });

  it('BUDGET_EXCEEDED: estimate before, actual (fixed + per row) after, per UTC day', async () => {
    const { c, lim } = limiter([{ principal: 'agent:copilot', limits: { daily_cost_usd: 0.1 } }], {
      tools: { 'orders.export': { cost_usd: 0.02, per_row: 0.01 } },
    });
    const exp = { name: 'orders.export', effect: 'read' as const, cost: 0 };
    const v1 = await lim.check(call({ tool: exp }));
    expect(v1.ok).toBe(true);
    if (v1.ok) await v1.settle({ kind: 'ok', replayed: false, result: { structuredContent: { rows: [1, 2, 3, 4, 5] } } }); // 0.07
    const v2 = await lim.check(call({ tool: exp }));
    expect(v2.ok).toBe(true); // 0.07 + 0.02 estimate <= 0.1
    if (v2.ok) expect(v2.use[0]!.budgetRemainingUsd).toBeCloseTo(0.01, 6);
    if (v2.ok) await v2.settle({ kind: 'ok', replayed: false, result: { structuredContent: { rows: [1] } } }); // 0.10
    const v3 = await lim.check(call({ tool: exp }));
    expect(v3).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    // An estimate over the budget is refused before the call: `limit` rows at per_row.
    if (sc.fakeTime) {
      c.advance(24 * 3600_000); // the next UTC day starts from zero
      expect(await lim.check(call({ tool: exp, args: { limit: 20 } }))).toMatchObject({ code: 'BUDGET_EXCEEDED' });
      expect((await lim.check(call({ tool: exp, args: { limit: 5 } }))).ok).toBe(true);
    }
  });

  it('a denied call later in the pipeline is refunded its estimate', async () => {
    const { lim } = limiter([{ principal: 'agent:copilot', limits: { daily_cost_usd: 0.03 } }], { tools: { 'orders.get': { cost_usd: 0.02 } } });
    for (let i = 0; i < 3; i++) {
      const v = await lim.check(call({ args: { i } }));
      expect(v.ok).toBe(true);
      if (v.ok) await v.settle({ kind: 'denied' });
    }
    const v = await lim.check(call());
    if (v.ok) await v.settle({ kind: 'ok', replayed: false, result: {} });
    expect(await lim.check(call())).toMatchObject({ code: 'BUDGET_EXCEEDED' });
  });

  it(`STOP_RULE: max_plan_depth from _meta["${PLAN_META_KEY}"].depth, else the session's call chain`, async () => {
    const { lim } = limiter([{ principal: 'agent:copilot', limits: {}, stop_rules: { max_plan_depth: 2 } }]);
    expect((await lim.check(call({ meta: { [PLAN_META_KEY]: { depth: 2 } } }))).ok).toBe(true);
    expect(await lim.check(call({ meta: { [PLAN_META_KEY]: { depth: 3 } } }))).toMatchObject({ ok: false, code: 'STOP_RULE' });
    const s = { sessionId: 'chain' };
    expect((await lim.check(call({ ...s, args: { n: 1 } }))).ok).toBe(true);
    expect((await lim.check(call({ ...s, args: { n: 2 } }))).ok).toBe(true);
    expect(await lim.check(call({ ...s, args: { n: 3 } }))).toMatchObject({ code: 'STOP_RULE' });
    // A malformed depth is no declaration: the chain counts.
    expect(await lim.check(call({ ...s, meta: { [PLAN_META_KEY]: { depth: '0' } } }))).toMatchObject({ code: 'STOP_RULE' });
  });

  it('STOP_RULE: max_retries counts the same tool + same args in a session (a new idemKey is still a retry)', async () => {
    const { lim } = limiter([{ principal: 'agent:copilot', limits: {}, stop_rules: { max_retries: 2 } }]);
    const same = (idemKey: string, sessionId = 's') => lim.check(call({ sessionId, args: { id: 'o-1', idemKey } }));
    expect((await same('k1')).ok).toBe(true);
    expect((await same('k2')).ok).toBe(true);
    expect((await same('k3')).ok).toBe(true);
    expect(await same('k4')).toMatchObject({ code: 'STOP_RULE' });
    expect((await lim.check(call({ sessionId: 's', args: { id: 'o-2' } }))).ok).toBe(true);
    expect((await same('k5', 'other-session')).ok).toBe(true);
  });

  it('a principal without any entry (and no "*") is not limited', async () => {
    const { lim } = limiter([{ principal: 'agent:copilot', limits: { rpm: 1 } }]);
    for (let i = 0; i < 5; i++) expect((await lim.check(call({ principal: { id: 'agent:x', tenant: 'acme' } }))).ok).toBe(true);
  });
});
