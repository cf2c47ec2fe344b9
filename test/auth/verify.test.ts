import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createLocalJWKSet, createRemoteJWKSet, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, loadOrCreateDevIssuer, type Authenticator } from '../../src/auth/index.js';
import { createMemoryStore } from '../../src/state/memory.js';

const RESOURCE = 'https://mcp.test/mcp';
const ISS = 'https://idp.test';
const T0 = 1_800_000_000_000;
let clock = T0;
const now = () => clock;
const sec = () => Math.floor(clock / 1000);

let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let attacker: Awaited<ReturnType<typeof generateKeyPair>>;
let kid: string;
let auth: Authenticator;
let jkuHits = 0;
const jkuServer = createServer((_req, res) => { jkuHits += 1; res.end('{}'); });

function make(over: Partial<Parameters<typeof createAuthenticator>[0]> = {}) {
  return createAuthenticator({
    resource: RESOURCE,
    issuers: [{ issuer: ISS, keys: createLocalJWKSet({ keys: [pubJwk] }) }],
    algorithms: ['ES256', 'EdDSA'],
    maxTtlSeconds: 600, clockSkewSeconds: 60, replay: 'session', replayWindowMs: 15 * 60_000,
    store: createMemoryStore({ now }), claims: { tenant: 'tenant_id', region: 'region', actorType: 'act' },
    scopesSupported: ['orders.read'], now, ...over,
  });
}
let pubJwk: Record<string, unknown>;

beforeAll(async () => {
  keys = await generateKeyPair('ES256', { extractable: true });
  attacker = await generateKeyPair('ES256', { extractable: true });
  kid = 'k1';
  pubJwk = { ...(await exportJWK(keys.publicKey)), kid, alg: 'ES256' };
  auth = make();
  await new Promise<void>((r) => jkuServer.listen(0, '127.0.0.1', () => r()));
});
afterAll(() => { jkuServer.close(); });

interface Opts { claims?: JWTPayload; drop?: string[]; header?: Record<string, unknown>; key?: CryptoKeyLike; alg?: string }
type CryptoKeyLike = Parameters<SignJWT['sign']>[0];
async function token(o: Opts = {}) {
  const base: JWTPayload = { iss: ISS, sub: 'agent:a', aud: RESOURCE, iat: sec(), nbf: sec(), exp: sec() + 300, jti: crypto.randomUUID(), scope: 'orders.read flags.read', tenant_id: 'acme', region: 'eu-west' };
  const claims: JWTPayload = { ...base, ...o.claims };
  for (const d of o.drop ?? []) delete claims[d];
  return new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'ES256', kid, typ: 'at+jwt', ...o.header }).sign(o.key ?? keys.privateKey);
}
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const check = async (tok: string, session = 's1', a = auth) => a.authenticate(`Bearer ${tok}`, { sessionId: session });
const codeOf = (r: Awaited<ReturnType<Authenticator['authenticate']>>) => (r.ok ? 'OK' : r.code);

describe('JWT verification: the good path', () => {
  it('accepts a valid token and maps claims to the principal', async () => {
    const r = await check(await token());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.principal).toEqual({ id: 'agent:a', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['orders.read', 'flags.read'] });
  });
  it('takes scopes from scp too', async () => {
    const r = await check(await token({ claims: { scope: undefined, scp: ['orders.read'] }, drop: ['scope'] }));
    expect(r.ok && r.principal.grants).toEqual(['orders.read']);
  });
  it('accepts a token expired within the 60 s skew', async () => {
    expect(codeOf(await check(await token({ claims: { iat: sec() - 400, nbf: sec() - 400, exp: sec() - 30 } })))).toBe('OK');
  });
});

