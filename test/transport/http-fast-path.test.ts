import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatorFromConfig, loadOrCreateDevIssuer } from '../../src/auth/index.js';
import type { Authenticator } from '../../src/core/auth.js';
import { loadConfig } from '../../src/config/load.js';
import { secretsFromConfig } from '../../src/secrets/index.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { mayStream } from '../../src/transport/http-answer-mode.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import type { Palisade } from '../../src/palisade.js';
import { fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from './http-fixtures.js';
import { raw, type RawResponse } from './raw.js';

// Issue 14's fast path at the HTTP edge: a token verified on a session is not verified
// again on that session until it expires (kill switches stay live), and answers are plain
// JSON unless the call may stream (progress, elicitation).
let pki: Awaited<ReturnType<typeof testPki>>;
let palisade: Palisade;
const edges: HttpEdge[] = [];

beforeAll(async () => {
  pki = await testPki('fast');
  ({ palisade } = await fixturePalisade());
});
afterAll(async () => { for (const e of edges) await e.close(); });

/** Counts full verifications; keeps the wrapped authenticator's own sessionBound. */
function counting(inner: Authenticator, sessionBound = inner.sessionBound) {
  const c = { n: 0 };
  const auth: Authenticator = {
    ...(sessionBound !== undefined && { sessionBound }),
    authenticate: (h, ctx) => { c.n++; return inner.authenticate(h, ctx); },
    ...(inner.bind && { bind: inner.bind.bind(inner) }),
    metadata: () => inner.metadata(),
  };
  return { auth, c };
}

async function serve(authenticator: Authenticator | ((resource: string) => Promise<Authenticator>)) {
  const edge = await startHttpServer({ palisade, host: '127.0.0.1', port: 0, authenticator, tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false } });
  edges.push(edge);
  return edge;
}

const call = (id: number, name: string, args: object, meta?: object) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta && { _meta: meta }) } });

async function open(edge: HttpEdge, bearer: string, capabilities: object = {}) {
  const init = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${bearer}` }, body: JSON.stringify({ ...INIT, params: { ...INIT.params, capabilities } }) });
  expect(init.status).toBe(200);
  const sid = String(init.headers['mcp-session-id']);
  const post = (body: string, b = bearer) => raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${b}`, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' }, body });
  await post('{"jsonrpc":"2.0","method":"notifications/initialized"}');
  return { init, sid, post };
}

/** The JSON-RPC answer of a POST, whichever framing it came in. */
function answer(r: RawResponse): { result?: { structuredContent?: Record<string, unknown> }; error?: unknown } {
  if (String(r.headers['content-type']).startsWith('application/json')) return JSON.parse(r.body);
  const data = r.body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { id?: unknown });
  return data.find((d) => d.id !== undefined) as never;
}

