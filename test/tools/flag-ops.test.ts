import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/principal.js';
import { createPalisade } from '../../src/palisade.js';
import { createReferenceTools, type ReferenceTools } from '../../src/tools/index.js';
import { flagOpId } from '../../src/tools/reference/flags.js';
import { codeOf, textOf, uuid } from '../helpers/fixtures.js';
import { BACKENDS, setupBackend, type BackendSetup } from './data-backends.js';

const writer = (tenant: string, id: string): Principal => ({ id, type: 'agent', tenant, region: 'eu-west', grants: ['flags.read', 'flags.write:dev'] });
const acme = writer('acme', 'agent:ops');

describe.each(BACKENDS)('flag.set operation ids on %s', (backend) => {
  const open: { setup: BackendSetup; ref: ReferenceTools }[] = [];
  const instances: Awaited<ReturnType<typeof createPalisade>>[] = [];
  afterAll(async () => {
    for (const p of instances) await p.close();
    for (const o of open) await o.ref.close();
    for (const o of open) await o.setup.drop();
  });

  /**
   * One data store; `instance()` is a Palisade with a FRESH idempotency store, i.e. what a
   * caller meets after the 24 h idempotency record expired: only the op id remains.
   */
  async function world() {
    const setup = setupBackend(backend);
    const ref = await createReferenceTools(setup.loaded, setup.env);
    open.push({ setup, ref });
    return { instance: async () => { const p = await createPalisade({ tools: ref.tools, env: {} }); instances.push(p); return p; } };
  }
  const history = async (p: Awaited<ReturnType<typeof createPalisade>>, who: Principal, name: string) =>
    (await p.call(who, 'flag.get', { name, env: 'dev' })).structuredContent!['history'] as { rolloutPct: number; actor: string }[] | undefined;

  it('after the idempotency record expired, the same key with OTHER arguments is IDEMPOTENCY_CONFLICT and writes nothing', async () => {
    const w = await world();
    const key = uuid();
    const first = await w.instance();
    expect(textOf(await first.call(acme, 'flag.set', { name: 'op_conflict', env: 'dev', rolloutPct: 20, idemKey: key }))).toMatch(/^OK: /);
    const later = await w.instance();
    const r = await later.call(acme, 'flag.set', { name: 'op_conflict', env: 'dev', rolloutPct: 80, idemKey: key });
    expect(codeOf(r)).toBe('IDEMPOTENCY_CONFLICT');
    expect(textOf(r)).not.toContain('80');
    const got = await later.call(acme, 'flag.get', { name: 'op_conflict', env: 'dev' });
    expect(got.structuredContent!['rolloutPct']).toBe(20);
    expect(await history(later, acme, 'op_conflict')).toHaveLength(1);
  });

  it('the same key with the same arguments is answered once more, written once', async () => {
    const w = await world();
    const key = uuid();
    const args = { name: 'op_same', env: 'dev', rolloutPct: 30, idemKey: key };
    await (await w.instance()).call(acme, 'flag.set', args);
    const again = await (await w.instance()).call(acme, 'flag.set', args);
    expect(textOf(again)).toMatch(/^OK: flag op_same in dev set to 30%/);
    expect(await history(await w.instance(), acme, 'op_same')).toHaveLength(1);
  });

  it('an upper-case spelling of the key is the same operation (and a conflict with other arguments)', async () => {
    const w = await world();
    const key = uuid();
    await (await w.instance()).call(acme, 'flag.set', { name: 'op_case', env: 'dev', rolloutPct: 5, idemKey: key });
    const upper = await (await w.instance()).call(acme, 'flag.set', { name: 'op_case', env: 'dev', rolloutPct: 5, idemKey: key.toUpperCase() });
    expect(upper.isError).toBeFalsy();
    expect(await history(await w.instance(), acme, 'op_case')).toHaveLength(1);
    const other = await (await w.instance()).call(acme, 'flag.set', { name: 'op_case', env: 'dev', rolloutPct: 6, idemKey: key.toUpperCase() });
    expect(codeOf(other)).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('tenant "acme|u" + subject "v" and tenant "acme" + subject "u|v" are two operations: both writes happen', async () => {
    const w = await world();
    const p = await w.instance();
    const key = uuid();
    const a = writer('acme|u', 'v');
    const b = writer('acme', 'u|v');
    expect(flagOpId(a.tenant, a.id, key)).not.toBe(flagOpId(b.tenant, b.id, key));
    expect(textOf(await p.call(a, 'flag.set', { name: 'collide', env: 'dev', rolloutPct: 11, idemKey: key }))).toMatch(/^OK: /);
    expect(textOf(await p.call(b, 'flag.set', { name: 'collide', env: 'dev', rolloutPct: 22, idemKey: key }))).toMatch(/^OK: /);
    const got = await p.call(b, 'flag.get', { name: 'collide', env: 'dev' });
    expect(got.structuredContent).toMatchObject({ rolloutPct: 22, updatedBy: 'u|v' });
    expect(await history(p, b, 'collide')).toHaveLength(1);
  });

  it('two instances racing one op id (no shared idempotency store) write once; other arguments lose with a conflict', async () => {
    const w = await world();
    const [p1, p2, p3] = [await w.instance(), await w.instance(), await w.instance()];
    const key = uuid();
    const rs = await Promise.all([
      p1.call(acme, 'flag.set', { name: 'race', env: 'dev', rolloutPct: 40, idemKey: key }),
      p2.call(acme, 'flag.set', { name: 'race', env: 'dev', rolloutPct: 40, idemKey: key }),
      p3.call(acme, 'flag.set', { name: 'race', env: 'dev', rolloutPct: 41, idemKey: key }),
    ]);
    const codes = rs.map((r) => codeOf(r) ?? 'OK');
    expect(await history(p1, acme, 'race')).toHaveLength(1);
    const value = (await p1.call(acme, 'flag.get', { name: 'race', env: 'dev' })).structuredContent!['rolloutPct'];
    // Whichever won, the losers never report a write that did not happen.
    if (value === 40) expect(codes).toEqual(['OK', 'OK', 'IDEMPOTENCY_CONFLICT']);
    else expect(codes).toEqual(['IDEMPOTENCY_CONFLICT', 'IDEMPOTENCY_CONFLICT', 'OK']);
  });

  it('the op id is a stateKey: no caller string appears in it', () => {
    const id = flagOpId('acme', 'agent:ops', 'ABC');
    expect(id).toMatch(/^flag\.op:[0-9a-f]{64}$/);
    expect(id).toBe(flagOpId('acme', 'agent:ops', 'abc'));
  });
});
