/**
 * Palisade as the benchmarks run it: the only file here that knows Palisade's
 * construction API, so an API change is fixed in one place.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Principal } from '../../src/core/principal.js';
import { createPalisade, type Palisade, type PalisadeOptions } from '../../src/palisade.js';
import { createCertificate } from '../../src/transport/certs.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { createMcpServer } from '../../src/transport/mcp.js';
import { palisadeTools } from './tools.js';

export type { Palisade };

/** Palisade with the bench tools, default guards and a memory store; `extra` reaches createPalisade as is. */
export function benchPalisade(extra: Partial<PalisadeOptions> & Record<string, unknown> = {}): Promise<Palisade> {
  return createPalisade({ tools: palisadeTools(), env: {}, ...extra } as PalisadeOptions);
}

/** The MCP server a stdio or in-memory transport would connect, acting as one principal. */
export async function palisadeInProcess(principal: Principal, palisade?: Palisade): Promise<Server> {
  return createMcpServer(palisade ?? (await benchPalisade()), { principal: () => principal, sessionId: 'bench', transport: 'memory' });
}

/** A CA and a loopback leaf certificate, written to a scratch folder (never committed). */
export async function benchTls(): Promise<{ dir: string; cert: string; key: string; ca: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pal-bench-tls-'));
  const ca = await createCertificate({ commonName: 'bench CA', days: 2, isCA: true });
  const leaf = await createCertificate({ commonName: 'localhost', ips: ['127.0.0.1'], days: 2, issuer: ca });
  writeFileSync(join(dir, 'cert.pem'), leaf.cert);
  writeFileSync(join(dir, 'key.pem'), leaf.key);
  return { dir, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), ca: ca.cert };
}

export interface PalisadeHttps {
  readonly edge: HttpEdge;
  /** A fresh bearer token for client i (its own subject: per-principal session caps stay out of the way). */
  mint(i: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * `palisade serve --http` as configured in development, in this process: TLS, the
 * development issuer's EdDSA tokens verified by the real authenticator (jti bound to
 * the session), the full pipeline behind it.
 */
export async function palisadeHttps(tls: { cert: string; key: string }, palisade?: Palisade): Promise<PalisadeHttps> {
  const auth = await import('../../src/auth/index.js');
  const { loadConfig } = await import('../../src/config/load.js');
  const { createMemoryStore } = await import('../../src/state/memory.js');
  const { secretsFromConfig } = await import('../../src/secrets/index.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-bench-data-'));
  const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
  const issuer = await auth.loadOrCreateDevIssuer(dataDir);
  const pal = palisade ?? (await benchPalisade());
  const edge = await startHttpServer({
    palisade: pal, host: '127.0.0.1', port: 0,
    tls: { files: { cert: tls.cert, key: tls.key }, minVersion: 'TLSv1.2', mtls: false },
    authenticator: (resource) => auth.authenticatorFromConfig(loaded, {
      store: createMemoryStore(), secrets: secretsFromConfig(loaded, {}), resource, scopesSupported: ['bench.read', 'bench.write'],
    }),
  });
  return {
    edge,
    mint: (i) => issuer.mint({ sub: `agent:bench-${i}`, tenant: 'acme', region: 'eu-west', scopes: ['bench.read', 'bench.write'], ttlSeconds: 600, audience: edge.resource }),
    close: () => edge.close(),
  };
}
