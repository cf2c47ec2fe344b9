import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { FaultError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { UpstreamConfig } from './config.js';

/** Headers Palisade presents to an upstream for one call. The caller's token is never among them. */
export type UpstreamCredentials = (caller: Principal | undefined) => Promise<Record<string, string>>;

export interface IdentityDeps {
  readonly secret: (name: string) => Promise<string>;
  /** An egress-checked fetch for the token endpoint (its host, its listed addresses only). */
  readonly fetchFor: (url: string, allowAddresses: readonly string[]) => typeof fetch;
  /** Signs the subject assertion of a token exchange (Palisade's own key, never the caller's token). */
  readonly assertionKey: KeyObject | string;
  readonly issuer: string;
  readonly now?: () => number;
}

interface Cached { token: string; until: number }

/**
 * The upstream's own identity: none, a static secret, OAuth client credentials, or an
 * RFC 8693 token exchange that gives the upstream a token for the caller's subject
 * with that upstream as audience. Tokens are cached until shortly before expiry.
 */
export function upstreamCredentials(name: string, auth: UpstreamConfig['auth'], deps: IdentityDeps): UpstreamCredentials {
  const now = deps.now ?? Date.now;
  if (auth === 'none') return async () => ({});
  if ('static' in auth) {
    const s = auth.static;
    return async () => ({ [s.header]: s.scheme ? `${s.scheme} ${await deps.secret(s.secret)}` : await deps.secret(s.secret) });
  }
  const cache = new Map<string, Cached>();
  const key = typeof deps.assertionKey === 'string' ? createPrivateKey(deps.assertionKey) : deps.assertionKey;

  async function tokenRequest(url: string, allow: readonly string[], clientId: string, secretName: string, form: Record<string, string>): Promise<Cached> {
    const secret = await deps.secret(secretName);
    const f = deps.fetchFor(url, allow);
    let res: Response;
    try {
      res = await f(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      if (err instanceof FaultError) throw new FaultError('UPSTREAM_ERROR', `upstream ${name}: the token endpoint could not be reached`);
      throw err;
    }
    const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (!res.ok || typeof body.access_token !== 'string' || body.access_token.length > 16_384) {
      throw new FaultError('UPSTREAM_ERROR', `upstream ${name}: the token endpoint refused (${res.status})`);
    }
    const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
    return { token: body.access_token, until: now() + Math.max(0, ttl - 30) * 1000 };
  }

  if ('client_credentials' in auth) {
    const c = auth.client_credentials;
    return async () => {
      let hit = cache.get('');
      if (!hit || hit.until <= now()) {
        hit = await tokenRequest(c.token_url, c.allow_addresses, c.client_id, c.client_secret, {
          grant_type: 'client_credentials', ...(c.scope && { scope: c.scope }), ...(c.audience && { audience: c.audience }),
        });
        cache.set('', hit);
      }
      return { Authorization: `Bearer ${hit.token}` };
    };
  }
  const x = auth.token_exchange;
  return async (caller) => {
    if (!caller) {
      // Gateway's own requests (listing tools at start, drift checks) act as Palisade itself: client credentials.
      let own = cache.get('');
      if (!own || own.until <= now()) {
        own = await tokenRequest(x.token_url, x.allow_addresses, x.client_id, x.client_secret, { grant_type: 'client_credentials', audience: x.audience, ...(x.scope && { scope: x.scope }) });
        cache.set('', own);
      }
      return { Authorization: `Bearer ${own.token}` };
    }
    const k = JSON.stringify([caller.tenant, caller.id]);
    let hit = cache.get(k);
    if (!hit || hit.until <= now()) {
      // The subject token is Palisade's own short-lived assertion of who is calling: the caller's bearer token stays here.
      const assertion = await new SignJWT({ tenant_id: caller.tenant, act: { sub: deps.issuer } })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
        .setIssuer(deps.issuer).setSubject(caller.id).setAudience(x.token_url)
        .setIssuedAt(Math.floor(now() / 1000)).setExpirationTime(Math.floor(now() / 1000) + 60).setJti(crypto.randomUUID())
        .sign(key);
      hit = await tokenRequest(x.token_url, x.allow_addresses, x.client_id, x.client_secret, {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: assertion,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: x.audience,
        ...(x.scope && { scope: x.scope }),
      });
      cache.set(k, hit);
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    }
    return { Authorization: `Bearer ${hit.token}` };
  };
}
