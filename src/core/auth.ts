import type { Principal } from './principal.js';

export type AuthCode = 'AUTH_REQUIRED' | 'AUTH_INVALID' | 'AUTH_REPLAY';

/** The one authentication result every edge and authenticator speaks. */
export type AuthResult =
  | { ok: true; principal: Principal; token: { jti: string; exp: number; scopes: string[]; sub: string } }
  | { ok: false; code: AuthCode; message: string };

/** RFC 9728 protected-resource metadata. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
}

/** Judges a bearer token: the JWT authenticator of src/auth, or the static one of `auth.mode: none`. */
export interface Authenticator {
  /**
   * `authorization`: the raw header. `sessionId`: the MCP session the request names.
   * `bind: false` judges the token (a jti already bound to another session is
   * AUTH_REPLAY) without binding it to anything: the edge binds with `bind()` only
   * once a session really exists, so a refused request consumes nothing.
   */
  authenticate(authorization: string | undefined, context: { sessionId: string | undefined; bind?: boolean }): Promise<AuthResult>;
  /** Binds the jti of a token this authenticator just accepted to a session that now exists; absent: nothing to bind. */
  bind?(accepted: Extract<AuthResult, { ok: true }>, sessionId: string): Promise<AuthResult>;
  metadata(): ProtectedResourceMetadata;
  /**
   * True when a token accepted on a session stays acceptable on that session until it
   * expires (jti replay mode `session`): the HTTP edge may then keep the verdict with the
   * session instead of verifying the same token on every request. Absent or false (e.g.
   * `single-use`): every request is verified in full.
   */
  readonly sessionBound?: boolean;
}
