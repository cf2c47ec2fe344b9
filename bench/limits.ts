// Limiter decisions per second on memory, SQLite and Redis (full check + settle: stop rules,
// rpm + burst, daily cost, concurrency lease), one caller and 16 concurrent callers.
// Run: REDIS_URL=redis://127.0.0.1:6379 nice node --import tsx bench/limits.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LimitsEntrySchema } from '../src/config/limits.js';
import { createLimiter } from '../src/limits/limiter.js';
import { createMemoryStore } from '../src/state/memory.js';
import { createRedisStore } from '../src/state/redis.js';
import { createSqliteStore } from '../src/state/sqlite.js';
import type { StateStore } from '../src/state/store.js';
import { writeSection } from './results-file.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const entry = LimitsEntrySchema.parse({
  principal: '*',
  limits: { rpm: 1e9, burst: 1e9, concurrency: 1000, daily_cost_usd: 1e9 },
  stop_rules: { max_plan_depth: 1e9, max_retries: 1e9 },
});

async function run(store: StateStore, parallel: number): Promise<number> {
  const lim = createLimiter({ store, entries: [entry], tools: { 'orders.get': { cost_usd: 0.001 } } });
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const v = await lim.check({ principal: { id: `agent:${w}`, tenant: 'acme' }, tool: { name: 'orders.get', effect: 'read', cost: 0 }, args: { n }, sessionId: `s${w}`, meta: {} });
      if (v.ok) await v.settle({ kind: 'ok', replayed: false, result: {} });
      n++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, (_, w) => worker(w)));
  return Math.round(n / ((performance.now() - t0) / 1000));
}

const stores: [string, () => StateStore][] = [
  ['memory', () => createMemoryStore()],
  ['sqlite', () => createSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'bench-lim-')), 's.db') })],
];
const url = process.env['REDIS_URL'];
if (url) stores.push(['redis', () => createRedisStore({ url, prefix: `bench-${process.pid}:` })]);

const out: Record<string, { sequential: number; concurrent16: number }> = {};
for (const [name, make] of stores) {
  const store = make();
  out[name] = { sequential: await run(store, 1), concurrent16: await run(store, 16) };
  await store.close();
  console.log(`${name.padEnd(7)} ${String(out[name].sequential).padStart(7)} decisions/s (1 caller)  ${String(out[name].concurrent16).padStart(7)} decisions/s (16 callers)`);
}
writeSection('limits', {
  decisionsPerSecond: out,
  note: 'one decision = check (stop rules, rpm+burst, daily cost reserve, concurrency lease) + settle; 2-core shared host',
  command: 'REDIS_URL=redis://127.0.0.1:6379 nice node --import tsx bench/limits.ts',
  at: new Date().toISOString(),
});
