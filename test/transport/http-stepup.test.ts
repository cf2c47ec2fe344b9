import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES } from '../../src/core/codes.js';
import type { CallRecord } from '../../src/core/record.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { codeOf, fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from './http-fixtures.js';
import { raw } from './raw.js';

/** Step-up mode (`auth.step_up: true`) and the recorder view of edge refusals, over real HTTPS. */
let edge: HttpEdge;
let ca: string;
const records: CallRecord[] = [];

beforeAll(async () => {
  const pki = await testPki('stepup');
  ca = pki.ca.cert;
  const { palisade } = await fixturePalisade({ stepUp: true, recorders: [{ record: (r) => { records.push(r); } }] });
  edge = await startHttpServer({
    palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, bodyLimitBytes: 4096, maxBatch: 3,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  });
});
afterAll(async () => { await edge?.close(); });

const post = (body: unknown, headers: Record<string, string | number> = {}) =>
  raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function session(bearer: string) {
  const r = await post(INIT, { Authorization: `Bearer ${bearer}` });
  expect(r.status).toBe(200);
  return { Authorization: `Bearer ${bearer}`, 'Mcp-Session-Id': String(r.headers['mcp-session-id']), 'Mcp-Protocol-Version': '2025-11-25' };
}
const call = (name: string, args: unknown, id = 2) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

describe('auth.step_up: true', () => {
  it('lists every tool, and a call without any grant in the family answers 403 naming the concrete scope', async () => {
    const h = await session(token('agent:carol', 'acme', 'demo.read'));
    const list = await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, h);
    expect(list.body).toContain('switch.set');
    const r = await post(call('switch.set', { name: 'beta', env: 'prod', pct: 50, idemKey: crypto.randomUUID() }), h);
    expect(r.status).toBe(403);
    expect(r.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(r.headers['www-authenticate']).toContain('scope="switch.write:prod"');
    expect(r.json().error?.data?.code).toBe('SCOPE_MISSING');
  });

  it('names the concrete grant when only another env is held (flags.write:prod, not the template)', async () => {
    const h = await session(token('agent:dave', 'acme', 'demo.read+switch.write:dev'));
    const r = await post(call('switch.set', { name: 'beta', env: 'prod', pct: 50, idemKey: crypto.randomUUID() }), h);
    expect(r.status).toBe(403);
    expect(r.headers['www-authenticate']).toContain('scope="switch.write:prod"');
  });

  it('a schema failure stays in-band (the pipeline answers), never a header built from caller text', async () => {
    const h = await session(token('agent:erin', 'acme', 'demo.read+switch.write:dev'));
    const r = await post(call('demo.echo', { message: 'x', admin: true }), h);
    expect(r.status).toBe(200);
    expect(r.body).toContain('UNKNOWN_FIELD');
  });
});

describe('every refusal reaches the recorders with its code', () => {
  it('an edge refusal (401, 403, 404, 413) and a pipeline refusal are both recorded', async () => {
    records.length = 0;
    const noToken = await post(INIT);
    const forged = await post(INIT, { Authorization: 'Bearer forged' });
    const h = await session(token('agent:frank', 'acme', 'demo.read'));
    const scope = await post(call('switch.set', { name: 'beta', env: 'prod', pct: 5, idemKey: crypto.randomUUID() }), h);
    const lost = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { ...h, Authorization: `Bearer ${token('agent:frank', 'acme', 'demo.read')}`, 'Mcp-Session-Id': 'no-such-session' });
    const big = await post('x'.repeat(5000), h);
    const inBand = await post(call('demo.echo', { message: 'x', admin: true }), h);
    expect(inBand.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const edgeCodes = records.filter((r) => r.kind === 'edge').map((r) => [r.outcome.kind === 'denied' ? r.outcome.deny.code : '', r.http?.status]);
    expect(edgeCodes).toEqual([
      ['AUTH_REQUIRED', noToken.status],
      ['AUTH_INVALID', forged.status],
      ['SCOPE_MISSING', scope.status],
      ['NOT_FOUND', lost.status],
      ['PAYLOAD_TOO_LARGE', big.status],
    ]);
    // What the edge sent is what the registry says, one mapping.
    for (const [code, status] of edgeCodes) expect(status).toBe(CODES[code as keyof typeof CODES].http);
    const calls = records.filter((r) => r.kind === 'call');
    expect(calls.map((r) => [r.outcome.kind === 'denied' ? r.outcome.deny.code : r.outcome.kind, r.decidedBy])).toEqual([['UNKNOWN_FIELD', 'schema']]);
    expect(records.find((r) => r.http?.status === 403)?.principal?.id).toBe('agent:frank');
  });
});

describe('hidden by default', () => {
  it('without step-up the same call answers in-band NOT_FOUND', async () => {
    const { palisade } = await fixturePalisade();
    const r = await palisade.call({ id: 'agent:carol', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['demo.read'] }, 'switch.set', {});
    expect(codeOf(r)).toBe('NOT_FOUND');
  });
});
