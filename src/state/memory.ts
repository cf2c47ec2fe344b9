import { EventEmitter } from 'node:events';
import { systemClock, type Clock, type StateStore } from './store.js';

interface Entry { value: string; expiresAt: number | null }

/** In-process store for tests and single-process development. */
export function createMemoryStore(options: { now?: Clock } = {}): StateStore {
  const now = options.now ?? systemClock;
  const data = new Map<string, Entry>();
  const bus = new EventEmitter();
  bus.setMaxListeners(0);

  const live = (key: string): Entry | undefined => {
    const e = data.get(key);
    if (e && e.expiresAt !== null && e.expiresAt <= now()) { data.delete(key); return undefined; }
    return e;
  };
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : now() + ttlMs);

  return {
    kind: 'memory',
    async get(key) { return live(key)?.value ?? null; },
    async set(key, value, ttlMs) { data.set(key, { value, expiresAt: expiry(ttlMs) }); },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      data.set(key, { value, expiresAt: expiry(ttlMs) });
      return true;
    },
    async incr(key, by = 1, ttlMs) {
      const e = live(key);
      const next = (e ? Number(e.value) : 0) + by;
      data.set(key, { value: String(next), expiresAt: e ? e.expiresAt : expiry(ttlMs) });
      return next;
    },
    async del(key) { data.delete(key); },
    async publish(channel, message) { queueMicrotask(() => bus.emit(channel, message)); },
    subscribe(channel, listener) {
      bus.on(channel, listener);
      return () => { bus.off(channel, listener); };
    },
    async close() { data.clear(); bus.removeAllListeners(); },
  };
}
