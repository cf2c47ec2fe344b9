/**
 * Per-request cost of the HTTP edge (TLS + hygiene + authentication + session
 * check + SDK Streamable HTTP transport) against the same call in process.
 * `node --import tsx bench/http-overhead.ts` (BENCH_N=2000 by default).
 * With src/auth present, the authenticated run verifies real ES256 JWTs from
 * the development issuer (jose), one token per session; authenticate() is also timed alone.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import { defineTool } from '../src/core/define.js';
import type { Principal } from '../src/core/principal.js';
import { createPalisade } from '../src/palisade.js';
import { createCertificate } from '../src/transport/certs.js';
import { startHttpServer, type EdgeAuthenticator } from '../src/transport/http.js';
import { createMcpServer } from '../src/transport/mcp.js';
import { staticAuthenticator } from '../src/transport/http-auth.js';
import { writeFileSync } from 'node:fs';

const N = Number(process.env['BENCH_N'] ?? 2000);
const principal: Principal = { id: 'agent:bench', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['bench.read'] };
const echo = defineTool({
  name: 'bench.echo', description: 'echo', effect: 'read', scope: 'bench.read',
  input: { message: z.string().max(200) }, handler: async ({ message }) => ({ echoed: message }),
});

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  const us = ((performance.now() - t0) * 1000) / N;
  console.log(`${label.padEnd(52)} ${us.toFixed(1).padStart(8)} µs/call`);
  return us;
}

async function main() {
  const palisade = await createPalisade({ tools: [echo], env: {} });
  const call = (c: Client) => c.callTool({ name: 'bench.echo', arguments: { message: 'hello' } });

  const [ct, st] = InMemoryTransport.createLinkedPair();
  await createMcpServer(palisade, { principal: () => principal, transport: 'memory', sessionId: 'b' }).connect(st);
  const mem = new Client({ name: 'bench', version: '0' });
  await mem.connect(ct);
  const inProcess = await time('in-process (InMemoryTransport)', () => call(mem));

  const dir = mkdtempSync(join(tmpdir(), 'pal-bench-'));
  const ca = await createCertificate({ commonName: 'bench CA', days: 2, isCA: true });
  const leaf = await createCertificate({ commonName: 'localhost', ips: ['127.0.0.1'], days: 2, issuer: ca });
  writeFileSync(join(dir, 'cert.pem'), leaf.cert);
  writeFileSync(join(dir, 'key.pem'), leaf.key);
  const dispatcher = new Agent({ connect: { ca: ca.cert }, keepAliveTimeout: 10_000 });
  const f = ((u: string | URL, init?: RequestInit) => undiciFetch(u, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;

  async function overHttp(label: string, authenticator: EdgeAuthenticator | ((r: string) => Promise<EdgeAuthenticator>), bearer: (resource: string) => Promise<string>) {
    const edge = await startHttpServer({
      palisade, authenticator, host: '127.0.0.1', port: 0,
      tls: { files: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }, minVersion: 'TLSv1.2', mtls: false },
    });
    const token = await bearer(edge.resource);
    const client = new Client({ name: 'bench', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(edge.url), { fetch: f, requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const us = await time(label, () => call(client));
    await client.close();
    await edge.close();
    return us;
  }

  const noAuth = await overHttp('HTTPS + edge, static principal (no token check)', staticAuthenticator(principal, 'https://127.0.0.1/mcp'), async () => 'x');
  let jwt: number | undefined;
  try {
    const auth = await import('../src/auth/index.js');
    const { loadConfig } = await import('../src/config/load.js');
    const { createMemoryStore } = await import('../src/state/memory.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-bench-auth-'));
    const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
    const issuer = await auth.loadOrCreateDevIssuer(dataDir);
    const secretsMod = await import('../src/secrets/index.js');
    const alone = await auth.authenticatorFromConfig(loaded, { store: createMemoryStore(), secrets: secretsMod.secretsFromConfig(loaded, {}), resource: 'https://bench/mcp', scopesSupported: [] });
    const tk = `Bearer ${await issuer.mint({ sub: 'agent:bench', tenant: 'acme', scopes: ['bench.read'], ttlSeconds: 600, audience: 'https://bench/mcp' })}`;
    await time('authenticate() alone (verify + jti check, memory store)', () => alone.authenticate(tk, { sessionId: 's1' }));
    jwt = await overHttp('HTTPS + edge + JWT verification (EdDSA, jti binding)', (resource: string) => auth.authenticatorFromConfig(loaded, {
      store: createMemoryStore(), secrets: secretsMod.secretsFromConfig(loaded, {}), resource, scopesSupported: ['bench.read'],
    }), (resource) => issuer.mint({ sub: 'agent:bench', tenant: 'acme', region: 'eu-west', scopes: ['bench.read'], ttlSeconds: 600, audience: resource }));
  } catch (err) {
    console.log(`(JWT run skipped: ${(err as Error).message.split('\n')[0]})`);
  }
  console.log(`edge overhead per call: ${(noAuth - inProcess).toFixed(1)} µs (TLS keep-alive, HTTP, SSE framing, hygiene)`);
  if (jwt !== undefined) console.log(`token verification per call: ${(jwt - noAuth).toFixed(1)} µs; total vs in-process: ${(jwt - inProcess).toFixed(1)} µs`);
  await dispatcher.close();
  await mem.close();
}

await main();
