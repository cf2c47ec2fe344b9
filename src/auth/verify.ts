import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isRegionId, isSubjectId, isTenantId, stateKey } from '../core/keys.js';
import type { Principal } from '../core/principal.js';
import type { StateStore } from '../state/store.js';

import type { AuthCode, AuthResult, Authenticator } from '../core/auth.js';

export type { AuthCode, AuthResult, Authenticator, ProtectedResourceMetadata } from '../core/auth.js';

export interface TrustedIssuer {
  readonly issuer: string;
  /** Keys: a remote JWKS (createRemoteJWKSet) or local ones (createLocalJWKSet). */
  readonly keys: JWTVerifyGetKey;
  /** This issuer's algorithms (`auth.issuers[].algorithms`); the global list when absent. */
  readonly algorithms?: readonly string[];
}

export interface AuthenticatorOptions {
  /** This server's resource URI; tokens must name exactly it as `aud`. */
  readonly resource: string;
  readonly issuers: readonly TrustedIssuer[];
  /** Asymmetric algorithms accepted. */
  readonly algorithms: readonly string[];
  /** HS256 only when set explicitly (a secret from the secrets provider). */
  readonly hsSecret?: Uint8Array;
  readonly maxTtlSeconds: number;
  readonly clockSkewSeconds: number;
  readonly replay: 'session' | 'single-use';
  readonly replayWindowMs: number;
  readonly store: StateStore;
  readonly claims: { readonly tenant: string; readonly region: string; readonly actorType: string };
  readonly scopesSupported: readonly string[];
  /** Claims the baseline requires beyond iss, sub, aud, exp, iat and jti (the seed lists `nbf`). */
  readonly requiredClaims?: readonly string[];
  readonly resourceName?: string;
  readonly now?: () => number;
}