describe('JWT attacks, each refused with its code', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISS, sub: 'x', aud: RESOURCE, exp: sec() + 60, iat: sec(), jti: 'n', tenant_id: 'acme' })}.`, 'AUTH_INVALID'],
    ['HS256 signed with the public key (algorithm confusion)', async () => {
      const pem = await exportSPKI(keys.publicKey);
      return new SignJWT({ iss: ISS, sub: 'x', aud: RESOURCE, exp: sec() + 60, iat: sec(), jti: 'c', tenant_id: 'acme' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(pem));
    }, 'AUTH_INVALID'],
    ['wrong aud', () => token({ claims: { aud: 'https://other.test/mcp' } }), 'AUTH_INVALID'],
    ['aud array without ours', () => token({ claims: { aud: ['https://a.test', 'https://b.test'] } }), 'AUTH_INVALID'],
    ['aud array with ours and another (multi-audience)', () => token({ claims: { aud: [RESOURCE, 'https://b.test'] } }), 'AUTH_INVALID'],
    ['wrong iss', () => token({ claims: { iss: 'https://evil.test' } }), 'AUTH_INVALID'],
    ['expired beyond skew', () => token({ claims: { iat: sec() - 500, nbf: sec() - 500, exp: sec() - 61 } }), 'AUTH_INVALID'],
    ['nbf in the future beyond skew', () => token({ claims: { nbf: sec() + 120 } }), 'AUTH_INVALID'],
    ['iat in the future beyond skew', () => token({ claims: { iat: sec() + 120, exp: sec() + 300 } }), 'AUTH_INVALID'],
    ['lifetime 601 s', () => token({ claims: { exp: sec() + 601 } }), 'AUTH_INVALID'],
    ['missing jti', () => token({ drop: ['jti'] }), 'AUTH_INVALID'],
    ['missing exp', () => token({ drop: ['exp'] }), 'AUTH_INVALID'],
    ['missing iat', () => token({ drop: ['iat'] }), 'AUTH_INVALID'],
    ['missing sub', () => token({ drop: ['sub'] }), 'AUTH_INVALID'],
    ['missing tenant', () => token({ drop: ['tenant_id'] }), 'AUTH_INVALID'],
    ['wildcard scope', () => token({ claims: { scope: 'orders.*' } }), 'AUTH_INVALID'],
    ['unknown kid', () => token({ header: { kid: 'nope' } }), 'AUTH_INVALID'],
    ['signed by an attacker key', () => token({ key: attacker.privateKey }), 'AUTH_INVALID'],
    ['tampered payload', async () => { const [h, , s] = (await token()).split('.'); return `${h}.${b64({ iss: ISS, sub: 'agent:root', aud: RESOURCE, exp: sec() + 60, iat: sec(), jti: 't', tenant_id: 'globex', scope: 'admin' })}.${s}`; }, 'AUTH_INVALID'],
    ['tampered signature', async () => { const t = await token(); return t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA'); }, 'AUTH_INVALID'],
    ['embedded jwk header with the attacker key', async () => token({ key: attacker.privateKey, header: { jwk: await exportJWK(attacker.publicKey) } }), 'AUTH_INVALID'],
    ['x5c header', () => token({ header: { x5c: ['MIIB'] } }), 'AUTH_INVALID'],
    ['id token type', () => token({ header: { typ: 'id_token+jwt' } }), 'AUTH_INVALID'],
    ['JWE-shaped token (five segments)', async () => 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', 'AUTH_INVALID'],
    ['oversized token', async () => token({ claims: { pad: 'x'.repeat(9000) } }), 'AUTH_INVALID'],
    // Issue 8.3: tenant/subject are key parts; separators and control characters are refused.
    ['tenant with a | separator (acme|u)', () => token({ claims: { tenant_id: 'acme|u', sub: 'v' } }), 'AUTH_INVALID'],
    ['subject with a | separator (u|v)', () => token({ claims: { sub: 'u|v' } }), 'AUTH_INVALID'],
    ['tenant with a newline', () => token({ claims: { tenant_id: 'acme\nglobex' } }), 'AUTH_INVALID'],
    ['subject with a NUL', () => token({ claims: { sub: 'agent:a\u0000' } }), 'AUTH_INVALID'],
    ['subject with a space', () => token({ claims: { sub: 'agent a' } }), 'AUTH_INVALID'],
    ['tenant that is not a string', () => token({ claims: { tenant_id: ['acme'] } }), 'AUTH_INVALID'],
    ['tenant over 128 characters', () => token({ claims: { tenant_id: 'a'.repeat(129) } }), 'AUTH_INVALID'],
    ['region with a control character', () => token({ claims: { region: 'eu-west\r' } }), 'AUTH_INVALID'],
    ['region that is not a string', () => token({ claims: { region: 7 } }), 'AUTH_INVALID'],
  ];
  it.each(cases)('%s', async (_name, make_, expected) => {
    expect(codeOf(await check(await make_()))).toBe(expected);
  });

  it('property: a tenant or subject claim outside the identifier charset is AUTH_INVALID, never a principal', async () => {
    const odd = fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }).filter((x) => /[^A-Za-z0-9_.:@+=/-]/.test(x));
    await fc.assert(fc.asyncProperty(odd, fc.boolean(), async (v, asTenant) => {
      const t = await token({ claims: asTenant ? { tenant_id: v } : { sub: v } });
      expect(codeOf(await check(t, crypto.randomUUID()))).toBe('AUTH_INVALID');
    }), { numRuns: 60 });
  });

  it('jku header pointing at an attacker URL is refused and never fetched', async () => {
    const port = (jkuServer.address() as { port: number }).port;
    const t = await token({ key: attacker.privateKey, header: { jku: `http://127.0.0.1:${port}/jwks.json`, kid: 'evil' } });
    expect(codeOf(await check(t))).toBe('AUTH_INVALID');
    expect(jkuHits).toBe(0);
  });

  it('a replayed jti on a second session is AUTH_REPLAY; the same session may reuse it', async () => {
    const t = await token();
    expect(codeOf(await check(t, 'session-a'))).toBe('OK');
    expect(codeOf(await check(t, 'session-a'))).toBe('OK');
    expect(codeOf(await check(t, 'session-b'))).toBe('AUTH_REPLAY');
  });

  it('single-use mode: every request needs a fresh jti', async () => {
    const a = make({ replay: 'single-use' });
    const t = await token();
    expect(codeOf(await check(t, 's', a))).toBe('OK');
    expect(codeOf(await check(t, 's', a))).toBe('AUTH_REPLAY');
  });

  it('claims the baseline lists (nbf in the seed) become required', async () => {
    const strict = make({ requiredClaims: ['aud', 'iss', 'sub', 'exp', 'nbf', 'jti'] });
    expect(codeOf(await check(await token({ drop: ['nbf'] }), 's', strict))).toBe('AUTH_INVALID');
    expect(codeOf(await check(await token(), 's', strict))).toBe('OK');
  });

  it('HS256 only when configured, and then never with an asymmetric key', async () => {
    const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
    const a = make({ hsSecret: secret });
    const good = await new SignJWT({ iss: ISS, sub: 'svc', aud: RESOURCE, exp: sec() + 60, iat: sec(), jti: crypto.randomUUID(), tenant_id: 'acme' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expect(codeOf(await check(good, 's', a))).toBe('OK');
    const pem = new TextEncoder().encode(await exportSPKI(keys.publicKey));
    const confused = await new SignJWT({ iss: ISS, sub: 'svc', aud: RESOURCE, exp: sec() + 60, iat: sec(), jti: crypto.randomUUID(), tenant_id: 'acme' }).setProtectedHeader({ alg: 'HS256' }).sign(pem);
    expect(codeOf(await check(confused, 's', a))).toBe('AUTH_INVALID');
    expect(() => make({ algorithms: ['HS256'] })).toThrow(TypeError);
  });

  it('no header, another scheme, or an empty bearer is AUTH_REQUIRED', async () => {
    for (const h of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer   ']) {
      expect(codeOf(await auth.authenticate(h, { sessionId: 's' }))).toBe('AUTH_REQUIRED');
    }
  });

  it('property: garbage Authorization headers never throw and never pass', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.string().map((s) => `Bearer ${s}`), fc.array(fc.base64String(), { minLength: 3, maxLength: 3 }).map((p) => `Bearer ${p.join('.')}`)), async (h) => {
      const r = await auth.authenticate(h, { sessionId: 's' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(['AUTH_REQUIRED', 'AUTH_INVALID']).toContain(r.code);
    }), { numRuns: 300 });
  });

  it('messages never carry the token or claim values', async () => {
    const t = await token({ claims: { aud: 'https://secret-aud.test' } });
    const r = await check(t);
    expect(JSON.stringify(r)).not.toContain('secret-aud');
    expect(JSON.stringify(r)).not.toContain(t.slice(0, 20));
  });
});

