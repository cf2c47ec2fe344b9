import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'palisade.js');
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', PALISADE_LOG_LEVEL: 'info' };

let child: ChildProcess;
let stderr = '';
let banner = '';
let dataDir = '';
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pal-first-'));
  // `npm start` with a port of its own: the development default, a fresh data directory.
  child = spawn(process.execPath, [BIN, 'serve', '--http', '--port', '0'], { env: { ...env, PALISADE_DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] });
  banner = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no banner: ${stderr}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const start = stderr.indexOf('palisade: serving MCP at ');
      const end = stderr.indexOf('await client.close();');
      if (start >= 0 && end > start) { clearTimeout(t); res(stderr.slice(start, end + 'await client.close();'.length)); }
    });
    child.once('exit', (c) => { clearTimeout(t); rej(new Error(`exited ${c}: ${stderr}`)); });
  });
});
afterAll(() => { child?.kill('SIGTERM'); });

const lines = () => banner.split('\n');
const url = () => /serving MCP at (\S+)/.exec(banner)![1]!;

/** The curl block exactly as printed: the export line and the command with its continuations. */
function curlScript(): string {
  const l = lines();
  const i = l.findIndex((x) => x.trim().startsWith('export PALISADE_TOKEN='));
  const out = [l[i]!.trim()];
  for (let j = i + 1; j < l.length && l[j]!.trim() !== ''; j++) out.push(l[j]!.trim());
  return out.join('\n');
}

describe('the dev-token flow printed by npm start (issue 9, item 3)', () => {
  it('the printed curl, then the printed example, both work against the same fresh server', () => {
    const curl = spawnSync('bash', ['-c', curlScript()], { encoding: 'utf8', env, timeout: 15_000 });
    expect(curl.status, curl.stderr).toBe(0);
    expect(curl.stdout).toContain('"protocolVersion"');
    expect(curl.stdout).not.toContain('AUTH_');

    const l = lines();
    const runLine = l.find((x) => x.includes('node palisade-example.mjs'))!.trim();
    const code = l.slice(l.findIndex((x) => x.includes('import { Client }'))).map((x) => x.replace(/^ {2}/, '')).join('\n');
    const dir = mkdtempSync(join(ROOT, '.tmp-example-')); // inside the repository: the SDK resolves from its node_modules
    try {
      writeFileSync(join(dir, 'palisade-example.mjs'), `${code}\n`);
      const ex = spawnSync('bash', ['-c', runLine], { cwd: dir, encoding: 'utf8', env, timeout: 20_000 });
      // It exits by itself (the example closes its client) and lists the tools.
      expect(ex.error).toBeUndefined();
      expect(ex.status, ex.stderr).toBe(0);
      expect(ex.stdout).toContain('orders.export');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says plainly that one token opens one session, and gives each example its own token', () => {
    expect(banner).toContain('One token = one MCP session');
    const tokens = [...banner.matchAll(/PALISADE_TOKEN=(ey[\w-]+\.[\w-]+\.[\w-]+)/g)].map((m) => m[1]);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(banner).not.toMatch(/npx/);
  });

  it('the printed token command names this server\'s port, and a token for another audience is logged with the expected one', async () => {
    const port = new URL(url()).port;
    const mintLine = lines().find((x) => / token .*--port /.test(x))!.trim();
    expect(mintLine).toBe(`node ${BIN} token --port ${port}`);
    // The printed command, run as printed (same shell environment as the server), mints a token this server takes.
    const minted = spawnSync('bash', ['-c', mintLine], { encoding: 'utf8', env: { ...env, PALISADE_DATA_DIR: dataDir } });
    expect(minted.status, minted.stderr).toBe(0);
    const ok = spawnSync('bash', ['-c', curlScript().replace(/^export PALISADE_TOKEN=\S+/, `export PALISADE_TOKEN=${minted.stdout.trim()}`)], { encoding: 'utf8', env, timeout: 15_000 });
    expect(ok.stdout).toContain('"protocolVersion"');
    // A token for the default port (the reported mistake): refused; the log names the audience expected.
    const wrong = spawnSync(process.execPath, [BIN, 'token', '--aud', 'https://127.0.0.1:8443/mcp'], { encoding: 'utf8', env: { ...env, PALISADE_DATA_DIR: dataDir } });
    expect(wrong.status, wrong.stderr).toBe(0);
    const caFile = join(dataDir, 'tls', 'cert.pem');
    const body = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}';
    const r = spawnSync('curl', ['-sS', '--cacert', caFile, url(), '-H', `Authorization: Bearer ${wrong.stdout.trim()}`, '-H', 'Content-Type: application/json', '-H', 'Accept: application/json, text/event-stream', '-d', body], { encoding: 'utf8' });
    expect(r.stdout).toContain('AUTH_INVALID');
    expect(r.stdout).not.toContain(url()); // the expected audience is not told to the caller
    // The log scrubber (DLP) may mask the IP address inside the URL; the port and path still say which server.
    const expected = new RegExp(`"expectedAudience":"https://(127\\.0\\.0\\.1|\\[redacted:ip\\]):${port}/mcp"`);
    await expect.poll(() => stderr, { timeout: 5000 }).toMatch(expected);
    expect(stderr).toMatch(/"code":"AUTH_INVALID","reason":"claim aud is missing or invalid"/);
  });
});
