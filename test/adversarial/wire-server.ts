/**
 * The server the wire fuzzer attacks, in its own process (forked with IPC), so a crash
 * is a crash and its memory is its own: the reference tools and runtime of
 * `palisade serve --http`, the real JWT authenticator (development issuer), TLS,
 * and a short session idle time so clean-up can be observed.
 * IPC: -> { type: 'mint', n, sub? } <- { tokens }; -> { type: 'stats', gc? } <- { rss, heapUsed, sessions }.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticatorFromConfig, loadOrCreateDevIssuer } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime.js';
import { secretsFromConfig } from '../../src/secrets/index.js';
import { startHttpServer } from '../../src/transport/http.js';
import { testPki } from '../transport/http-fixtures.js';

const SESSION_IDLE_MS = 1500;
const MAX_SESSIONS = 300;

const dataDir = mkdtempSync(join(tmpdir(), 'pal-wire-'));
const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
const runtime = await createRuntime(loaded, { logger: createLogger('silent') });
const pki = await testPki('wire');
const issuer = await loadOrCreateDevIssuer(dataDir);
const scopes = ['orders.read', 'flags.read', 'flags.write:dev', 'flags.write:staging', 'web.fetch'];
const edge = await startHttpServer({
  palisade: runtime.palisade, host: '127.0.0.1', port: 0,
  tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  sessionIdleMs: SESSION_IDLE_MS, maxSessions: MAX_SESSIONS,
  authenticator: (resource) => authenticatorFromConfig(loaded, { store: runtime.store, secrets: secretsFromConfig(loaded, {}), resource, scopesSupported: scopes }),
});

type Msg = { type: 'mint'; n: number; sub?: string } | { type: 'stats'; gc?: boolean };
process.on('message', (m: Msg) => {
  if (m.type === 'mint') {
    void Promise.all(Array.from({ length: m.n }, () => issuer.mint({ sub: m.sub ?? 'agent:fuzz', tenant: 'acme', region: 'eu-west', scopes, ttlSeconds: 600, audience: edge.resource })))
      .then((tokens) => process.send!({ type: 'tokens', tokens }));
  } else if (m.type === 'stats') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (m.gc && gc) { gc(); gc(); }
    process.send!({ type: 'stats', rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, sessions: edge.sessionCount() });
  }
});
process.send!({ type: 'ready', url: edge.url, ca: pki.ca.cert });
