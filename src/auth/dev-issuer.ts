import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';

export const DEV_ISSUER = 'urn:palisade:dev-issuer';
const ALG = 'EdDSA';

export interface MintClaims {
  readonly sub: string;
  readonly tenant: string;
  readonly region?: string;
  readonly scopes: readonly string[];
  readonly ttlSeconds?: number;
  readonly audience: string;
  readonly actorType?: string;
}

/** The development token issuer: an Ed25519 key generated into `<dataDir>/keys/` on first use. */
export interface DevIssuer {
  readonly issuer: string;
  readonly publicJwks: JSONWebKeySet;
  mint(claims: MintClaims): Promise<string>;
}

/**
 * Loads the development issuer key, or generates it (mode 0600, never committed:
 * the data directory is git-ignored). Tokens carry `typ: at+jwt`, a fresh `jti`,
 * `iat`/`nbf`/`exp`, the scopes as a space-separated `scope`, and tenant/region/act claims.
 */
export async function loadOrCreateDevIssuer(dataDir: string, options: { now?: () => number } = {}): Promise<DevIssuer> {
  const now = options.now ?? Date.now;
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'dev-issuer.jwk.json');
  let priv: JWK;
  try {
    priv = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(privateKey);
    jwk.kid = await calculateJwkThumbprint(jwk);
    jwk.alg = ALG;
    try {
      writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
      priv = jwk;
    } catch {
      // Another process created it first: use theirs so every token verifies.
      priv = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    }
  }
  const { d: _d, ...pub } = priv;
  const key = await importJWK(priv, ALG);
  return {
    issuer: DEV_ISSUER,
    publicJwks: { keys: [{ ...pub, use: 'sig' }] },
    async mint(c) {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({
        scope: c.scopes.join(' '),
        tenant_id: c.tenant,
        ...(c.region !== undefined && { region: c.region }),
        act: c.actorType ?? 'agent',
      })
        .setProtectedHeader({ alg: ALG, kid: priv.kid!, typ: 'at+jwt' })
        .setIssuer(DEV_ISSUER)
        .setSubject(c.sub)
        .setAudience(c.audience)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + (c.ttlSeconds ?? 600))
        .setJti(randomUUID())
        .sign(key);
    },
  };
}
