/**
 * `npm run bench`: Palisade side by side with the bare official SDK, in one run.
 *   1. in process (InMemoryTransport): read (50 rows) and write, calls/s and p50/p99;
 *   2. HTTPS with a bearer token, load from a separate process at 1, 16, 64 clients,
 *      against the bare SDK at its fastest (session mode, JSON answers), its SSE mode
 *      and its stateless pattern;
 *   3. per-stage costs, and the edge's token check;
 *   4. the other benchmark scripts, when present (bench/dlp.ts, policy.ts, limits.ts, audit.ts, gateway.ts).
 * Results: bench/results.json (key `sideBySide`; other scripts merge their own keys),
 * and the tables in BENCHMARKS.md. A benchmark, not a test: nothing here asserts.
 *
 * Knobs (env): BENCH_ROUNDS (5), BENCH_N (1500 calls per in-process round), BENCH_DUR_MS (1500),
 * BENCH_WARM_MS (500), BENCH_CLIENTS (1,16,64), BENCH_ONLY (inprocess,https,stages,others).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runHttp } from './http.js';
import { runInProcess } from './inprocess.js';
import { machine } from './lib/machine.js';
import { othersTable, tables, writeBenchmarksMd, type SideBySide } from './lib/report.js';
import { mergeResults, readResults } from './lib/results.js';
import { runStages } from './stages.js';

const env = process.env;
const num = (k: string, d: number) => (env[k] !== undefined && Number.isFinite(Number(env[k])) ? Number(env[k]) : d);
const settings = {
  rounds: num('BENCH_ROUNDS', 5),
  n: num('BENCH_N', 1500),
  durMs: num('BENCH_DUR_MS', 1500),
  warmMs: num('BENCH_WARM_MS', 500),
  clients: (env['BENCH_CLIENTS'] ?? '1,16,64').split(',').map(Number).filter((x) => x > 0),
};
const only = new Set((env['BENCH_ONLY'] ?? 'inprocess,https,stages,others').split(','));
const log = (s: string) => process.stderr.write(`${s}\n`);
const OTHERS = ['dlp', 'policy', 'limits', 'audit', 'gateway'];

async function main() {
  const started = Date.now();
  const knobs = Object.keys(env).filter((k) => k.startsWith('BENCH_')).sort().map((k) => `${k}=${env[k]} `).join('');
  const r: SideBySide = {
    machine: { ...machine(), loadavg: loadavg().map((x) => x.toFixed(1)).join(' ') },
    command: `${knobs}npm run bench`,
    at: new Date().toISOString(),
    settings,
  };
  if (only.has('inprocess')) {
    log('in process ...');
    r.inProcess = await runInProcess({ rounds: Math.max(settings.rounds, 5), n: settings.n, log });
  }
  if (only.has('https')) {
    log('HTTPS ...');
    r.https = await runHttp({ rounds: settings.rounds, clients: settings.clients, warmMs: settings.warmMs, durMs: settings.durMs, log });
  }
  if (only.has('stages')) {
    log('per stage ...');
    r.stages = await runStages({ n: settings.n * 2 });
  }
  // A partial run (BENCH_ONLY) keeps the sections it did not run from the last full one.
  const previous = readResults()['sideBySide'] as Partial<SideBySide> | undefined;
  const ran = ['inprocess', 'https', 'stages'].some((k) => only.has(k));
  const side: SideBySide = ran ? { ...previous, ...r, ...(!r.inProcess && previous?.inProcess && { inProcess: previous.inProcess }), ...(!r.https && previous?.https && { https: previous.https }), ...(!r.stages && previous?.stages && { stages: previous.stages }) } : { ...r, ...previous } as SideBySide;
  if (ran) mergeResults({ sideBySide: side });
  if (only.has('others')) {
    for (const name of OTHERS) {
      const file = new URL(`./${name}.ts`, import.meta.url).pathname;
      if (!existsSync(file)) continue;
      log(`bench/${name}.ts ...`);
      const p = spawnSync(process.execPath, [...process.execArgv, file], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
      if (p.status !== 0) log(`  bench/${name}.ts failed (exit ${p.status ?? p.signal}); its figures are not updated`);
    }
  }
  const generated = [tables(side), othersTable(readResults(), ['sideBySide', 'beforeFastPath'])].filter(Boolean).join('\n');
  writeBenchmarksMd(new URL('../BENCHMARKS.md', import.meta.url).pathname, generated);
  process.stdout.write(`${generated}\n`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; bench/results.json and BENCHMARKS.md updated`);
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
