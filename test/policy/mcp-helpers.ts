import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../src/config/load.js';
import type { Principal } from '../../src/core/principal.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';
import { createMcpServer } from '../../src/transport/mcp.js';

export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? process.env['REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);

export const agent: Principal = {
  id: 'agent:pol', type: 'agent', tenant: 'acme', region: 'eu-west',
  grants: ['orders.read', 'orders.read:pii', 'flags.read', 'flags.write:dev', 'flags.write:staging', 'flags.write:prod', 'web.fetch'],
};

export interface Setup {
  /** policy.yaml text; absent: the embedded seed policy. */
  policy?: string;
  /** Extra palisade.yaml lines. */
  config?: string;
  env?: Record<string, string>;
  options?: RuntimeOptions;
}

/** A real runtime (reference tools, policy file, hot reload) on a temp data directory. */
export async function policyRuntime(s: Setup = {}): Promise<{ runtime: Runtime; dir: string; policyFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pal-polmcp-'));
  const policyFile = join(dir, 'policy.yaml');
  if (s.policy !== undefined) writeFileSync(policyFile, s.policy);
  const cfg = join(dir, 'palisade.yaml');
  writeFileSync(cfg, `server: { data_dir: ./data }\n${s.policy !== undefined ? 'policy: ./policy.yaml\n' : ''}${s.config ?? 'state: { backend: memory }\n'}`);
  const loaded = loadConfig({ file: cfg, env: s.env ?? {} });
  const runtime = await createRuntime(loaded, { env: s.env ?? {}, logger: createLogger('silent'), policyReloadMs: 25, ...s.options });
  return { runtime, dir, policyFile };
}

export type ElicitHandler = (message: string) => Promise<ElicitResult> | ElicitResult;

/** An SDK client connected over InMemoryTransport; with `elicit`, it declares the elicitation capability. */
export async function connect(runtime: Runtime, o: { principal?: Principal; sessionId?: string; elicit?: ElicitHandler } = {}) {
  const server = createMcpServer(runtime.palisade, { principal: () => o.principal ?? agent, transport: 'memory', sessionId: o.sessionId ?? crypto.randomUUID() });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const client = new Client({ name: 'policy-test', version: '0' }, { capabilities: o.elicit ? { elicitation: {} } : {} });
  const asked: string[] = [];
  if (o.elicit) {
    const h = o.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      const message = String((req.params as { message?: unknown }).message ?? '');
      asked.push(message);
      return h(message);
    });
  }
  await client.connect(ct);
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  return { client, call, asked, close: async () => { await client.close(); await server.close(); } };
}

export function detailsOf(result: unknown): Record<string, unknown> | undefined {
  return (result as { structuredContent?: { details?: Record<string, unknown> } }).structuredContent?.details;
}
