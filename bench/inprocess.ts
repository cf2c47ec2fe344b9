/**
 * In-process cost: the same client over the SDK's InMemoryTransport, against the
 * bare McpServer and against Palisade (full pipeline, memory store), for a read
 * (50 rows) and a write (Palisade: idempotency claim + stored result).
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { median, medianOf, sampleOf, type Sample } from './lib/stats.js';
import { READ, bareServer, benchPrincipal, writeArgs } from './lib/tools.js';
import { palisadeInProcess } from './lib/palisade.js';

type Op = 'read' | 'write';
type Measured = Sample & { cpuUsPerCall: number };
/** cpuRatio: bare CPU per call / Palisade CPU per call (this process runs client and server; immune to other load). */
export type InProcessResult = Record<Op, { bare: Measured; palisade: Measured; ratio: number; cpuRatio: number }>;

/** An SDK client connected to `server` over a fresh in-memory pair. */
export async function linked(server: { connect(t: InMemoryTransport): Promise<void> }): Promise<Client> {
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(ct);
  return client;
}

async function measure(client: Client, op: Op, n: number): Promise<Measured> {
  const call = (i: number) => (op === 'read'
    ? client.callTool({ name: READ.name, arguments: READ.args })
    : client.callTool({ name: 'bench.write', arguments: writeArgs(i) }));
  for (let i = 0; i < 100; i++) await call(i);
  const lat = new Array<number>(n);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const r = await call(i);
    lat[i] = performance.now() - s;
    if (r.isError) throw new Error(`bench call failed: ${JSON.stringify(r.content)}`);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ...sampleOf(lat, wall), cpuUsPerCall: (cpu.user + cpu.system) / n };
}

export async function runInProcess(opts: { rounds: number; n: number; log: (s: string) => void }): Promise<InProcessResult> {
  const bare = await linked(bareServer());
  const pal = await linked(await palisadeInProcess(benchPrincipal()));
  const acc: Record<string, Measured[]> = {};
  for (let r = 0; r < opts.rounds; r++) {
    for (const op of ['read', 'write'] as const) {
      // Alternate who goes first, so neither side always gets the warmer heap.
      const order = r % 2 ? (['palisade', 'bare'] as const) : (['bare', 'palisade'] as const);
      for (const side of order) (acc[`${op}.${side}`] ??= []).push(await measure(side === 'bare' ? bare : pal, op, opts.n));
    }
    opts.log(`  in-process round ${r + 1}/${opts.rounds}`);
  }
  await bare.close();
  await pal.close();
  const out = {} as InProcessResult;
  for (const op of ['read', 'write'] as const) {
    const cpu = (k: string) => median(acc[k]!.map((s) => s.cpuUsPerCall));
    const b = { ...medianOf(acc[`${op}.bare`]!), cpuUsPerCall: cpu(`${op}.bare`) };
    const p = { ...medianOf(acc[`${op}.palisade`]!), cpuUsPerCall: cpu(`${op}.palisade`) };
    out[op] = { bare: b, palisade: p, ratio: p.cps / b.cps, cpuRatio: b.cpuUsPerCall / p.cpuUsPerCall };
  }
  return out;
}
