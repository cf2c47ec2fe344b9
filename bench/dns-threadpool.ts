/**
 * Token verification latency while 8 DNS lookups hang (not a test; issue 8 item 8):
 * `node --import tsx bench/dns-threadpool.ts`.
 * - "thread pool": 8 lookups that each hold a libuv pool thread, as getaddrinfo does
 *   on a slow DNS answer (simulated by FIFO opens, which block a pool thread without CPU);
 * - "c-ares": 8 lookups through Palisade's egress resolver to a local DNS server that never answers.
 * Prints the p50/max latency of 200 ES256 verifications in each case, and with nothing held.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createAuthenticator } from '../src/auth/index.js';
import { dnsResolver } from '../src/egress/dns.js';
import { createMemoryStore } from '../src/state/memory.js';
import { startDns } from '../test/egress/dns-server.js';

const N = 200;
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' };
const auth = createAuthenticator({
  resource: 'https://bench.test/mcp', issuers: [{ issuer: 'https://idp', keys: createLocalJWKSet({ keys: [jwk] }) }], algorithms: ['ES256'],
  maxTtlSeconds: 600, clockSkewSeconds: 60, replay: 'single-use', replayWindowMs: 60_000, store: createMemoryStore(),
  claims: { tenant: 'tenant_id', region: 'region', actorType: 'act' }, scopesSupported: [],
});
const now = Math.floor(Date.now() / 1000);
const mint = () => new SignJWT({ scope: 'a', tenant_id: 'acme' }).setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
  .setIssuer('https://idp').setSubject('a').setAudience('https://bench.test/mcp').setIssuedAt(now).setExpirationTime(now + 300).setJti(crypto.randomUUID()).sign(privateKey);

/** Verifies N tokens one after another for up to `budgetMs`; latencies in ms (a stalled one counts as the budget). */
async function measure(label: string, tokens: string[], budgetMs = 3000): Promise<void> {
  const lat: number[] = [];
  const deadline = performance.now() + budgetMs;
  for (const t of tokens) {
    const t0 = performance.now();
    const left = deadline - t0;
    if (left <= 0) break;
    const done = await Promise.race([auth.authenticate(`Bearer ${t}`, { sessionId: undefined }).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), left))]);
    lat.push(performance.now() - t0);
    if (!done) break;
  }
  lat.sort((a, b) => a - b);
  const p50 = lat[Math.floor(lat.length / 2)] ?? NaN;
  console.log(`${label.padEnd(34)} verified ${String(lat.length).padStart(3)}/${N}  p50 ${p50.toFixed(2)} ms  max ${(lat.at(-1) ?? NaN).toFixed(1)} ms`);
}

// Signing also runs on the pool: every token is minted before anything is held.
const batches = await Promise.all([0, 1, 2].map(() => Promise.all(Array.from({ length: N }, mint))));
await measure('nothing held', batches[0]!);

const dns = await startDns({}, { hold: true });
const resolve = dnsResolver({ servers: [dns.server], timeoutMs: 20_000 });
const held = Array.from({ length: 8 }, (_, i) => resolve(`slow${i}.bench.example`).catch(() => undefined));
while (new Set(dns.queries).size < 16) await new Promise((r) => setTimeout(r, 10));
await measure('8 lookups held (c-ares, Palisade)', batches[1]!);
dns.release();
await Promise.all(held);
await dns.close();

const dir = mkdtempSync(join(tmpdir(), 'pal-bench-fifo-'));
const fifos = Array.from({ length: 8 }, (_, i) => join(dir, `f${i}`));
for (const f of fifos) execFileSync('mkfifo', [f]);
const pool = fifos.map((f) => open(f, 'r').then((h) => h.close()));
await new Promise((r) => setTimeout(r, 50));
await measure('8 lookups held (thread pool)', batches[2]!, 2000);
const writers = fifos.map((f) => openSync(f, 'r+'));
await Promise.all(pool);
for (const w of writers) closeSync(w);
process.exit(0);
