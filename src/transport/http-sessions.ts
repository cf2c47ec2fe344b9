import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Principal } from '../core/principal.js';
import type { CachedToken } from './http-token-cache.js';
import { admitSession, type ShareDecision } from './session-share.js';

/** Who a session belongs to: a later request must carry a token for the same subject and tenant. */
export interface SessionOwner {
  readonly sub: string;
  readonly tenant: string;
}

export interface HttpSession {
  readonly id: string;
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  readonly owner: SessionOwner;
  lastSeen: number;
  /** The bearer token last verified on this session (see http-token-cache.ts). */
  token?: CachedToken;
  /** Open SSE GET streams: a session with one is in use, whatever its last request. */
  streams?: number;
}

export function ownerOf(principal: Principal, sub: string): SessionOwner {
  return { sub, tenant: principal.tenant };
}

export function sameOwner(a: SessionOwner, b: SessionOwner): boolean {
  return a.sub === b.sub && a.tenant === b.tenant;
}

/**
 * Open MCP sessions, by id. Bounded (a flood of initialize requests cannot grow
 * it without limit), shared fairly between tenants (`admit`, see session-share.ts)
 * and swept: a session idle past `idleMs` with no SSE stream open is closed.
 */
export function createSessionTable(opts: { max: number; maxPerOwner?: number; maxPerTenant?: number; idleMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, HttpSession>();

  const close = async (s: HttpSession) => {
    sessions.delete(s.id);
    await s.transport.close().catch(() => undefined);
    await s.server.close().catch(() => undefined);
  };
  const sweep = setInterval(() => {
    const cutoff = now() - opts.idleMs;
    for (const s of sessions.values()) if (s.lastSeen < cutoff && !s.streams) void close(s);
  }, Math.min(opts.idleMs, 60_000));
  sweep.unref();

  return {
    get size() { return sessions.size; },
    full: () => sessions.size >= opts.max,
    /** One principal may not hold the whole table: its own cap, below the global one. */
    fullFor(owner: SessionOwner): boolean {
      const cap = opts.maxPerOwner ?? 32;
      let n = 0;
      for (const s of sessions.values()) if (sameOwner(s.owner, owner) && ++n >= cap) return true;
      return false;
    },
    /** The session without counting this as activity (a request not yet authenticated must not keep it alive). */
    peek(id: string): HttpSession | undefined {
      return sessions.get(id);
    },
    /**
     * May `owner` open one more session? When the table is full and the owner's tenant
     * holds less than its fair share, the largest tenant's least recently used session
     * is closed to make room (and the answer is yes).
     */
    async admit(owner: SessionOwner): Promise<ShareDecision> {
      const d = admitSession(sessions.values(), owner, { max: opts.max, maxPerOwner: opts.maxPerOwner ?? 32, maxPerTenant: opts.maxPerTenant ?? opts.max });
      const victim = d.ok && d.evict !== undefined ? sessions.get(d.evict) : undefined;
      if (victim) await close(victim);
      return d;
    },
    get(id: string): HttpSession | undefined {
      const s = sessions.get(id);
      if (s) s.lastSeen = now();
      return s;
    },
    add(s: HttpSession) { sessions.set(s.id, s); },
    has: (id: string) => sessions.has(id),
    remove(id: string) { sessions.delete(id); },
    close,
    async closeAll() {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map(close));
    },
  };
}

export type SessionTable = ReturnType<typeof createSessionTable>;
