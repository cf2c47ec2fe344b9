import type { IncomingMessage, ServerResponse } from 'node:http';
import { newTraceId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { isLoopbackHost } from '../core/loopback.js';
import { parseTraceparent, type Palisade } from '../palisade.js';
import type { EdgeAuthenticator } from './http-auth.js';
import { createMcpEndpoint, type Reject } from './http-endpoint.js';
import { metadataUrl, refuse, sendJson, sendRefusal, statusOf } from './http-errors.js';
import { listen } from './http-listen.js';
import { MCP_PATH, routeRequest, WELL_KNOWN, type RouteTable } from './http-router.js';
import { createSessionTable } from './http-sessions.js';
import { LOOPBACK_NAMES, normalizeHostEntry } from './hygiene.js';
import { edgeResponseClass } from './edge-response.js';
import type { TlsSettings } from './tls.js';
import type { SessionRegistry } from '../state/sessions.js';

export type { EdgeAuthenticator, EdgeAuthResult } from './http-auth.js';
export { isLoopbackHost } from '../core/loopback.js';

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
  /** Open sessions all subjects of one tenant may hold together (default a quarter of `maxSessions`). */
  readonly maxSessionsPerTenant?: number;
  /** A session without requests and without an open SSE stream this long is closed (default 5 minutes). */
  readonly sessionIdleMs?: number;
  /** An SSE GET stream is ended after this long; the client reconnects (default 5 minutes). */
  readonly sseMaxMs?: number;
  /** Open connections the listener accepts; more are closed at once (default 1024). */
  readonly maxConnections?: number;
  readonly tlsWatchIntervalMs?: number;
  /** Readiness beyond "listening", e.g. a state-store probe. */
  readonly ready?: () => Promise<boolean>;
  /** Facts shown with /readyz (e.g. the policy in force and a refused reload). Never secrets. */
  readonly readyDetails?: () => Record<string, unknown>;
  readonly logger?: Logger;
  readonly name?: string;
  /** Fleet mode: session ownership and initialize state in the shared store (see state/sessions.ts). */
  readonly sharedSessions?: SessionRegistry;
}

