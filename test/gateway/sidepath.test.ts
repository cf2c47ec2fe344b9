import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from '../transport/http-fixtures.js';
import { raw } from '../transport/raw.js';
import { gatewayRuntime, NODE } from './helpers.js';

/**
 * No side path for gateway prompts and resources over HTTPS: prompts/get and resources/read
 * answer the same registry codes alone and inside a JSON-RPC batch, on every protocol version
 * the SDK accepts, for hidden, unexposed, policy-denied and quarantined entries alike.
 */
const SURFACES = new URL('./fixtures/surfaces.mjs', import.meta.url).pathname;
let rt: Runtime;
let edge: HttpEdge;
let ca: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pal-gwside-'));
  writeFileSync(join(dir, 'policy.yaml'), 'default: { read: allow, write: deny }\nrules:\n  - rule: no-9\n    when: { tool: "up/resources.read", args.uri: "docs://customers/9*" }\n    decision: deny\n');
  ({ rt } = await gatewayRuntime(`server: { reference_tools: false }
policy: ./policy.yaml
upstreams:
  up:
    command: ["${NODE}", "${SURFACES}"]
    prompts: { names: [summarise] }
    resources: { uris: ["docs://*"] }
  hush:
    command: ["${NODE}", "${SURFACES}"]
    prompts: {}
`, {}, dir));
  await rt.palisade.switches.setQuarantined('hush/prompts.get', true);
  const pki = await testPki('gwside');
  ca = pki.ca.cert;
  edge = await startHttpServer({
    palisade: rt.palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, maxBatch: 8,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  });
}, 60_000);
afterAll(async () => { await edge?.close(); await rt?.close(); });

const post = (body: unknown, headers: Record<string, string> = {}) => raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(body) });
const rpc = (id: number, method: string, params: unknown) => ({ jsonrpc: '2.0', id, method, params });
/** Registry codes of JSON-RPC errors and of isError results, in answer order (SSE or JSON). */
const codesIn = (body: string) => [...body.matchAll(/"(?:data|structuredContent)":\{"code":"([A-Z_]+)"/g)].map((m) => m[1]!);

describe.each(['2025-11-25', '2025-06-18', '2025-03-26'])('protocol %s', (version) => {
  it('prompts/get and resources/read answer the same codes alone and inside a batch', async () => {
    const t = token('agent:side', 'acme', 'up.prompts+up.resources+hush.prompts');
    const opened = await post({ ...INIT, params: { ...INIT.params, protocolVersion: version } }, { Authorization: `Bearer ${t}` });
    expect(opened.status).toBe(200);
    const h = { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': String(opened.headers['mcp-session-id']), 'Mcp-Protocol-Version': version };
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h);
    const requests = [
      rpc(2, 'prompts/get', { name: 'up.internal' }), // not named by the operator
      rpc(3, 'prompts/get', { name: 'hush.summarise', arguments: { topic: 'x' } }), // quarantined entry
      rpc(4, 'prompts/get', { name: 'up.summarise', arguments: { topic: 'x', admin: '1' } }), // undeclared argument
      rpc(5, 'resources/read', { uri: 'secret://vault/key' }), // not exposed
      rpc(6, 'resources/read', { uri: 'docs://customers/99' }), // policy
      rpc(7, 'tools/call', { name: 'up/resources.read', arguments: { uri: 'docs://public/readme' } }), // the entry via tools/call
    ];
    const expected = ['NOT_FOUND', 'QUARANTINED', 'UNKNOWN_FIELD', 'NOT_FOUND', 'POLICY_DENY', 'NOT_FOUND'];
    const alone: string[] = [];
    for (const r of requests) {
      const res = await post(r, h);
      expect(res.status).toBeLessThan(500);
      alone.push(...codesIn(res.body));
    }
    expect(alone).toEqual(expected);
    const batch = await post(requests.map((r, i) => ({ ...r, id: 20 + i })), h);
    expect(batch.status).toBeLessThan(500);
    if (batch.status === 200) expect(codesIn(batch.body).sort()).toEqual([...expected].sort());
    else expect(batch.status).toBeGreaterThanOrEqual(400); // a version that refuses batches refuses them whole
  });

  it('a caller without the grants sees no prompts or resources, and reads are NOT_FOUND', async () => {
    const t = token('agent:none', 'acme', 'demo.read');
    const opened = await post({ ...INIT, params: { ...INIT.params, protocolVersion: version } }, { Authorization: `Bearer ${t}` });
    const h = { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': String(opened.headers['mcp-session-id']), 'Mcp-Protocol-Version': version };
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h);
    expect((await post(rpc(2, 'prompts/list', {}), h)).body).toContain('"prompts":[]');
    expect((await post(rpc(3, 'resources/list', {}), h)).body).toContain('"resources":[]');
    expect(codesIn((await post(rpc(4, 'resources/read', { uri: 'docs://public/readme' }), h)).body)).toEqual(['NOT_FOUND']);
    expect(codesIn((await post(rpc(5, 'prompts/get', { name: 'up.summarise', arguments: { topic: 'x' } }), h)).body)).toEqual(['NOT_FOUND']);
  });
});
