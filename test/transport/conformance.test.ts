import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePeers, type Peers } from '../helpers/peers.js';
import { freePort } from '../helpers/ports.js';

// The official MCP conformance suite (0.1.16, the newest), as a real peer, against
// `palisade serve --http`. The suite needs Node 22: it runs under the registry's node@22
// (test/helpers/peers.ts), the server under the project's Node. It sends no bearer token,
// so the server runs with auth.mode none on plain loopback HTTP (the development-only
// settings refuse any other bind). The whole server suite runs once, judged by the suite
// itself against conformance-expected-failures.yaml (every entry gives its reason).
const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const EXPECTED = new URL('./conformance-expected-failures.yaml', import.meta.url).pathname;
const APPLIES = ['server-initialize', 'ping', 'tools-list', 'tools-call-error', 'dns-rebinding-protection', 'server-sse-multiple-streams'];

let child: ChildProcess;
let peers: Peers;
let url = '';
let run: { code: number | null; out: string };


function suite(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(peers.node22, [peers.conformance, 'server', '--url', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 150_000);
    p.once('close', (code) => { clearTimeout(t); resolve({ code, out: out.replace(/\x1b\[[0-9;]*m/g, '') }); });
  });
}

beforeAll(async () => {
  peers = ensurePeers();
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
  run = await suite(['--suite', 'all', '--expected-failures', EXPECTED]);
}, 400_000);
afterAll(() => { child?.kill('SIGTERM'); });

describe('MCP conformance suite 0.1.16 (@modelcontextprotocol/conformance, whole server suite)', () => {
  it('every failure is in the expected-failures baseline, and no entry there passes (stale)', () => {
    expect(run.out).toContain('Baseline check passed');
    expect(run.code).toBe(0);
  });

  it.each(APPLIES)('%s passes', (scenario) => {
    expect(run.out).toMatch(new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`));
  });
});
