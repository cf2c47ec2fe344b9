import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allow } from '../../src/core/decision.js';
import type { Guard } from '../../src/core/pipeline.js';
import type { Principal } from '../../src/core/principal.js';
import { createPalisade, type Palisade } from '../../src/palisade.js';
import type { ReferenceData } from '../../src/tools/reference/backend.js';
import { openReferenceData } from '../../src/tools/reference/db.js';
import { ordersTools } from '../../src/tools/reference/orders.js';
import { schemaName } from '../../src/tools/reference/pg-migrations.js';
import { regionFile } from '../../src/tools/reference/sqlite.js';
import { codeOf } from '../helpers/fixtures.js';
import { BACKENDS, pgQuery, setupBackend, type Backend, type BackendSetup } from './data-backends.js';

const grants = ['orders.read'];
const euCaller: Principal = { id: 'agent:eu', type: 'agent', tenant: 'acme', region: 'eu-west', grants };
const usCaller: Principal = { id: 'agent:us', type: 'agent', tenant: 'acme', region: 'us-east', grants };
const WEEK = { from: '2025-08-25', to: '2025-08-31', limit: 1000 };
type Row = { orderId: string; region: string };

/** Stands in for the policy stage: a `route` obligation taken from the request _meta (test only). */
const routeFromMeta: Guard = {
  name: 'policy',
  check: (inv) => {
    const r = inv.meta['test/route'];
    return typeof r === 'string' ? allow({ obligations: [{ kind: 'route', region: r }] }) : allow();
  },
};

/** The real backend, with every store access recorded. */
function spied(data: ReferenceData, log: string[]): ReferenceData {
  return {
    ...data,
    orders(region) {
      const s = data.orders(region);
      if (!s) return s;
      return {
        region: s.region,
        page: (q) => { log.push(s.region); return s.page(q); },
        byId: (t, id) => { log.push(s.region); return s.byId(t, id); },
      };
    },
  };
}

/** Ids (and regions) of every row one region's store physically holds. */
async function storeRows(backend: Backend, setup: BackendSetup, region: string): Promise<{ id: string; region: string }[]> {
  if (backend === 'postgres') return pgQuery(`SELECT id, region FROM "${schemaName(setup.prefix, region)}".orders`);
  const db = new Database(regionFile(setup.dataDir, region), { readonly: true });
  try { return db.prepare('SELECT id, region FROM orders').all() as { id: string; region: string }[]; } finally { db.close(); }
}

