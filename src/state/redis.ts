import { Redis } from 'ioredis';
import { FaultError } from '../core/errors.js';
import type { StateStore } from './store.js';

export interface RedisStoreOptions {
  readonly url: string;
  /**
   * Prefix for every key and channel, so several deployments can share one Redis. It must
   * end with `:` so that its end lines up with the start of a key's namespace (keys are
   * `namespace:…`, built with stateKey): prefix and key cannot trade characters.
   */
  readonly prefix?: string;
  /** How long a command may wait before failing (the guard above fails closed). */
  readonly commandTimeoutMs?: number;
}

/** A deployment's Redis prefix: no spaces, braces or control characters, and ending with `:`. */
export const REDIS_PREFIX = /^[A-Za-z0-9_.:-]{0,63}:$/;

// INCRBY that sets the TTL only when the key is new, in one round trip.
const INCR_LUA = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/**
 * Fleet-wide state on Redis: every instance sharing the Redis sees the same
 * counters, idempotency records, jti set and kill switches; publish/subscribe
 * tells every instance of a switch change at once.
 */
export function createRedisStore(options: RedisStoreOptions): StateStore {
  const prefix = options.prefix ?? 'palisade:';
  if (!REDIS_PREFIX.test(prefix)) throw new TypeError('redis prefix must be 1-64 characters of A-Za-z0-9_.:- ending with ":"');
  const common = { lazyConnect: false, maxRetriesPerRequest: 2, commandTimeout: options.commandTimeoutMs ?? 2000, enableOfflineQueue: true };
  const redis = new Redis(options.url, common);
  let sub: Redis | undefined;
  const listeners = new Map<string, Set<(m: string) => void>>();
  const k = (key: string) => prefix + key;
  // Connection errors surface as command failures (and so as fail-closed denials), not as crashes.
  redis.on('error', () => undefined);

  const subscriber = (): Redis => {
    if (sub) return sub;
    sub = new Redis(options.url, { ...common, commandTimeout: undefined });
    sub.on('error', () => undefined);
    sub.on('message', (channel: string, message: string) => {
      for (const l of listeners.get(channel.slice(prefix.length)) ?? []) l(message);
    });
    return sub;
  };

  // Every failure names the store and nothing else (no address, no command): the guards above
  // pass it on as UPSTREAM_ERROR, and deny (fail closed).
  const fault = (err: unknown): never => {
    throw new FaultError('UPSTREAM_ERROR', 'state store (redis) unavailable; the call was denied', { cause: err });
  };
  const guard = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A): Promise<R> => fn(...a).catch(fault);

  const store: StateStore = {
    kind: 'redis',
    get: (key) => redis.get(k(key)),
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await redis.set(k(key), value);
      else await redis.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs) {
      const r = ttlMs === undefined
        ? await redis.set(k(key), value, 'NX')
        : await redis.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      return r === 'OK';
    },
    async incr(key, by = 1, ttlMs) {
      const v = await redis.eval(INCR_LUA, 1, k(key), String(by), String(ttlMs === undefined ? 0 : Math.max(1, Math.ceil(ttlMs))));
      return Number(v);
    },
    async del(key) { await redis.del(k(key)); },
    async publish(channel, message) { await redis.publish(prefix + channel, message); },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        void subscriber().subscribe(prefix + channel).catch(() => undefined);
      }
      set.add(listener);
      return () => { set.delete(listener); };
    },
    async close() {
      await Promise.allSettled([redis.quit(), sub?.quit()]);
    },
  };
  return {
    ...store,
    get: guard(store.get),
    set: guard(store.set),
    setIfAbsent: guard(store.setIfAbsent),
    incr: guard(store.incr),
    del: guard(store.del),
    publish: guard(store.publish),
  };
}
