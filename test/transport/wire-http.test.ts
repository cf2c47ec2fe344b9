import { createServer, request, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpServer } from '../../src/transport/mcp.js';
import { edgeResponseClass, guardErrorAnswers } from '../../src/transport/edge-response.js';
import { classifyHttpError } from '../../src/transport/wire-http.js';
import { initializeLine, WIRE_CORPUS } from '../adversarial/wire-corpus.js';
import { alice, fixturePalisade } from '../helpers/fixtures.js';

/**
 * The SDK's Streamable HTTP transport, as the edge runs it (one per session, behind
 * `guardErrorAnswers` and the wire filter), on plain loopback HTTP: its own error
 * answers (406, 415, 409, 400s, 404) get registry codes and never echo the request.
 */
let http: HttpServer;
let base: string;
const sessions = new Map<string, StreamableHTTPServerTransport>();

beforeAll(async () => {
  const { palisade } = await fixturePalisade();
  http = createServer({ ServerResponse: edgeResponseClass(false) }, (req, res) => {
    guardErrorAnswers(res);
    const id = req.headers['mcp-session-id'];
    void (async () => {
      let t = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!t) {
        t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID(), onsessioninitialized: (sid) => { sessions.set(sid, t!); } });
        await createMcpServer(palisade, { principal: () => alice, transport: 'http' }).connect(t);
      }
      await t.handleRequest(req, res);
    })();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  for (const t of sessions.values()) await t.close();
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
});

interface Answer { status: number; body: string; error?: { code: number; message: string; data?: { code?: string } }; id?: unknown; result?: unknown }
const ACCEPT = 'application/json, text/event-stream';

function send(o: { method?: string; headers?: Record<string, string>; body?: string; firstChunk?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(base, { method: o.method ?? 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...o.headers } }, (res) => {
      let body = '';
      const done = () => {
        const data = body.startsWith('{') ? body : (/^data: (.*)$/m.exec(body)?.[1] ?? '{}');
        resolve({ status: res.statusCode ?? 0, body, ...(JSON.parse(data) as object) });
      };
      res.on('data', (c: Buffer) => {
        body += c.toString();
        // An SSE stream stays open: one event is the whole answer here.
        if (o.firstChunk && /^data: /m.test(body)) { res.destroy(); done(); }
      });
      res.on('end', done);
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

async function session(): Promise<Record<string, string>> {
  const r = await new Promise<string>((resolve, reject) => {
    const req = request(base, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT } }, (res) => {
      res.resume();
      resolve(String(res.headers['mcp-session-id']));
    });
    req.on('error', reject);
    req.end(initializeLine(1));
  });
  await send({ headers: { 'mcp-session-id': r }, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
  return { 'mcp-session-id': r, 'mcp-protocol-version': '2025-11-25' };
}

describe('HTTP: the SDK transport answers get registry codes (issue 8 item 6)', () => {
  it('406 without the SSE Accept', async () => {
    const r = await send({ headers: { accept: 'application/json' }, body: initializeLine() });
    expect([r.status, r.error?.data?.code]).toEqual([406, 'NOT_ACCEPTABLE']);
  });

  it('415 with a foreign Content-Type', async () => {
    const r = await send({ headers: { 'content-type': 'text/plain' }, body: initializeLine() });
    expect([r.status, r.error?.data?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('jsonrpc "1.0" is an invalid request (-32600), not a parse error', async () => {
    const r = await send({ body: JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'initialize', params: {} }) });
    expect([r.status, r.error?.code, r.error?.data?.code]).toEqual([400, -32600, 'INVALID_REQUEST']);
  });

  it('a body that is not JSON is PARSE_ERROR', async () => {
    const r = await send({ body: '{"jsonrpc":' });
    expect([r.status, r.error?.code, r.error?.data?.code]).toEqual([400, -32700, 'PARSE_ERROR']);
  });

  it('a 5,000-character protocol version is not echoed', async () => {
    const h = await session();
    const long = 'Z'.repeat(5000);
    const r = await send({ headers: { ...h, 'mcp-protocol-version': long }, body: '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' });
    expect([r.status, r.error?.data?.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(r.body).not.toContain('ZZZZ');
    expect(r.body.length).toBeLessThan(300);
  });

  it('double initialize on a session, and a request to a session not initialized', async () => {
    const h = await session();
    const again = await send({ headers: h, body: initializeLine(3) });
    expect([again.status, again.error?.data?.code]).toEqual([400, 'INVALID_REQUEST']);
    const fresh = await send({ body: '{"jsonrpc":"2.0","id":4,"method":"tools/list"}' });
    expect([fresh.status, fresh.error?.data?.code]).toEqual([400, 'INVALID_REQUEST']);
  });

  it('409 for a second SSE stream on one session', async () => {
    const h = await session();
    const first = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(base, { method: 'GET', headers: { accept: 'text/event-stream', ...h } }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(first.statusCode).toBe(200);
    const second = await send({ method: 'GET', headers: { ...h, accept: 'text/event-stream' } });
    expect([second.status, second.error?.data?.code]).toEqual([409, 'STREAM_CONFLICT']);
    first.destroy();
  });

  it.each(WIRE_CORPUS.filter((c) => !c.fresh && c.answerId !== null).map((c) => [c.id, c] as const))('inside a session: %s', async (_id, c) => {
    const h = await session();
    const r = await send({ headers: h, body: c.send, firstChunk: true });
    const code = r.error?.data?.code;
    // The SDK transport refuses a malformed envelope itself (HTTP 400); a well-formed one is answered in a 200 stream.
    expect(code).toBe(c.expect.code);
    expect(r.error!.message.length).toBeLessThanOrEqual(120);
    if (c.secret) expect(r.body).not.toContain(c.secret.slice(0, 50));
  });
});

describe('classifyHttpError', () => {
  it('never answers a 5xx and never keeps an unknown text', () => {
    expect(classifyHttpError(500, { error: { code: -32000, message: 'Error replaying events /srv/x' } })).toMatchObject({ status: 403, code: 'INTERNAL_ERROR' });
    expect(classifyHttpError(400, { error: { code: -32700, message: 'Parse error', data: 'TypeError: at /srv/app.js:1' } })).toMatchObject({ status: 403, code: 'INTERNAL_ERROR' });
    expect(classifyHttpError(418, { error: { code: 7, message: 'secret' } }).message).not.toContain('secret');
  });
});
