import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePalisade } from '../helpers/fixtures.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from './http-fixtures.js';
import { raw } from './raw.js';

let pki: Awaited<ReturnType<typeof testPki>>;
let edge: HttpEdge;
let broken: HttpEdge;
let ready = true;

beforeAll(async () => {
  pki = await testPki('faults');
  const { palisade } = await fixturePalisade();
  const tls = { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2' as const, mtls: false };
  edge = await startHttpServer({ palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, tls, bodyLimitBytes: 2048, ready: async () => ready });
  const throwing = { ...stubAuthenticator(), authenticate: async () => { throw new Error('state store down: secret detail'); } };
  broken = await startHttpServer({ palisade, authenticator: throwing, host: '127.0.0.1', port: 0, tls, ready: async () => { throw new Error('down'); } });
});
afterAll(async () => { await edge?.close(); await broken?.close(); });

describe('faults at the edge', () => {
  it('an authenticator that throws fails closed with 403 INTERNAL_ERROR, nothing internal in the answer', async () => {
    const r = await raw(broken.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: 'Bearer x' }, body: JSON.stringify(INIT) });
    expect(r.status).toBe(403);
    expect(r.json().error?.data?.code).toBe('INTERNAL_ERROR');
    expect(r.body).not.toContain('secret detail');
  });

  it('/readyz answers 503 when the readiness probe fails, and only /readyz', async () => {
    expect((await raw(broken.url, pki.ca.cert, { method: 'GET', path: '/readyz' })).status).toBe(503);
    expect((await raw(broken.url, pki.ca.cert, { method: 'GET', path: '/healthz' })).status).toBe(200);
    ready = false;
    expect((await raw(edge.url, pki.ca.cert, { method: 'GET', path: '/readyz' })).status).toBe(503);
    ready = true;
    expect((await raw(edge.url, pki.ca.cert, { method: 'GET', path: '/readyz' })).status).toBe(200);
  });

  it('property: no method, path, header or body yields a 5xx', async () => {
    const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD');
    const path = fc.oneof(fc.constantFrom('/mcp', '/mcp?x=1', '/healthz', '/readyz', '/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', '/'), fc.webPath());
    const jsonish = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constant(JSON.stringify(INIT)),
      fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), fc.string()), method: fc.constantFrom('tools/call', 'tools/list', 'initialize', 'ping'), params: fc.anything() }).map((v) => JSON.stringify(v)),
      fc.array(fc.json(), { maxLength: 30 }).map((a) => `[${a.join(',')}]`),
    );
    const headers = fc.record({
      auth: fc.constantFrom(undefined, 'valid', 'Bearer', 'Bearer x', 'Basic a', ''),
      session: fc.option(fc.constantFrom('s', 'x'.repeat(200), '00000000-0000-0000-0000-000000000000')),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
      accept: fc.constantFrom('application/json, text/event-stream', 'text/event-stream', '*/*', ''),
      protocol: fc.option(fc.constantFrom('2025-11-25', '1999-01-01', 'x')),
    });
    await fc.assert(fc.asyncProperty(method, path, headers, jsonish, async (m, p, h, body) => {
      const hdrs: Record<string, string> = {};
      if (h.auth === 'valid') hdrs['Authorization'] = `Bearer ${token()}`;
      else if (h.auth) hdrs['Authorization'] = h.auth;
      if (h.session) hdrs['Mcp-Session-Id'] = h.session;
      if (h.contentType) hdrs['Content-Type'] = h.contentType;
      if (h.accept) hdrs['Accept'] = h.accept;
      if (h.protocol) hdrs['Mcp-Protocol-Version'] = h.protocol;
      const r = await raw(edge.url, pki.ca.cert, { method: m, path: p, headers: hdrs, ...(m !== 'GET' && m !== 'HEAD' && { body }) });
      expect(r.status).toBeGreaterThanOrEqual(200);
      expect(r.status).toBeLessThan(500);
    }), { numRuns: 150 });
  });
});

describe('timeouts', () => {
  it('a client that never finishes its headers is cut off (slowloris)', async () => {
    const { palisade } = await fixturePalisade();
    const slow = await startHttpServer({
      palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, headersTimeoutMs: 300, requestTimeoutMs: 600,
      tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
    });
    const { connect } = await import('node:tls');
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: slow.port, ca: pki.ca.cert, servername: 'localhost' }, () => s.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      let got = '';
      s.on('data', (c: Buffer) => { got += c.toString(); });
      s.on('close', () => resolve(got));
      s.on('error', reject);
      setTimeout(() => { s.destroy(); reject(new Error('not cut off')); }, 10_000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    await slow.close();
  });
});
