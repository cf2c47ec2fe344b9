import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { HTTP_WIRE_CORPUS } from '../adversarial/http-wire-corpus.js';
import { fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from './http-fixtures.js';
import { raw } from './raw.js';

let pki: Awaited<ReturnType<typeof testPki>>;
const edges: HttpEdge[] = [];
const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
const logger = {
  info: () => undefined, error: () => undefined, debug: () => undefined,
  warn: (obj: object, msg: string) => { warnings.push({ obj: obj as Record<string, unknown>, msg }); },
};

async function edgeWith(o: Partial<Parameters<typeof startHttpServer>[0]> = {}) {
  const { palisade } = await fixturePalisade();
  const e = await startHttpServer({
    palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, logger: logger as never,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false }, ...o,
  });
  edges.push(e);
  return e;
}
beforeAll(async () => { pki = await testPki('hard'); });
afterAll(async () => { for (const e of edges) await e.close(); });

function tlsSocket(port: number, o: { maxVersion?: 'TLSv1.2' } = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: pki.ca.cert, servername: 'localhost', ...o }, () => resolve(s));
    s.once('error', reject);
  });
}

/** One raw request on a fresh TLS connection; the whole answer until the server closes. */
async function rawRequest(port: number, text: string) {
  const s = await tlsSocket(port);
  let data = '';
  s.on('data', (d: Buffer) => { data += d.toString('latin1'); });
  s.write(text);
  await new Promise<void>((r) => { s.once('close', () => r()); s.once('end', () => { s.end(); }); s.on('error', () => undefined); });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
  const body = data.slice(data.indexOf('\r\n\r\n') + 4);
  return { status, data, body };
}

const init = (e: HttpEdge, sub: string, tenant: string) =>
  raw(e.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${token(sub, tenant)}` }, body: JSON.stringify(INIT) });

describe('one tenant cannot lock the others out (issue 8 item 1)', () => {
  it('the attack: many subjects of globex fill the table; acme still gets in; globex waits', async () => {
    const e = await edgeWith({ maxSessions: 8, maxSessionsPerPrincipal: 3, maxSessionsPerTenant: 8 });
    for (const sub of ['agent:g', 'agent:g', 'agent:g', 'agent:h', 'agent:h', 'agent:h', 'agent:i', 'agent:i']) expect((await init(e, sub, 'globex')).status).toBe(200);
    expect(e.sessionCount()).toBe(8);
    const more = await init(e, 'agent:j', 'globex');
    expect([more.status, more.json().error?.data?.code]).toEqual([429, 'CONCURRENCY_LIMITED']);
    const acme = await init(e, 'agent:fresh', 'acme');
    expect(acme.status).toBe(200);
    expect(e.sessionCount()).toBe(8);
  });

  it('a per-tenant cap (default a quarter of the table) refuses before the table is full', async () => {
    const e = await edgeWith({ maxSessions: 8, maxSessionsPerPrincipal: 8 });
    for (let i = 0; i < 2; i++) expect((await init(e, 'agent:g', 'globex')).status).toBe(200);
    const third = await init(e, 'agent:h', 'globex');
    expect([third.status, third.json().error?.data?.code]).toEqual([429, 'CONCURRENCY_LIMITED']);
    expect((await init(e, 'agent:a', 'acme')).status).toBe(200);
  });

  it('idle sessions close soon, but a session with an open SSE stream stays; the stream itself ends after sseMaxMs', async () => {
    const e = await edgeWith({ sessionIdleMs: 300, sseMaxMs: 1500 });
    const idleTok = token('agent:idle', 'acme');
    const idle = await raw(e.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${idleTok}` }, body: JSON.stringify(INIT) });
    const liveTok = token('agent:live', 'acme');
    const live = await raw(e.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${liveTok}` }, body: JSON.stringify(INIT) });
    const sid = String(live.headers['mcp-session-id']);
    const s = await tlsSocket(e.port);
    let stream = '';
    let ended = false;
    s.on('data', (d: Buffer) => { stream += d.toString(); });
    s.on('close', () => { ended = true; });
    s.write(`GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${liveTok}\r\nMcp-Session-Id: ${sid}\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n`);
    await expect.poll(() => stream.startsWith('HTTP/1.1 200'), { timeout: 5000 }).toBe(true);
    const probe = (t: string, id: string) => raw(e.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, 'Mcp-Session-Id': id, 'MCP-Protocol-Version': '2025-11-25' }, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
    await expect.poll(async () => (await probe(idleTok, String(idle.headers['mcp-session-id']))).status, { timeout: 10_000, interval: 900 }).toBe(404);
    expect((await probe(liveTok, sid)).status).toBe(202);
    await expect.poll(() => /\r\n0\r\n\r\n/.test(stream) || ended, { timeout: 10_000 }).toBe(true);
    s.destroy();
  });

  it('a cap on open connections: one more is closed at once; when one closes, a new one is served', async () => {
    const e = await edgeWith({ maxConnections: 3 });
    const held = await Promise.all([0, 1, 2].map(() => tlsSocket(e.port)));
    await expect(tlsSocket(e.port)).rejects.toThrow();
    held.pop()!.destroy();
    await expect.poll(async () => (await rawRequest(e.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nConnection: close\r\n\r\n`).catch(() => ({ status: 0 }))).status, { timeout: 5000 }).toBe(200);
    for (const h of held) h.destroy();
  });
});

