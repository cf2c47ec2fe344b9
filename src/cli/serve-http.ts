import { authenticatorFromConfig, loadOrCreateDevIssuer } from '../auth/index.js';
import type { LoadedConfig } from '../config/load.js';
import { secretsFromConfig } from '../secrets/index.js';
import { DEV_PRINCIPAL, createRuntime, type Runtime } from '../runtime.js';
import { policyReadiness } from '../policy/watch.js';
import { staticAuthenticator, type EdgeAuthenticator } from '../transport/http-auth.js';
import { devCertPaths } from '../transport/certs.js';
import { banner } from './banner.js';
import { startHttpServer } from '../transport/http.js';
import { createSessionRegistry } from '../state/sessions.js';
import { edgeSettingsFromConfig } from '../transport/http-options.js';

/** Scopes to advertise: fixed tool scopes, plus the configured principal's grants for templated ones. */
function scopesSupported(runtime: Runtime): string[] {
  const out = new Set<string>();
  for (const t of runtime.palisade.catalog.list()) {
    const i = t.scope.indexOf('{');
    if (i < 0) out.add(t.scope);
    else for (const g of runtime.stdioPrincipal.grants) if (g.startsWith(t.scope.slice(0, i))) out.add(g);
  }
  return [...out].sort();
}

/** `palisade serve --http` (and `serve` without a flag): Streamable HTTP over TLS until SIGINT/SIGTERM. */
export async function serveHttp(loaded: LoadedConfig, overrides: { host?: string; port?: number }): Promise<number> {
  const settings = await edgeSettingsFromConfig(loaded, overrides);
  // Before anything starts: env secrets in production are refused here (exit 2).
  const secrets = secretsFromConfig(loaded);
  const runtime = await createRuntime(loaded);
  const { logger } = runtime;
  let mint: ((audience: string) => Promise<string>) | undefined;
  let edge;
  try {
    edge = await startHttpServer({
      ...settings,
      palisade: runtime.palisade,
      logger,
      ready: async () => { await runtime.store.get('palisade:readyz'); return true; },
      // A refused policy reload keeps the previous policy in force: ready, with the reason shown.
      readyDetails: () => ({ policy: policyReadiness(runtime.policy.status()) }),
      // Fleet mode: with a shared Redis, any instance continues any session (round-robin, no stickiness).
      ...(runtime.store.kind === 'redis' && { sharedSessions: createSessionRegistry(runtime.store, { idleMs: 30 * 60_000 }) }),
      authenticator: async (resource) => {
        if (loaded.config.auth.mode === 'none') return staticAuthenticator(runtime.stdioPrincipal, resource);
        // Whenever the development issuer is the one in force (no issuers, not production), print tokens from it.
        if (loaded.config.auth.issuers.length === 0 && process.env['NODE_ENV'] !== 'production') {
          const issuer = await loadOrCreateDevIssuer(loaded.dataDir);
          mint = (audience) => issuer.mint({ sub: DEV_PRINCIPAL.id, tenant: DEV_PRINCIPAL.tenant, region: DEV_PRINCIPAL.region, scopes: [...DEV_PRINCIPAL.grants], ttlSeconds: 600, audience });
        }
        return authenticatorFromConfig(loaded, { store: runtime.store, secrets, resource, scopesSupported: scopesSupported(runtime), logger });
      },
    });
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
  // One token per printed example: a token binds to the first session that uses it.
  const tokens = mint ? { curl: await mint(edge.resource), example: await mint(edge.resource) } : undefined;
  logger.info({ url: edge.url, resource: edge.resource, mtls: settings.tls?.mtls ?? false, dataDir: loaded.dataDir }, 'palisade serving MCP over Streamable HTTP');
  process.stderr.write(banner({
    url: edge.url,
    notes: settings.notes,
    ...(tokens && { tokens }),
    ...(settings.devCert && { caFile: devCertPaths(loaded.dataDir).cert }),
    mode: loaded.config.auth.mode,
    port: new URL(edge.url).port ? Number(new URL(edge.url).port) : settings.port,
    ...(overrides.host !== undefined && { host: overrides.host }),
    ...(loaded.file !== undefined && { configFile: loaded.file }),
  }));

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write('palisade: shutting down\n');
      await edge.close().catch(() => undefined);
      await runtime.close().catch(() => undefined);
      resolve(0);
    };
    process.once('SIGINT', () => { void stop(); });
    process.once('SIGTERM', () => { void stop(); });
  });
}
