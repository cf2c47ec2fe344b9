/**
 * The one small state interface everything above it is written against:
 * counters, idempotency records, the jti replay set, kill switches.
 * Implementations: memory (tests), SQLite (embedded default), Redis (fleet).
 */
export interface StateStore {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  get(key: string): Promise<string | null>;
  /** Sets a value; `ttlMs` omitted keeps it until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Atomically sets the value only when the key is absent (or expired). True when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Atomically adds `by` and returns the new value; a new key starts at 0 and gets `ttlMs`. */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>;
  del(key: string): Promise<void>;
  /** Delivers to every subscriber of every instance sharing this store, this one included. */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, listener: (message: string) => void): () => void;
  close(): Promise<void>;
}

export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
