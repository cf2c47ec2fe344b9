import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '../../src/state/memory.js';
import { createRedisStore } from '../../src/state/redis.js';
import { createSqliteStore } from '../../src/state/sqlite.js';
import type { StateStore } from '../../src/state/store.js';

// test/setup.ts moves REDIS_URL to TEST_REDIS_URL; under CI=true Redis tests always run.
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? process.env['REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);

/** A test clock; Redis keeps real time, so only memory and SQLite get it. */
export function clock() {
  let t = Date.UTC(2026, 10, 25, 12, 0, 0);
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

export interface StoreCase {
  readonly name: 'memory' | 'sqlite' | 'redis';
  /** `now` is honoured by memory and SQLite; Redis expires keys on its own clock. */
  make(now: () => number): StateStore;
  readonly fakeTime: boolean;
}

export const STORES: StoreCase[] = [
  { name: 'memory', fakeTime: true, make: (now) => createMemoryStore({ now }) },
  { name: 'sqlite', fakeTime: true, make: (now) => createSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'pal-lim-')), 's.db'), now }) },
  ...(REDIS_URL ? [{ name: 'redis' as const, fakeTime: false, make: () => createRedisStore({ url: REDIS_URL, prefix: `lim-${crypto.randomUUID()}:` }) }] : []),
];