describe('keys from a JWKS URL and the development issuer', () => {
  it('verifies against a loopback JWKS endpoint', async () => {
    const srv = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [pubJwk] })); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const url = new URL(`http://127.0.0.1:${(srv.address() as { port: number }).port}/jwks.json`);
    const a = make({ issuers: [{ issuer: ISS, keys: createRemoteJWKSet(url) }] });
    expect(codeOf(await check(await token(), 's', a))).toBe('OK');
    srv.close();
  });

  it('authenticatorFromConfig fetches a jwks_uri through the egress client (SSRF rules apply to JWKS too)', async () => {
    const { writeFileSync } = await import('node:fs');
    const { loadConfig } = await import('../../src/config/load.js');
    const { authenticatorFromConfig } = await import('../../src/auth/index.js');
    const { secretsFromConfig } = await import('../../src/secrets/index.js');
    let hits = 0;
    const srv = createServer((_req, res) => { hits += 1; res.setHeader('content-type', 'application/jwk-set+json'); res.end(JSON.stringify({ keys: [pubJwk] })); });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const uri = `http://127.0.0.1:${(srv.address() as { port: number }).port}/jwks.json`;
    const build = async (extra: string) => {
      const d = mkdtempSync(join(tmpdir(), 'pal-jwks-'));
      writeFileSync(join(d, 'p.yaml'), `server: { data_dir: ./data }\nauth: { issuers: [ { issuer: "${ISS}", jwks_uri: "${uri}"${extra} } ], algorithms: [ES256] }\n`);
      const loaded = loadConfig({ file: join(d, 'p.yaml'), env: {} });
      return authenticatorFromConfig(loaded, { store: createMemoryStore({ now }), secrets: secretsFromConfig(loaded, {}), resource: RESOURCE, scopesSupported: [], now, env: {} });
    };
    const refused = await build('');
    expect(codeOf(await check(await token(), 's', refused))).toBe('AUTH_INVALID');
    expect(hits).toBe(0);
    const allowed = await build(', allow_addresses: ["127.0.0.1/32"]');
    expect(codeOf(await check(await token(), 's', allowed))).toBe('OK');
    expect(hits).toBe(1);
    srv.close();
  });

  it('dev issuer tokens verify; its key file is private and reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-dev-'));
    const dev = await loadOrCreateDevIssuer(dir, { now });
    const again = await loadOrCreateDevIssuer(dir, { now });
    expect(again.publicJwks).toEqual(dev.publicJwks);
    const { statSync } = await import('node:fs');
    expect(statSync(join(dir, 'keys', 'dev-issuer.jwk.json')).mode & 0o077).toBe(0);
    const a = make({ issuers: [{ issuer: dev.issuer, keys: createLocalJWKSet(dev.publicJwks) }], algorithms: ['EdDSA'] });
    const t = await dev.mint({ sub: 'agent:dev', tenant: 'acme', scopes: ['orders.read'], audience: RESOURCE });
    const r = await check(t, 's', a);
    expect(r.ok && r.principal.grants).toEqual(['orders.read']);
  });
});
