import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf } from '../helpers/fixtures.js';
import { acme, globex, referencePalisade } from './reference-helpers.js';

const ref = await referencePalisade();
afterAll(() => ref.close());
const call = (p: typeof acme, name: string, args: unknown) => ref.palisade.call(p, name, args);
type Row = { orderId: string; email: string; phone: string; createdAt: string; region: string };
const rowsOf = (r: { structuredContent?: Record<string, unknown> }) => r.structuredContent!['rows'] as Row[];

describe('orders.export', () => {
  it('the seed smoke test: a week of orders with every email masked', async () => {
    const r = await call(acme, 'orders.export', { from: '2025-08-25', to: '2025-08-31' });
    expect(r.isError).toBeFalsy();
    const rows = rowsOf(r);
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      expect(row.email).toMatch(/^[a-z]\*\*\*@/);
      expect(row.createdAt >= '2025-08-25' && row.createdAt <= '2025-08-31').toBe(true);
      expect(row.phone).toMatch(/^\+\d+$/);
    }
  });

  it('masks phones on request', async () => {
    const r = await call(acme, 'orders.export', { from: '2025-08-25', to: '2025-08-31', mask: ['email', 'phone'] });
    for (const row of rowsOf(r)) expect(row.phone).toMatch(/\*/);
  });

  it('unmasked emails need orders.read:pii', async () => {
    const denied = await call(acme, 'orders.export', { from: '2025-08-25', to: '2025-08-31', mask: [] });
    expect(codeOf(denied)).toBe('SCOPE_MISSING');
    expect(denied.structuredContent!['details']).toEqual({ scope: 'orders.read:pii' });
    const ok = await call({ ...acme, grants: [...acme.grants, 'orders.read:pii'] }, 'orders.export', { from: '2025-08-25', to: '2025-08-31', mask: [] });
    expect(rowsOf(ok)[0]!.email).toMatch(/^[a-z]+\.[a-z]+\d+@acme-customers\.example$/);
  });

  it.each([
    ['impossible date', { from: '2025-02-30', to: '2025-03-02' }, 'from'],
    ['month 13', { from: '2025-13-01', to: '2025-12-31' }, 'from'],
    ['wrong format', { from: '25-08-2025', to: '2025-08-31' }, 'from'],
    ['from after to', { from: '2025-08-31', to: '2025-08-25' }, 'from'],
    ['span over 92 days', { from: '2025-01-01', to: '2025-04-04' }, 'to'],
    ['limit over 1000', { from: '2025-08-25', to: '2025-08-31', limit: 1001 }, 'limit'],
    ['unknown mask', { from: '2025-08-25', to: '2025-08-31', mask: ['ssn'] }, 'mask.0'],
    ['forged cursor', { from: '2025-08-25', to: '2025-08-31', cursor: Buffer.from("2025-08-25|x' OR 1=1").toString('base64url') }, 'cursor'],
  ])('refuses %s with INVALID_PARAMS naming the field', async (_n, args, field) => {
    const r = await call(acme, 'orders.export', args);
    expect(codeOf(r)).toBe('INVALID_PARAMS');
    expect(r.structuredContent!['details']).toEqual({ field });
  });

  it('a 92-day span is allowed', async () => {
    expect((await call(acme, 'orders.export', { from: '2025-01-01', to: '2025-04-03', limit: 1 })).isError).toBeFalsy();
  });

  it('tenant isolation: each tenant sees only its own rows', async () => {
    const a = rowsOf(await call(acme, 'orders.export', { from: '2025-08-01', to: '2025-08-31', limit: 1000 }));
    const g = rowsOf(await call(globex, 'orders.export', { from: '2025-08-01', to: '2025-08-31', limit: 1000 }));
    expect(a.every((r) => r.email.endsWith('@acme-customers.example'))).toBe(true);
    expect(g.every((r) => r.email.endsWith('@globex-customers.example'))).toBe(true);
    const ids = new Set(a.map((r) => r.orderId));
    expect(g.some((r) => ids.has(r.orderId))).toBe(false);
  });

  it('pagination walks every row once', async () => {
    const all = rowsOf(await call(acme, 'orders.export', { from: '2025-06-01', to: '2025-08-31', limit: 1000 }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const r = await call(acme, 'orders.export', { from: '2025-06-01', to: '2025-08-31', limit: 17, ...(cursor && { cursor }) });
      seen.push(...rowsOf(r).map((x) => x.orderId));
      cursor = r.structuredContent!['nextCursor'] as string | undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual(all.map((x) => x.orderId));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('property: hostile strings in any field never fault and never leak another tenant', async () => {
    const hostile = fc.oneof(fc.string(), fc.constantFrom("' OR 1=1 --", '2025-08-25\'; DROP TABLE orders;--', '%00', '../../', '{{7*7}}'));
    await fc.assert(fc.asyncProperty(hostile, hostile, async (from, to) => {
      const r = await call(acme, 'orders.export', { from, to });
      expect(r.isError).toBe(true);
      expect(codeOf(r)).toBe('INVALID_PARAMS');
    }), { numRuns: 100 });
    const after = await call(acme, 'orders.export', { from: '2025-08-25', to: '2025-08-31' });
    expect(rowsOf(after).length).toBeGreaterThan(0);
  });
});

describe('orders.get', () => {
  it('reads an own order, masked without the pii grant', async () => {
    const id = rowsOf(await call(acme, 'orders.export', { from: '2025-08-25', to: '2025-08-31', limit: 1 }))[0]!.orderId;
    const r = await call(acme, 'orders.get', { orderId: id });
    expect((r.structuredContent!['order'] as Row).orderId).toBe(id);
    expect((r.structuredContent!['order'] as Row).email).toContain('***');
  });

  it('a foreign order and a missing one answer identically NOT_FOUND', async () => {
    const foreign = rowsOf(await call(globex, 'orders.export', { from: '2025-08-25', to: '2025-08-31', limit: 1 }))[0]!.orderId;
    const a = await call(acme, 'orders.get', { orderId: foreign });
    const b = await call(acme, 'orders.get', { orderId: 'ord_zzzzzzzzzzzz' });
    expect(codeOf(a)).toBe('NOT_FOUND');
    expect(a).toEqual(b);
  });

  it('a malformed id is INVALID_PARAMS', async () => {
    expect(codeOf(await call(acme, 'orders.get', { orderId: "ord_1' OR '1'='1" }))).toBe('INVALID_PARAMS');
  });
});
