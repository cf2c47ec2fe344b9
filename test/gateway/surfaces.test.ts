import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpError, ResourceUpdatedNotificationSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/principal.js';
import type { Runtime } from '../../src/runtime.js';
import { codeOf } from '../helpers/fixtures.js';
import { client, gatewayRuntime, NODE } from './helpers.js';

const SURFACES = new URL('./fixtures/surfaces.mjs', import.meta.url).pathname;
const reader: Principal = { id: 'agent:docs', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['up.prompts', 'up.resources', 'up.tools'] };
const toolsOnly: Principal = { ...reader, id: 'agent:tools', grants: ['up.tools'] };

let rt: Runtime;

/** The JSON-RPC error a request failed with: its code and the registry code in `data`. */
async function failure(p: Promise<unknown>): Promise<{ rpc: number; code: string | undefined }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(McpError);
    const e = err as McpError;
    return { rpc: e.code, code: (e.data as { code?: string } | undefined)?.code };
  }
  throw new Error('the request succeeded');
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pal-gwsurf-'));
  writeFileSync(join(dir, 'policy.yaml'), [
    'default: { read: allow, write: deny }',
    'rules:',
    '  - rule: no-bulk-customer-reads',
    '    when: { tool: "up/resources.read", args.uri: "docs://customers/9*" }',
    '    decision: deny',
    '',
  ].join('\n'));
  ({ rt } = await gatewayRuntime(`server: { reference_tools: false }
policy: ./policy.yaml
upstreams:
  up:
    command: ["${NODE}", "${SURFACES}"]
    tools:
      touch: { effect: read, scope: up.tools }
      chatty: { effect: read, scope: up.tools }
    prompts: { names: [summarise] }
    resources: { uris: ["docs://*"] }
`, {}, dir));
}, 60_000);
afterAll(async () => { await rt?.close(); });

describe('gateway prompts: forwarded under the same visibility and pipeline as tools', () => {
  it('lists only the prompts the operator named, namespaced, and only to a principal holding the scope', async () => {
    const c = await client(rt, reader);
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['up.summarise']);
    await c.close();
    const t = await client(rt, toolsOnly);
    expect((await t.client.listPrompts()).prompts).toEqual([]);
    expect(await failure(t.client.getPrompt({ name: 'up.summarise', arguments: { topic: 'x' } }))).toEqual({ rpc: -32602, code: 'NOT_FOUND' });
    await t.close();
  });

  it('gets a prompt through the pipeline: roles kept, personal data redacted', async () => {
    const c = await client(rt, reader);
    const r = await c.client.getPrompt({ name: 'up.summarise', arguments: { topic: 'billing' } });
    expect(r.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const first = r.messages[0]!.content as { type: string; text: string };
    expect(first.text).toContain('Summarise billing');
    expect(first.text).not.toContain('4111111111111111');
    expect(first.text).toContain('1111');
    await c.close();
  });

  it('a prompt the operator did not name, or an unknown upstream, is NOT_FOUND; tools/call cannot reach the prompt entry', async () => {
    const c = await client(rt, reader);
    expect(await failure(c.client.getPrompt({ name: 'up.internal' }))).toEqual({ rpc: -32602, code: 'NOT_FOUND' });
    expect(await failure(c.client.getPrompt({ name: 'nope.summarise' }))).toEqual({ rpc: -32602, code: 'NOT_FOUND' });
    expect(await failure(c.client.getPrompt({ name: 'up.summarise', arguments: { topic: 'x', extra: 'y' } }))).toEqual({ rpc: -32602, code: 'UNKNOWN_FIELD' });
    expect(await failure(c.client.getPrompt({ name: 'up.summarise' }))).toEqual({ rpc: -32602, code: 'INVALID_PARAMS' });
    for (const name of ['up/prompts.get', 'up/resources.read']) {
      const r = await c.client.callTool({ name, arguments: { name: 'summarise', uri: 'docs://public/readme' } });
      expect(codeOf(r)).toBe('NOT_FOUND');
    }
    const tools = (await c.client.listTools()).tools.map((t) => t.name);
    expect(tools.sort()).toEqual(['up.chatty', 'up.touch']);
    await c.close();
  });
});

