import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatorFromConfig, loadOrCreateDevIssuer } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/load.js';
import { secretsFromConfig } from '../../src/secrets/index.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { codeOf, fixturePalisade } from '../helpers/fixtures.js';
import { connectHttp, INIT, MCP_HEADERS, testPki, trustingFetch } from './http-fixtures.js';
import { raw } from './raw.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
let edge: HttpEdge;
let pki: Awaited<ReturnType<typeof testPki>>;
let issuer: Awaited<ReturnType<typeof loadOrCreateDevIssuer>>;
let f: ReturnType<typeof trustingFetch>;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-jwt-'));
  const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
  pki = await testPki('jwt');
  issuer = await loadOrCreateDevIssuer(dataDir);
  const { palisade } = await fixturePalisade();
  edge = await startHttpServer({
    palisade, host: '127.0.0.1', port: 0,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
    authenticator: (resource) => authenticatorFromConfig(loaded, { store: createMemoryStore(), secrets: secretsFromConfig(loaded, {}), resource, scopesSupported: ['demo.read'] }),
  });
  f = trustingFetch(pki.ca.cert);
});
afterAll(async () => { await edge?.close(); await f?.close(); });

const mint = (o: { sub?: string; tenant?: string; scopes?: string[]; audience?: string } = {}) => issuer.mint({
  sub: o.sub ?? 'agent:alice', tenant: o.tenant ?? 'acme', region: 'eu-west', scopes: o.scopes ?? ['demo.read', 'switch.write:dev'], ttlSeconds: 600, audience: o.audience ?? edge.resource,
});

describe('HTTP with real JWTs from the development issuer', () => {
  it('a remote SDK client with a valid token lists and calls tools over HTTPS', async () => {
    const c = await connectHttp(edge.url, await mint(), f.fetch);
    expect((await c.client.listTools()).tools.map((t) => t.name)).toContain('demo.echo');
    const r = await c.client.callTool({ name: 'switch.set', arguments: { name: 'beta', env: 'dev', pct: 5 } });
    expect(codeOf(r)).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const ok = await c.client.callTool({ name: 'demo.echo', arguments: { message: 'hi' } });
    expect(ok.structuredContent).toEqual({ echoed: 'hi' });
    await c.close();
  });

  it('the same token on a second session: 401 AUTH_REPLAY; a token for another audience: 401 AUTH_INVALID', async () => {
    const t = await mint();
    const first = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}` }, body: JSON.stringify(INIT) });
    expect(first.status).toBe(200);
    const second = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}` }, body: JSON.stringify(INIT) });
    expect(second.status).toBe(401);
    expect(second.json().error?.data?.code).toBe('AUTH_REPLAY');
    const other = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${await mint({ audience: 'https://elsewhere.example/mcp' })}` }, body: JSON.stringify(INIT) });
    expect(other.status).toBe(401);
    expect(other.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(other.json().error?.data?.code).toBe('AUTH_INVALID');
  });

  it('a stolen session id with another subject\'s valid token is refused', async () => {
    const t = await mint();
    const init = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}` }, body: JSON.stringify(INIT) });
    const sid = String(init.headers['mcp-session-id']);
    const r = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${await mint({ sub: 'agent:mallory' })}`, 'Mcp-Session-Id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(r.status).toBe(404);
  });
});

describe('discovery with the real authenticator', () => {
  it('the metadata document names this resource, the issuer and the header method', async () => {
    const r = await raw(edge.url, pki.ca.cert, { method: 'GET', path: '/.well-known/oauth-protected-resource/mcp' });
    expect(r.status).toBe(200);
    const doc = r.json() as Record<string, unknown>;
    expect(doc['resource']).toBe(edge.resource);
    expect(doc['authorization_servers']).toEqual(['urn:palisade:dev-issuer']);
    expect(doc['bearer_methods_supported']).toEqual(['header']);
    expect(doc['scopes_supported']).toEqual(['demo.read']);
  });

  it('DELETE ends a session; the id is unknown afterwards', async () => {
    const t = await mint();
    const init = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}` }, body: JSON.stringify(INIT) });
    const sid = String(init.headers['mcp-session-id']);
    const del = await raw(edge.url, pki.ca.cert, { method: 'DELETE', headers: { Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid } });
    expect(del.status).toBe(200);
    const after = await raw(edge.url, pki.ca.cert, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${t}`, 'Mcp-Session-Id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(after.status).toBe(404);
  });
});

describe('npm start', () => {
  it('serves HTTPS on 127.0.0.1 with no config and prints a working development token', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pal-start-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd, env: { ...process.env, PALISADE_DATA_DIR: '', NODE_ENV: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no banner: ${err}`)); }, 20_000);
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
        const u = /serving MCP at (\S+)/.exec(err);
        const k = /export PALISADE_TOKEN=(\S+)/.exec(err);
        if (u && k) { clearTimeout(t); resolve({ url: u[1]!, token: k[1]! }); }
      });
      child.once('exit', (code) => { clearTimeout(t); reject(new Error(`exited ${code}: ${err}`)); });
    });
    try {
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(err).toContain('NODE_EXTRA_CA_CERTS=');
      expect(err).toContain('mTLS OFF');
      const ca = readFileSync(join(cwd, '.palisade', 'tls', 'cert.pem'), 'utf8');
      const local = trustingFetch(ca);
      const c = await connectHttp(url, token, local.fetch);
      const names = (await c.client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('web.fetchSafe');
      await c.close();
      await local.close();
      const code = await new Promise<number | null>((resolve) => { child.once('exit', resolve); child.kill('SIGINT'); });
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
