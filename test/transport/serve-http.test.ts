import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectHttp, trustingFetch } from './http-fixtures.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;

function setup(yaml: string, baseline?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pal-serve-http-'));
  if (baseline) writeFileSync(join(dir, 'baseline.yaml'), baseline);
  writeFileSync(join(dir, 'palisade.yaml'), yaml + (baseline ? '\nbaseline: baseline.yaml\n' : '\n'));
  return { dir, file: join(dir, 'palisade.yaml'), env: { ...process.env, PALISADE_DATA_DIR: join(dir, 'data'), NODE_ENV: '' } };
}

const NO_MTLS = 'transport: { tls_min_version: "1.2", mtls: false, cert_rotation_days: 90 }\n';

/** Starts `palisade serve --http`, waits for the URL line on stderr. */
async function start(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no URL on stderr: ${err}`)); }, 15_000);
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving MCP at (https?:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(t); resolve(m[1]!); }
    });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`exited ${code}: ${err}`)); });
  });
  return { child, url, stderr: () => err };
}

describe('palisade serve --http', () => {
  it('serves HTTPS with a development certificate on loopback, a client works, SIGTERM stops it cleanly', async () => {
    const s = setup('auth: { mode: none }', NO_MTLS);
    const srv = await start(['--http', '--config', s.file, '--port', '0'], s.env);
    try {
      expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const ca = readFileSync(join(s.dir, 'data', 'tls', 'cert.pem'), 'utf8');
      const f = trustingFetch(ca);
      const c = await connectHttp(srv.url, 'unused', f.fetch);
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name)).toContain('web.fetchSafe');
      await c.close();
      await f.close();
      const code = await new Promise<number | null>((resolve) => { srv.child.once('exit', resolve); srv.child.kill('SIGTERM'); });
      expect(code).toBe(0);
    } finally {
      if (srv.child.exitCode === null) srv.child.kill('SIGKILL');
    }
  });

  it('refuses unsafe configurations at start with exit 2', () => {
    const cases = [
      setup('auth: { mode: none }\nserver: { http: { host: 0.0.0.0 } }', NO_MTLS),
      setup('server: { http: { insecure_http: true, host: 0.0.0.0 } }', NO_MTLS),
      setup('server: { http: { host: 0.0.0.0 } }', NO_MTLS), // no certificate for a public bind
      setup('auth: { mode: none }'), // seed baseline: mtls true, no client CA
    ];
    for (const s of cases) {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--http', '--config', s.file, '--port', '0'], { env: s.env, encoding: 'utf8', timeout: 15_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    // env secrets in production (forbid_env_for_prod): refused before anything listens.
    const prod = setup('secrets: { provider: env }', NO_MTLS);
    const r = spawnSync(process.execPath, [BIN, 'serve', '--config', prod.file, '--port', '0'], { env: { ...prod.env, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 15_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/env/);
    const bad = setup('auth: { mode: none }', NO_MTLS);
    expect(spawnSync(process.execPath, [BIN, 'serve', '--port', 'x', '--config', bad.file], { env: bad.env, encoding: 'utf8' }).status).toBe(2);
  });
});
