import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Principal } from '../core/principal.js';
import { mayReach, resolveScope } from '../core/tool.js';
import type { Palisade } from '../palisade.js';
import { bearerChallenge, refuse, type Refusal } from './http-errors.js';

/**
 * What the HTTP edge needs from an authenticator. Structural, so the JWT
 * authenticator of src/auth (or a stub in tests) plugs in without this file
 * importing it.
 */
export type EdgeAuthResult =
  | { ok: true; principal: Principal; token: { jti: string; exp: number; scopes: string[]; sub: string } }
  | { ok: false; code: 'AUTH_REQUIRED' | 'AUTH_INVALID' | 'AUTH_REPLAY'; message: string };

export interface EdgeAuthenticator {
  authenticate(authorization: string | undefined, context: { sessionId: string | undefined }): Promise<EdgeAuthResult>;
  metadata(): { resource: string; authorization_servers: string[]; scopes_supported: string[]; bearer_methods_supported: string[] };
}

/** 401 for a failed authentication, with the RFC 6750 / RFC 9728 challenge. */
export function authRefusal(r: Extract<EdgeAuthResult, { ok: false }>, resourceMetadata: string): Refusal {
  const challenge = bearerChallenge({ resourceMetadata, ...(r.code !== 'AUTH_REQUIRED' && { error: 'invalid_token' }) });
  return refuse(401, r.code, safeMessage(r.message, r.code), { headers: { 'WWW-Authenticate': challenge } });
}

/** RFC 6750 scope-token characters only: anything else is never put in a header. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/**
 * The grant a tools/call needs that the token lacks, judged before the SDK sees
 * the call, so the edge can answer 403 insufficient_scope (MCP authorization
 * spec) and a client can step up. A grant qualified by an argument
 * (`flags.write:{env}`) is only judged on arguments that pass the tool's schema:
 * otherwise the pipeline answers, with INVALID_PARAMS, and no attacker-chosen
 * value ever reaches a header.
 */
export function scopeRefusal(palisade: Palisade, principal: Principal, calls: readonly { name: string; args: unknown }[], resourceMetadata: string): Refusal | undefined {
  for (const call of calls) {
    const needed = palisade.missingScope(principal, call.name, call.args);
    if (needed === undefined) continue;
    const tool = palisade.tools.get(call.name);
    if (!tool) continue;
    let scope = needed;
    if (mayReach(principal, tool)) {
      const v = tool.input.validate(call.args ?? {});
      if (!v.ok) continue;
      const resolved = resolveScope(tool.scope, v.value);
      if (resolved === undefined || principal.grants.includes(resolved)) continue;
      scope = resolved;
    }
    const challenge = bearerChallenge({ resourceMetadata, error: 'insufficient_scope', ...(SCOPE_TOKEN.test(scope) && { scope }) });
    return refuse(403, 'SCOPE_MISSING', 'the token lacks the grant this tool call needs', { headers: { 'WWW-Authenticate': challenge } });
  }
  return undefined;
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
