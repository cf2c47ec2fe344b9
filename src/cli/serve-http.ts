import { authenticatorFromConfig, loadOrCreateDevIssuer } from '../auth/index.js';
import type { LoadedConfig } from '../config/load.js';
import { secretsFromConfig } from '../secrets/index.js';
import { DEV_PRINCIPAL, createRuntime, type Runtime } from '../runtime.js';
import { policyReadiness } from '../policy/watch.js';
import { staticAuthenticator, type EdgeAuthenticator } from '../transport/http-auth.js';
import { devCertPaths } from '../transport/certs.js';
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
        if (loaded.development) {
          const issuer = await loadOrCreateDevIssuer(loaded.dataDir);
          mint = (audience) => issuer.mint({ sub: DEV_PRINCIPAL.id, tenant: DEV_PRINCIPAL.tenant, region: DEV_PRINCIPAL.region, scopes: [...DEV_PRINCIPAL.grants], ttlSeconds: 600, audience });
        }
        return authenticatorFromConfig(loaded, { store: runtime.store, secrets, resource, scopesSupported: scopesSupported(runtime) });
      },
    });
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
  const devToken = mint ? await mint(edge.resource) : undefined;
  logger.info({ url: edge.url, resource: edge.resource, mtls: settings.tls?.mtls ?? false, dataDir: loaded.dataDir }, 'palisade serving MCP over Streamable HTTP');
  process.stderr.write(banner(edge.url, settings.notes, devToken, settings.devCert ? devCertPaths(loaded.dataDir).cert : undefined, loaded.config.auth.mode));

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

function banner(url: string, notes: readonly string[], token: string | undefined, caFile: string | undefined, mode: string): string {
  const lines = [`palisade: serving MCP at ${url}`, ...notes.map((n) => `  note: ${n}`)];
  if (token) {
    const ca = caFile ? `--cacert ${caFile} ` : '';
    lines.push(
      '',
      `Development token (sub ${DEV_PRINCIPAL.id}, tenant ${DEV_PRINCIPAL.tenant}, 10 minutes; one token opens one session, mint more with \`npx palisade token\`):`,
      `  export PALISADE_TOKEN=${token}`,
      '',
      'Try it with curl:',
      `  curl -sS ${ca}${url} \\`,
      `    -H "Authorization: Bearer $PALISADE_TOKEN" \\`,
      `    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\`,
      `    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}'`,
      '',
      `Or from TypeScript (run with NODE_EXTRA_CA_CERTS=${caFile ?? '<your CA file>'} so Node trusts the certificate):`,
      `  import { Client } from '@modelcontextprotocol/sdk/client/index.js';`,
      `  import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';`,
      `  const transport = new StreamableHTTPClientTransport(new URL('${url}'),`,
      `    { requestInit: { headers: { Authorization: \`Bearer \${process.env.PALISADE_TOKEN}\` } } });`,
      `  const client = new Client({ name: 'my-agent', version: '1.0.0' });`,
      `  await client.connect(transport);`,
      `  console.log(await client.listTools());`,
    );
  } else if (mode === 'none') {
    lines.push('  auth.mode none: every request acts as the configured stdio principal (development only)');
  } else {
    lines.push('  clients need a bearer JWT from a configured issuer, with aud = the URL above');
  }
  return `${lines.join('\n')}\n`;
}
