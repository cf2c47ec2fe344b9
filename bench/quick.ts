/**
 * The in-process and HTTPS side-by-side sections alone, printed as one JSON line; writes
 * no file (bench/ab.sh runs it on snapshots of several commits, interleaved).
 * Knobs (env): Q (inprocess | https | inprocess,https), R (rounds), N (calls per in-process round), C (clients).
 */
import { runHttp } from './http.js';
import { runInProcess } from './inprocess.js';

const env = process.env;
const only = (env['Q'] ?? 'inprocess').split(',');
const f = (x: number, d = 3) => x.toFixed(d);
const out: Record<string, unknown> = {};
if (only.includes('inprocess')) {
  const r = await runInProcess({ rounds: Number(env['R'] ?? 5), n: Number(env['N'] ?? 1500), log: () => undefined });
  out['inprocess'] = Object.fromEntries(Object.entries(r).map(([op, v]) => [op, {
    bareCpu: f(v.bare.cpuUsPerCall, 1), palCpu: f(v.palisade.cpuUsPerCall, 1), cpuRatio: f(v.cpuRatio), ratio: f(v.ratio),
  }]));
}
if (only.includes('https')) {
  const clients = (env['C'] ?? '1,16,64').split(',').map(Number);
  const r = await runHttp({ rounds: Number(env['R'] ?? 3), clients, warmMs: 500, durMs: 1500, log: () => undefined });
  out['https'] = Object.fromEntries(Object.entries(r).map(([n, v]) => [n, {
    palCps: f(v.palisade.cps, 0), bareCps: f(v['bare-json'].cps, 0), ratio: f(v.ratio), palCpu: f(v.palisade.cpuUsPerCall, 0),
    bareCpu: f(v['bare-json'].cpuUsPerCall, 0), cpuRatio: f(v.cpuRatio), p99Added: f(v.p99AddedMs, 2), palP99: f(v.palisade.p99, 2), bareP99: f(v['bare-json'].p99, 2),
  }]));
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
