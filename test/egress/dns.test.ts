import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/index.js';
import { createEgressClient, dnsResolver } from '../../src/egress/index.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { startDns, type TestDns } from './dns-server.js';

const PUBLIC_ADDR = '93.184.215.14';
const open: TestDns[] = [];
afterEach(async () => { while (open.length) await open.pop()!.close(); });

async function dns(table: Record<string, string>, hold = false) {
  const d = await startDns(table, { hold });
  open.push(d);
  return d;
}

/** A real JWT verifier (ES256 through jose, i.e. WebCrypto on the thread pool) and a token factory. */
async function verifier() {
  const keys = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'ES256' };
  const auth = createAuthenticator({
    resource: 'https://mcp.test/mcp', issuers: [{ issuer: 'https://idp.test', keys: createLocalJWKSet({ keys: [jwk] }) }],
    algorithms: ['ES256'], maxTtlSeconds: 600, clockSkewSeconds: 60, replay: 'single-use', replayWindowMs: 60_000,
    store: createMemoryStore(), claims: { tenant: 'tenant_id', region: 'region', actorType: 'act' }, scopesSupported: ['orders.read'],
  });
  const token = () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: 'agent:a', tenant_id: 'acme', region: 'eu-west', scope: 'orders.read', jti: crypto.randomUUID(), nbf: now })
      .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
      .setIssuer('https://idp.test').setAudience('https://mcp.test/mcp').setIssuedAt(now).setExpirationTime(now + 300)
      .sign(keys.privateKey);
  };
  return { auth, token };
}

describe('egress DNS through c-ares (issue 8 item 8)', () => {
  it('resolves A and AAAA through the configured server; a name without records does not resolve', async () => {
    const d = await dns({ 'api.vendor.example': PUBLIC_ADDR });
    const resolve = dnsResolver({ servers: [d.server] });
    expect(await resolve('api.vendor.example')).toEqual([{ address: PUBLIC_ADDR, family: 4 }]);
    await expect(resolve('nothing.vendor.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(d.queries).toEqual(expect.arrayContaining(['api.vendor.example/A', 'api.vendor.example/AAAA']));
  });

  it('a DNS server that never answers ends in UPSTREAM_ERROR at the resolver deadline, not a hang', async () => {
    const d = await dns({ 'slow.vendor.example': PUBLIC_ADDR }, true);
    const egress = createEgressClient({ resolver: dnsResolver({ servers: [d.server], timeoutMs: 300, tries: 1 }) });
    const r = await egress.check('https://slow.vendor.example/');
    expect(r.ok ? 'ALLOWED' : r.code).toBe('UPSTREAM_ERROR');
    expect(d.queries.length).toBeGreaterThan(0);
  });

  it('8 lookups held by a slow DNS server do not delay token verification', async () => {
    const d = await dns(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`slow${i}.vendor.example`, PUBLIC_ADDR])), true);
    const egress = createEgressClient({ resolver: dnsResolver({ servers: [d.server], timeoutMs: 25_000 }) });
    const { auth, token } = await verifier();
    const tokens = await Promise.all(Array.from({ length: 16 }, token));
    const settled: boolean[] = Array(8).fill(false);
    const lookups = Array.from({ length: 8 }, (_, i) => egress.check(`https://slow${i}.vendor.example/`).finally(() => { settled[i] = true; }));
    // Every lookup is in flight at the server (A and AAAA for each) before any token is verified.
    await expect.poll(() => new Set(d.queries).size, { timeout: 10_000 }).toBe(16);
    const verdicts = await Promise.all(tokens.map((t) => auth.authenticate(`Bearer ${t}`, { sessionId: 's' })));
    expect(verdicts.map((v) => v.ok)).toEqual(Array(16).fill(true));
    // All 16 verifications finished while all 8 lookups were still waiting on DNS.
    expect(settled).toEqual(Array(8).fill(false));
    expect(d.held()).toBeGreaterThanOrEqual(16);
    d.release();
    const results = await Promise.all(lookups);
    expect(results.map((r) => (r.ok ? r.target.address : r.code))).toEqual(Array(8).fill(PUBLIC_ADDR));
  });

  it('control: a resolver on the thread pool (the old getaddrinfo path) does stall verification', async () => {
    // getaddrinfo cannot be pointed at a test server; a FIFO open blocks a pool thread
    // the same way, without CPU, until a writer appears. 8 of them cover the 4 threads.
    const dir = mkdtempSync(join(tmpdir(), 'pal-fifo-'));
    const fifos = Array.from({ length: 8 }, (_, i) => join(dir, `f${i}`));
    for (const f of fifos) execFileSync('mkfifo', [f]);
    const { auth, token } = await verifier();
    const tokens = await Promise.all(Array.from({ length: 4 }, token));
    const poolLookups = fifos.map((f) => openFile(f, 'r').then((h) => h.close()));
    let done = 0;
    const verdicts = Promise.all(tokens.map((t) => auth.authenticate(`Bearer ${t}`, { sessionId: 's' }).finally(() => { done += 1; })));
    // However long we wait, nothing can finish: every pool thread sits in a lookup.
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(0);
    const writers = fifos.map((f) => openSync(f, 'r+')); // O_RDWR never blocks and releases the readers
    await Promise.all(poolLookups);
    expect((await verdicts).every((v) => v.ok)).toBe(true);
    for (const w of writers) closeSync(w);
  });

  it('refuses nonsense options at construction', () => {
    expect(() => dnsResolver({ timeoutMs: 0 })).toThrow(TypeError);
    expect(() => dnsResolver({ tries: 9 })).toThrow(TypeError);
  });
});
