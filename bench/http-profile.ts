/**
 * Issue 14: server CPU per call over HTTPS, Palisade against the bare SDK (JSON mode),
 * each server alone in its own child process (optionally profiled), load from
 * a third process (bench/load.ts). Prints server CPU µs per call per run, the medians,
 * and the ratio; with --prof, one .cpuprofile per run in the folder named.
 *
 *   node --import tsx bench/http-profile.ts [--runs 3] [--clients 16] [--secs 10] [--prof DIR] [--sides palisade,bare-json]
 *   ... --sides palisade,bare-json,palisade@/tmp/base   (A/B: /tmp/base is another checkout with node_modules)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { median } from './lib/stats.js';
import type { LoadJob } from './load.js';

/** `palisade@DIR`: Palisade as built from another checkout (DIR holds this script too), for A/B in one run. */
type Side = 'palisade' | 'bare-json' | `palisade@${string}`;
interface Ready { url: string; tokens: (string | undefined)[]; ca: string }

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};

async function serve(side: Side, clients: number): Promise<void> {
  const { benchTls, palisadeHttps } = await import('./lib/palisade.js');
  const { bareHttps } = await import('./lib/bare-http.js');
  const tls = await benchTls();
  let close: () => Promise<void>;
  let ready: Ready;
  if (side === 'palisade') {
    const pal = await palisadeHttps(tls);
    ready = { url: pal.edge.url, tokens: await Promise.all(Array.from({ length: 2 * clients }, (_, i) => pal.mint(i))), ca: tls.ca };
    close = () => pal.close();
  } else {
    const bare = await bareHttps('json', tls);
    ready = { url: bare.url, tokens: Array.from({ length: 2 * clients }, () => undefined), ca: tls.ca };
    close = () => bare.close();
  }
  const prof = process.env['PROF_DIR'] ? await profiler(process.env['PROF_DIR'], side) : undefined;
  let profiling = false;
  process.on('message', async (m: string) => {
    if (m === 'cpu') {
      // The profile covers the load only: started after the first reading, stopped before the second.
      if (profiling) await prof?.stop();
      const c = process.cpuUsage();
      process.send!({ cpu: c.user + c.system });
      if (!profiling) { profiling = true; await prof?.start(); }
    }
    if (m === 'stop') void close().finally(() => process.exit(0));
  });
  process.send!({ ready });
}

/** The V8 sampling profiler through the inspector, 100 µs interval; stop() writes DIR/SIDE-<time>.cpuprofile. */
async function profiler(dir: string, side: Side) {
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const s = new Session();
  s.connect();
  if (process.env['PROF_KIND'] === 'heap') {
    // Allocation sampling instead (PROF_KIND=heap): who allocates what per call, for GC pressure.
    await s.post('HeapProfiler.enable');
    return {
      start: () => s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never),
      async stop() {
        const { profile } = await s.post('HeapProfiler.stopSampling');
        mkdirSync(dir, { recursive: true });
        writeFileSync(`${dir}/${side}-${Date.now()}.heapprofile`, JSON.stringify(profile));
      },
    };
  }
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 100 });
  return {
    start: () => s.post('Profiler.start'),
    async stop() {
      const { profile } = await s.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${side}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
    },
  };
}

/** CPU ticks (user + system, 1/100 s) of a process's main thread and of its other threads, from /proc (Linux; empty elsewhere). */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      // The main thread has the process id; the others (V8 platform workers: GC, compiler; libuv pool) are summed.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const name = t === String(pid) ? 'main' : process.env['BY_THREAD'] ? `${comm}#${t}` : 'other threads';
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + Number(f[11]) + Number(f[12]));
    }
  } catch { /* not Linux, or the process is gone */ }
  return out;
}

function ask<T>(child: ChildProcess, msg: unknown, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) { child.off('message', on); resolve(m[key] as T); }
      if ('ok' in m && m['ok'] === false) { child.off('message', on); reject(new Error(String(m['error']))); }
    };
    child.on('message', on);
    if (msg !== undefined) child.send(msg as never);
  });
}

async function once(side: Side, clients: number, secs: number, profDir: string | undefined): Promise<number> {
  const [kind, tree] = side.split('@') as [Side, string | undefined];
  const script = tree ? `${tree}/bench/http-profile.ts` : new URL(import.meta.url).pathname;
  // The server runs compiled (dist) like the bare SDK, from its own tree's dist hook.
  const server = fork(script, ['serve', kind, String(clients)], {
    execArgv: ['--import', 'tsx', '--import', tree ? `${tree}/bench/lib/dist.mjs` : new URL('./lib/dist.mjs', import.meta.url).pathname], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...(profDir && { PROF_DIR: profDir }) },
  });
  const load = fork(new URL('./load.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ready = await ask<Ready>(server, undefined, 'ready');
    // A fresh process compiles and optimises on its first calls: one unmeasured job first, own tokens
    // (the measured sessions are new ones, as in bench/http.ts, whose processes are already warm).
    await ask(load, { url: ready.url, tokens: ready.tokens.slice(clients), warmMs: 0, durMs: 3000, ca: ready.ca } satisfies LoadJob, 'result');
    const threads0 = threadTicks(server.pid!);
    const cpu0 = await ask<number>(server, 'cpu', 'cpu');
    const job: LoadJob = { url: ready.url, tokens: ready.tokens.slice(0, clients), warmMs: 1000, durMs: secs * 1000, ca: ready.ca };
    const result = await ask<{ total: number; errors: number }>(load, job, 'result');
    const cpu1 = await ask<number>(server, 'cpu', 'cpu');
    const threads = [...threadTicks(server.pid!)].map(([name, t]) => [name, ((t - (threads0.get(name) ?? 0)) * 10_000) / result.total] as const).filter(([, us]) => us > 0);
    console.log(`  ${side}: ${result.total} calls, ${result.errors} errors, server CPU ${((cpu1 - cpu0) / 1000).toFixed(0)} ms; by thread, µs/call: ${threads.map(([n, us]) => `${n} ${us.toFixed(0)}`).join(', ')}`);
    return (cpu1 - cpu0) / Math.max(1, result.total);
  } finally {
    load.kill();
    await new Promise<void>((r) => { server.once('exit', () => r()); server.send('stop'); });
  }
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '3'));
  const clients = Number(arg('clients', '16'));
  const secs = Number(arg('secs', '10'));
  const prof = process.argv.includes('--prof') ? arg('prof', 'bench/.profiles') : undefined;
  const sides = arg('sides', 'palisade,bare-json').split(',') as Side[];
  const acc: Record<string, number[]> = {};
  for (let r = 0; r < runs; r++) {
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      const us = await once(side, clients, secs, prof);
      (acc[side] ??= []).push(us);
      console.log(`run ${r + 1} ${side}: ${us.toFixed(0)} µs CPU/call`);
    }
  }
  for (const side of sides) console.log(`median ${side}: ${median(acc[side]!).toFixed(0)} µs CPU/call  [${acc[side]!.map((x) => x.toFixed(0)).join(', ')}]`);
  for (const side of sides.filter((s) => s.startsWith('palisade'))) {
    if (!acc['bare-json']) break;
    const ratios = acc[side]!.map((p, i) => p / acc['bare-json']![i]!);
    console.log(`median ratio ${side}/bare-json (same-run pairs): ${median(ratios).toFixed(2)}  [${ratios.map((x) => x.toFixed(2)).join(', ')}]`);
  }
}

if (process.argv[2] === 'serve') void serve(process.argv[3] as Side, Number(process.argv[4]));
else await main();
