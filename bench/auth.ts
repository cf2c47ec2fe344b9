/**
 * Token verification cost per request (not a test): `node --import tsx bench/auth.ts`.
 * EdDSA and ES256, with the jti replay check on a memory and a SQLite store.
 */
import { performance } from 'node:perf_hooks';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createAuthenticator } from '../src/auth/index.js';
import { createMemoryStore } from '../src/state/memory.js';
import { createSqliteStore } from '../src/state/sqlite.js';
import type { StateStore } from '../src/state/store.js';

const N = Number(process.env['BENCH_N'] ?? 2000);
const RESOURCE = 'https://bench.test/mcp';

async function run(alg: 'EdDSA' | 'ES256', store: StateStore, label: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg };
  const auth = createAuthenticator({
    resource: RESOURCE, issuers: [{ issuer: 'https://idp', keys: createLocalJWKSet({ keys: [jwk] }) }], algorithms: [alg],
    maxTtlSeconds: 600, clockSkewSeconds: 60, replay: 'session', replayWindowMs: 900_000, store,
    claims: { tenant: 'tenant_id', region: 'region', actorType: 'act' }, scopesSupported: [],
  });
  const now = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(Array.from({ length: N }, () => new SignJWT({ scope: 'orders.read', tenant_id: 'acme' })
    .setProtectedHeader({ alg, kid: 'k', typ: 'at+jwt' }).setIssuer('https://idp').setSubject('a').setAudience(RESOURCE)
    .setIssuedAt(now).setExpirationTime(now + 300).setJti(crypto.randomUUID()).sign(privateKey)));
  for (let i = 0; i < 100; i++) await auth.authenticate(`Bearer ${tokens[i]}`, { sessionId: 'warm' });
  const t0 = performance.now();
  for (let i = 100; i < N; i++) {
    const r = await auth.authenticate(`Bearer ${tokens[i]}`, { sessionId: 's' });
    if (!r.ok) throw new Error(r.message);
  }
  console.log(`${label.padEnd(36)} ${(((performance.now() - t0) * 1000) / (N - 100)).toFixed(1).padStart(8)} µs/verify`);
}

await run('EdDSA', createMemoryStore(), 'EdDSA + jti replay (memory)');
await run('EdDSA', createSqliteStore({ file: ':memory:' }), 'EdDSA + jti replay (sqlite)');
await run('ES256', createMemoryStore(), 'ES256 + jti replay (memory)');
