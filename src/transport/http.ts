import { randomUUID } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Palisade } from '../palisade.js';
import { authInfoFor, authRefusal, principalFromAuthInfo, scopeRefusal, type EdgeAuthenticator } from './http-auth.js';
import { metadataUrl, refuse, sendJson, sendRefusal, type Refusal } from './http-errors.js';
import { createSessionTable, ownerOf, sameOwner, type HttpSession } from './http-sessions.js';
import { checkHost, checkOrigin, LOOPBACK_NAMES, normalizeHostEntry, parseBody, readBody, securityHeaders, type ParsedBody } from './hygiene.js';
import { createMcpServer } from './mcp.js';
import { tlsServerOptions, watchTls, type TlsReloader, type TlsSettings } from './tls.js';

export type { EdgeAuthenticator, EdgeAuthResult } from './http-auth.js';

interface EdgeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface HttpServerOptions {
  readonly palisade: Palisade;
  /** The authenticator, or a factory called once the resource URI (with the bound port) is known. */
  readonly authenticator: EdgeAuthenticator | ((resource: string) => EdgeAuthenticator | Promise<EdgeAuthenticator>);
  readonly host: string;
  readonly port: number;
  /** TLS identity; absent means plain HTTP, which only a loopback bind may use. */
  readonly tls?: TlsSettings;
  /** The resource URI tokens name as `aud`; default `https://<host>:<port>/mcp`. */
  readonly publicUrl?: string;
  readonly allowedHosts?: readonly string[];
  readonly allowedOrigins?: readonly string[];
  readonly bodyLimitBytes?: number;
  readonly maxBatch?: number;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly maxSessions?: number;
  /** Open sessions one subject of one tenant may hold (default 32). */
  readonly maxSessionsPerPrincipal?: number;
  readonly sessionIdleMs?: number;
  readonly tlsWatchIntervalMs?: number;
  /** Readiness beyond "listening", e.g. a state-store probe. */
  readonly ready?: () => Promise<boolean>;
  readonly logger?: EdgeLogger;
  readonly name?: string;
}

export interface HttpEdge {
  readonly url: string;
  readonly resource: string;
  readonly port: number;
  readonly sessionCount: () => number;
  /** Re-reads the TLS files now (the watcher does this on change). */
  reloadTls(): boolean;
  close(): Promise<void>;
}

const MCP_PATH = '/mcp';
const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Serves MCP over Streamable HTTP (the official SDK transport, one per session)
 * behind a fixed edge sequence, each step a pure check returning a refusal as data:
 *   path/method -> Host -> Origin -> body cap -> JSON parse + batch cap -> bearer token
 *   -> session ownership -> insufficient_scope -> SDK transport -> Palisade pipeline.
 * An unexpected fault at the edge fails closed with 403 INTERNAL_ERROR: no input
 * yields a 5xx (only /readyz answers 503, when the server itself is not ready).
 *
 * @example
 * const edge = await startHttpServer({
 *   palisade, host: '127.0.0.1', port: 8443,
 *   tls: { files: { cert: 'cert.pem', key: 'key.pem' }, minVersion: 'TLSv1.2', mtls: false },
 *   authenticator: (resource) => authenticatorFromConfig(loaded, { store, secrets, resource, scopesSupported }),
 * });
 * // edge.url === 'https://127.0.0.1:8443/mcp'; await edge.close() drains sessions.
 */
