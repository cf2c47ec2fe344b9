import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createCertificate } from '../../src/transport/certs.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);
const baseEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', PALISADE_LOG_LEVEL: 'warn' };

function cli(args: string[], env: Record<string, string> = {}, cwd?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...baseEnv, ...env }, timeout: 20_000, ...(cwd && { cwd }) });
}

/** Starts `serve` and resolves with its stderr once it says where it serves; then stops it. */
function starts(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...baseEnv, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const t = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`did not start: ${err}`)); }, 20_000);
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/serving MCP at \S+/.test(err) && (err.includes('await client.close();') || !err.includes('Development tokens'))) {
        clearTimeout(t);
        p.kill('SIGTERM');
        resolve(err);
      }
    });
    p.on('exit', (code) => { clearTimeout(t); if (!/serving MCP at/.test(err)) reject(new Error(`exited ${code}: ${err}`)); });
  });
}

describe('palisade init (issue 9, item 4)', () => {
  it('writes a commented development palisade.yaml (and its baseline) that loads and starts over HTTPS with dev tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-init-'));
    const r = cli(['init'], {}, dir);
    expect(r.status, r.stderr).toBe(0);
    const file = join(dir, 'palisade.yaml');
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(EXAMPLES, 'palisade.dev.yaml'), 'utf8'));
    expect(readFileSync(file, 'utf8')).toMatch(/^# /m);
    const loaded = loadConfig({ file, env: {} });
    expect(loaded.dataDir).toBe(join(dir, '.palisade'));
    expect(loaded.baseline.transport.mtls).toBe(false);
    const err = await starts(['--config', file, '--port', '0'], {});
    expect(err).toMatch(/serving MCP at https:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(err).toContain('PALISADE_TOKEN=ey');
    expect(err).toContain(`--config ${file}`);
  });

  it('never overwrites without --force; --out picks the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-init-o-'));
    const out = join(dir, 'conf', 'my.yaml');
    mkdirSync(join(dir, 'conf'));
    expect(cli(['init', '--out', out]).status).toBe(0);
    writeFileSync(out, '# mine\n');
    const again = cli(['init', '--out', out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('nothing was written');
    expect(readFileSync(out, 'utf8')).toBe('# mine\n');
    expect(cli(['init', '--out', out, '--force']).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('baseline: security.baseline.dev.yaml');
  });

  it('--prod: a production-shaped file (mTLS, an issuer, Vault, Redis) that loads; with its files in place doctor passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-init-prod-'));
    const file = join(dir, 'palisade.yaml');
    expect(cli(['init', '--prod', '--out', file]).status).toBe(0);
    const loaded = loadConfig({ file, env: {} });
    const c = loaded.config;
    expect(c.server.tls.client_ca_file).toBe('tls/clients-ca.crt');
    expect(loaded.baseline.transport.mtls).toBe(true);
    expect(c.auth.issuers).toHaveLength(1);
    expect(c.secrets.provider).toBe('vault');
    expect(c.state.backend).toBe('redis');
    expect(c.egress.allow.length).toBeGreaterThan(0);
    // The files the comments ask for: a CA-issued server certificate and the client CA.
    const ca = await createCertificate({ commonName: 'CA', days: 60, isCA: true });
    const leaf = await createCertificate({ commonName: 'mcp.example.com', dns: ['mcp.example.com', 'localhost'], ips: ['127.0.0.1'], days: 60, issuer: ca });
    mkdirSync(join(dir, 'tls'));
    writeFileSync(join(dir, 'tls', 'server.crt'), leaf.cert);
    writeFileSync(join(dir, 'tls', 'server.key'), leaf.key);
    writeFileSync(join(dir, 'tls', 'clients-ca.crt'), ca.cert);
    const doctor = cli(['doctor', '--config', file], { NODE_ENV: 'production', PALISADE_DATA_DIR: join(dir, 'data') });
    expect(doctor.stdout).not.toContain('FAIL');
    expect(doctor.status, doctor.stdout).toBe(0);
    if (REDIS_URL) {
      // No Vault here: the same file with the file provider holding the audit keys the comments ask Vault for.
      const started = join(dir, 'palisade.started.yaml');
      writeFileSync(started, readFileSync(file, 'utf8').replace('  provider: vault\n', '  provider: file\n  file: { dir: secrets }\n'));
      mkdirSync(join(dir, 'secrets'));
      writeFileSync(join(dir, 'secrets', 'audit-ed25519'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      writeFileSync(join(dir, 'secrets', 'audit-hmac'), randomBytes(32).toString('base64'));
      const err = await starts(['--config', started, '--host', '127.0.0.1', '--port', '0'], { NODE_ENV: 'production', REDIS_URL, PALISADE_DATA_DIR: join(dir, 'data') });
      expect(err).toMatch(/serving MCP at https:\/\/127\.0\.0\.1:\d+\/mcp/);
      expect(err).not.toContain('PALISADE_TOKEN=');
    }
  });
});
