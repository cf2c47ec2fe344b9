import { createServer as createHttp, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttps, type Server as NodeHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../core/logger.js';
import { isLoopbackHost } from '../core/loopback.js';
import { answerConnect, refuseRenegotiation } from './edge-protocol.js';
import { tlsServerOptions, watchTls, type TlsReloader, type TlsSettings } from './tls.js';
import { tlsErrorKind, warnThrottle } from './warn-throttle.js';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** TLS identity; absent means plain HTTP, which only a loopback bind may use. */
  readonly tls?: TlsSettings;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly tlsWatchIntervalMs?: number;
  /** Open connections accepted at once; Node closes any beyond (default 1024). */
  readonly maxConnections?: number;
  readonly logger?: Logger;
  /** The class of every response (the edge's adds security headers and error guarding; see edge-response.ts). */
  readonly responseClass?: typeof ServerResponse<IncomingMessage>;
}

/** A listening socket with its timeouts, TLS reloading and drain; it knows nothing of MCP. */
export interface Listener {
  readonly port: number;
  /** `https://127.0.0.1:8443` (no path). */
  readonly origin: string;
  readonly tls: boolean;
  reloadTls(): boolean;
  /** Stops accepting, waits briefly for in-flight requests, then ends open streams. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Listening, TLS and timeouts: slow headers answer 408, huge headers 431, other
 * malformed HTTP 400 — always a 4xx, never a dropped socket without a word.
 */
export async function listen(o: ListenOptions, handler: Handler): Promise<Listener> {
  const tls = o.tls;
  if (!tls && !isLoopbackHost(o.host)) throw new TypeError('plain HTTP may only bind a loopback address');
  const log = o.logger;
  const headersTimeout = o.headersTimeoutMs ?? 10_000;
  // Node checks the header/request deadlines on this interval (default 30 s): keep it well under the deadline.
  const timing = { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))), ...(o.responseClass && { ServerResponse: o.responseClass }) };
  const server: NodeHttpServer | NodeHttpsServer = tls ? createHttps({ ...tlsServerOptions(tls), ...timing }, handler) : createHttp(timing, handler);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = o.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  server.maxConnections = o.maxConnections ?? 1024;
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    if (tls) refuseRenegotiation(s as TLSSocket);
  });
  // CONNECT is answered 405, not dropped without a word (Node's default with no listener).
  server.on('connect', answerConnect);
  // A peer can fail handshakes at will: a few lines, then one summary a minute, by code only
  // (the OpenSSL message carries source paths).
  const handshakeWarn = warnThrottle(log, 'TLS handshake refused');
  server.on('tlsClientError', (err: Error) => handshakeWarn(tlsErrorKind(err)));
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // A renegotiation attempt is not an HTTP request to answer: the connection ends.
    if (err.code === 'ERR_TLS_RENEGOTIATION_DISABLED') return void socket.destroy();
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`); else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  const reloader: TlsReloader | undefined = tls && 'setSecureContext' in server
    ? watchTls(server as NodeHttpsServer, tls, {
        ...(o.tlsWatchIntervalMs !== undefined && { intervalMs: o.tlsWatchIntervalMs }),
        onReload: (ok, err) => (ok ? log?.info({}, 'TLS certificate reloaded') : log?.warn({ err: err?.message }, 'TLS files changed but do not form a valid pair; keeping the previous one')),
      })
    : undefined;

  return {
    port,
    origin: `${tls ? 'https' : 'http'}://${hostInUrl}:${port}`,
    tls: tls !== undefined,
    reloadTls: () => reloader?.reload() ?? false,
    async close() {
      reloader?.stop();
      handshakeWarn.flush();
      handshakeWarn.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open SSE streams would hold close() forever: give in-flight requests a moment, then end them.
        setTimeout(() => { for (const s of sockets) s.destroy(); }, 2000).unref();
      });
    },
  };
}
