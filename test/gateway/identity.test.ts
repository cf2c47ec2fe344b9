import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { codeOf, textOf } from '../helpers/fixtures.js';
import { caller, client, gatewayRuntime } from './helpers.js';

/** A local OAuth token endpoint (RFC 8693 token exchange) and an HTTP MCP upstream that records what it was sent. */
let tokenServer: Server;
let upstream: Server;
const seen: { authorization: string | undefined }[] = [];
const exchanges: Record<string, string>[] = [];
let tokenUrl = '';
let upstreamUrl = '';

beforeAll(async () => {
  tokenServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      exchanges.push(form);
      const basic = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== 'gw-client:gw-secret-value') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      const sub = form['grant_type'] === 'client_credentials' ? 'gateway' : decodeJwt(form['subject_token']!).sub;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `xchg.${sub}.${form['audience']}`, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 300 }));
    });
  });
  upstream = createServer(async (req, res) => {
    seen.push({ authorization: req.headers.authorization });
    const mcp = new McpServer({ name: 'internal', version: '1' });
    mcp.registerTool('whoami', { description: 'Says which credential it was called with.' }, async () => ({ content: [{ type: 'text', text: String(req.headers.authorization) }] }));
    const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(t);
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { void t.handleRequest(req, res, body ? JSON.parse(body) : undefined); });
  });
  await Promise.all([new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r)), new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))]);
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`;
});
const runtimes: Runtime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.close();
  tokenServer?.close();
  upstream?.close();
});

const config = (allow: string) => `server: { reference_tools: false }
upstreams:
  internal:
    url: ${upstreamUrl}
    allow_addresses: [${allow}]
    auth:
      token_exchange: { token_url: "${tokenUrl}", client_id: gw-client, client_secret: gw_secret, audience: "https://internal.example", allow_addresses: ["127.0.0.1/32"] }
    tools:
      whoami: { effect: read, scope: int.read }
`;

function dirWithSecret(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pal-gwid-'));
  mkdirSync(join(dir, 'data', 'secrets'), { recursive: true });
  writeFileSync(join(dir, 'data', 'secrets', 'gw_secret'), 'gw-secret-value\n');
  return dir;
}

describe('upstream identity: RFC 8693 token exchange, never token passthrough', () => {
  it('the upstream sees a token exchanged for the caller\'s subject with its own audience', async () => {
    const { rt } = await gatewayRuntime(config('"127.0.0.1/32"'), {}, dirWithSecret());
    runtimes.push(rt);
    const c = await client(rt, { ...caller, grants: ['int.read'] });
    seen.length = 0;
    const r = await c.client.callTool({ name: 'internal.whoami', arguments: {} });
    expect(textOf(r)).toBe('Bearer xchg.agent:gw.https://internal.example');
    expect(seen.length).toBeGreaterThan(0);
    // Every request carried a token minted for this upstream: the caller's (exchanged) or the gateway's own.
    expect(seen.every((s) => s.authorization === 'Bearer xchg.agent:gw.https://internal.example' || s.authorization === 'Bearer xchg.gateway.https://internal.example')).toBe(true);
    const ex = exchanges.filter((e) => e['grant_type'] !== 'client_credentials').at(-1)!;
    expect(ex['audience']).toBe('https://internal.example');
    // The subject token is Palisade's own assertion, short-lived, naming the caller: not a caller credential.
    const assertion = decodeJwt(ex['subject_token']!);
    expect(assertion).toMatchObject({ sub: 'agent:gw', tenant_id: 'acme' });
    expect(assertion.exp! - assertion.iat!).toBeLessThanOrEqual(60);
    await c.close();
  });

  it('an upstream on a loopback or private address without allow_addresses is SSRF_BLOCKED before any byte is sent', async () => {
    const before = seen.length;
    const { rt } = await gatewayRuntime(config(''), {}, dirWithSecret());
    runtimes.push(rt);
    expect(rt.palisade.catalog.get('internal.whoami')).toBeUndefined();
    expect(seen.length).toBe(before);
    const c = await client(rt, { ...caller, grants: ['int.read'] });
    expect(codeOf(await c.client.callTool({ name: 'internal.whoami', arguments: {} }))).toBe('NOT_FOUND');
    await c.close();
  });
});
