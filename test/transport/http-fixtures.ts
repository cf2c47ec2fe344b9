import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Principal } from '../../src/core/principal.js';
import { createCertificate, type CertPair } from '../../src/transport/certs.js';
import type { EdgeAuthenticator, EdgeAuthResult } from '../../src/transport/http.js';

/** A test PKI: a CA, a server leaf for 127.0.0.1/::1/localhost, written to a temp folder. */
export async function testPki(name = 'test') {
  const dir = mkdtempSync(join(tmpdir(), `pal-tls-${name}-`));
  const ca = await createCertificate({ commonName: `${name} CA`, days: 30, isCA: true });
  const server = await createCertificate({ commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1', '::1'], days: 30, issuer: ca });
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), ca: join(dir, 'ca.pem') };
  writeFileSync(files.cert, server.cert);
  writeFileSync(files.key, server.key);
  writeFileSync(files.ca, ca.cert);
  return { dir, ca, server, files };
}

export async function clientCert(ca: CertPair): Promise<CertPair> {
  return createCertificate({ commonName: 'agent', days: 30, issuer: ca, usage: 'client' });
}

/**
 * A stand-in for the JWT authenticator: `Bearer t.<sub>.<tenant>.<scope+scope>.<jti>`.
 * Same binding rule as the real one: a jti belongs to the first session that uses it.
 */
export function stubAuthenticator(resource = 'https://127.0.0.1/mcp'): EdgeAuthenticator & { seen: Map<string, string | undefined> } {
  const seen = new Map<string, string | undefined>();
  const claim = (jti: string, sessionId: string | undefined): boolean => {
    if (seen.has(jti) && seen.get(jti) !== sessionId) return false;
    if (!seen.has(jti)) seen.set(jti, sessionId);
    return true;
  };
  const replay = { ok: false, code: 'AUTH_REPLAY', message: 'token already used on another session' } as const;
  return {
    seen,
    async authenticate(authorization, { sessionId, bind }): Promise<EdgeAuthResult> {
      if (!authorization) return { ok: false, code: 'AUTH_REQUIRED', message: 'a bearer token is required' };
      const m = /^Bearer t\.([a-z:]+)\.([a-z]+)\.([a-z.:+_-]*)\.([a-z0-9-]+)$/.exec(authorization);
      if (!m) return { ok: false, code: 'AUTH_INVALID', message: 'token signature invalid' };
      const [, sub, tenant, scopes, jti] = m as unknown as [string, string, string, string, string];
      if (bind === false ? seen.has(jti) && seen.get(jti) !== sessionId : !claim(jti, sessionId)) return replay;
      const grants = scopes ? scopes.split('+') : [];
      const principal: Principal = { id: sub, type: 'agent', tenant, region: 'eu-west', grants };
      return { ok: true, principal, token: { jti, sub, exp: Math.floor(Date.now() / 1000) + 600, scopes: grants } };
    },
    async bind(accepted, sessionId) {
      return accepted.ok && claim(accepted.token.jti, sessionId) ? accepted : replay;
    },
    metadata: () => ({ resource, authorization_servers: ['https://issuer.test'], scopes_supported: ['demo.read'], bearer_methods_supported: ['header'] }),
  };
}

let n = 0;
export const token = (sub = 'agent:alice', tenant = 'acme', scopes = 'demo.read+switch.write:dev') => `t.${sub}.${tenant}.${scopes}.j${++n}-${process.pid}`;

/** undici fetch trusting `ca` (and presenting a client certificate when given). */
export function trustingFetch(ca: string | string[], client?: CertPair) {
  const dispatcher = new Agent({ connect: { ca, ...(client && { cert: client.cert, key: client.key }) } });
  const f = ((url: string | URL, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch;
  return { fetch: f, close: () => dispatcher.close() };
}

/** The SDK client over Streamable HTTP with a bearer token. */
export async function connectHttp(url: string, bearer: string, f: typeof fetch) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: f, requestInit: { headers: { Authorization: `Bearer ${bearer}` } } });
  const client = new Client({ name: 'http-test', version: '0' });
  await client.connect(transport);
  return { client, transport, close: () => client.close() };
}

export const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
export const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
