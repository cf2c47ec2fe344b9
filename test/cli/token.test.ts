import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, 'token', ...args], {
  encoding: 'utf8', env: { ...process.env, PALISADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'pal-tok-')), NODE_ENV: 'development', ...env },
});

describe('palisade token', () => {
  it('prints the token alone on stdout with the asked claims', () => {
    const r = run(['--sub', 'agent:x', '--tenant', 'globex', '--region', 'us-east', '--scope', 'orders.read', '--scope', 'flags.write:dev', '--ttl', '300']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const claims = decodeJwt(r.stdout.trim());
    expect(claims).toMatchObject({ sub: 'agent:x', tenant_id: 'globex', region: 'us-east', scope: 'orders.read flags.write:dev', aud: 'https://127.0.0.1:8443/mcp' });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(typeof claims.jti).toBe('string');
    expect(decodeProtectedHeader(r.stdout.trim())).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
  });

  it('takes the same --host/--port as serve, so the audience names that server', () => {
    const r = run(['--host', '::1', '--port', '9443']);
    expect(r.status).toBe(0);
    expect(decodeJwt(r.stdout.trim()).aud).toBe('https://[::1]:9443/mcp');
    const both = run(['--port', '9443', '--aud', 'https://x.example/mcp']);
    expect(both.status).toBe(2);
  });

  it.each([
    ['a TTL above the baseline maximum', ['--ttl', '601'], {}],
    ['a wildcard scope', ['--scope', 'orders.*'], {}],
    ['NODE_ENV=production', [], { NODE_ENV: 'production' }],
    ['an unknown flag', ['--admin'], {}],
    ['a tenant with a | separator', ['--tenant', 'acme|u'], {}],
    ['a subject with a | separator', ['--sub', 'u|v'], {}],
  ])('refuses %s with exit 2 and a one-line reason', (_n, args, env) => {
    const r = run(args, env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
