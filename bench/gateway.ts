/**
 * Gateway overhead: the same upstream tool called by an SDK client directly, and
 * through Palisade's gateway (client -> InMemory -> pipeline -> pooled upstream
 * session), for an upstream that does nothing (server-everything `echo`) and one that
 * does a small real job (server-filesystem `read_text_file`, 4 KiB). Same run.
 *   node --import tsx bench/gateway.ts
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { loadConfig } from '../src/config/load.js';
import { createRuntime } from '../src/runtime.js';
import { createMcpServer } from '../src/transport/mcp.js';

const N = Number(process.env['BENCH_N'] ?? 2000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const EVERYTHING = new URL('../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url).pathname;
const FILESYSTEM = new URL('../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url).pathname;

async function measure(call: () => Promise<unknown>): Promise<{ perSec: number; p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await call();
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) { const s = performance.now(); await call(); lat.push(performance.now() - s); }
  const total = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { perSec: (N / total) * 1000, p50: lat[Math.floor(N * 0.5)]!, p99: lat[Math.floor(N * 0.99)]! };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);

/** Throughput with CONCURRENCY calls in flight (one client session each way, as a busy host would). */
async function throughput(call: () => Promise<unknown>): Promise<number> {
  const per = Math.ceil(N / CONCURRENCY);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { for (let i = 0; i < 20; i++) await call(); }));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { for (let i = 0; i < per; i++) await call(); }));
  return ((per * CONCURRENCY) / (performance.now() - t0)) * 1000;
}

interface Upstream {
  readonly label: string;
  /** argv of the stdio upstream, and the palisade.yaml tool entry. */
  readonly argv: string[];
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/** One upstream tool, called directly and through Palisade, one call and CONCURRENCY calls in flight. */
async function compare(u: Upstream) {
  const direct = new Client({ name: 'bench-direct', version: '0' });
  await direct.connect(new StdioClientTransport({ command: process.execPath, args: u.argv, stderr: 'ignore' }));
  const dir = mkdtempSync(join(tmpdir(), 'pal-bench-gw-'));
  writeFileSync(join(dir, 'palisade.yaml'), `server: { reference_tools: false }\nstate: { backend: memory }\nupstreams:\n  up:\n    command: ${JSON.stringify([process.execPath, ...u.argv])}\n    tools:\n      ${u.tool}: { effect: read, scope: up.read }\n`);
  process.env['PALISADE_LOG_LEVEL'] = 'silent';
  const rt = await createRuntime(loadConfig({ file: join(dir, 'palisade.yaml'), env: { PALISADE_DATA_DIR: join(dir, 'data') } }), { env: {}, gatewayRecheckMs: 0 });
  const principal = { id: 'agent:bench', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['up.read'] };
  const server = createMcpServer(rt.palisade, { principal: () => principal, transport: 'memory', sessionId: 'bench' });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const via = new Client({ name: 'bench-gw', version: '0' });
  await via.connect(ct);

  const rounds: { d: Awaited<ReturnType<typeof measure>>; g: Awaited<ReturnType<typeof measure>>; dc: number; gc: number }[] = [];
  const callDirect = () => direct.callTool({ name: u.tool, arguments: u.args });
  const callVia = () => via.callTool({ name: `up.${u.tool}`, arguments: u.args });
  const probe = await callVia();
  if (probe.isError) throw new Error(`${u.label}: the gateway call failed: ${JSON.stringify(probe.content)}`);
  for (let r = 0; r < ROUNDS; r++) {
    const d = await measure(callDirect);
    const g = await measure(callVia);
    const dc = await throughput(callDirect);
    const gc = await throughput(callVia);
    rounds.push({ d, g, dc, gc });
  }
  await via.close(); await direct.close(); await rt.close();
  const res = {
    direct: { callsPerSec: median(rounds.map((x) => x.d.perSec)), p50Ms: median(rounds.map((x) => x.d.p50)), p99Ms: median(rounds.map((x) => x.d.p99)) },
    gateway: { callsPerSec: median(rounds.map((x) => x.g.perSec)), p50Ms: median(rounds.map((x) => x.g.p50)), p99Ms: median(rounds.map((x) => x.g.p99)) },
  };
  const ratio = res.gateway.callsPerSec / res.direct.callsPerSec;
  const concurrent = { direct: median(rounds.map((x) => x.dc)), gateway: median(rounds.map((x) => x.gc)), ratio: median(rounds.map((x) => x.gc / x.dc)), inFlight: CONCURRENCY };
  const added = res.gateway.p50Ms - res.direct.p50Ms;
  console.log(`${u.label}:`);
  console.log(`  direct SDK client      ${res.direct.callsPerSec.toFixed(0)} calls/s  p50 ${res.direct.p50Ms.toFixed(3)} ms  p99 ${res.direct.p99Ms.toFixed(3)} ms`);
  console.log(`  through Palisade       ${res.gateway.callsPerSec.toFixed(0)} calls/s  p50 ${res.gateway.p50Ms.toFixed(3)} ms  p99 ${res.gateway.p99Ms.toFixed(3)} ms`);
  console.log(`  one call in flight: ratio ${ratio.toFixed(2)}x calls/s, p50 added ${added.toFixed(3)} ms (target <= 1 ms)`);
  console.log(`  ${CONCURRENCY} calls in flight: direct ${concurrent.direct.toFixed(0)} calls/s, through Palisade ${concurrent.gateway.toFixed(0)} calls/s: ratio ${concurrent.ratio.toFixed(2)}x (target >= 0.9x)`);
  return { ...res, ratio, p50AddedMs: added, concurrent };
}

async function main() {
  const share = mkdtempSync(join(tmpdir(), 'pal-bench-fs-'));
  // A 4 KiB text file: the README's gateway example (the filesystem server) doing a small real read.
  writeFileSync(join(share, 'notes.txt'), 'Quarterly notes: shipping on schedule, two incidents closed.\n'.repeat(68));
  console.log(`gateway bench: N=${N} x ${ROUNDS} rounds per upstream, stdio upstreams, Node ${process.version}`);
  const echo = await compare({ label: 'server-everything echo (an upstream that does nothing)', argv: [EVERYTHING, 'stdio'], tool: 'echo', args: { message: 'hello' } });
  const filesystem = await compare({ label: 'server-filesystem read_text_file, 4 KiB', argv: [FILESYSTEM, share], tool: 'read_text_file', args: { path: join(share, 'notes.txt') } });
  const file = new URL('./results.json', import.meta.url).pathname;
  const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {};
  all['gateway'] = { ...echo, filesystem, n: N, rounds: ROUNDS, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
