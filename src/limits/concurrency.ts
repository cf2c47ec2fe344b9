import { randomInt, randomUUID } from 'node:crypto';
import type { StateStore } from '../state/store.js';
import { limitKey } from './key.js';

/** A held slot; `release` is safe to call more than once. */
export interface Lease {
  release(): Promise<void>;
}

/**
 * Calls in flight, across every instance sharing the store: `max` slots, each a key
 * taken with set-if-absent and an expiry. A call holds one slot (a lease) until it
 * ends; an instance that crashes mid-call leaks nothing, since its lease expires
 * after `leaseMs` (longer than the handler deadline, so a live call is never overtaken).
 */
export function createConcurrency(store: StateStore, options: { leaseMs: number }) {
  const slotKey = (scope: string, i: number) => limitKey('cc:slot', scope, i);

  return {
    /** A lease on one of `max` slots for `scope`, or undefined when all are held. */
    async acquire(scope: string, max: number): Promise<Lease | undefined> {
      const id = randomUUID();
      // Start at a random slot: concurrent callers rarely race for the same key.
      const first = randomInt(max);
      for (let n = 0; n < max; n++) {
        const key = slotKey(scope, (first + n) % max);
        if (await store.setIfAbsent(key, id, options.leaseMs)) {
          let done = false;
          return {
            async release() {
              if (done) return;
              done = true;
              // Only our own lease: after an expiry another call may hold the slot.
              if ((await store.get(key)) === id) await store.del(key);
            },
          };
        }
      }
      return undefined;
    },
    /** Slots held now (for `palisade limits show` and result `_meta`). */
    async inUse(scope: string, max: number): Promise<number> {
      const held = await Promise.all(Array.from({ length: max }, (_, i) => store.get(slotKey(scope, i))));
      return held.filter((v) => v !== null).length;
    },
  };
}

export type Concurrency = ReturnType<typeof createConcurrency>;