describe.each(BACKENDS)('region routing on %s', (backend) => {
  let setup: BackendSetup;
  let data: ReferenceData;
  let palisade: Palisade;
  const log: string[] = [];
  let eu: Set<string>;
  let us: Set<string>;

  beforeAll(async () => {
    setup = setupBackend(backend);
    data = await openReferenceData(setup.loaded, setup.env);
    palisade = await createPalisade({ tools: ordersTools(spied(data, log)), stages: { policy: routeFromMeta }, env: {} });
    eu = new Set((await storeRows(backend, setup, 'eu-west')).map((r) => r.id));
    us = new Set((await storeRows(backend, setup, 'us-east')).map((r) => r.id));
  });
  afterAll(async () => { await palisade?.close(); await data?.close(); await setup?.drop(); });

  const call = async (p: Principal, tool: string, args: Record<string, unknown>, route?: string) => {
    log.length = 0;
    return palisade.call(p, tool, args, route ? { meta: { 'test/route': route } } : {});
  };

  it('each region\'s store holds only its own rows, 1,200 in all', async () => {
    expect(eu.size + us.size).toBe(1200);
    expect([...eu].some((id) => us.has(id))).toBe(false);
    expect((await storeRows(backend, setup, 'eu-west')).every((r) => r.region === 'eu-west')).toBe(true);
    expect((await storeRows(backend, setup, 'us-east')).every((r) => r.region === 'us-east')).toBe(true);
  });

  it('an EU caller\'s export is served by the eu-west store only, and says so in _meta', async () => {
    const r = await call(euCaller, 'orders.export', WEEK);
    expect(r.isError).toBeFalsy();
    const rows = r.structuredContent!['rows'] as Row[];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((x) => x.region === 'eu-west' && eu.has(x.orderId) && !us.has(x.orderId))).toBe(true);
    expect(log).toEqual(['eu-west']);
    expect(r._meta?.['palisade/region']).toBe('eu-west');
  });

  it('a us-east caller asking for EU orders is POLICY_DENY, and no store is read', async () => {
    const r = await call(usCaller, 'orders.export', { ...WEEK, region: 'eu-west' });
    expect(codeOf(r)).toBe('POLICY_DENY');
    expect(log).toEqual([]);
  });

  it('routing a us-east caller to the EU store still keeps EU data in the EU: POLICY_DENY', async () => {
    expect(codeOf(await call(usCaller, 'orders.export', { ...WEEK, region: 'eu-west' }, 'eu-west'))).toBe('POLICY_DENY');
    expect(codeOf(await call(usCaller, 'orders.export', WEEK, 'eu-west'))).toBe('POLICY_DENY');
    expect(log).toEqual([]);
  });

  it('routing an EU subject\'s call to the us-east store is POLICY_DENY: nothing read there', async () => {
    expect(codeOf(await call(euCaller, 'orders.export', WEEK, 'us-east'))).toBe('POLICY_DENY');
    expect(codeOf(await call(euCaller, 'orders.export', { ...WEEK, region: 'eu-west' }, 'us-east'))).toBe('POLICY_DENY');
    expect(codeOf(await call(euCaller, 'orders.get', { orderId: [...eu][0]! }, 'us-east'))).toBe('POLICY_DENY');
    expect(log).toEqual([]);
  });

  it('a route to a region without a store is POLICY_DENY', async () => {
    expect(codeOf(await call(euCaller, 'orders.export', WEEK, 'ap-south'))).toBe('POLICY_DENY');
  });

  it('a us-east caller is served by the us-east store only; an EU order id there is NOT_FOUND', async () => {
    const r = await call(usCaller, 'orders.export', WEEK);
    expect((r.structuredContent!['rows'] as Row[]).every((x) => x.region === 'us-east' && us.has(x.orderId))).toBe(true);
    expect(log).toEqual(['us-east']);
    const euOrder = [...eu][0]!;
    const g = await call(usCaller, 'orders.get', { orderId: euOrder });
    expect(codeOf(g)).toBe('NOT_FOUND');
    expect(log).toEqual(['us-east']);
  });

  it('an EU caller reads its EU order by id from eu-west', async () => {
    const rows = (await call(euCaller, 'orders.export', WEEK)).structuredContent!['rows'] as Row[];
    const r = await call(euCaller, 'orders.get', { orderId: rows[0]!.orderId });
    expect((r.structuredContent!['order'] as Row).region).toBe('eu-west');
    expect(r._meta?.['palisade/region']).toBe('eu-west');
    expect(log).toEqual(['eu-west']);
  });

  it('the us-east store refuses an EU row whatever code writes it', async () => {
    const row = ['ord_zzzzzzzzzzz1', 'acme', 'eu-west', 'x@y.example', '+440000000000', 1, 'EUR', 'paid', '2025-08-25'];
    if (backend === 'postgres') {
      await expect(pgQuery(`INSERT INTO "${schemaName(setup.prefix, 'us-east')}".orders VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, row)).rejects.toThrow(/check/i);
    } else {
      const db = new Database(regionFile(setup.dataDir, 'us-east'));
      try { expect(() => db.prepare('INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?)').run(...row)).toThrow(/CHECK/); } finally { db.close(); }
    }
  });

  it('property: whatever the caller region, route and region argument, an EU subject\'s rows never come from or go to us-east', async () => {
    const regions = fc.constantFrom('eu-west', 'us-east', 'unspecified');
    await fc.assert(fc.asyncProperty(
      regions, fc.option(fc.constantFrom('eu-west', 'us-east', 'ap-south'), { nil: undefined }),
      fc.option(fc.constantFrom('eu-west', 'us-east'), { nil: undefined }), fc.boolean(),
      async (callerRegion, route, subject, byId) => {
        const p = { ...euCaller, region: callerRegion };
        const args = byId ? { orderId: [...eu][0]!, ...(subject && { region: subject }) } : { ...WEEK, ...(subject && { region: subject }) };
        const r = await call(p, byId ? 'orders.get' : 'orders.export', args, route);
        const subjectRegion = subject ?? callerRegion;
        const routed = route ?? callerRegion;
        // An EU subject's call never touches us-east; no store but the routed one is ever read.
        if (subjectRegion === 'eu-west') expect(log).not.toContain('us-east');
        for (const s of log) expect(s).toBe(routed);
        if (r.isError) {
          expect(['POLICY_DENY', 'NOT_FOUND']).toContain(codeOf(r));
          return;
        }
        const rows = byId ? [r.structuredContent!['order'] as Row] : (r.structuredContent!['rows'] as Row[]);
        expect(r._meta?.['palisade/region']).toBe(routed);
        for (const row of rows) {
          expect(row.region).toBe(routed);
          expect(routed === 'eu-west' ? eu.has(row.orderId) : us.has(row.orderId)).toBe(true);
          // EU personal data reaches EU callers only.
          if (row.region === 'eu-west') expect(callerRegion).toBe('eu-west');
        }
      }), { numRuns: 60 });
  });
});
