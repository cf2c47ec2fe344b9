import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kill } from '../../src/cli/kill.js';
import { createEgressClient } from '../../src/egress/index.js';
import { writeServerMarker } from '../../src/state/marker.js';
import { createSqliteStore } from '../../src/state/sqlite.js';
import { createSwitchboard, type Switchboard } from '../../src/state/switches.js';
import type { StateStore } from '../../src/state/store.js';
import { startServer, tableResolver, text, type TestServer } from './servers.js';

const ADDR = '127.0.0.51';
const defaults = { readOnly: false, readOnlyForced: false, quarantine: [], egressBlock: [] };
let dir: string;
let server: TestServer;
const stores: StateStore[] = [];
const boards: Switchboard[] = [];

async function board(): Promise<Switchboard> {
  const store = createSqliteStore({ file: join(dir, 'state.db') });
  stores.push(store);
  // A long refresh interval: the test calls refresh() itself, so nothing depends on timing.
  const b = await createSwitchboard(store, defaults, { refreshMs: 60_000 });
  boards.push(b);
  return b;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-egress-'));
  server = await startServer(ADDR, (req, res) => {
    if (req.url === '/away') { res.writeHead(302, { location: `http://sub.blocked.test:${server.port}/` }); res.end(); return; }
    text('ok')(req, res);
  });
});
afterAll(async () => {
  for (const b of boards) b.close();
  for (const s of stores) await s.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function clientOf(b: Switchboard) {
  return createEgressClient({
    schemes: ['http'], ports: [server.port],
    resolver: tableResolver({ 'page.test': [ADDR], 'sub.blocked.test': [ADDR] }),
    testAllowLoopback: [`${ADDR}/32`],
    blocked: () => b.current().egressBlock,
  });
}
const code = (r: Awaited<ReturnType<ReturnType<typeof createEgressClient>['fetch']>>) => (r.ok ? 'ALLOWED' : r.code);

describe('hot egress block list (shared SQLite store)', () => {
  it('a block written by one switchboard denies the next request of another, without restart; unblock restores it', async () => {
    const writer = await board();
    const server1 = await board();
    const egress = clientOf(server1);
    const u = `http://page.test:${server.port}/`;
    expect(code(await egress.fetch(u))).toBe('ALLOWED');
    await writer.setEgressBlocked('PAGE.test.', true);
    await server1.refresh();
    expect(code(await egress.fetch(u))).toBe('EGRESS_DENIED');
    await writer.setEgressBlocked('page.test', false);
    await server1.refresh();
    expect(code(await egress.fetch(u))).toBe('ALLOWED');
  });

  it('`palisade kill egress block DOMAIN` reaches a running client; every redirect hop is checked against it', async () => {
    const running = await board();
    const egress = clientOf(running);
    // `palisade kill` refuses a store no server has started on: this one stands for a running server.
    await writeServerMarker(stores.at(-1)!, { version: 'test', startedAt: new Date().toISOString(), tools: [] });
    const prev = process.env['PALISADE_DATA_DIR'];
    process.env['PALISADE_DATA_DIR'] = dir;
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await kill(['egress', 'block', 'blocked.test'])).toBe(0);
    } finally {
      out.mockRestore();
      if (prev === undefined) delete process.env['PALISADE_DATA_DIR']; else process.env['PALISADE_DATA_DIR'] = prev;
    }
    await running.refresh();
    const r = await egress.fetch(`http://page.test:${server.port}/away`);
    expect(r.ok ? 'ALLOWED' : [r.code, r.hop]).toEqual(['EGRESS_DENIED', 1]);
  });
});
