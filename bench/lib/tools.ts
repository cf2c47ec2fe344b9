/**
 * The tools both sides serve, doing the same work: a read of 50 order-like rows
 * (with e-mail addresses, so output DLP has something to do) and a small write.
 * Both answer the same bytes: the rows as structuredContent and as JSON text.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { defineTool } from '../../src/core/define.js';
import type { Principal } from '../../src/core/principal.js';
import type { Tool } from '../../src/core/tool.js';

export const ROWS = Array.from({ length: 50 }, (_, i) => ({
  id: `ord-${String(10_000 + i)}`,
  customer: `Customer ${i}`,
  email: `customer${i}@example.com`,
  total: Math.round((i * 37.5 + 12.25) * 100) / 100,
  region: i % 2 ? 'eu-west' : 'us-east',
  createdAt: `2025-08-${String(1 + (i % 28)).padStart(2, '0')}`,
}));

export const READ = { name: 'bench.rows', args: { limit: 50 } } as const;
export const writeArgs = (i: number) => ({ key: `k${i % 1000}`, value: i, idemKey: crypto.randomUUID() });

const readShape = { limit: z.number().int().min(1).max(50) };
const writeShape = { key: z.string().max(64), value: z.number().int() };
const rows = async ({ limit }: { limit: number }) => ({ rows: ROWS.slice(0, limit) });

export function benchPrincipal(i = 0): Principal {
  return { id: `agent:bench-${i}`, type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['bench.read', 'bench.write'] };
}

/** The bare SDK: McpServer with the same two tools (the SDK validates the input). */
export function bareServer(): McpServer {
  const store = new Map<string, number>();
  const server = new McpServer({ name: 'bare', version: '0' });
  server.registerTool(READ.name, { description: 'rows', inputSchema: readShape }, async (args) => {
    const r = await rows(args);
    return { content: [{ type: 'text', text: JSON.stringify(r) }], structuredContent: r };
  });
  server.registerTool('bench.write', { description: 'write', inputSchema: { ...writeShape, idemKey: z.string().optional() } }, async ({ key, value }) => {
    store.set(key, value);
    const r = { key, value };
    return { content: [{ type: 'text', text: JSON.stringify(r) }], structuredContent: r };
  });
  return server;
}

/** The same tools for Palisade (strict schemas, scopes, idempotency on the write). */
export function palisadeTools(): Tool[] {
  const store = new Map<string, number>();
  return [
    defineTool({ name: READ.name, description: 'rows', effect: 'read', scope: 'bench.read', input: readShape, handler: rows, summarize: (r) => JSON.stringify(r) }),
    defineTool({
      name: 'bench.write', description: 'write', effect: 'write', scope: 'bench.write', input: writeShape,
      handler: async ({ key, value }) => { store.set(key, value); return { key, value }; },
      summarize: (r) => JSON.stringify(r),
    }),
  ];
}
