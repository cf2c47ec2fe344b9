import { request } from 'node:https';
import { afterAll, describe, expect, it } from 'vitest';
import { LimitsEntrySchema } from '../../src/config/limits.js';
import { limits, LIMITS_META_KEY } from '../../src/guards/limits.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { alice, codeOf, connectInMemory, fixturePalisade } from '../helpers/fixtures.js';
import { connectHttp, INIT, MCP_HEADERS, stubAuthenticator, testPki, token, trustingFetch } from '../transport/http-fixtures.js';

const entry = (e: unknown) => LimitsEntrySchema.parse(e);

describe('the limits stage in the pipeline', () => {
  it('RATE_LIMITED in-band with retryAfterMs; remaining use in result _meta', async () => {
    const store = createMemoryStore();
    const { palisade } = await fixturePalisade({ store, stages: { limits: limits({ store, entries: [entry({ principal: alice.id, limits: { rpm: 2, daily_cost_usd: 1 } })] }) } });
    const c = await connectInMemory(palisade);
    const first = await c.client.callTool({ name: 'demo.echo', arguments: { message: 'hi' } });
    expect(codeOf(first)).toBeUndefined();
    expect((first._meta as Record<string, unknown>)[LIMITS_META_KEY]).toEqual([expect.objectContaining({ scope: 'principal', rateRemaining: 1 })]);
    await c.client.callTool({ name: 'demo.echo', arguments: { message: 'hi' } });
    const third = await c.client.callTool({ name: 'demo.echo', arguments: { message: 'hi' } });
    expect(codeOf(third)).toBe('RATE_LIMITED');
    expect((third.structuredContent as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
    await c.close();
  });

  it('the finalizer frees the concurrency slot after every outcome, a fault included', async () => {
    const store = createMemoryStore();
    const { palisade } = await fixturePalisade({ store, stages: { limits: limits({ store, entries: [entry({ principal: alice.id, limits: { concurrency: 1 } })] }) } });
    const c = await connectInMemory(palisade);
    for (let i = 0; i < 3; i++) expect(codeOf(await c.client.callTool({ name: 'demo.boom', arguments: {} }))).toBe('INTERNAL_ERROR');
    expect(codeOf(await c.client.callTool({ name: 'demo.echo', arguments: { message: 'x' } }))).toBeUndefined();
    await c.close();
  });

  it('STOP_RULE through the MCP client (same call repeated past max_retries)', async () => {
    const store = createMemoryStore();
    const { palisade } = await fixturePalisade({ store, stages: { limits: limits({ store, entries: [entry({ principal: alice.id, stop_rules: { max_retries: 1 } })] }) } });
    const c = await connectInMemory(palisade);
    const call = () => c.client.callTool({ name: 'demo.echo', arguments: { message: 'again' } });
    expect(codeOf(await call())).toBeUndefined();
    expect(codeOf(await call())).toBeUndefined();
    expect(codeOf(await call())).toBe('STOP_RULE');
    await c.close();
  });
});

describe('the HTTP edge: 429 + Retry-After before the body is read', () => {
  let edge: HttpEdge;
  afterAll(async () => { await edge?.close(); });

  it('an over-rpm principal is refused from its headers; the body is never read', async () => {
    const pki = await testPki('lim');
    const store = createMemoryStore();
    const { palisade } = await fixturePalisade({ store, stages: { limits: limits({ store, entries: [entry({ principal: 'agent:alice', limits: { rpm: 1 } })] }) } });
    edge = await startHttpServer({ palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false } });
    const f = trustingFetch(pki.ca.cert);
    const bearer = token();
    const c = await connectHttp(edge.url, bearer, f.fetch);
    expect(codeOf(await c.client.callTool({ name: 'demo.echo', arguments: { message: 'a' } }))).toBeUndefined();
    const sid = c.transport.sessionId!;
    // Headers only, and a body that never comes: the answer must not wait for it.
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const u = new URL(edge.url);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', ca: pki.ca.cert, servername: 'localhost', agent: false,
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${bearer}`, 'Mcp-Session-Id': sid, 'Mcp-Protocol-Version': INIT.params.protocolVersion, 'Content-Length': 100_000 } }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => { body += d.toString(); });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
      });
      req.on('error', reject);
      req.write('{"jsonrpc":"2.0",');
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(res.body).error.data.code).toBe('RATE_LIMITED');
    await c.close();
    await f.close();
  });
});
