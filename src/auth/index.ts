import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWK, type JWTVerifyGetKey } from 'jose';
import { serviceEgress } from '../egress/service.js';
import type { EgressClient } from '../egress/client.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import type { SecretsProvider } from '../secrets/index.js';
import type { StateStore } from '../state/store.js';
import { loadOrCreateDevIssuer } from './dev-issuer.js';
import { logRefusals, type AuthLogger } from './refusal-log.js';
import { createAuthenticator, type Authenticator, type TrustedIssuer } from './verify.js';

export { createAuthenticator, type AuthResult, type Authenticator, type AuthenticatorOptions, type ProtectedResourceMetadata, type TrustedIssuer } from './verify.js';
export { DEV_ISSUER, loadOrCreateDevIssuer, type DevIssuer, type MintClaims } from './dev-issuer.js';

/** The resource URI tokens must name as `aud`: `server.http.public_url`, else `https://<host>:<port>/mcp`. */
export function resourceUri(loaded: LoadedConfig, overrides: { host?: string; port?: number } = {}): string {
  const http = loaded.config.server.http;
  if (http.public_url) return http.public_url;
  const h = overrides.host ?? http.host;
  const host = h.includes(':') ? `[${h}]` : h;
  return `${http.insecure_http ? 'http' : 'https'}://${host}:${overrides.port ?? http.port}/mcp`;
}

export interface AuthDeps {
  readonly store: StateStore;
  readonly secrets: SecretsProvider;
  readonly resource: string;
  readonly scopesSupported: string[];
  readonly now?: () => number;
  readonly env?: NodeJS.ProcessEnv;
  /** When set, every refused token is logged with the audience this server expects (never sent to the caller). */
  readonly logger?: AuthLogger;
}

/**
 * The authenticator the configuration describes: `auth.issuers` (JWKS URL or public key
 * files), the baseline's TTL and replay window, `auth.replay`, `auth.claims`. With no
 * issuers configured outside production, the development issuer of the data directory.
 */
export async function authenticatorFromConfig(loaded: LoadedConfig, deps: AuthDeps): Promise<Authenticator> {
  const { config, baseline } = loaded;
  const env = deps.env ?? process.env;
  const where = loaded.file ?? '(embedded default)';
  const base = loaded.file ? dirname(loaded.file) : process.cwd();
  let issuers: TrustedIssuer[];
  if (config.auth.issuers.length === 0) {
    if (env['NODE_ENV'] === 'production') throw new ConfigError(`${where}: auth.issuers: at least one trusted issuer is required in production`);
    const dev = await loadOrCreateDevIssuer(loaded.dataDir);
    issuers = [{ issuer: dev.issuer, keys: createLocalJWKSet(dev.publicJwks) }];
  } else {
    issuers = config.auth.issuers.map((i, n) => {
      const restrict = issuerAlgorithms(i.algorithms, config.auth.algorithms, config.auth.hs_secret !== undefined, `${where}: auth.issuers.${n}.algorithms`);
      const withAlgs = <T extends TrustedIssuer>(t: T): T => (restrict ? { ...t, algorithms: restrict } : t);
      if (i.jwks_uri) {
        const egress = serviceEgress({
          url: i.jwks_uri,
          contentTypes: ['application/json', 'application/jwk-set+json'],
          ...(i.allow_addresses && { trustedAddresses: i.allow_addresses }),
          ...(i.ca_file && { ca: readPem(isAbsolute(i.ca_file) ? i.ca_file : resolve(base, i.ca_file), `${where}: auth.issuers.${n}.ca_file`) }),
          where: `${where}: auth.issuers.${n}.jwks_uri`,
        });
        return withAlgs({ issuer: i.issuer, keys: remoteJwks(i.jwks_uri, egress) });
      }
      if (i.public_keys?.length) {
        const keys = i.public_keys.map((f) => publicJwk(isAbsolute(f) ? f : resolve(base, f), `${where}: auth.issuers.${n}.public_keys`));
        return withAlgs({ issuer: i.issuer, keys: createLocalJWKSet({ keys }) });
      }
      throw new ConfigError(`${where}: auth.issuers.${n}: jwks_uri or public_keys is required`);
    });
  }
  const hsSecret = config.auth.hs_secret ? new TextEncoder().encode(await deps.secrets.get(config.auth.hs_secret)) : undefined;
  if (hsSecret && hsSecret.length < 32) throw new ConfigError(`${where}: auth.hs_secret: the HS256 key must be at least 32 bytes`);
  const algorithms = config.auth.algorithms.filter((a) => a !== 'HS256');
  try {
    const auth = createAuthenticator({
      resource: deps.resource,
      issuers,
      algorithms,
      ...(hsSecret && { hsSecret }),
      maxTtlSeconds: baseline.auth.max_ttl_seconds,
      clockSkewSeconds: config.auth.clock_skew_seconds,
      replay: config.auth.replay,
      replayWindowMs: baseline.auth.replay_window_minutes * 60_000,
      store: deps.store,
      claims: { tenant: config.auth.claims.tenant, region: config.auth.claims.region, actorType: config.auth.claims.actor_type },
      scopesSupported: deps.scopesSupported,
      requiredClaims: baseline.auth.claims,
      resourceName: config.server.name,
      ...(deps.now && { now: deps.now }),
    });
    return deps.logger ? logRefusals(auth, deps.logger, deps.resource) : auth;
  } catch (err) {
    throw new ConfigError(`${where}: auth.algorithms: ${(err as Error).message}`);
  }
}