/** /readyz details; a fault here never changes readiness. */
function readyDetails(fn: (() => Record<string, unknown>) | undefined): Record<string, unknown> {
  try { return fn ? { details: fn() } : {}; } catch { return {}; }
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

/**
 * Serves MCP over Streamable HTTP (the official SDK transport, one per session)
 * behind a fixed edge sequence, each step a pure check returning a refusal as data:
 *   request target -> Host -> path/method -> Origin       (http-router.ts)
 *   -> body cap -> JSON parse + batch cap -> bearer token -> session ownership
 *   -> pipeline preflight (403 insufficient_scope) -> SDK transport -> pipeline  (http-endpoint.ts)
 * Every refusal takes its status from the code registry and reaches the recorders.
 * An unexpected fault at the edge fails closed with INTERNAL_ERROR (403): no input
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
  const log = o.logger;
  const tls = o.tls !== undefined;
  const maxSessions = o.maxSessions ?? 1000;
  const sessions = createSessionTable({
    max: maxSessions,
    maxPerOwner: o.maxSessionsPerPrincipal ?? 32,
    maxPerTenant: o.maxSessionsPerTenant ?? Math.max(1, Math.floor(maxSessions / 4)),
    idleMs: o.sessionIdleMs ?? 5 * 60_000,
  });
  let ready: { table: RouteTable; endpoint: ReturnType<typeof createMcpEndpoint>; metadata: () => unknown } | undefined;
  let draining = false;

  const reject = (req: IncomingMessage): Reject => (res, refusal, who = {}) => {
    sendRefusal(res, refusal);
    const trace = parseTraceparent(req.headers['traceparent']);
    void o.palisade.recordEdge({
      traceId: trace?.traceId ?? newTraceId(),
      ...(trace && { parentSpanId: trace.parentSpanId }),
      at: Date.now(),
      ...(who.principal && { principal: who.principal }),
      ...(who.tool !== undefined && { toolName: who.tool.slice(0, 128) }),
      outcome: { kind: 'denied', deny: { allow: false, stage: 'edge', code: refusal.code, message: refusal.message } },
      durationMs: 0,
      transport: 'http',
      http: { status: statusOf(refusal), method: (req.method ?? '').slice(0, 16), path: (req.url ?? '').split('?', 1)[0]!.slice(0, 256) },
    });
  };

  // Security headers come with every answer from the response class (edge-response.ts).
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((err: unknown) => {
      log?.error({ err: (err as Error)?.message }, 'http edge fault; request refused (fail closed)');
      reject(req)(res, refuse('INTERNAL_ERROR', 'the request could not be processed'));
    });
  };

  const listener = await listen({ host: o.host, port: o.port, ...(o.tls && { tls: o.tls }), ...(o.headersTimeoutMs !== undefined && { headersTimeoutMs: o.headersTimeoutMs }), ...(o.requestTimeoutMs !== undefined && { requestTimeoutMs: o.requestTimeoutMs }), ...(o.tlsWatchIntervalMs !== undefined && { tlsWatchIntervalMs: o.tlsWatchIntervalMs }), ...(o.maxConnections !== undefined && { maxConnections: o.maxConnections }), ...(log && { logger: log }), responseClass: edgeResponseClass(tls) }, handler);
  const url = `${listener.origin}${MCP_PATH}`;
  const resource = o.publicUrl ?? url;
  let auth: EdgeAuthenticator;
  try {
    auth = typeof o.authenticator === 'function' ? await o.authenticator(resource) : o.authenticator;
  } catch (err) {
    // A configuration problem of the authenticator: stop listening so the process can exit 2.
    await listener.close();
    throw err;
  }
  const r = new URL(resource);
  const hosts = new Set([...LOOPBACK_NAMES, ...(isWildcard(o.host) ? [] : [normalizeHostEntry(o.host)]), normalizeHostEntry(r.hostname), ...(o.allowedHosts ?? []).map(normalizeHostEntry)]);
  const origins = new Set([r.origin, ...(o.allowedOrigins ?? []).map((s) => s.trim().toLowerCase().replace(/\/$/, ''))]);
  const metadataPaths = new Set([WELL_KNOWN, `${WELL_KNOWN}${r.pathname.replace(/\/$/, '')}`, `${WELL_KNOWN}${MCP_PATH}`]);
  const endpoint = createMcpEndpoint({
    palisade: o.palisade,
    auth,
    resource,
    metadataUrl: metadataUrl(resource),
    sessions,
    bodyLimit: o.bodyLimitBytes ?? 1024 * 1024,
    maxBatch: o.maxBatch ?? 20,
    ...(o.name !== undefined && { name: o.name }),
    ...(o.sseMaxMs !== undefined && { sseMaxMs: o.sseMaxMs }),
    ...(o.sharedSessions && { shared: o.sharedSessions }),
  });
  // A session closed (DELETE) on another instance closes here too.
  const unsubscribe = o.sharedSessions?.onClosed((id) => {
    const s = sessions.get(id);
    if (s) void sessions.close(s);
  });
  ready = { table: { hosts, origins, metadataPaths }, endpoint, metadata: () => auth.metadata() };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const st = ready;
    if (!st) return reject(req)(res, refuse('INVALID_REQUEST', 'the server is starting'));
    const route = routeRequest(req, st.table);
    switch (route.kind) {
      case 'refuse': return reject(req)(res, route.refusal);
      case 'healthz': return sendJson(res, 200, { status: 'ok' });
      case 'readyz': {
        const ok = !draining && (await probe(o.ready));
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', ...readyDetails(o.readyDetails) });
      }
      case 'metadata': return sendJson(res, 200, st.metadata());
      case 'mcp': return st.endpoint.handle(req, res, route.method, reject(req));
    }
  }

  return {
    url,
    resource,
    port: listener.port,
    sessionCount: () => sessions.size,
    reloadTls: () => listener.reloadTls(),
    async close() {
      draining = true;
      unsubscribe?.();
      await sessions.closeAll();
      await listener.close();
    },
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

async function probe(check: (() => Promise<boolean>) | undefined): Promise<boolean> {
  if (!check) return true;
  try {
    return await Promise.race([check(), new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]);
  } catch {
    return false;
  }
}