export async function startHttpServer(o: HttpServerOptions): Promise<HttpEdge> {
  const tls = o.tls;
  if (!tls && !isLoopbackHost(o.host)) throw new TypeError('plain HTTP may only bind a loopback address');
  const log = o.logger;
  const bodyLimit = o.bodyLimitBytes ?? 1024 * 1024;
  const maxBatch = o.maxBatch ?? 20;
  const sessions = createSessionTable({ max: o.maxSessions ?? 1000, maxPerOwner: o.maxSessionsPerPrincipal ?? 32, idleMs: o.sessionIdleMs ?? 30 * 60_000 });
  let state: { auth: EdgeAuthenticator; resource: string; metadataUrl: string; hosts: Set<string>; origins: Set<string> } | undefined;
  let draining = false;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res, tls !== undefined);
    forceNoStore(res);
    route(req, res).catch((err: unknown) => {
      log?.error({ err: (err as Error)?.message }, 'http edge fault; request refused (fail closed)');
      sendRefusal(res, refuse(403, 'INTERNAL_ERROR', 'the request could not be processed'));
    });
  };
  const headersTimeout = o.headersTimeoutMs ?? 10_000;
  // Node checks the header/request deadlines on this interval (default 30 s): keep it well under the deadline.
  const timing = { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))) };
  const server = tls ? createHttps({ ...tlsServerOptions(tls), ...timing }, handler) : createHttp(timing, handler);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = o.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => { sockets.add(s); s.once('close', () => sockets.delete(s)); });
  server.on('tlsClientError', (err: Error) => log?.warn({ err: err.message }, 'TLS handshake refused'));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Malformed HTTP never reaches route(): answer it here, still 4xx (slow headers 408, huge headers 431).
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`); else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `${tls ? 'https' : 'http'}://${hostInUrl}:${port}${MCP_PATH}`;
  const resource = o.publicUrl ?? url;
  let auth: EdgeAuthenticator;
  try {
    auth = typeof o.authenticator === 'function' ? await o.authenticator(resource) : o.authenticator;
  } catch (err) {
    // A configuration problem of the authenticator: stop listening so the process can exit 2.
    await new Promise<void>((r) => server.close(() => r()));
    throw err;
  }
  const hosts = new Set([...LOOPBACK_NAMES, ...(isWildcard(o.host) ? [] : [normalizeHostEntry(o.host)]), normalizeHostEntry(new URL(resource).hostname), ...(o.allowedHosts ?? []).map(normalizeHostEntry)]);
  const origins = new Set([new URL(resource).origin, ...(o.allowedOrigins ?? []).map((s) => s.trim().toLowerCase().replace(/\/$/, ''))]);
  state = { auth, resource, metadataUrl: metadataUrl(resource), hosts, origins };
  const metadataPaths = new Set([WELL_KNOWN, `${WELL_KNOWN}${new URL(resource).pathname.replace(/\/$/, '')}`, `${WELL_KNOWN}${MCP_PATH}`]);
  const reloader: TlsReloader | undefined = tls && 'setSecureContext' in server
    ? watchTls(server, tls, {
        ...(o.tlsWatchIntervalMs !== undefined && { intervalMs: o.tlsWatchIntervalMs }),
        onReload: (ok, err) => (ok ? log?.info({}, 'TLS certificate reloaded') : log?.warn({ err: err?.message }, 'TLS files changed but do not form a valid pair; keeping the previous one')),
      })
    : undefined;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const st = state;
    const target = req.url ?? '';
    if (!st || !target.startsWith('/')) return sendRefusal(res, refuse(st ? 400 : 403, 'INVALID_REQUEST', 'origin-form request target required'));
    const hostBad = checkHost(req, st.hosts);
    if (hostBad) return sendRefusal(res, hostBad);
    const path = target.split('?', 1)[0]!;
    const method = req.method ?? '';
    const readOnly = method === 'GET' || method === 'HEAD';
    if (path === '/healthz') return readOnly ? sendJson(res, 200, { status: 'ok' }) : methodNotAllowed(res, 'GET, HEAD');
    if (path === '/readyz') {
      if (!readOnly) return methodNotAllowed(res, 'GET, HEAD');
      const ok = !draining && (await probe(o.ready));
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
    }
    if (metadataPaths.has(path)) return readOnly ? sendJson(res, 200, st.auth.metadata()) : methodNotAllowed(res, 'GET, HEAD');
    if (path !== MCP_PATH) return sendRefusal(res, refuse(404, 'NOT_FOUND', 'no such endpoint'));
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') return methodNotAllowed(res, 'GET, POST, DELETE');
    const originBad = checkOrigin(req, st.origins);
    if (originBad) return sendRefusal(res, originBad);
    return mcp(req, res, method, st);
  }

  async function mcp(req: IncomingMessage, res: ServerResponse, method: string, st: NonNullable<typeof state>): Promise<void> {
    let parsed: ParsedBody | undefined;
    let bodyRefusal: Refusal | undefined;
    let raw: Buffer | undefined;
    if (method === 'POST') {
      const body = await readBody(req, bodyLimit);
      if (!body.ok) {
        if (!body.refusal) return void res.destroy();
        // Over the cap is answered before authentication: the body is not going to be read.
        if (body.refusal.status === 413) return sendRefusal(res, body.refusal);
        bodyRefusal = body.refusal;
      } else {
        raw = body.body;
        const p = parseBody(body.body, maxBatch);
        if (p.ok) parsed = p.parsed; else bodyRefusal = p.refusal;
      }
    }
    const header = req.headers['mcp-session-id'];
    if (Array.isArray(header) || (header !== undefined && !/^[\x21-\x7E]{1,128}$/.test(header))) {
      return sendRefusal(res, refuse(400, 'INVALID_REQUEST', 'bad Mcp-Session-Id header'));
    }
    const opening = header === undefined && parsed?.isInitialize === true;
    const sessionId = header ?? (opening ? randomUUID() : undefined);
    const authz = req.headers.authorization;
    const who = await st.auth.authenticate(typeof authz === 'string' ? authz : undefined, { sessionId });
    if (!who.ok) return sendRefusal(res, authRefusal(who, st.metadataUrl));
    if (bodyRefusal) return sendRefusal(res, bodyRefusal);
    const owner = ownerOf(who.principal, who.token.sub);

    let session: HttpSession | undefined;
    if (header !== undefined) {
      session = sessions.get(header);
      // Another principal's session id answers exactly like an unknown one: a stolen id is useless and leaks nothing.
      if (!session || !sameOwner(session.owner, owner)) return sendRefusal(res, refuse(404, 'NOT_FOUND', 'Session not found', { rpc: -32001 }));
    } else if (!opening) {
      return sendRefusal(res, refuse(400, 'INVALID_REQUEST', 'Bad Request: Mcp-Session-Id header is required'));
    }
    const scopeBad = parsed ? scopeRefusal(o.palisade, who.principal, parsed.toolCalls, st.metadataUrl) : undefined;
    if (scopeBad) return sendRefusal(res, scopeBad);
    if (!session) {
      if (sessions.full()) return sendRefusal(res, refuse(429, 'CONCURRENCY_LIMITED', 'too many open sessions', { headers: { 'Retry-After': '60' } }));
      if (sessions.fullFor(owner)) return sendRefusal(res, refuse(429, 'CONCURRENCY_LIMITED', 'too many open sessions for this principal; close one (DELETE) first', { headers: { 'Retry-After': '60' } }));
      session = await openSession(sessionId!, owner);
    }
    const withAuth = req as IncomingMessage & { auth?: unknown; rawBody?: Buffer };
    withAuth.auth = authInfoFor(who, st.resource);
    if (raw) withAuth.rawBody = raw;
    await session.transport.handleRequest(withAuth as Parameters<StreamableHTTPServerTransport['handleRequest']>[0], res, parsed?.value);
  }

  async function openSession(id: string, owner: HttpSession['owner']): Promise<HttpSession> {
    const server = createMcpServer(o.palisade, {
      ...(o.name !== undefined && { name: o.name }),
      principal: (extra) => principalFromAuthInfo(extra.authInfo),
      transport: 'http',
    });
    const session: HttpSession = {
      id,
      server,
      owner,
      lastSeen: Date.now(),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        onsessioninitialized: () => sessions.add(session),
        onsessionclosed: () => sessions.remove(id),
      }),
    };
    session.transport.onclose = () => sessions.remove(id);
    await server.connect(session.transport);
    return session;
  }

  return {
    url,
    resource,
    port,
    sessionCount: () => sessions.size,
    reloadTls: () => reloader?.reload() ?? false,
    async close() {
      draining = true;
      reloader?.stop();
      await sessions.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open SSE streams would hold close() forever: give in-flight requests a moment, then end them.
        setTimeout(() => { for (const s of sockets) s.destroy(); }, 2000).unref();
      });
    },
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendRefusal(res, refuse(405, 'METHOD_NOT_ALLOWED', 'method not allowed on this path', { headers: { Allow: allow } }));
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

async function probe(ready: (() => Promise<boolean>) | undefined): Promise<boolean> {
  if (!ready) return true;
  try {
    return await Promise.race([ready(), new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]);
  } catch {
    return false;
  }
}

/** The SDK's SSE answers set `no-cache`; every answer of this server is `no-store`. */
function forceNoStore(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  (res as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
    const headers = args.find((a, i) => i > 0 && a !== null && typeof a === 'object' && !Array.isArray(a)) as Record<string, unknown> | undefined;
    if (headers) for (const k of Object.keys(headers)) if (k.toLowerCase() === 'cache-control') headers[k] = 'no-store';
    return writeHead(...args);
  };
}
