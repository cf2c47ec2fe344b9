import type { Principal } from './principal.js';

/**
 * Purpose scopes, in one place. A tool's scope may carry `{field}` placeholders
 * filled from validated arguments (`flags.write:{env}`); before the schema has run
 * only the fixed part before the first placeholder can be judged.
 */
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;

/** The scope with placeholders filled in, or undefined when an argument is missing or not a scalar. */
export function resolveScope(scope: string, args: Record<string, unknown>): string | undefined {
  let missing = false;
  const out = scope.replace(PLACEHOLDER, (_m, field: string) => {
    const v = args[field];
    if (typeof v !== 'string' && typeof v !== 'number') { missing = true; return ''; }
    return String(v);
  });
  return missing ? undefined : out;
}

/** The fixed part of a scope (before the first placeholder); a grant matches it by prefix. */
export function scopePrefix(scope: string): { prefix: string; exact: boolean } {
  const i = scope.indexOf('{');
  return i < 0 ? { prefix: scope, exact: true } : { prefix: scope.slice(0, i), exact: false };
}

/** Does the principal hold a grant in this scope's family (any `flags.write:<env>` for `flags.write:{env}`)? */
export function holdsFamily(principal: Pick<Principal, 'grants'>, scope: string): boolean {
  const { prefix, exact } = scopePrefix(scope);
  return principal.grants.some((g) => (exact ? g === prefix : g.startsWith(prefix) && g.length > prefix.length));
}

/** Does the principal hold exactly this (resolved) grant? */
export function holds(principal: Pick<Principal, 'grants'>, grant: string): boolean {
  return principal.grants.includes(grant);
}

/** The grant to name when a principal lacks the whole family: the fixed part, or the template. */
export function familyName(scope: string): string {
  const { prefix, exact } = scopePrefix(scope);
  return exact ? prefix : scope;
}

/** RFC 6750 scope-token characters only: anything else is never put in a header. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