describe('a verified token is kept with its session', () => {
  it('with real JWTs (jti bound to the session): one verification for a whole session', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-fast-'));
    const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
    const issuer = await loadOrCreateDevIssuer(dataDir);
    let c = { n: 0 };
    const edge = await serve(async (resource) => {
      const w = counting(await authenticatorFromConfig(loaded, { store: createMemoryStore(), secrets: secretsFromConfig(loaded, {}), resource, scopesSupported: ['demo.read'] }));
      c = w.c;
      return w.auth;
    });
    const t = await issuer.mint({ sub: 'agent:alice', tenant: 'acme', region: 'eu-west', scopes: ['demo.read'], ttlSeconds: 600, audience: edge.resource });
    const s = await open(edge, t);
    for (let i = 0; i < 5; i++) expect(answer(await s.post(call(10 + i, 'demo.echo', { message: 'hi' }))).result?.structuredContent).toEqual({ echoed: 'hi' });
    expect(c.n).toBe(1);
    // A garbage token on the same session is judged in full, never by the cached verdict.
    const bad = await s.post(call(20, 'demo.echo', { message: 'hi' }), 'eyJhbGciOiJFZERTQSJ9.e30.AAAA');
    expect(bad.status).toBe(401);
    expect(bad.json().error?.data?.code).toBe('AUTH_INVALID');
    expect(c.n).toBe(2);
    // Another subject's valid token on this session id: verified in full, then 404 like an unknown session.
    const mallory = await issuer.mint({ sub: 'agent:mallory', tenant: 'acme', region: 'eu-west', scopes: ['demo.read'], ttlSeconds: 600, audience: edge.resource });
    expect((await s.post(call(21, 'demo.echo', { message: 'hi' }), mallory)).status).toBe(404);
    expect(c.n).toBe(3);
  });

  it('kill switches stay live: a quarantine lands on the next call of a cached session', async () => {
    const { auth } = counting(stubAuthenticator(), true);
    const edge = await serve(auth);
    const s = await open(edge, token());
    expect(answer(await s.post(call(2, 'demo.echo', { message: 'a' }))).result?.structuredContent).toEqual({ echoed: 'a' });
    await palisade.switches.setQuarantined('demo.echo', true);
    try {
      expect(answer(await s.post(call(3, 'demo.echo', { message: 'a' }))).result?.structuredContent?.['code']).toBe('QUARANTINED');
    } finally {
      await palisade.switches.setQuarantined('demo.echo', false);
    }
  });

  it('an expired verdict is verified again; an authenticator that is not session-bound verifies every request', async () => {
    const stub = stubAuthenticator();
    const soon: Authenticator = {
      sessionBound: true,
      metadata: () => stub.metadata(),
      authenticate: async (h, ctx) => {
        const r = await stub.authenticate(h, ctx);
        return r.ok ? { ...r, token: { ...r.token, exp: Math.floor(Date.now() / 1000) + 1 } } : r;
      },
    };
    const short = counting(soon);
    const s = await open(await serve(short.auth), token());
    await s.post(call(2, 'demo.echo', { message: 'a' }));
    expect(short.c.n).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    await s.post(call(3, 'demo.echo', { message: 'a' }));
    expect(short.c.n).toBe(2);

    const every = counting(stubAuthenticator(), false);
    const s2 = await open(await serve(every.auth), token());
    for (let i = 0; i < 3; i++) await s2.post(call(4 + i, 'demo.echo', { message: 'a' }));
    expect(every.c.n).toBe(5);
  });
});

describe('answers: plain JSON unless the call may stream', () => {
  it('tools/call and tools/list answer application/json', async () => {
    const s = await open(await serve(stubAuthenticator()), token());
    expect(s.init.headers['content-type']).toMatch(/^application\/json/);
    const r = await s.post(call(2, 'demo.echo', { message: 'hi' }));
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(answer(r).result?.structuredContent).toEqual({ echoed: 'hi' });
    expect((await s.post('{"jsonrpc":"2.0","id":3,"method":"tools/list"}')).headers['content-type']).toMatch(/^application\/json/);
  });

  it('a call with a progressToken answers SSE, with the result in the stream', async () => {
    const s = await open(await serve(stubAuthenticator()), token());
    const r = await s.post(call(2, 'demo.echo', { message: 'hi' }, { progressToken: 'p1' }));
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(answer(r).result?.structuredContent).toEqual({ echoed: 'hi' });
  });

  it('a client that declared elicitation gets SSE for tools/call (an approval may ask mid-call), JSON for the rest', async () => {
    const s = await open(await serve(stubAuthenticator()), token(), { elicitation: {} });
    const r = await s.post(call(2, 'demo.echo', { message: 'hi' }));
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(answer(r).result?.structuredContent).toEqual({ echoed: 'hi' });
    expect((await s.post('{"jsonrpc":"2.0","id":3,"method":"tools/list"}')).headers['content-type']).toMatch(/^application\/json/);
  });

  it('concurrent JSON and SSE calls on one session each get their own framing and answer', async () => {
    const s = await open(await serve(stubAuthenticator()), token());
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => s.post(call(100 + i, 'demo.echo', { message: `m${i}` }, i % 2 ? { progressToken: `p${i}` } : undefined))));
    rs.forEach((r, i) => {
      expect(r.headers['content-type']).toMatch(i % 2 ? /^text\/event-stream/ : /^application\/json/);
      expect(answer(r).result?.structuredContent).toEqual({ echoed: `m${i}` });
    });
  });

  it('mayStream: progress tokens anywhere in a batch, tools/call only when the client elicits', () => {
    expect(mayStream({ method: 'tools/call', params: { name: 'x' } }, false)).toBe(false);
    expect(mayStream({ method: 'tools/call', params: { name: 'x' } }, true)).toBe(true);
    expect(mayStream({ method: 'tools/list' }, true)).toBe(false);
    expect(mayStream([{ method: 'ping' }, { method: 'tools/list', params: { _meta: { progressToken: 0 } } }], false)).toBe(true);
    expect(mayStream([null, 1, 'x', { params: null }, { params: { _meta: 'x' } }], false)).toBe(false);
  });
});
