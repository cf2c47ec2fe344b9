import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePalisade, codeOf } from '../helpers/fixtures.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { connectHttp, INIT, MCP_HEADERS, stubAuthenticator, testPki, token, trustingFetch } from './http-fixtures.js';
import { raw } from './raw.js';

let edge: HttpEdge;
let pki: Awaited<ReturnType<typeof testPki>>;
let client: ReturnType<typeof trustingFetch>;
let ca: string;
const auth = stubAuthenticator();

beforeAll(async () => {
  pki = await testPki('http');
  ca = pki.ca.cert;
  const { palisade } = await fixturePalisade();
  edge = await startHttpServer({
    palisade, authenticator: auth, host: '127.0.0.1', port: 0, bodyLimitBytes: 4096, maxBatch: 3,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  });
  client = trustingFetch(ca);
});
afterAll(async () => {
  await edge?.close();
  await client?.close();
});

const post = (body: unknown, headers: Record<string, string | number> = {}) =>
  raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function openRawSession(bearer: string): Promise<string> {
  const r = await post(INIT, { Authorization: `Bearer ${bearer}` });
  expect(r.status).toBe(200);
  return String(r.headers['mcp-session-id']);
}

describe('Streamable HTTP over TLS', () => {
  it('a remote SDK client with a valid token lists and calls tools', async () => {
    const c = await connectHttp(edge.url, token(), client.fetch);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['demo.boom', 'demo.echo', 'switch.set']);
    const ok = await c.client.callTool({ name: 'demo.echo', arguments: { message: 'hi', times: 2 } });
    expect(ok.structuredContent).toEqual({ echoed: 'hi hi' });
    // Guards still answer as tool errors over HTTP.
    const bad = await c.client.callTool({ name: 'demo.echo', arguments: { message: 'x', admin: true } });
    expect(codeOf(bad)).toBe('UNKNOWN_FIELD');
    await c.close();
  });

  it('no token: 401 AUTH_REQUIRED with a resource_metadata challenge and no error attribute', async () => {
    const r = await post(INIT);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe(`Bearer resource_metadata="${edge.url.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')}"`);
    expect(r.json().error?.data?.code).toBe('AUTH_REQUIRED');
  });

  it('bad token: 401 AUTH_INVALID with error="invalid_token"', async () => {
    const r = await post(INIT, { Authorization: 'Bearer forged' });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", resource_metadata="https:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/);
    expect(r.json().error?.data?.code).toBe('AUTH_INVALID');
  });

  it('a token reused on a second session: 401 AUTH_REPLAY', async () => {
    const t = token();
    await openRawSession(t);
    const r = await post(INIT, { Authorization: `Bearer ${t}` });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(r.json().error?.data?.code).toBe('AUTH_REPLAY');
  });

  it('tools/call without the grant: 403 insufficient_scope naming the scope, code SCOPE_MISSING', async () => {
    const t = token();
    const sid = await openRawSession(t);
    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'switch.set', arguments: { name: 'beta', env: 'prod', pct: 5 } } };
    const r = await post(call, { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid, 'Mcp-Protocol-Version': '2025-11-25' });
    expect(r.status).toBe(403);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", scope="switch\.write:prod", resource_metadata="https:\/\/.+\/\.well-known\/oauth-protected-resource\/mcp"$/);
    expect(r.json().error?.data?.code).toBe('SCOPE_MISSING');
    // An argument that fails the schema is the pipeline's to answer (INVALID_PARAMS), and never lands in a header.
    const odd = { ...call, id: 3, params: { name: 'switch.set', arguments: { name: 'beta', env: 'x" evil', pct: 5 } } };
    const r2 = await post(odd, { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid, 'Mcp-Protocol-Version': '2025-11-25' });
    expect(r2.status).toBe(200);
    expect(r2.body).toContain('INVALID_PARAMS');
  });

  it('a tool the token has no grant for at all is hidden: in-band NOT_FOUND, exactly like an unknown tool', async () => {
    const t = token('agent:carol', 'acme', 'demo.read');
    const sid = await openRawSession(t);
    const call = (name: string, id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
    const headers = { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid, 'Mcp-Protocol-Version': '2025-11-25' };
    const hidden = await post(call('switch.set', 2), headers);
    const unknown = await post(call('no.such.tool', 2), headers);
    expect(hidden.status).toBe(200);
    expect(hidden.body).toContain('NOT_FOUND');
    expect(hidden.body).toBe(unknown.body);
  });

  it('session hijack: another principal presenting a stolen session id gets 404, like an unknown session', async () => {
    const sid = await openRawSession(token('agent:alice'));
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    for (const thief of [token('agent:mallory'), token('agent:alice', 'globex')]) {
      const r = await post(list, { Authorization: `Bearer ${thief}`, 'Mcp-Session-Id': sid });
      expect(r.status).toBe(404);
      expect(r.json().error?.data?.code).toBe('NOT_FOUND');
    }
    const unknown = await post(list, { Authorization: `Bearer ${token()}`, 'Mcp-Session-Id': 'no-such-session' });
    expect(unknown.status).toBe(404);
    // The owner with a fresh token of its own is served.
    const mine = await post(list, { Authorization: `Bearer ${token('agent:alice')}`, 'Mcp-Session-Id': sid });
    expect(mine.status).toBe(200);
  });

  it('protected-resource metadata at both well-known paths', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const r = await raw(edge.url, ca, { method: 'GET', path });
      expect(r.status).toBe(200);
      expect(r.json()).toEqual({ resource: 'https://127.0.0.1/mcp', authorization_servers: ['https://issuer.test'], scopes_supported: ['demo.read'], bearer_methods_supported: ['header'] });
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('HTTP hygiene', () => {
  const bearer = () => ({ Authorization: `Bearer ${token()}` });

  it('413 PAYLOAD_TOO_LARGE on a declared Content-Length over the cap, before authentication', async () => {
    const r = await raw(edge.url, ca, { headers: { ...MCP_HEADERS, 'Content-Length': 5000 }, body: 'x'.repeat(5000) });
    expect(r.status).toBe(413);
    expect(r.json().error?.data?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('413 on a chunked body that grows past the cap', async () => {
    const r = await raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...bearer(), 'Transfer-Encoding': 'chunked' }, chunks: Array.from({ length: 6 }, () => Buffer.alloc(1000, 0x20)) });
    expect(r.status).toBe(413);
    expect(r.json().error?.data?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('bad Host: 403 HOST_NOT_ALLOWED (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:443', '127.0.0.1.evil.example', 'localhost.evil.example', '[::2]']) {
      const r = await raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...bearer(), Host: host }, body: JSON.stringify(INIT) });
      expect(r.status, host).toBe(403);
      expect(r.json().error?.data?.code).toBe('HOST_NOT_ALLOWED');
    }
    const ok = await raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...bearer(), Host: `localhost:${edge.port}` }, body: JSON.stringify(INIT) });
    expect(ok.status).toBe(200);
  });

  it('bad Origin: 403 ORIGIN_NOT_ALLOWED; no Origin and our own origin pass', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1']) {
      const r = await post(INIT, { ...bearer(), Origin: origin });
      expect(r.status).toBe(403);
      expect(r.json().error?.data?.code).toBe('ORIGIN_NOT_ALLOWED');
    }
    expect((await post(INIT, { ...bearer(), Origin: `https://127.0.0.1:${edge.port}` })).status).toBe(200);
  });

  it('malformed JSON: 400 with a JSON-RPC parse error', async () => {
    const r = await post('{"jsonrpc": "2.0", "id": 1, "method": ', bearer());
    expect(r.status).toBe(400);
    expect(r.json().error?.code).toBe(-32700);
    expect(r.json().error?.data?.code).toBe('PARSE_ERROR');
  });

  it('a batch over max_batch: 400 BATCH_TOO_LARGE', async () => {
    const t = token();
    const sid = await openRawSession(t);
    const batch = Array.from({ length: 4 }, (_, i) => ({ jsonrpc: '2.0', id: 10 + i, method: 'tools/list' }));
    const r = await post(batch, { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid });
    expect(r.status).toBe(400);
    expect(r.json().error?.data?.code).toBe('BATCH_TOO_LARGE');
  });

  it('an empty batch and a non-initialize call without a session: 400 INVALID_REQUEST', async () => {
    const empty = await post([], bearer());
    expect(empty.status).toBe(400);
    expect(empty.json().error?.data?.code).toBe('INVALID_REQUEST');
    const noSession = await post({ jsonrpc: '2.0', id: 5, method: 'tools/list' }, bearer());
    expect(noSession.status).toBe(400);
    expect(noSession.json().error?.data?.code).toBe('INVALID_REQUEST');
  });

  it('405 for an unsupported method, 404 for an unknown path', async () => {
    const put = await raw(edge.url, ca, { method: 'PUT', headers: bearer(), body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers['allow']).toBe('GET, POST, DELETE');
    expect(put.json().error?.data?.code).toBe('METHOD_NOT_ALLOWED');
    const nf = await raw(edge.url, ca, { method: 'GET', path: '/admin' });
    expect(nf.status).toBe(404);
    expect(nf.json().error?.data?.code).toBe('NOT_FOUND');
  });

  it('security headers on every answer, SSE included; no X-Powered-By', async () => {
    const r = await post(INIT, bearer());
    expect(r.headers['content-type']).toContain('application/json');
    // A call that may stream (a progress token) answers SSE: the same headers there.
    const t = token();
    const sid = await openRawSession(t);
    const sse = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'demo.echo', arguments: { message: 'x' }, _meta: { progressToken: 1 } } },
      { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' });
    expect(sse.headers['content-type']).toContain('text/event-stream');
    // An answer the SDK transport writes itself (406), rewritten by the edge's error guard.
    const refused = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' },
      { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25', Accept: 'text/plain' });
    expect(refused.status).toBe(406);
    expect(refused.json().error?.data?.code).toBe('NOT_ACCEPTABLE');
    for (const res of [r, sse, refused, await raw(edge.url, ca, { method: 'GET', path: '/nope' })]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('/healthz and /readyz', async () => {
    expect((await raw(edge.url, ca, { method: 'GET', path: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await raw(edge.url, ca, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(200);
    expect((await raw(edge.url, ca, { method: 'POST', path: '/healthz', body: '' })).status).toBe(405);
  });

  it('odd inputs never yield a 5xx', async () => {
    const t = token();
    const sid = await openRawSession(t);
    const cases: Array<Parameters<typeof raw>[2]> = [
      { body: 'null', headers: { ...MCP_HEADERS, ...bearer() } },
      { body: '[]', headers: { ...MCP_HEADERS, ...bearer() } },
      { body: '[1,2]', headers: { ...MCP_HEADERS, ...bearer() } },
      { body: '{"__proto__":{"x":1}}', headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid } },
      { body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"x":1}}}', headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid } },
      { body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}', headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid } },
      { body: JSON.stringify(INIT), headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid } },
      { body: JSON.stringify(INIT), headers: { 'Content-Type': 'text/plain', ...bearer() } },
      { body: JSON.stringify(INIT), headers: { ...MCP_HEADERS, Authorization: 'Basic abc' } },
      { body: JSON.stringify(INIT), headers: { ...MCP_HEADERS, ...bearer(), 'Mcp-Session-Id': 'a b' } },
      { method: 'GET', headers: { ...bearer(), Accept: 'text/event-stream' } },
      { method: 'DELETE', headers: { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': 'x' } },
      { method: 'OPTIONS', path: '/mcp' },
      { method: 'GET', path: '/%00%ff/../mcp' },
      { method: 'GET', path: '/.well-known/oauth-protected-resource?x=%zz' },
    ];
    for (const c of cases) {
      const r = await raw(edge.url, ca, c);
      expect(r.status, JSON.stringify(c)).toBeLessThan(500);
    }
  });
});
