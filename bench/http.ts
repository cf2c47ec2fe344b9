/**
 * HTTPS side by side: Palisade (bearer JWT, full pipeline) against the bare SDK in
 * its three serving patterns, all over the same TLS on loopback, load from a
 * separate process at 1, 16 and 64 clients, rounds interleaved, medians reported.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { bareHttps, type BareMode } from './lib/bare-http.js';
import { benchTls, palisadeHttps } from './lib/palisade.js';
import { median, medianOf, type Sample } from './lib/stats.js';
import type { LoadJob } from './load.js';

export const SIDES = ['palisade', 'bare-json', 'bare-sse', 'bare-stateless'] as const;
export type Side = (typeof SIDES)[number];
/** cpuUsPerCall: the servers' process CPU (user + system) per call, warm-up included: immune to other load on the machine. */
export type Measured = Sample & { errors: number; cpuUsPerCall: number };
export type HttpResult = Record<string, Record<Side, Measured> & { ratio: number; cpuRatio: number; p99AddedMs: number }>;

function loadProcess(): ChildProcess {
  return fork(new URL('./load.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function send(child: ChildProcess, job: LoadJob): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const cpu0 = process.cpuUsage();
    child.once('message', (m: { ok: boolean; result?: Sample & { errors: number; total: number }; error?: string }) => {
      if (!m.ok) return reject(new Error(m.error));
      const cpu = process.cpuUsage(cpu0);
      const { total, ...rest } = m.result!;
      resolve({ ...rest, cpuUsPerCall: (cpu.user + cpu.system) / Math.max(1, total) });
    });
    child.send(job);
  });
}

export async function runHttp(opts: { rounds: number; clients: readonly number[]; warmMs: number; durMs: number; log: (s: string) => void }): Promise<HttpResult> {
  const tls = await benchTls();
  const pal = await palisadeHttps(tls);
  const bare: Record<BareMode, Awaited<ReturnType<typeof bareHttps>>> = {
    json: await bareHttps('json', tls), sse: await bareHttps('sse', tls), stateless: await bareHttps('stateless', tls),
  };
  const child = loadProcess();
  const acc: Record<string, Measured[]> = {};
  try {
    for (let r = 0; r < opts.rounds; r++) {
      for (const n of opts.clients) {
        // Rotate the order each round: no side always runs right after the same neighbour.
        const sides = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]!);
        for (const side of sides) {
          const tokens = side === 'palisade'
            ? await Promise.all(Array.from({ length: n }, (_, i) => pal.mint(r * 1000 + i)))
            : Array.from({ length: n }, () => undefined);
          const url = side === 'palisade' ? pal.edge.url : bare[side.slice(5) as BareMode].url;
          (acc[`${n}.${side}`] ??= []).push(await send(child, { url, tokens, warmMs: opts.warmMs, durMs: opts.durMs, ca: tls.ca }));
        }
        opts.log(`  https round ${r + 1}/${opts.rounds}, ${n} client(s)`);
      }
    }
  } finally {
    child.kill();
    await pal.close();
    await Promise.all(Object.values(bare).map((b) => b.close()));
  }
  const out: HttpResult = {};
  for (const n of opts.clients) {
    const row = {} as Record<Side, Measured>;
    for (const side of SIDES) {
      const rounds = acc[`${n}.${side}`]!;
      row[side] = { ...medianOf(rounds), errors: rounds.reduce((a, s) => a + s.errors, 0), cpuUsPerCall: median(rounds.map((s) => s.cpuUsPerCall)) };
    }
    out[String(n)] = {
      ...row,
      ratio: row.palisade.cps / row['bare-json'].cps,
      cpuRatio: row['bare-json'].cpuUsPerCall / row.palisade.cpuUsPerCall,
      p99AddedMs: row.palisade.p99 - row['bare-json'].p99,
    };
  }
  return out;
}
