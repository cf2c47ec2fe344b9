import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatorFromConfig, loadOrCreateDevIssuer } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/load.js';
import { secretsFromConfig } from '../../src/secrets/index.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, testPki } from './http-fixtures.js';
import { raw } from './raw.js';

/**
 * Issue 8 item 2: a refused first request must not burn the token. Each case sends
 * one refused request with a fresh real JWT (replay mode `session`), asserts the
 * refusal's code, then opens a session with the same token: it must succeed.
 */
let edge: HttpEdge;
let ca: string;
let issuer: Awaited<ReturnType<typeof loadOrCreateDevIssuer>>;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-bind-'));
  const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
  const pki = await testPki('bind');
  ca = pki.ca.cert;
  issuer = await loadOrCreateDevIssuer(dataDir);
  const { palisade } = await fixturePalisade();
  edge = await startHttpServer({
    palisade, host: '127.0.0.1', port: 0, maxSessionsPerPrincipal: 1,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
    authenticator: (resource) => authenticatorFromConfig(loaded, { store: createMemoryStore(), secrets: secretsFromConfig(loaded, {}), resource, scopesSupported: ['demo.read'] }),
  });
});
afterAll(async () => { await edge?.close(); });

let subjects = 0;
const mint = (sub = `agent:b${++subjects}`) => issuer.mint({ sub, tenant: 'acme', region: 'eu-west', scopes: ['demo.read'], ttlSeconds: 600, audience: edge.resource });
const post = (t: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(edge.url, ca, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const open = async (t: string) => post(t, INIT);

async function refusedThenUsable(t: string, refused: () => Promise<{ status: number; json: () => { error?: { data?: { code?: string } } } }>, status: number, code: string) {
  const r = await refused();
  expect([r.status, r.json().error?.data?.code]).toEqual([status, code]);
  const ok = await open(t);
  expect(ok.status).toBe(200);
  expect(ok.headers['mcp-session-id']).toBeDefined();
  return String(ok.headers['mcp-session-id']);
}

describe('a refused request consumes nothing (issue 8 item 2)', () => {
  it('POST without a session id (400)', async () => {
    const t = await mint();
    await refusedThenUsable(t, () => post(t, { jsonrpc: '2.0', id: 1, method: 'tools/list' }), 400, 'INVALID_REQUEST');
  });

  it('initialize without the SSE Accept (406)', async () => {
    const t = await mint();
    await refusedThenUsable(t, () => post(t, INIT, { Accept: 'application/json' }), 406, 'NOT_ACCEPTABLE');
  });

  it('initialize with a foreign Content-Type (415)', async () => {
    const t = await mint();
    await refusedThenUsable(t, () => post(t, INIT, { 'Content-Type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('initialize with empty params (400)', async () => {
    const t = await mint();
    await refusedThenUsable(t, () => post(t, { ...INIT, params: {} }), 400, 'INVALID_PARAMS');
  });

  it('initialize sent as a notification (was 202 and an orphan session)', async () => {
    const t = await mint();
    const { id: _id, ...notification } = INIT;
    await refusedThenUsable(t, () => post(t, notification), 400, 'INVALID_REQUEST');
  });

  it('a garbage session id (404)', async () => {
    const t = await mint();
    await refusedThenUsable(t, () => post(t, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'Mcp-Session-Id': 'garbage-session' }), 404, 'NOT_FOUND');
  });

  it("another subject's session id (404)", async () => {
    const victim = await open(await mint());
    const t = await mint();
    await refusedThenUsable(t, () => post(t, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'Mcp-Session-Id': String(victim.headers['mcp-session-id']) }), 404, 'NOT_FOUND');
  });

  it('initialize refused with 429 (session cap): the same token works once a session is closed', async () => {
    const sub = 'agent:capped';
    const first = await mint(sub);
    const sid = String((await open(first)).headers['mcp-session-id']);
    const second = await mint(sub);
    const r = await open(second);
    expect([r.status, r.json().error?.data?.code, r.headers['retry-after']]).toEqual([429, 'CONCURRENCY_LIMITED', '60']);
    const del = await raw(edge.url, ca, { method: 'DELETE', headers: { Authorization: `Bearer ${first}`, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' } });
    expect(del.status).toBe(200);
    expect((await open(second)).status).toBe(200);
  });

  it('binding still holds: the token of a session cannot open a second one (401 AUTH_REPLAY)', async () => {
    const t = await mint();
    expect((await open(t)).status).toBe(200);
    const again = await open(t);
    expect([again.status, again.json().error?.data?.code]).toEqual([401, 'AUTH_REPLAY']);
  });
});
