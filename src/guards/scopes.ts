import { allow, deny } from '../core/decision.js';
import type { Guard } from '../core/pipeline.js';
import { mayReach, resolveScope, scopePrefix } from '../core/tool.js';

/**
 * Purpose scopes, before the schema: the principal must hold a grant in the tool's
 * scope family (`orders.read`, or some `flags.write:<env>`), so a caller without
 * one learns nothing about the tool's arguments.
 */
export function scopes(): Guard {
  return {
    name: 'scopes',
    check(inv) {
      if (mayReach(inv.principal, inv.tool)) return allow('scopes');
      const { prefix, exact } = scopePrefix(inv.tool.scope);
      const needed = exact ? prefix : inv.tool.scope;
      return deny('scopes', 'SCOPE_MISSING', `missing purpose grant ${needed} for tool ${inv.tool.name}`, { details: { scope: needed } });
    },
  };
}

/** Purpose scopes, after the schema: the exact grant for these arguments (`flags.write:prod`). */
export function qualifiedScopes(): Guard {
  return {
    name: 'scopes.qualified',
    check(inv) {
      if (scopePrefix(inv.tool.scope).exact) return allow('scopes.qualified');
      const needed = resolveScope(inv.tool.scope, inv.args);
      if (needed !== undefined && inv.principal.grants.includes(needed)) return allow('scopes.qualified');
      const name = needed ?? inv.tool.scope;
      return deny('scopes.qualified', 'SCOPE_MISSING', `missing purpose grant ${name} for tool ${inv.tool.name}`, { details: { scope: name } });
    },
  };
}