/**
 * An issuer's own algorithm list restricts the global one: a token from that issuer
 * must use one of these. Naming an algorithm the server does not accept at all is a
 * configuration error, not a silent no-op.
 */
function issuerAlgorithms(own: readonly string[] | undefined, global: readonly string[], hs: boolean, where: string): string[] | undefined {
  if (own === undefined) return undefined;
  if (own.length === 0) throw new ConfigError(`${where}: must name at least one algorithm`);
  const accepted = new Set([...global.filter((a) => a !== 'HS256'), ...(hs ? ['HS256'] : [])]);
  const bad = own.find((a) => !accepted.has(a));
  if (bad !== undefined) throw new ConfigError(`${where}: ${bad} is not among the accepted algorithms (auth.algorithms${hs ? ' + HS256' : ''})`);
  return [...own];
}

/** A public key file: PEM (SPKI or certificate) or a JWK JSON document. */
function publicJwk(file: string, where: string): JWK {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { throw new ConfigError(`${where}: cannot read ${file}`); }
  try {
    const jwk = text.trim().startsWith('{') ? (JSON.parse(text) as JWK) : (createPublicKey(text).export({ format: 'jwk' }) as JWK);
    if ('d' in jwk || jwk.kty === 'oct') throw new Error('not a public key');
    return jwk;
  } catch {
    throw new ConfigError(`${where}: ${file} is not a public key (PEM or JWK)`);
  }
}

/**
 * A remote JWKS fetched through the egress client (allow-list of the one host, SSRF
 * rules, size cap, no redirects), cached by jose.
 */
export function remoteJwks(uri: string, egress: EgressClient): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(uri), {
    timeoutDuration: 5000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
    [customFetch]: async (url: string, init: { signal?: AbortSignal | null }) => {
      const r = await egress.fetch(String(url), { ...(init.signal && { signal: init.signal }), headers: { accept: 'application/json, application/jwk-set+json' } });
      if (!r.ok) throw new Error(`JWKS fetch refused (${r.code})`);
      return new Response(r.response.body, { status: r.response.status, headers: r.response.headers });
    },
  });
}

export function readPem(file: string, where: string): string {
  try { return readFileSync(file, 'utf8'); } catch { throw new ConfigError(`${where}: cannot read ${file}`); }
}
