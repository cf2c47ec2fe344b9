import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorFindings, formatFindings } from '../../src/cli/doctor-checks.js';
import { FIX_HINTS } from '../../src/cli/doctor-hints.js';
import { loadConfig } from '../../src/config/load.js';
import { createCertificate, inspectCertificate } from '../../src/transport/certs.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;

async function goodSetup(extraYaml = '', baseline?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pal-doctor-'));
  const ca = await createCertificate({ commonName: 'CA', days: 60, isCA: true });
  const leaf = await createCertificate({ commonName: 'mcp', dns: ['mcp.example.com'], days: 60, issuer: ca });
  writeFileSync(join(dir, 'cert.pem'), leaf.cert);
  writeFileSync(join(dir, 'key.pem'), leaf.key);
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  if (baseline) writeFileSync(join(dir, 'baseline.yaml'), baseline);
  writeFileSync(join(dir, 'palisade.yaml'), [
    'server:',
    '  tls: { cert_file: cert.pem, key_file: key.pem, client_ca_file: ca.pem }',
    'auth:',
    '  issuers: [{ issuer: "https://idp.example.com", jwks_uri: "https://idp.example.com/jwks.json" }]',
    'egress: { allow: [api.vendor.example] }',
    ...(baseline ? ['baseline: baseline.yaml'] : []),
    extraYaml,
  ].join('\n'));
  return { dir, file: join(dir, 'palisade.yaml'), leaf };
}

function run(args: string[], env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-doctor-data-'));
  return spawnSync(process.execPath, [BIN, 'doctor', ...args], { encoding: 'utf8', env: { ...process.env, PALISADE_DATA_DIR: dataDir, NODE_ENV: '', ...env }, timeout: 20_000 });
}

const lines = (out: string) => Object.fromEntries(out.trim().split('\n').filter((l) => !l.startsWith('  fix: ')).map((l) => {
  const m = /^(PASS|FAIL) ([a-z_.]+): (.+)$/.exec(l);
  expect(m, l).not.toBeNull();
  return [m![2], { verdict: m![1], reason: m![3] }];
}));

describe('palisade doctor', () => {
  it('tells the truth about the development default: mTLS and the missing certificate FAIL, exit 1', () => {
    const r = run([]);
    expect(r.status).toBe(1);
    const l = lines(r.stdout);
    expect(l['tls.mtls']?.verdict).toBe('FAIL');
    expect(l['tls.certificate']?.verdict).toBe('FAIL');
    expect(l['tls.min_version']?.verdict).toBe('PASS');
    expect(l['auth.token_ttl']?.verdict).toBe('PASS');
    expect(l['auth.required_claims']?.verdict).toBe('PASS');
    expect(l['secrets.provider']?.verdict).toBe('PASS');
  });

  it('a complete configuration passes every line, exit 0', async () => {
    const { file } = await goodSetup();
    const r = run(['--config', file]);
    expect(r.stderr).toContain('0 failed');
    expect(r.status).toBe(0);
    const l = lines(r.stdout);
    expect(l['tls.mtls']?.verdict).toBe('PASS');
    expect(l['tls.certificate']?.reason).toMatch(/^certificate, expires in 59 days/);
    expect(l['tls.cert_rotation']?.verdict).toBe('PASS');
  });

  it('production: env secrets FAIL; a configured egress allow-list passes', async () => {
    const { file } = await goodSetup('secrets: { provider: env }');
    const r = run(['--config', file], { NODE_ENV: 'production' });
    expect(r.status).toBe(1);
    const l = lines(r.stdout);
    expect(l['secrets.provider']?.verdict).toBe('FAIL');
    expect(l['egress.allow']?.verdict).toBe('PASS');
  });

  it('a weak baseline fails its lines', async () => {
    const { file } = await goodSetup('', [
      'transport: { tls_min_version: "1.2", mtls: false, cert_rotation_days: 30 }',
      'auth: { token_type: JWT, claims: [aud, iss, sub, exp], max_ttl_seconds: 3600, replay_window_minutes: 15 }',
      'secrets: { provider: "Vault", rotation_days: 60, forbid_env_for_prod: true }',
    ].join('\n'));
    const l = lines(run(['--config', file]).stdout);
    expect(l['tls.mtls']?.verdict).toBe('FAIL');
    expect(l['tls.cert_rotation']?.verdict).toBe('FAIL'); // 60-day certificate, 30-day rotation
    expect(l['auth.token_ttl']?.verdict).toBe('FAIL');
    expect(l['auth.replay_window']?.verdict).toBe('FAIL');
    expect(l['auth.required_claims']?.reason).toContain('jti');
  });

  it('a configuration error exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-doctor-bad-'));
    writeFileSync(join(dir, 'p.yaml'), 'server: { tls: { nope: 1 } }\n');
    expect(run(['--config', join(dir, 'p.yaml')]).status).toBe(2);
    expect(run(['--bogus']).status).toBe(2);
  });

  it('pure checks: expired, soon-expiring and self-signed-in-production certificates', async () => {
    const { file } = await goodSetup();
    const loaded = loadConfig({ file, env: {} });
    const now = new Date();
    const soon = await createCertificate({ commonName: 'x', days: 10 });
    const old = await createCertificate({ commonName: 'x', days: 10, now: new Date(now.getTime() - 20 * 86_400_000) });
    const selfSigned = await createCertificate({ commonName: 'x', days: 60 });
    const verdict = (pem: string, production = false) =>
      doctorFindings(loaded, { production, cert: { file: 'c.pem', development: false, info: inspectCertificate(pem, now) } }).find((f) => f.check === 'tls.certificate');
    expect(verdict(old.cert)?.reason).toMatch(/expired/);
    expect(verdict(soon.cert)?.reason).toMatch(/expires in 9 days/);
    expect(verdict(selfSigned.cert)?.ok).toBe(true);
    expect(verdict(selfSigned.cert, true)?.ok).toBe(false);
    expect(formatFindings([{ check: 'a.b', ok: false, reason: 'r' }])).toBe('FAIL a.b: r\n  fix: see docs/config.md for the keys this check reads');
    expect(formatFindings([{ check: 'a.b', ok: true, reason: 'r' }])).toBe('PASS a.b: r');
  });

  it('issue 9: every FAIL line is followed by a fix hint, and every check that can fail has its own', async () => {
    const r = run([]);
    const out = r.stdout.trim().split('\n');
    const fails = out.map((l, i) => [l, out[i + 1]] as const).filter(([l]) => l.startsWith('FAIL '));
    expect(fails.length).toBeGreaterThan(0);
    for (const [, next] of fails) expect(next).toMatch(/^  fix: \S/);
    // Every check name doctor can print (with and without a certificate) has its own hint.
    const { file } = await goodSetup();
    const cert = await createCertificate({ commonName: 'x', days: 60 });
    const checks = [
      ...doctorFindings(loadConfig({ env: {} }), { production: true, cert: undefined }),
      ...doctorFindings(loadConfig({ file, env: {} }), { production: true, cert: { file: 'c.pem', development: false, info: inspectCertificate(cert.cert) } }),
    ].map((f) => f.check);
    expect(checks).toContain('tls.cert_rotation');
    for (const c of new Set(checks)) expect(FIX_HINTS[c], c).toMatch(/\S/);
  });
});
