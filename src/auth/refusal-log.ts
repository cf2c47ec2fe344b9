import type { Authenticator } from './verify.js';

/** The logger shape the wrapper needs (pino fits). */
export interface AuthLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Logs every refused token server-side with the audience this server expects,
 * so an operator can tell "token minted for another port" from a forgery. The
 * caller's 401 is unchanged: the expected audience is configuration and is not
 * sent back. A missing token is the first step of OAuth discovery, so it logs at
 * debug only. Nothing from the token itself is logged.
 */
export function logRefusals(auth: Authenticator, logger: AuthLogger, expectedAudience: string): Authenticator {
  return {
    ...auth,
    async authenticate(authorization, context) {
      const r = await auth.authenticate(authorization, context);
      if (!r.ok) {
        const fields = { code: r.code, reason: r.message, expectedAudience };
        if (r.code === 'AUTH_REQUIRED') logger.debug(fields, 'bearer token missing');
        else logger.warn(fields, 'bearer token refused');
      }
      return r;
    },
  };
}
