import { fetch as undiciFetch, type Agent } from 'undici';
import { FaultError, DenyError } from '../core/errors.js';
import type { EgressClient } from './client.js';
import { pinnedAgent } from './connect.js';
import type { CheckedTarget } from './types.js';

export interface StreamingFetchOptions {
  /** The checking client: its URL, allow-list and address rules decide every request. */
  readonly client: EgressClient;
  readonly connectTimeoutMs?: number;
  /** Time to the response headers; streamed bodies (SSE) are not cut by it. */
  readonly headersTimeoutMs?: number;
  readonly ca?: string | readonly string[];
  /** How long a checked address is reused before the name is resolved and judged again. */
  readonly recheckMs?: number;
  /** Headers added to every request (credentials); computed per request. */
  readonly headers?: () => Promise<Record<string, string>> | Record<string, string>;
}

/**
 * A WHATWG `fetch` for protocol clients (the MCP SDK's Streamable HTTP transport,
 * OAuth token endpoints): any method and streamed bodies, under the egress rules.
 * Every request's URL is checked by the egress client; the connection is pinned to
 * the checked address (no second lookup: DNS rebinding fails); redirects are never
 * followed; environment proxies are ignored. Pinned agents are reused per origin
 * for `recheckMs`, so a session does not pay a TLS handshake per request.
 */
export function streamingFetch(o: StreamingFetchOptions): typeof fetch {
  const recheckMs = o.recheckMs ?? 30_000;
  const agents = new Map<string, { agent: Agent; target: CheckedTarget; until: number }>();

  async function agentFor(url: string, signal: AbortSignal | undefined): Promise<Agent> {
    const origin = new URL(url).origin;
    const cached = agents.get(origin);
    if (cached && cached.until > Date.now()) {
      // Within recheckMs the pinned address stands; the URL rules (scheme, port, allow and live
      // block lists) are still applied to every request, without a name resolution each time.
      const again = o.client.checkUrl(url);
      if (!again.ok) throw new DenyError(again.code, again.message);
      return cached.agent;
    }
    const c = await o.client.check(url, signal);
    if (!c.ok) throw new DenyError(c.code, c.message);
    const agent = pinnedAgent(c.target, { connectTimeoutMs: o.connectTimeoutMs ?? 3000, timeoutMs: o.headersTimeoutMs ?? 30_000, bodyTimeoutMs: 0, connections: 8, ...(o.ca !== undefined && { ca: o.ca }) });
    if (cached) void cached.agent.close().catch(() => undefined);
    agents.set(origin, { agent, target: c.target, until: Date.now() + recheckMs });
    return agent;
  }

  const f = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const dispatcher = await agentFor(url, init.signal ?? undefined);
    const extra = o.headers ? await o.headers() : {};
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(extra)) headers.set(k, v);
    let res;
    try {
      res = await undiciFetch(url, { ...(init as object), headers: Object.fromEntries(headers.entries()), redirect: 'manual', dispatcher } as unknown as Parameters<typeof undiciFetch>[1]);
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new FaultError('UPSTREAM_ERROR', 'the upstream could not be reached', { cause: err });
    }
    if (res.status >= 300 && res.status < 400) {
      void res.body?.cancel().catch(() => undefined);
      throw new DenyError('EGRESS_DENIED', 'the upstream answered with a redirect; redirects are not followed');
    }
    return res as unknown as Response;
  };
  return Object.assign(f, {
    async close() { await Promise.all([...agents.values()].map((a) => a.agent.close().catch(() => undefined))); agents.clear(); },
  }) as unknown as typeof fetch;
}
