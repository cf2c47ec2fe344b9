import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The official MCP conformance suite, as a real peer, against `palisade serve --http`.
// It sends no bearer token, so the server runs with auth.mode none on plain loopback HTTP
// (the development-only settings refuse any other bind).
const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const CONFORMANCE = new URL('../../node_modules/.bin/conformance', import.meta.url).pathname;
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'tools-call-error', 'dns-rebinding-protection', 'server-sse-multiple-streams'];

let child: ChildProcess;
let url = '';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pal-conf-'));
  const port = await freePort();
  writeFileSync(join(dir, 'b.yaml'), 'transport: { mtls: false }\n');
  writeFileSync(join(dir, 'p.yaml'), `server: { data_dir: ./data, http: { port: ${port}, insecure_http: true } }\nauth: { mode: none }\nbaseline: ./b.yaml\n`);
  child = spawn(process.execPath, [BIN, 'serve', '--http', '--config', join(dir, 'p.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  url = `http://127.0.0.1:${port}/mcp`;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start')), 20_000);
    child.stderr!.on('data', (d: Buffer) => { if (d.toString().includes('serving MCP at')) { clearTimeout(t); resolve(); } });
  });
});
afterAll(() => { child?.kill('SIGTERM'); });

describe('MCP conformance suite (@modelcontextprotocol/conformance)', () => {
  it.each(SCENARIOS)('%s passes', (scenario) => {
    const r = spawnSync(CONFORMANCE, ['server', '--url', url, '--scenario', scenario], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout + r.stderr).toMatch(/Passed: (\d+)\/\1, 0 failed/);
  });
});
