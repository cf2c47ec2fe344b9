import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPalisade } from '../../src/palisade.js';
import { createSqliteStore } from '../../src/state/sqlite.js';
import { createSwitchboard } from '../../src/state/switches.js';
import { alice, codeOf, fixtureTools, textOf, uuid } from '../helpers/fixtures.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });
const write = { name: 'beta', env: 'dev', pct: 5 };

describe('killswitch guard', () => {
  it('MCP_READ_ONLY=1 disables every write tool and leaves reads alone', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: { MCP_READ_ONLY: '1' } });
    closers.push(() => palisade.close());
    const w = await palisade.call(alice, 'switch.set', { ...write, idemKey: uuid() });
    expect(codeOf(w)).toBe('READ_ONLY');
    expect(textOf(w)).toMatch(/^DENY: read-only mode is on/);
    const r = await palisade.call(alice, 'demo.echo', { message: 'x' });
    expect(r.isError).toBeFalsy();
  });

  it('read-only from config, and MCP_READ_ONLY cannot be switched off at run time', async () => {
    const p1 = await createPalisade({ tools: fixtureTools().tools, env: {}, killswitch: { readOnly: true } });
    closers.push(() => p1.close());
    expect(codeOf(await p1.call(alice, 'switch.set', { ...write, idemKey: uuid() }))).toBe('READ_ONLY');
    const p2 = await createPalisade({ tools: fixtureTools().tools, env: { MCP_READ_ONLY: '1' } });
    closers.push(() => p2.close());
    await p2.switches.setReadOnly(false);
    expect(codeOf(await p2.call(alice, 'switch.set', { ...write, idemKey: uuid() }))).toBe('READ_ONLY');
  });

  it('quarantines a tool from config, before scopes and schema', async () => {
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {}, killswitch: { quarantine: ['demo.echo'] } });
    closers.push(() => palisade.close());
    const r = await palisade.call(alice, 'demo.echo', { nonsense: true });
    expect(codeOf(r)).toBe('QUARANTINED');
  });

  it('a switch flipped by another process (palisade kill) applies on the next refresh, without restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pal-ks-')), 'state.db');
    const serverStore = createSqliteStore({ file });
    const killStore = createSqliteStore({ file });
    const defaults = { readOnly: false, readOnlyForced: false, quarantine: [], egressBlock: [] };
    const serverSwitches = await createSwitchboard(serverStore, defaults, { refreshMs: 50 });
    const palisade = await createPalisade({ tools: fixtureTools().tools, env: {}, store: serverStore, switches: serverSwitches });
    closers.push(async () => { serverSwitches.close(); await serverStore.close(); await killStore.close(); });
    expect((await palisade.call(alice, 'demo.echo', { message: 'x' })).isError).toBeFalsy();

    const kill = await createSwitchboard(killStore, defaults);
    await kill.setQuarantined('demo.echo', true);
    await kill.setReadOnly(true);
    kill.close();
    await serverSwitches.refresh();
    expect(codeOf(await palisade.call(alice, 'demo.echo', { message: 'x' }))).toBe('QUARANTINED');
    expect(codeOf(await palisade.call(alice, 'switch.set', { ...write, idemKey: uuid() }))).toBe('READ_ONLY');

    const undo = await createSwitchboard(killStore, defaults);
    await undo.setQuarantined('demo.echo', false);
    await undo.setReadOnly(false);
    undo.close();
    // The server's own timer (50 ms) picks it up: wait for it rather than forcing a refresh.
    await expect.poll(() => serverSwitches.current().readOnly, { timeout: 5000 }).toBe(false);
    expect((await palisade.call(alice, 'demo.echo', { message: 'x' })).isError).toBeFalsy();
  });
});
