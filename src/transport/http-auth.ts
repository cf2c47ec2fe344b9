import type { AuthResult, Authenticator } from '../core/auth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Principal } from '../core/principal.js';
import { bearerChallenge, refuse, type Refusal } from './http-errors.js';

/** The edge speaks the one authenticator shape of core/auth.ts. */
export type EdgeAuthResult = AuthResult;
export type EdgeAuthenticator = Authenticator;

/** 401 for a failed authentication, with the RFC 6750 / RFC 9728 challenge. */
export function authRefusal(r: Extract<EdgeAuthResult, { ok: false }>, resourceMetadata: string): Refusal {
  const challenge = bearerChallenge({ resourceMetadata, ...(r.code !== 'AUTH_REQUIRED' && { error: 'invalid_token' }) });
  return refuse(r.code, safeMessage(r.message, r.code), { headers: { 'WWW-Authenticate': challenge } });
}

/** The SDK's AuthInfo for a verified token; the raw token is not kept (it is never forwarded). */
export function authInfoFor(ok: Extract<EdgeAuthResult, { ok: true }>, resource: string): AuthInfo {
  return {
    token: '',
    clientId: ok.token.sub,
    scopes: ok.token.scopes,
    expiresAt: ok.token.exp,
    resource: new URL(resource),
    extra: { principal: ok.principal, jti: ok.token.jti },
  };
}

/** The principal the edge put into AuthInfo; createMcpServer reads it per request. */
export function principalFromAuthInfo(info: AuthInfo | undefined): Principal | undefined {
  const p = info?.extra?.['principal'];
  return p !== null && typeof p === 'object' ? (p as Principal) : undefined;
}

const MESSAGES = {
  AUTH_REQUIRED: 'a bearer token is required',
  AUTH_INVALID: 'the bearer token is not valid for this resource',
  AUTH_REPLAY: 'the bearer token was already used on another session',
} as const;

/** The authenticator's message when it is short plain text, else a fixed one: nothing odd reaches the client. */
function safeMessage(message: string, code: keyof typeof MESSAGES): string {
  return typeof message === 'string' && message.length <= 200 && /^[\x20-\x7E]*$/.test(message) && message.length > 0 ? message : MESSAGES[code];
}

/**
 * `auth.mode: none` (development, loopback only): every request acts as one
 * configured principal. Never used when a token issuer is configured.
 */
export function staticAuthenticator(principal: Principal, resource: string): EdgeAuthenticator {
  return {
    async authenticate() {
      return { ok: true, principal, token: { jti: 'none', sub: principal.id, exp: Math.floor(Date.now() / 1000) + 600, scopes: [...principal.grants] } };
    },
    metadata: () => ({ resource, authorization_servers: [], scopes_supported: [...principal.grants], bearer_methods_supported: ['header'] }),
  };
}
