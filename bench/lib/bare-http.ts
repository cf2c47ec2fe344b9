/**
 * The bare official SDK over the same TLS, the way its examples serve it:
 *  - `json`: session mode (one transport per session, reused), `enableJsonResponse: true`: its fastest;
 *  - `sse`: session mode with SSE answers (the SDK default);
 *  - `stateless`: a new McpServer and transport per request (`sessionIdGenerator: undefined`).
 * No authentication: this is the floor Palisade is measured against.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { bareServer } from './tools.js';

export type BareMode = 'json' | 'sse' | 'stateless';

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

function fail(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
}

export async function bareHttps(mode: BareMode, tls: { cert: string; key: string }): Promise<{ url: string; close(): Promise<void> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = req.method === 'POST' ? await body(req) : undefined;
    if (mode === 'stateless') {
      if (req.method !== 'POST') return fail(res, 405, 'Method not allowed.');
      const server = bareServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => { void transport.close(); void server.close(); });
      await server.connect(transport);
      return transport.handleRequest(req, res, parsed);
    }
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      if (id !== undefined || !isInitializeRequest(parsed)) return fail(res, 400, 'Bad Request: No valid session ID provided');
      const t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: mode === 'json',
        onsessioninitialized: (sid) => { sessions.set(sid, t); },
      });
      t.onclose = () => { if (t.sessionId) sessions.delete(t.sessionId); };
      await bareServer().connect(t);
      transport = t;
    }
    return transport.handleRequest(req, res, parsed);
  };
  const server: Server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req, res) => {
    handle(req, res).catch(() => { if (!res.headersSent) fail(res, 500, 'internal error'); });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/mcp`,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close().catch(() => undefined)));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
