import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPLAY_META_KEY } from '../../src/core/result.js';
import { createPalisade } from '../../src/palisade.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { createSqliteStore } from '../../src/state/sqlite.js';
import { alice, codeOf, fixtureTools, textOf, uuid } from '../helpers/fixtures.js';

const args = (idemKey: string, pct = 50) => ({ name: 'beta', env: 'staging', pct, idemKey });

describe('idempotency guard', () => {
  it('requires an idemKey on writes', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const r = await palisade.call(alice, 'switch.set', { name: 'beta', env: 'dev', pct: 1 });
    expect(codeOf(r)).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('replays the stored result for the same key and arguments, marked as a replay', async () => {
    const { tools, counter } = fixtureTools();
    const palisade = await createPalisade({ tools, env: {} });
    const key = uuid();
    const first = await palisade.call(alice, 'switch.set', args(key));
    const again = await palisade.call(alice, 'switch.set', args(key));
    expect(first.isError).toBeFalsy();
    expect(textOf(again)).toMatch(/^OK \(idempotent\)/);
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect(again._meta?.[REPLAY_META_KEY]).toBe(true);
    expect(counter.writes).toBe(1);
  });

  it('refuses the same key with other arguments', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
    const key = uuid();
    await palisade.call(alice, 'switch.set', args(key, 10));
    expect(codeOf(await palisade.call(alice, 'switch.set', args(key, 11)))).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('keys are per principal: another principal reusing a key runs its own call', async () => {
    const { tools, counter } = fixtureTools();
    const palisade = await createPalisade({ tools, env: {} });
    const key = uuid();
    await palisade.call(alice, 'switch.set', args(key));
    const bob = { ...alice, id: 'agent:bob' };
    const r = await palisade.call(bob, 'switch.set', args(key));
    expect(textOf(r)).not.toMatch(/idempotent/);
    expect(counter.writes).toBe(2);
  });

  it('20 concurrent identical writes with one key execute exactly once', async () => {
    const { tools, counter } = fixtureTools();
    const palisade = await createPalisade({ tools, env: {}, store: createSqliteStore({ file: ':memory:' }) });
    const key = uuid();
    const results = await Promise.all(Array.from({ length: 20 }, () => palisade.call(alice, 'switch.set', args(key))));
    expect(counter.writes).toBe(1);
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(results.filter((r) => textOf(r).startsWith('OK (idempotent)'))).toHaveLength(19);
    expect(new Set(results.map((r) => JSON.stringify(r.structuredContent))).size).toBe(1);
  });

  it('a denied or failed call frees the key so a retry can run', async () => {
    const { tools, counter } = fixtureTools();
    const store = createMemoryStore();
    let fail = true;
    const palisade = await createPalisade({
      tools, env: {}, store,
      handlerTimeoutMs: 1000,
      stages: { limits: { name: 'flaky', check: () => (fail ? { allow: false, code: 'RATE_LIMITED', message: 'later' } : { allow: true }) } },
    });
    const key = uuid();
    expect(codeOf(await palisade.call(alice, 'switch.set', args(key)))).toBe('RATE_LIMITED');
    fail = false;
    expect((await palisade.call(alice, 'switch.set', args(key))).isError).toBeFalsy();
    expect(counter.writes).toBe(1);
  });

  it('records survive a restart (SQLite file)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pal-idem-')), 'state.db');
    const key = uuid();
    const c1 = fixtureTools();
    const s1 = createSqliteStore({ file });
    const p1 = await createPalisade({ tools: c1.tools, env: {}, store: s1 });
    const first = await p1.call(alice, 'switch.set', args(key));
    await p1.close();
    await s1.close();

    const c2 = fixtureTools();
    const s2 = createSqliteStore({ file });
    const p2 = await createPalisade({ tools: c2.tools, env: {}, store: s2 });
    const again = await p2.call(alice, 'switch.set', args(key));
    expect(textOf(again)).toMatch(/^OK \(idempotent\)/);
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect(c2.counter.writes).toBe(0);
    expect(codeOf(await p2.call(alice, 'switch.set', args(key, 7)))).toBe('IDEMPOTENCY_CONFLICT');
    await p2.close();
    await s2.close();
  });
});
