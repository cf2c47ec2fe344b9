import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { secretsFromConfig } from '../../src/secrets/index.js';
import { createVaultProvider } from '../../src/secrets/vault.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pal-sec-'));
function configFile(text: string) {
  const d = dir();
  writeFileSync(join(d, 'p.yaml'), text);
  return { d, file: join(d, 'p.yaml') };
}

describe('secrets providers', () => {
  it('file: reads <dataDir>/secrets/<name>, refuses path tricks', async () => {
    const d = dir();
    mkdirSync(join(d, 'secrets'));
    writeFileSync(join(d, 'secrets', 'db_password'), 'hunter2\n');
    const p = secretsFromConfig(loadConfig({ env: { PALISADE_DATA_DIR: d } }), {});
    expect(p.kind).toBe('file');
    expect(await p.get('db_password')).toBe('hunter2');
    for (const bad of ['../etc/passwd', '/etc/passwd', 'a/b', '..']) await expect(p.get(bad)).rejects.toThrow(/invalid secret name/);
    await expect(p.get('missing')).rejects.toThrow(/not available/);
  });

  it('env: PALISADE_SECRET_<NAME> in development', async () => {
    const { file } = configFile('secrets: { provider: env }\n');
    const p = secretsFromConfig(loadConfig({ file, env: {} }), { PALISADE_SECRET_HS_KEY: 'abc' });
    expect(await p.get('hs-key')).toBe('abc');
  });

  it('env: refused in production when the baseline forbids it (a ConfigError, exit 2)', () => {
    const { file } = configFile('secrets: { provider: env }\n');
    const loaded = loadConfig({ file, env: {} });
    expect(() => secretsFromConfig(loaded, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => secretsFromConfig(loaded, { NODE_ENV: 'production' })).toThrow(/forbid_env_for_prod/);
  });

  it('env in production: palisade serve exits 2 with the reason', () => {
    const { d, file } = configFile('baseline: ./b.yaml\nsecrets: { provider: env }\nserver: { data_dir: ./data }\n');
    writeFileSync(join(d, 'b.yaml'), 'transport: { mtls: false }\n');
    const bin = new URL('../../bin/palisade.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'serve', '--http', '--config', file, '--port', '0'], { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' }, timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/env is refused in production/);
  });
});

const LOOP = ['127.0.0.1/32'];

describe('vault provider (KV v2 over HTTP, against a loopback fake)', () => {
  let hits = 0;
  const seen: string[] = [];
  const vault = createServer((req, res) => {
    hits += 1;
    seen.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.headers['x-vault-token'] !== 's.good') { res.statusCode = 403; res.end('{"errors":["permission denied"]}'); return; }
    if (req.url === '/v1/secret/data/app/db') { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ data: { data: { value: 'pw1', user: 'app' }, metadata: { version: 3 } } })); return; }
    res.statusCode = 404; res.end('{"errors":[]}');
  });
  let address = '';
  beforeAll(async () => { await new Promise<void>((r) => vault.listen(0, '127.0.0.1', () => r())); address = `http://127.0.0.1:${(vault.address() as { port: number }).port}`; });
  afterAll(() => { vault.close(); });

  it('reads a field, caches it for the TTL, then re-reads', async () => {
    let t = 0;
    const p = createVaultProvider({ address, allowAddresses: LOOP, token: () => 's.good', cacheTtlMs: 1000, now: () => t });
    const before = hits;
    expect(await p.get('app/db')).toBe('pw1');
    expect(await p.get('app/db#user')).toBe('app');
    expect(await p.get('app/db')).toBe('pw1');
    expect(hits - before).toBe(2);
    t = 1001;
    await p.get('app/db');
    expect(hits - before).toBe(3);
    expect(seen).toContain('/v1/secret/data/app/db');
  });

  it('a wrong token or missing secret is a typed fault naming the secret, never the token', async () => {
    const bad = createVaultProvider({ address, allowAddresses: LOOP, token: () => 's.bad' });
    await expect(bad.get('app/db')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('403') });
    await expect(bad.get('app/db')).rejects.not.toThrow(/s\.bad/);
    const good = createVaultProvider({ address, allowAddresses: LOOP, token: () => 's.good' });
    await expect(good.get('app/none')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    const down = createVaultProvider({ address: 'http://127.0.0.1:1', allowAddresses: LOOP, token: () => 's.good', timeoutMs: 500 });
    await expect(down.get('app/db')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('goes through the egress client: a loopback Vault is SSRF_BLOCKED unless the operator lists its address', async () => {
    const p = createVaultProvider({ address, token: () => 's.good' });
    await expect(p.get('app/db')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('SSRF_BLOCKED') });
    expect(() => createVaultProvider({ address: 'http://vault.example:8200', token: () => 'x' })).toThrow(/https/);
  });

  it('from config with a token file', async () => {
    const { d, file } = configFile(`secrets: { provider: vault, vault: { address: "${address}", token_file: ./vault-token, allow_addresses: ["127.0.0.1/32"] } }\n`);
    writeFileSync(join(d, 'vault-token'), 's.good\n');
    const p = secretsFromConfig(loadConfig({ file, env: {} }), {});
    expect(p.kind).toBe('vault');
    expect(await p.get('app/db')).toBe('pw1');
  });
});
