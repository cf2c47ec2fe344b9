/**
 * Benchmarks (not tests): the bare SDK against Palisade in the same run, over the
 * SDK's InMemoryTransport, plus each guard's own cost. `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { defineTool } from '../src/core/define.js';
import { createPalisade } from '../src/palisade.js';
import { createSqliteStore } from '../src/state/sqlite.js';
import { createMcpServer } from '../src/transport/mcp.js';

const N = Number(process.env['BENCH_N'] ?? 3000);
const principal = { id: 'agent:bench', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['bench.read', 'bench.write:dev'] };
const shape = { message: z.string().max(200), times: z.number().int().min(1).max(3) };
const handler = async ({ message, times }: { message: string; times: number }) => ({ echoed: Array(times).fill(message).join(' ') });

async function linked(server: { connect(t: InMemoryTransport): Promise<void> }) {
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(ct);
  return client;
}

async function time(label: string, n: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, n); i++) await fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${label.padEnd(44)} ${us.toFixed(1).padStart(8)} µs/call`);
  return us;
}

async function main() {
  const bare = new McpServer({ name: 'bare', version: '0' });
  bare.registerTool('bench.echo', { description: 'echo', inputSchema: z.strictObject(shape) }, async (args) => {
    const r = await handler(args);
    return { content: [{ type: 'text', text: JSON.stringify(r) }], structuredContent: r };
  });
  const bareClient = await linked(bare);

  const echo = defineTool({ name: 'bench.echo', description: 'echo', effect: 'read', scope: 'bench.read', input: shape, handler });
  const write = defineTool({ name: 'bench.write', description: 'write', effect: 'write', scope: 'bench.write:{env}', input: { env: z.enum(['dev']), v: z.number() }, handler: async ({ v }) => ({ v }) });
  const palisade = await createPalisade({ tools: [echo, write], env: {} });
  const palClient = await linked(createMcpServer(palisade, { principal: () => principal, sessionId: 'bench' }));
  const sqlite = await createPalisade({ tools: [echo, write], env: {}, store: createSqliteStore({ file: ':memory:' }) });

  const args = { message: 'hello', times: 2 };
  console.log(`N=${N} calls each, Node ${process.version}`);
  const b = await time('bare SDK McpServer (InMemoryTransport)', N, () => bareClient.callTool({ name: 'bench.echo', arguments: args }));
  const p = await time('Palisade read (InMemoryTransport)', N, () => palClient.callTool({ name: 'bench.echo', arguments: args }));
  console.log(`ratio Palisade/bare (read, same run): ${(p / b).toFixed(2)}x`);
  await time('Palisade write + idempotency, memory store', N, () => palClient.callTool({ name: 'bench.write', arguments: { env: 'dev', v: 1, idemKey: crypto.randomUUID() } }));
  await time('Palisade write + idempotency, sqlite (direct call)', N, () => sqlite.call(principal, 'bench.write', { env: 'dev', v: 1, idemKey: crypto.randomUUID() }));
  await time('Palisade idempotent replay (direct call)', N, () => palisade.call(principal, 'bench.write', { env: 'dev', v: 1, idemKey: '6f1c1d7e-5d9c-4f5a-9a59-1f1f1f1f1f1f' }));

  console.log('\nper stage (from the pipeline\'s onStage observer, in-process):');
  const totals = new Map<string, { ms: number; n: number }>();
  const observed = await createPalisade({
    tools: [echo, write], env: {},
    onStage: (e) => { const t = totals.get(e.stage) ?? { ms: 0, n: 0 }; t.ms += e.durationMs; t.n += 1; totals.set(e.stage, t); },
  });
  for (let i = 0; i < N; i++) {
    await observed.call(principal, 'bench.echo', args);
    await observed.call(principal, 'bench.write', { env: 'dev', v: 1, idemKey: crypto.randomUUID() });
  }
  for (const [stage, t] of totals) console.log(`  ${stage.padEnd(18)} ${((t.ms / t.n) * 1000).toFixed(2)} µs/call`);
  await bareClient.close();
  await palClient.close();
}

main().catch((err) => { console.error(err); process.exit(1); });