describe('gateway resources: exposed URIs only, read through the pipeline', () => {
  it('lists resources and templates under the exposed globs only', async () => {
    const c = await client(rt, reader);
    const { resources } = await c.client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(['docs://customers/1', 'docs://public/readme']);
    const { resourceTemplates } = await c.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['docs://customers/{id}']);
    await c.close();
    const t = await client(rt, toolsOnly);
    expect((await t.client.listResources()).resources).toEqual([]);
    await t.close();
  });

  it('reads with DLP applied; a URI outside the globs is -32002 NOT_FOUND; policy args.uri rules hold', async () => {
    const c = await client(rt, reader);
    const r = await c.client.readResource({ uri: 'docs://customers/1' });
    const text = (r.contents[0] as { text: string }).text;
    expect(text).toContain('customer');
    expect(text).not.toContain('4111 1111 1111 1111');
    expect((await c.client.readResource({ uri: 'docs://customers/42' })).contents[0]).toMatchObject({ text: 'customer 42' });
    expect(await failure(c.client.readResource({ uri: 'secret://vault/key' }))).toEqual({ rpc: -32002, code: 'NOT_FOUND' });
    expect(await failure(c.client.readResource({ uri: 'docs://customers/99' }))).toEqual({ rpc: -32600, code: 'POLICY_DENY' });
    await c.close();
    const t = await client(rt, toolsOnly);
    expect(await failure(t.client.readResource({ uri: 'docs://public/readme' }))).toEqual({ rpc: -32002, code: 'NOT_FOUND' });
    await t.close();
  });

  it('a quarantined resources entry is refused and hidden; released, it serves again', async () => {
    const c = await client(rt, reader);
    await rt.palisade.switches.setQuarantined('up/resources.read', true);
    try {
      expect(await failure(c.client.readResource({ uri: 'docs://public/readme' }))).toEqual({ rpc: -32600, code: 'QUARANTINED' });
      expect((await c.client.listResources()).resources).toEqual([]);
      expect(await failure(c.client.subscribeResource({ uri: 'docs://public/readme' }))).toEqual({ rpc: -32600, code: 'QUARANTINED' });
    } finally {
      await rt.palisade.switches.setQuarantined('up/resources.read', false);
    }
    expect((await c.client.readResource({ uri: 'docs://public/readme' })).contents).toHaveLength(1);
    await c.close();
  });

  it('subscriptions are relayed: updated notifications reach the subscriber until it unsubscribes', async () => {
    const c = await client(rt, reader);
    const seen: string[] = [];
    c.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => { seen.push(n.params.uri); });
    await c.client.subscribeResource({ uri: 'docs://customers/1' });
    const touched = await c.client.callTool({ name: 'up.touch', arguments: { uri: 'docs://customers/1' } });
    expect(JSON.stringify(touched)).toContain('subscribed: docs://customers/1');
    await expect.poll(() => seen).toEqual(['docs://customers/1']);
    await c.client.unsubscribeResource({ uri: 'docs://customers/1' });
    const after = await c.client.callTool({ name: 'up.touch', arguments: { uri: 'docs://customers/1' } });
    expect(JSON.stringify(after)).toContain('subscribed: none');
    expect(await failure(c.client.subscribeResource({ uri: 'secret://vault/key' }))).toEqual({ rpc: -32002, code: 'NOT_FOUND' });
    await c.close();
    const t = await client(rt, toolsOnly);
    expect(await failure(t.client.subscribeResource({ uri: 'docs://customers/1' }))).toEqual({ rpc: -32002, code: 'NOT_FOUND' });
    await t.close();
  });
});

describe('gateway logging: upstream log messages relayed to the caller, scrubbed, at its level', () => {
  it('relays info and above after setLevel(info), with personal data masked; nothing after setLevel(critical)', async () => {
    const c = await client(rt, reader);
    const got: { level: string; data: unknown; logger?: string }[] = [];
    c.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { got.push(n.params); });
    await c.client.setLoggingLevel('info');
    await c.client.callTool({ name: 'up.chatty', arguments: {} });
    await expect.poll(() => got.length).toBe(2);
    expect(got.map((m) => m.level)).toEqual(['info', 'error']);
    expect(got[0]!.logger).toBe('worker');
    expect(JSON.stringify(got)).not.toMatch(/jane\.doe|ops\.lead/);
    await c.client.setLoggingLevel('critical');
    await c.client.callTool({ name: 'up.chatty', arguments: {} });
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(2);
    await c.close();
  });
});
