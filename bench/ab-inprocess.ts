/**
 * Before/after in process, in one process: the bare SDK, Palisade as built in this tree's
 * dist/ and Palisade as built in another checkout's dist/, each behind its own SDK client
 * over InMemoryTransport, measured in interleaved rounds (order flipped every round), so
 * the machine's drift hits all three alike. Prints CPU µs per call (medians) and the ratio
 * bare / side. Both trees need `npm run build` first.
 *
 *   node --import tsx bench/ab-inprocess.ts --base /path/to/other/checkout [--op read|write] [--rounds 15] [--n 2000]
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import { linked } from './inprocess.js';
import { median } from './lib/stats.js';
import { READ, ROWS, bareServer, benchPrincipal, writeArgs } from './lib/tools.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const op = arg('op', 'read');
const rounds = Number(arg('rounds', '15'));
const n = Number(arg('n', '2000'));
const here = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const base = arg('base', '');
if (!base) throw new Error('--base DIR: another checkout of this project, built (npm run build)');

/** The bench tools and an MCP server as the tree at `root` builds them (its dist/). */
async function palisadeFrom(root: string) {
  const { createPalisade } = await import(`${root}/dist/palisade.js`);
  const { createMcpServer } = await import(`${root}/dist/transport/mcp.js`);
  const { defineTool } = await import(`${root}/dist/core/define.js`);
  const store = new Map<string, number>();
  const tools = [
    defineTool({ name: READ.name, description: 'rows', effect: 'read', scope: 'bench.read', input: { limit: z.number().int().min(1).max(50) }, handler: async ({ limit }: { limit: number }) => ({ rows: ROWS.slice(0, limit) }), summarize: (r: unknown) => JSON.stringify(r) }),
    defineTool({ name: 'bench.write', description: 'write', effect: 'write', scope: 'bench.write', input: { key: z.string().max(64), value: z.number().int() }, handler: async ({ key, value }: { key: string; value: number }) => { store.set(key, value); return { key, value }; }, summarize: (r: unknown) => JSON.stringify(r) }),
  ];
  const palisade = await createPalisade({ tools, env: {} });
  return createMcpServer(palisade, { principal: () => benchPrincipal(), sessionId: 'bench', transport: 'memory' });
}

const sides: Record<string, Client> = {
  bare: await linked(bareServer()),
  [here]: await linked(await palisadeFrom(here)),
  [base]: await linked(await palisadeFrom(base)),
};
const call = (c: Client, i: number) => (op === 'read' ? c.callTool({ name: READ.name, arguments: READ.args }) : c.callTool({ name: 'bench.write', arguments: writeArgs(i) }));
for (const c of Object.values(sides)) for (let i = 0; i < 3000; i++) await call(c, i);
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  const order = Object.keys(sides);
  if (r % 2) order.reverse();
  for (const k of order) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const res = await call(sides[k]!, i);
      if (res.isError) throw new Error(`call failed on ${k}: ${JSON.stringify(res.content)}`);
    }
    const c = process.cpuUsage(c0);
    cpu[k]!.push((c.user + c.system) / n);
  }
}
const bare = median(cpu['bare']!);
for (const k of Object.keys(sides)) {
  const m = median(cpu[k]!);
  console.log(`${op} ${k === 'bare' ? 'bare SDK' : k}: ${m.toFixed(1)} µs CPU/call, ratio bare/this ${(bare / m).toFixed(2)}`);
}
process.exit(0);