const MAX_TOKEN_BYTES = 8192;
const ASYMMETRIC = new Set(['EdDSA', 'Ed25519', 'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
/** Header parameters that carry or point at key material: an attacker's key is never trusted. */
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
const SCOPE = /^[A-Za-z0-9_.:-]{1,128}$/;
const TYP_OK = new Set(['at+jwt', 'application/at+jwt', 'jwt']);

const fail = (code: AuthCode, message: string): AuthResult => ({ ok: false, code, message });

/**
 * OAuth 2.1 resource-server token verification for MCP (RFC 9068 access tokens,
 * RFC 8707 audience). Every refusal is data with a stable code; messages never
 * include the token or claim values.
 */
export function createAuthenticator(o: AuthenticatorOptions): Authenticator {
  const now = o.now ?? Date.now;
  for (const a of o.algorithms) if (!ASYMMETRIC.has(a)) throw new TypeError(`algorithm ${a} is not an asymmetric JWS algorithm; configure HS256 through auth.hs_secret`);
  const algorithms = [...o.algorithms, ...(o.hsSecret ? ['HS256'] : [])];
  const byIssuer = new Map(o.issuers.map((i) => [i.issuer, i]));
  const skew = Math.min(o.clockSkewSeconds, 60);

  /** The replay key of each accepted token, for a later `bind` (no claim value leaves this module). */
  const replayKeys = new WeakMap<object, string>();

  async function verify(token: string, sessionId: string | undefined, bind: boolean): Promise<AuthResult> {
    if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) return fail('AUTH_INVALID', 'token too large');
    if (token.split('.').length !== 3) return fail('AUTH_INVALID', 'not a signed JWT (JWS compact serialization)');
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return fail('AUTH_INVALID', 'token is not a well-formed JWT');
    }
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return fail('AUTH_INVALID', 'token algorithm is not allowed');
    if (KEY_HEADERS.some((h) => h in header)) return fail('AUTH_INVALID', 'key material in the token header is not trusted');
    if (header.typ !== undefined && !TYP_OK.has(String(header.typ).toLowerCase())) return fail('AUTH_INVALID', 'token type is not an access token');
    const trusted = typeof unverified.iss === 'string' ? byIssuer.get(unverified.iss) : undefined;
    if (!trusted) return fail('AUTH_INVALID', 'issuer is not trusted');
    const allowed = trusted.algorithms ?? algorithms;
    if (!allowed.includes(header.alg)) return fail('AUTH_INVALID', 'token algorithm is not allowed for this issuer');

    let payload: JWTPayload;
    try {
      const key = header.alg === 'HS256' ? o.hsSecret! : trusted.keys;
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        issuer: trusted.issuer,
        audience: o.resource,
        algorithms: [...allowed],
        clockTolerance: skew,
        currentDate: new Date(now()),
        requiredClaims: [...new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'jti', ...(o.requiredClaims ?? [])])],
      }));
    } catch (err) {
      return fail('AUTH_INVALID', joseReason(err));
    }
    // A token for several audiences could be replayed at the others: one audience only.
    if (Array.isArray(payload.aud) && payload.aud.length !== 1) return fail('AUTH_INVALID', 'token must name this resource as its only audience');
    const t = Math.floor(now() / 1000);
    const { exp, iat, jti, sub } = payload as Required<Pick<JWTPayload, 'exp' | 'iat' | 'jti' | 'sub'>>;
    if (iat > t + skew) return fail('AUTH_INVALID', 'token issued in the future');
    if (exp - iat > o.maxTtlSeconds) return fail('AUTH_INVALID', `token lifetime exceeds ${o.maxTtlSeconds} s`);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return fail('AUTH_INVALID', 'jti claim is invalid');
    // Tenant and subject scope every state key: refuse separators and control characters outright.
    if (!isSubjectId(sub)) return fail('AUTH_INVALID', 'sub claim is invalid');

    const scopes = scopesOf(payload);
    if (scopes === undefined) return fail('AUTH_INVALID', 'scope claim is malformed');
    if (scopes.some((s) => s.includes('*'))) return fail('AUTH_INVALID', 'wildcard scopes are not allowed');
    if (scopes.some((s) => !SCOPE.test(s))) return fail('AUTH_INVALID', 'scope claim is malformed');
    const tenant = payload[o.claims.tenant];
    if (typeof tenant !== 'string' || !tenant) return fail('AUTH_INVALID', `claim ${o.claims.tenant} (tenant) is required`);
    if (!isTenantId(tenant)) return fail('AUTH_INVALID', `claim ${o.claims.tenant} (tenant) is malformed`);
    const region = payload[o.claims.region];
    if (region !== undefined && !isRegionId(region)) return fail('AUTH_INVALID', `claim ${o.claims.region} (region) is malformed`);
    const act = payload[o.claims.actorType];

    const key = replayKey(trusted.issuer, jti);
    const replay = bind ? await claim(key, sessionId) : await peek(key, sessionId);
    if (replay) return replay;
    const accepted: AuthResult = {
      ok: true,
      principal: {
        id: sub,
        type: typeof act === 'string' && act ? act.slice(0, 64) : 'agent',
        tenant,
        region: typeof region === 'string' ? region : 'unspecified',
        grants: scopes,
      },
      token: { jti, exp, scopes, sub },
    };
    replayKeys.set(accepted, key);
    return accepted;
  }

  const replayKey = (iss: string, jti: string) => stateKey('jti', iss, jti);
  const replayed = () => fail('AUTH_REPLAY', o.replay === 'session' ? 'token already used on another session' : 'token already used');
  // A session binding confirmed in the store never changes inside its window, so it is remembered
  // here: a session already running keeps working through a state store outage.
  const confirmed = new Map<string, { owner: string; until: number }>();
  const known = (key: string, owner: string) => { const c = confirmed.get(key); return c !== undefined && c.owner === owner && c.until > now(); };
  function remember(key: string, owner: string): undefined {
    if (!owner.startsWith('s:')) return undefined;
    if (confirmed.size >= 10_000) confirmed.clear();
    confirmed.set(key, { owner, until: now() + o.replayWindowMs });
    return undefined;
  }

  /** Session mode: a jti binds to the first session that used it. Single-use: a jti is good once. */
  async function claim(key: string, sessionId: string | undefined): Promise<AuthResult | undefined> {
    const owner = o.replay === 'session' && sessionId !== undefined ? `s:${sessionId}` : `once:${now()}:${Math.random()}`;
    if (known(key, owner)) return undefined;
    if (await o.store.setIfAbsent(key, owner, o.replayWindowMs)) return remember(key, owner);
    if (o.replay === 'session' && sessionId !== undefined && (await o.store.get(key)) === owner) return remember(key, owner);
    return replayed();
  }

  /** The replay check without binding: free, or already bound to this very session. */
  async function peek(key: string, sessionId: string | undefined): Promise<AuthResult | undefined> {
    if (o.replay === 'session' && sessionId !== undefined && known(key, `s:${sessionId}`)) return undefined;
    const held = await o.store.get(key);
    if (held === undefined || held === null) return undefined;
    if (o.replay === 'session' && sessionId !== undefined && held === `s:${sessionId}`) return remember(key, held);
    return replayed();
  }

  return {
    sessionBound: o.replay === 'session',
    async authenticate(authorization, context) {
      // No header, another scheme, or "Bearer" with nothing after it: no bearer token was sent.
      const [scheme, token, ...rest] = (authorization ?? '').trim().split(/[ ]+/);
      if (scheme?.toLowerCase() !== 'bearer' || !token) return fail('AUTH_REQUIRED', 'bearer token required');
      if (rest.length) return fail('AUTH_INVALID', 'malformed bearer token');
      return verify(token, context.sessionId, context.bind !== false);
    },
    async bind(accepted, sessionId) {
      const key = replayKeys.get(accepted);
      if (!key) return fail('AUTH_INVALID', 'token was not accepted by this authenticator');
      return (await claim(key, sessionId)) ?? accepted;
    },
    metadata: () => ({
      resource: o.resource,
      authorization_servers: o.issuers.map((i) => i.issuer),
      scopes_supported: [...o.scopesSupported],
      bearer_methods_supported: ['header'],
      ...(o.resourceName !== undefined && { resource_name: o.resourceName }),
    }),
  };
}

function scopesOf(p: JWTPayload): string[] | undefined {
  if (typeof p['scope'] === 'string') return p['scope'].split(' ').filter(Boolean);
  if (p['scope'] !== undefined) return undefined;
  const scp = p['scp'];
  if (scp === undefined) return [];
  if (Array.isArray(scp) && scp.every((s) => typeof s === 'string')) return scp as string[];
  if (typeof scp === 'string') return scp.split(' ').filter(Boolean);
  return undefined;
}

function joseReason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim ${err.claim} is missing or invalid`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no trusted key matches the token';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (err instanceof errors.JWKSTimeout) return 'issuer keys could not be fetched in time';
  return 'token could not be verified';
}
