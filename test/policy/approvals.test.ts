import { afterAll, describe, expect, it } from 'vitest';
import { createApprovals, APPROVAL_GRANT } from '../../src/policy/approvals.js';
import { createTaintStore } from '../../src/policy/taint.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { createRedisStore } from '../../src/state/redis.js';
import type { StateStore } from '../../src/state/store.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? process.env['REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);
const stores: StateStore[] = [];
afterAll(async () => { for (const s of stores) await s.close(); });

const backends: [string, () => StateStore][] = [['memory', () => createMemoryStore()]];
if (REDIS_URL) backends.push(['redis', () => createRedisStore({ url: REDIS_URL, prefix: `pol-${crypto.randomUUID()}:` })]);

const agent = { tenant: 'acme', principalId: 'agent:a', tool: 'flag.set', rule: 'ask', args: { env: 'prod', idemKey: 'k1' } };
const boss = { id: 'user:boss', tenant: 'acme', grants: [APPROVAL_GRANT] };

describe.each(backends)('approvals on %s', (_name, open) => {
  let t = 1_000_000;
  const store = open();
  stores.push(store);
  const approvals = createApprovals(store, { ttlMs: 60_000, now: () => t });

  it('request -> approve by another principal -> the same call proceeds exactly once', async () => {
    const req = await approvals.request(agent);
    expect(req).toMatchObject({ status: 'pending', via: 'out-of-band', principalId: 'agent:a', tool: 'flag.set' });
    expect((await approvals.request(agent)).id).toBe(req.id); // a retry before approval reuses the request
    expect(await approvals.consume(agent)).toBeUndefined();
    const ok = await approvals.approve(req.id, boss);
    expect(ok).toMatchObject({ ok: true, record: { status: 'approved', approvedBy: 'user:boss', approvedAt: t } });
    expect(await approvals.consume({ ...agent, args: { env: 'prod', idemKey: 'k2' } })).toBeUndefined();
    expect(await approvals.consume({ ...agent, principalId: 'agent:b' })).toBeUndefined();
    expect(await approvals.consume({ ...agent, tenant: 'globex' })).toBeUndefined();
    const used = await approvals.consume({ ...agent, args: { idemKey: 'k1', env: 'prod' } }); // key order does not matter
    expect(used).toMatchObject({ id: req.id, status: 'used', approvedBy: 'user:boss' });
    expect(await approvals.consume(agent)).toBeUndefined(); // second use
    expect(await approvals.get(req.id)).toMatchObject({ status: 'used', usedAt: t });
    expect(await approvals.approve(req.id, boss)).toMatchObject({ ok: false, code: 'ALREADY_DECIDED' });
  });

  it('refuses self-approval, a missing grant, another tenant, unknown ids and expired requests', async () => {
    const req = await approvals.request({ ...agent, args: { n: 1 } });
    expect(await approvals.approve(req.id, { id: 'agent:a', tenant: 'acme', grants: [APPROVAL_GRANT] })).toMatchObject({ ok: false, code: 'SELF_APPROVAL' });
    expect(await approvals.approve(req.id, { ...boss, grants: ['orders.read'] })).toMatchObject({ ok: false, code: 'SCOPE_MISSING' });
    expect(await approvals.approve(req.id, { ...boss, tenant: 'globex' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await approvals.approve(crypto.randomUUID(), boss)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await approvals.approve('../../etc', boss)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    t += 60_001;
    expect(await approvals.approve(req.id, boss)).toMatchObject({ ok: false, code: 'EXPIRED' });
  });

  it('an approval not used within its TTL lapses', async () => {
    const s = { ...agent, args: { n: 2 } };
    const req = await approvals.request(s);
    expect((await approvals.approve(req.id, boss)).ok).toBe(true);
    t += 60_000;
    expect(await approvals.consume(s)).toBeUndefined();
  });

  it('records in-band answers with who and when', async () => {
    const r = await approvals.recordInBand(agent, true);
    expect(r).toMatchObject({ via: 'elicitation', status: 'used', approvedBy: 'agent:a', approvedAt: t });
    expect((await approvals.recordInBand(agent, false)).status).toBe('declined');
  });
});

describe.runIf(REDIS_URL !== undefined)('session taint across instances', () => {
  it('a taint set through one Redis connection is seen through another; keys do not collide', async () => {
    const prefix = `taint-${crypto.randomUUID()}:`;
    const a = createRedisStore({ url: REDIS_URL!, prefix });
    const b = createRedisStore({ url: REDIS_URL!, prefix });
    stores.push(a, b);
    const ref = { tenant: 'acme', principalId: 'agent:a', sessionId: 's|1' };
    await createTaintStore(a).mark(ref);
    const tb = createTaintStore(b);
    expect(await tb.isTainted(ref)).toBe(true);
    expect(await tb.isTainted({ tenant: 'acme', principalId: 'agent:a|s', sessionId: '1' })).toBe(false);
    expect(await tb.isTainted({ ...ref, principalId: 'agent:b' })).toBe(false);
  });
});
