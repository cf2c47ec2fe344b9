import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import type { Palisade } from '../../src/palisade.js';
import { fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from './http-fixtures.js';
import { raw } from './raw.js';

/** No side path: every control holds for tools/call inside a JSON-RPC batch and on every protocol version. */
let edge: HttpEdge;
let ca: string;
let palisade: Palisade;

beforeAll(async () => {
  const pki = await testPki('side');
  ca = pki.ca.cert;
  ({ palisade } = await fixturePalisade());
  await palisade.switches.setQuarantined('demo.boom', true);
  edge = await startHttpServer({
    palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, maxBatch: 5,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  });
});
afterAll(async () => { await edge?.close(); });

const post = (body: unknown, headers: Record<string, string> = {}) => raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(body) });
const call = (id: number, name: string, args: unknown) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

function codesIn(body: string): string[] {
  // SSE or JSON: collect every structuredContent.code in answer order.
  return [...body.matchAll(/"structuredContent":\{"code":"([A-Z_]+)"/g)].map((m) => m[1]!);
}

describe.each(['2025-11-25', '2025-06-18', '2025-03-26'])('protocol %s', (version) => {
  it('tools/call answers with the same codes alone and inside a batch', async () => {
    const t = token('agent:batch', 'acme', 'demo.read');
    const init = { ...INIT, params: { ...INIT.params, protocolVersion: version } };
    const opened = await post(init, { Authorization: `Bearer ${t}` });
    expect(opened.status).toBe(200);
    const h = { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': String(opened.headers['mcp-session-id']), 'Mcp-Protocol-Version': version };
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, h);
    const calls = [call(2, 'switch.set', { name: 'x', env: 'dev', pct: 1 }), call(3, 'demo.boom', {}), call(4, 'demo.echo', { message: 'x', admin: 1 })];
    const alone: string[] = [];
    for (const c of calls) alone.push(...codesIn((await post(c, h)).body));
    expect(alone).toEqual(['NOT_FOUND', 'QUARANTINED', 'UNKNOWN_FIELD']);
    const batch = await post(calls.map((c, i) => ({ ...c, id: 10 + i })), h);
    if (batch.status === 200) expect(codesIn(batch.body).sort()).toEqual(['NOT_FOUND', 'QUARANTINED', 'UNKNOWN_FIELD']);
    else expect(batch.status).toBeGreaterThanOrEqual(400); // a version that refuses batches refuses them whole
    expect(batch.status).toBeLessThan(500);
  });
});