describe('HTTP and TLS hygiene and error codes on the wire (issue 8 items 6 and 7)', () => {
  let e: HttpEdge;
  beforeAll(async () => { e = await edgeWith(); });

  it.each(HTTP_WIRE_CORPUS.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const r = await rawRequest(e.port, c.request.replaceAll('{host}', `127.0.0.1:${e.port}`).replaceAll('{auth}', token()));
    expect(r.status).toBe(c.status);
    expect((JSON.parse(r.body) as { error?: { data?: { code?: string } } }).error?.data?.code).toBe(c.code);
    if (c.secret) expect(r.data).not.toContain(c.secret);
  });

  it('409 STREAM_CONFLICT for a second SSE stream on one session', async () => {
    const t = token();
    const opened = await raw(e.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}` }, body: JSON.stringify(INIT) });
    const sid = String(opened.headers['mcp-session-id']);
    const get = `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${t}\r\nMcp-Session-Id: ${sid}\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n`;
    const first = await tlsSocket(e.port);
    let head = '';
    first.on('data', (d: Buffer) => { head += d.toString(); });
    first.write(get);
    await expect.poll(() => head.startsWith('HTTP/1.1 200'), { timeout: 5000 }).toBe(true);
    const second = await rawRequest(e.port, get.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    expect(second.status).toBe(409);
    expect(JSON.parse(second.body).error.data.code).toBe('STREAM_CONFLICT');
    first.destroy();
  });

  it('client-initiated TLS renegotiation is refused; the server keeps serving', async () => {
    const s = await tlsSocket(e.port, { maxVersion: 'TLSv1.2' });
    const outcome = await new Promise<string>((resolve) => {
      s.on('error', () => resolve('refused'));
      s.on('end', () => resolve('refused'));
      s.on('close', () => resolve('refused'));
      const ok = s.renegotiate({ rejectUnauthorized: true }, (err) => resolve(err ? 'refused' : 'renegotiated'));
      if (!ok) resolve('refused');
    });
    expect(outcome).toBe('refused');
    s.destroy();
    expect((await rawRequest(e.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${e.port}\r\nConnection: close\r\n\r\n`)).status).toBe(200);
  });

  it('failed handshakes are logged a few times, by code, never with OpenSSL paths', async () => {
    const before = warnings.length;
    const { connect } = await import('node:net');
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((r) => {
        const c = connect(e.port, '127.0.0.1', () => c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        c.on('close', () => r());
        c.on('error', () => undefined);
      });
    }
    const lines = warnings.slice(before);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(lines)).not.toMatch(/openssl|\.c:\d+|deps\//i);
    expect(lines[0]!.obj['kind']).toMatch(/^[A-Z0-9_]+$/);
  });
});
