import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';
import { defineTool } from '../../src/core/define.js';
import type { Principal } from '../../src/core/principal.js';
import { createPalisade, type Palisade, type PalisadeOptions } from '../../src/palisade.js';
import { createMcpServer } from '../../src/transport/mcp.js';

export const alice: Principal = {
  id: 'agent:alice', type: 'agent', tenant: 'acme', region: 'eu-west',
  grants: ['demo.read', 'switch.write:dev', 'switch.write:staging'],
};

/** Small tools that exercise every guard without the reference tools' data. */
export function fixtureTools(counter: { writes: number } = { writes: 0 }) {
  const echo = defineTool({
    name: 'demo.echo',
    description: 'Echoes a bounded message',
    effect: 'read',
    scope: 'demo.read',
    input: { message: z.string().max(200), times: z.number().int().min(1).max(3).default(1) },
    handler: async ({ message, times }) => ({ echoed: Array(times).fill(message).join(' ') }),
  });
  const sw = defineTool({
    name: 'switch.set',
    description: 'Sets a switch',
    effect: 'write',
    scope: 'switch.write:{env}',
    input: { name: z.string().regex(/^[a-z]{1,20}$/), env: z.enum(['dev', 'staging', 'prod']), pct: z.number().min(0).max(100) },
    handler: async ({ name, env, pct }) => {
      counter.writes += 1;
      await new Promise((r) => setTimeout(r, 5));
      return { name, env, pct, write: counter.writes };
    },
    summarize: (r) => `OK: ${String(r['name'])} set`,
  });
  const boom = defineTool({
    name: 'demo.boom',
    description: 'Always fails with an internal error',
    effect: 'read',
    scope: 'demo.read',
    input: {},
    handler: async () => { throw new Error('secret internal detail /etc/passwd'); },
  });
  return { tools: [echo, sw, boom], counter };
}

export async function connectInMemory(palisade: Palisade, principal: Principal = alice) {
  const server = createMcpServer(palisade, { principal: () => principal, transport: 'memory', sessionId: 's1' });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(ct);
  return { client, server, close: async () => { await client.close(); await server.close(); } };
}

export async function fixturePalisade(extra: Partial<PalisadeOptions> = {}) {
  const { tools, counter } = fixtureTools();
  const palisade = await createPalisade({ tools, env: {}, ...extra });
  return { palisade, counter };
}

export const uuid = () => crypto.randomUUID();

/** The code of a CallToolResult (undefined when it succeeded). */
export function codeOf(result: unknown): string | undefined {
  const r = result as { isError?: boolean; structuredContent?: { code?: string } };
  return r.isError ? r.structuredContent?.code : undefined;
}

export function textOf(result: unknown): string {
  const c = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return c.find((b) => b.type === 'text')?.text ?? '';
}
