import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AuthResult } from '../core/auth.js';

type Verified = Extract<AuthResult, { ok: true }>;

/**
 * A session's verified bearer token: the verdict is kept with the session so the
 * next requests of that session skip signature verification and the jti lookup.
 * Only the SHA-256 of the header is kept (never the token), compared in constant time.
 * It holds until the token's own `exp`, without the clock-skew grace the verifier
 * allows. What can change while a token lives is not cached: kill switches, scopes
 * against the catalog and every other guard run on each call in the pipeline.
 */
export interface CachedToken {
  readonly digest: Buffer;
  readonly verdict: Verified;
  readonly untilMs: number;
  /** The SDK's AuthInfo for this verdict, built once (it holds no token). */
  readonly authInfo: AuthInfo;
}

// One-shot `crypto.hash` (Node >= 20.12) skips the Hash object createHash builds on every request
// (issue 14); the same SHA-256 either way.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
const digestOf = oneShot
  ? (authorization: string) => oneShot('sha256', authorization, 'buffer')
  : (authorization: string) => createHash('sha256').update(authorization).digest();

export function cacheToken(authorization: string, verdict: Verified, authInfo: AuthInfo): CachedToken {
  return { digest: digestOf(authorization), verdict, untilMs: verdict.token.exp * 1000, authInfo };
}

/** The cached verdict when this request carries the very same header and the token has not expired. */
export function cachedVerdict(cached: CachedToken | undefined, authorization: string | undefined, nowMs: number): Verified | undefined {
  if (!cached || authorization === undefined || nowMs >= cached.untilMs) return undefined;
  return timingSafeEqual(cached.digest, digestOf(authorization)) ? cached.verdict : undefined;
}
