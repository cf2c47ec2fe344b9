import { Agent, buildConnector } from 'undici';
import type { CheckedTarget } from './types.js';

export interface PinOptions {
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  readonly ca?: string | readonly string[];
  /** Idle time allowed inside a body; 0 = none (server-sent event streams). Default: timeoutMs. */
  readonly bodyTimeoutMs?: number;
  /** Parallel connections to the one checked address (default 1). */
  readonly connections?: number;
}

/**
 * An undici Agent for one hop whose every connection goes to the address that
 * was checked, never to a fresh lookup of the name: the connector is handed
 * the IP literal as `hostname` (so `net`/`tls` do no DNS at all), while the
 * Host header and TLS SNI/certificate check keep the original name (undici
 * derives both from the request origin). This is what defeats DNS rebinding.
 *
 * The agent is private to one hop and not shared, so no pooled socket opened
 * for one checked address can serve another origin. Environment proxies
 * (HTTP_PROXY/HTTPS_PROXY) are never consulted: this is a plain Agent, not
 * undici's EnvHttpProxyAgent or the global dispatcher.
 */
export function pinnedAgent(target: CheckedTarget, options: PinOptions): Agent {
  const base = buildConnector({
    timeout: options.connectTimeoutMs,
    maxCachedSessions: 0,
    rejectUnauthorized: true,
    ...(options.ca !== undefined && { ca: Array.isArray(options.ca) ? [...options.ca] : (options.ca as string) }),
  });
  const servername = target.url.protocol === 'https:' && target.host !== target.address ? target.host : undefined;
  const connect: buildConnector.connector = (opts, callback) => {
    // Defence in depth: this agent serves exactly one checked origin.
    if (stripBrackets(opts.hostname) !== stripBrackets(target.url.hostname)) {
      callback(new Error('egress connector refused an unchecked host'), null);
      return;
    }
    return base({ ...opts, hostname: target.address, ...(servername && { servername }) }, callback);
  };
  return new Agent({
    connect,
    connections: options.connections ?? 1,
    pipelining: 1,
    keepAliveTimeout: options.connections ? 10_000 : 1000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.bodyTimeoutMs ?? options.timeoutMs,
  });
}

function stripBrackets(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
