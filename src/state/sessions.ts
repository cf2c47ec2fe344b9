import { limitKey } from '../limits/key.js';
import type { StateStore } from './store.js';

/** What another instance needs to continue an MCP session it did not open. */
export interface SharedSession {
  /** Who may use it: a later request must carry a token for the same subject and tenant. */
  readonly owner: { readonly sub: string; readonly tenant: string };
  /** The client's initialize params (protocol version, capabilities, client info), replayed to re-create the session. */
  readonly init: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

export const SESSION_CLOSED_CHANNEL = 'palisade:sessions:closed';

/**
 * MCP session ownership in the shared store, so that behind a round-robin balancer any
 * instance can continue any session: the opening instance writes it, every instance
 * refreshes its idle expiry on use, and a DELETE anywhere closes it everywhere.
 */
export function createSessionRegistry(store: StateStore, options: { idleMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const key = (id: string) => limitKey('session', id);
  // Refreshing the expiry on every request would double the store traffic; once per tenth of the window is enough.
  const touched = new Map<string, number>();

  return {
    async put(id: string, s: Omit<SharedSession, 'createdAt'>): Promise<void> {
      await store.set(key(id), JSON.stringify({ ...s, createdAt: now() }), options.idleMs);
      touched.set(id, now());
    },
    async get(id: string): Promise<SharedSession | undefined> {
      const raw = await store.get(key(id));
      if (raw === null) return undefined;
      try {
        const v = JSON.parse(raw) as SharedSession;
        return typeof v?.owner?.sub === 'string' && typeof v.owner.tenant === 'string' && v.init && typeof v.init === 'object' ? v : undefined;
      } catch {
        return undefined;
      }
    },
    /** Keeps a live session from expiring; false when it is gone (closed or expired elsewhere). */
    async touch(id: string): Promise<boolean> {
      const last = touched.get(id) ?? 0;
      if (now() - last < options.idleMs / 10) return true;
      const raw = await store.get(key(id));
      if (raw === null) { touched.delete(id); return false; }
      await store.set(key(id), raw, options.idleMs);
      touched.set(id, now());
      return true;
    },
    async remove(id: string): Promise<void> {
      touched.delete(id);
      await store.del(key(id));
      await store.publish(SESSION_CLOSED_CHANNEL, id);
    },
    /** Another instance closed a session: drop the local copy. */
    onClosed(listener: (id: string) => void): () => void {
      return store.subscribe(SESSION_CLOSED_CHANNEL, (id) => { touched.delete(id); listener(id); });
    },
  };
}

export type SessionRegistry = ReturnType<typeof createSessionRegistry>;
