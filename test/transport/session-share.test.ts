import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admitSession, type ShareHolder } from '../../src/transport/session-share.js';

const limits = { max: 100, maxPerOwner: 30, maxPerTenant: 100 };
const fill = (tenant: string, subjects: number, each: number, t0 = 0): ShareHolder[] =>
  Array.from({ length: subjects * each }, (_, i) => ({ id: `${tenant}-${i}`, owner: { tenant, sub: `s${Math.floor(i / each)}` }, lastSeen: t0 + i }));

describe('admitSession: a fair share of the session table (issue 8 item 1)', () => {
  it('the attack: one tenant fills the table with many subjects; another tenant still gets in', () => {
    const table = fill('globex', 4, 25); // 100 sessions, each subject under its own cap
    expect(admitSession(table, { tenant: 'globex', sub: 's9' }, limits)).toMatchObject({ ok: false });
    // acme holds nothing: it takes globex's least recently used session.
    expect(admitSession(table, { tenant: 'acme', sub: 'u' }, limits)).toEqual({ ok: true, evict: 'globex-0' });
  });

  it('per-subject and per-tenant caps refuse before the table is full', () => {
    expect(admitSession(fill('acme', 1, 30), { tenant: 'acme', sub: 's0' }, limits)).toEqual({ ok: false, scope: 'principal' });
    expect(admitSession(fill('acme', 5, 10), { tenant: 'acme', sub: 'new' }, { ...limits, maxPerTenant: 50 })).toEqual({ ok: false, scope: 'tenant' });
    expect(admitSession(fill('acme', 5, 10), { tenant: 'globex', sub: 'new' }, { ...limits, maxPerTenant: 50 })).toEqual({ ok: true });
  });

  it('a tenant at its fair share waits instead of evicting', () => {
    const table = [...fill('a', 1, 50), ...fill('b', 2, 25, 1000)];
    expect(admitSession(table, { tenant: 'a', sub: 'x' }, limits)).toEqual({ ok: false, scope: 'table' });
    expect(admitSession(table, { tenant: 'c', sub: 'x' }, limits)).toMatchObject({ ok: true, evict: 'a-0' });
  });

  it('property: a full table never refuses a tenant holding less than its share, and never evicts its own', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ tenant: fc.constantFrom('a', 'b', 'c', 'd'), sub: fc.constantFrom('1', '2', '3') }), { minLength: 20, maxLength: 20 }),
      fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      (owners, tenant) => {
        const table = owners.map((owner, i) => ({ id: `${owner.tenant}:${i}`, owner, lastSeen: i }));
        const lim = { max: 20, maxPerOwner: 20, maxPerTenant: 20 };
        const d = admitSession(table, { tenant, sub: 'new' }, lim);
        const ours = owners.filter((o) => o.tenant === tenant).length;
        const tenants = new Set([...owners.map((o) => o.tenant), tenant]).size;
        if (ours < Math.floor(20 / tenants)) expect(d.ok).toBe(true);
        if (d.ok && d.evict) expect(d.evict.startsWith(`${tenant}:`)).toBe(false);
        if (d.ok) expect(d.evict).toBeDefined();
      },
    ), { numRuns: 300 });
  });
});
