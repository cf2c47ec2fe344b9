import { createRequire } from 'node:module';
import { BurstyRateLimiter, RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from 'rate-limiter-flexible';
import type { Clock, StateStore } from '../state/store.js';
import { limitKey } from './key.js';

// The package declares its store seam in its types but does not export it from its index.
const RateLimiterStoreAbstract = createRequire(import.meta.url)('rate-limiter-flexible/lib/RateLimiterStoreAbstract.js') as typeof StoreAbstract;

type Upserted = { consumed: number; msBeforeNext: number };

/**
 * rate-limiter-flexible's store seam over our StateStore, so one limiter runs on
 * memory, SQLite and Redis alike. A window starts at a key's first call (as in
 * RateLimiterRedis): its start is claimed with set-if-absent, and the points are an
 * atomic increment on a counter named after that start, so a new window is a new key.
 */
export class RateLimiterStateStore extends RateLimiterStoreAbstract {
  readonly #store: StateStore;
  readonly #now: Clock;
  // Window starts this process has seen: a start is the same for every instance (set-if-absent)
  // and fixed until its window ends, so it need not be read again before then.
  readonly #starts = new Map<string, number>();

  constructor(opts: { store: StateStore; keyPrefix: string; points: number; duration: number; now?: Clock }) {
    super({ storeClient: opts.store, keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.duration, inMemoryBlockOnConsumed: 0 });
    this.#store = opts.store;
    this.#now = opts.now ?? Date.now;
  }

  /** The start of the key's current window, claiming a new one when none is open. */
  async #windowStart(rlKey: string, msDuration: number, open: boolean): Promise<number | null> {
    const known = this.#starts.get(rlKey);
    if (known !== undefined && known + msDuration > this.#now()) return known;
    if (this.#starts.size > 10_000) this.#starts.clear();
    const startKey = limitKey('rl:start', rlKey);
    for (let i = 0; i < 3; i++) {
      const now = this.#now();
      if (open && await this.#store.setIfAbsent(startKey, String(now), msDuration)) return this.#remember(rlKey, now);
      const v = await this.#store.get(startKey);
      if (v !== null) return this.#remember(rlKey, Number(v));
      if (!open) return null;
    }
    throw new Error('rate window could not be opened');
  }

  #remember(rlKey: string, start: number): number {
    this.#starts.set(rlKey, start);
    return start;
  }

  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Upserted> {
    if (forceExpire) {
      const now = this.#now();
      await this.#store.set(limitKey('rl:start', rlKey), String(now), msDuration);
      await this.#store.set(limitKey('rl:count', rlKey, now), String(points), msDuration);
      this.#remember(rlKey, now);
      return { consumed: points, msBeforeNext: msDuration };
    }
    const start = (await this.#windowStart(rlKey, msDuration, true))!;
    const consumed = await this.#store.incr(limitKey('rl:count', rlKey, start), points, msDuration);
    return { consumed, msBeforeNext: Math.max(0, start + msDuration - this.#now()) };
  }

  async _get(rlKey: string): Promise<Upserted | null> {
    const start = await this.#windowStart(rlKey, this.duration * 1000, false);
    if (start === null) return null;
    const v = await this.#store.get(limitKey('rl:count', rlKey, start));
    if (v === null) return null;
    return { consumed: Number(v), msBeforeNext: Math.max(0, start + this.duration * 1000 - this.#now()) };
  }

  async _delete(rlKey: string): Promise<boolean> {
    this.#starts.delete(rlKey);
    await this.#store.del(limitKey('rl:start', rlKey));
    return true;
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: Upserted): RateLimiterRes {
    return new RateLimiterRes(Math.max(this.points - result.consumed, 0), result.msBeforeNext, result.consumed, result.consumed === changedPoints);
  }
}

/** What one rate decision tells the caller. */
export interface RateResult {
  readonly allowed: boolean;
  /** Calls left in this minute's window (`take`: before the burst allowance; `peek`: with it). */
  readonly remaining: number;
  /** Until this minute's window resets (0: no window open). */
  readonly msBeforeNext: number;
}

/** The rate limiter for one entry: `rpm` per minute, plus a `burst − rpm` allowance. */
export interface Rate {
  take(key: string): Promise<RateResult>;
  /** Without consuming: would a call be refused now? */
  peek(key: string): Promise<RateResult>;
}

/**
 * rpm + burst as rate-limiter-flexible's BurstyRateLimiter (its token-bucket analogue):
 * `rpm` calls per 60-s window; when a window's rpm are spent, up to `burst − rpm` more calls
 * draw on an allowance that refills hourly. So at most `burst` calls in any minute, and over an
 * hour at most `60·rpm + (burst − rpm)`, the bound of a token bucket of `burst` tokens refilled
 * at `rpm` a minute.
 */
export function createRate(store: StateStore, rpm: number, burst: number | undefined, now?: Clock): Rate {
  const main = new RateLimiterStateStore({ store, keyPrefix: `rpm${rpm}`, points: rpm, duration: 60, ...(now && { now }) });
  const extra = burst !== undefined && burst > rpm ? burst - rpm : 0;
  const pool = extra > 0 ? new RateLimiterStateStore({ store, keyPrefix: `burst${extra}`, points: extra, duration: 3600, ...(now && { now }) }) : undefined;
  const limiter = pool ? new BurstyRateLimiter(main, pool) : main;

  return {
    async take(key) {
      try {
        const r = await limiter.consume(key, 1);
        return { allowed: true, remaining: r.remainingPoints, msBeforeNext: r.msBeforeNext };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { allowed: false, remaining: 0, msBeforeNext: Math.max(1, err.msBeforeNext) };
        throw err;
      }
    },
    async peek(key) {
      const m = await main.get(key);
      const left = (m ? Math.max(0, rpm - m.consumedPoints) : rpm) + (await poolLeft(key));
      return { allowed: left > 0, remaining: left, msBeforeNext: m ? Math.max(1, m.msBeforeNext) : 0 };
    },
  };

  async function poolLeft(key: string): Promise<number> {
    if (!pool) return 0;
    const p = await pool.get(key);
    return p ? Math.max(0, extra - p.consumedPoints) : extra;
  }
}
