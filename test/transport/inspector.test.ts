import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePeers, type Peers } from '../helpers/peers.js';

// A real client we did not write: the MCP Inspector 2.12 in CLI mode (it declares Node >= 22.19,
// so it runs under the registry's node@22, test/helpers/peers.ts) against `palisade serve --http`
// (HTTPS, development issuer, jti bound to the first session: one fresh token per Inspector run)
// and `palisade serve --stdio`.
const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const TOOLS = ['flag.get', 'flag.set', 'orders.export', 'orders.get', 'web.fetchSafe'];
const PROD_50 = ['--method', 'tools/call', '--tool-name', 'flag.set', '--tool-arg', 'name=checkout', 'env=prod', 'rolloutPct=50', `idemKey=${crypto.randomUUID()}`];

let peers: Peers;
let dir = '';
let config = '';
let server: ChildProcess | undefined;
let url = '';

interface Run { code: number | null; stdout: string; stderr: string }

function inspector(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(peers.node22, [peers.inspector, '--cli', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'data', 'tls', 'cert.pem'), HOME: dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 40_000);
    p.once('close', (code) => { clearTimeout(t); resolve({ code, stdout, stderr }); });
  });
}

/** `palisade token` for this server's resource URI: what an operator would paste. */
function token(...scopes: string[]): string {
  const args = [BIN, 'token', '--config', config, '--aud', url, ...scopes.flatMap((s) => ['--scope', s])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const toolNames = (r: Run) => ((JSON.parse(r.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name)).sort();

beforeAll(async () => {
  peers = ensurePeers();
  dir = mkdtempSync(join(tmpdir(), 'pal-inspector-'));
  writeFileSync(join(dir, 'b.yaml'), 'transport: { mtls: false }\n');
  config = join(dir, 'p.yaml');
  writeFileSync(config, 'server: { data_dir: ./data }\nbaseline: ./b.yaml\n');
  server = spawn(process.execPath, [BIN, 'serve', '--http', '--port', '0', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_ENV: '' } });
  let err = '';
  url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    server!.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving MCP at (https:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(t); resolve(m[1]!); }
    });
  });
}, 300_000);
afterAll(() => { server?.kill('SIGTERM'); });

describe('MCP Inspector 2.12 CLI against palisade serve --http (HTTPS, bearer token)', () => {
  it('tools/list with a token lists the reference tools', async () => {
    const r = await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${token()}`, '--method', 'tools/list']);
    expect(r.code).toBe(0);
    expect(toolNames(r)).toEqual(TOOLS);
  });

  it('tools/list with a token of one grant lists only what it can reach (hidden tools)', async () => {
    const r = await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${token('flags.read')}`, '--method', 'tools/list']);
    expect(r.code).toBe(0);
    expect(toolNames(r)).toEqual(['flag.get']);
  });

  it('tools/call flag.set prod 50% without a ticket is denied with TICKET_REQUIRED', async () => {
    const r = await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${token()}`, ...PROD_50]);
    const result = JSON.parse(r.stdout) as { isError: boolean; structuredContent: { code: string } };
    expect(result.isError).toBe(true);
    expect(result.structuredContent.code).toBe('TICKET_REQUIRED');
    expect(r.code).not.toBe(0);
  });

  it('no token: the edge answers AUTH_REQUIRED and nothing is listed', async () => {
    const r = await inspector([url, '--transport', 'http', '--stored-auth-only', '--method', 'tools/list']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('orders.export');
    expect(r.stdout + r.stderr).toContain('AUTH_REQUIRED');
  });

  it('a token replayed on a second session is refused (jti bound to its first session)', async () => {
    const t = token();
    const first = await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${t}`, '--method', 'tools/list']);
    expect(first.code).toBe(0);
    const again = await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${t}`, '--stored-auth-only', '--method', 'tools/list']);
    expect(again.code).not.toBe(0);
    expect(again.stdout).not.toContain('orders.export');
    expect(again.stdout + again.stderr).toContain('AUTH_REPLAY');
  });
});

describe('MCP Inspector 2.12 CLI against palisade serve --stdio', () => {
  const stdio = (args: string[]) => inspector(['-e', `PALISADE_CONFIG=${config}`, process.execPath, BIN, 'serve', '--stdio', ...args]);

  it('tools/list lists the reference tools', async () => {
    const r = await stdio(['--method', 'tools/list']);
    expect(r.code).toBe(0);
    expect(toolNames(r)).toEqual(TOOLS);
  });

  it('tools/call flag.set prod 50% without a ticket is denied with TICKET_REQUIRED', async () => {
    const r = await stdio(PROD_50);
    const result = JSON.parse(r.stdout) as { isError: boolean; structuredContent: { code: string } };
    expect(result.isError).toBe(true);
    expect(result.structuredContent.code).toBe('TICKET_REQUIRED');
  });
});
