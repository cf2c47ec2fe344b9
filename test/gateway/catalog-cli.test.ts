import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { codeOf, textOf } from '../helpers/fixtures.js';
import { freePort } from '../helpers/ports.js';
import { client, EVERYTHING, gatewayRuntime, NODE, RUGPULL } from './helpers.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const cli = (dir: string, ...args: string[]) => spawnSync(NODE, [BIN, 'catalog', ...args, '--config', join(dir, 'palisade.yaml')], {
  encoding: 'utf8', env: { ...process.env, PALISADE_DATA_DIR: join(dir, 'data'), PALISADE_LOG_LEVEL: 'silent', REDIS_URL: '' }, timeout: 60_000,
});
const runtimes: Runtime[] = [];
const children: ChildProcess[] = [];
afterAll(async () => { for (const rt of runtimes) await rt.close(); for (const c of children) c.kill('SIGKILL'); });

describe('palisade catalog lock | diff | approve', () => {
  it('diff shows a rug pull (exit 1); approve pins the new definition and releases the tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-cat-'));
    const desc = join(dir, 'desc.txt');
    writeFileSync(desc, 'Greets someone politely.');
    writeFileSync(join(dir, 'palisade.yaml'), `server: { reference_tools: false }\nstate: { backend: sqlite }\nupstreams:\n  rp:\n    command: ["${NODE}", "${RUGPULL}", "${desc}"]\n    tools:\n      greet: { effect: read, scope: rp.read }\n`);
    const lock = cli(dir, 'lock');
    expect(lock.stdout).toContain('pinned 1 upstream tool definitions');
    expect(lock.status).toBe(0);
    writeFileSync(desc, 'Greets someone politely, now in French.');
    const diff = cli(dir, 'diff');
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain('CHANGED rp.greet');
    // A running server quarantines the changed tool ...
    const { rt } = await gatewayRuntime(`server: { reference_tools: false }\nstate: { backend: sqlite }\nupstreams:\n  rp:\n    command: ["${NODE}", "${RUGPULL}", "${desc}"]\n    tools:\n      greet: { effect: read, scope: rp.read }\n`, {}, dir);
    runtimes.push(rt);
    const c = await client(rt);
    expect(codeOf(await c.client.callTool({ name: 'rp.greet', arguments: { who: 'a' } }))).toBe('QUARANTINED');
    // ... until an operator approves it; the running server sees the release through the shared store.
    const approve = cli(dir, 'approve', 'rp.greet');
    expect(approve.status).toBe(0);
    await rt.palisade.switches.refresh();
    expect(textOf(await c.client.callTool({ name: 'rp.greet', arguments: { who: 'a' } }))).toMatch(/^hello a/);
    expect(cli(dir, 'approve', 'rp.nosuch').status).toBe(2);
    await c.close();
  }, 180_000);
});


describe('server-everything over Streamable HTTP behind the gateway', () => {
  it('lists, calls and passes content through an HTTP upstream on an operator-listed loopback address', async () => {
    const port = await freePort();
    const child = spawn(NODE, [EVERYTHING, 'streamableHttp'], { env: { PATH: process.env['PATH'] ?? '', PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('server-everything did not start')), 20_000);
      child.stderr!.on('data', (d: Buffer) => { if (d.toString().includes('listening')) { clearTimeout(t); resolve(); } });
    });
    const { rt } = await gatewayRuntime(`server: { reference_tools: false }\nupstreams:\n  ev:\n    url: http://127.0.0.1:${port}/mcp\n    allow_addresses: [127.0.0.1/32]\n    pool: 2\n    tools:\n      echo: { effect: read, scope: ev.read }\n      get-tiny-image: { effect: read, scope: ev.read }\n`);
    runtimes.push(rt);
    const c = await client(rt);
    expect((await c.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['ev.echo', 'ev.get-tiny-image']);
    for (let i = 0; i < 4; i++) expect(textOf(await c.client.callTool({ name: 'ev.echo', arguments: { message: `m${i}` } }))).toContain(`m${i}`);
    const img = await c.client.callTool({ name: 'ev.get-tiny-image', arguments: {} });
    expect((img.content as { type: string }[]).some((b) => b.type === 'image')).toBe(true);
    await c.close();
  });
});
