import { allow, deny } from '../core/decision.js';
import type { Invocation } from '../core/invocation.js';
import type { Principal } from '../core/principal.js';
import type { Tool } from '../core/tool.js';
import type { Guard } from '../core/pipeline.js';
import { familyName, holds, resolveScope, scopePrefix } from '../core/scopes.js';
import { mayReach } from '../core/tool.js';
import { UNKNOWN_TOOL } from './catalog.js';

export interface ScopesOptions {
  /**
   * false (default): a tool the principal holds no grant for is hidden; calling it
   * answers exactly like an unknown tool (NOT_FOUND), so denials cannot enumerate tools.
   * true (`auth.step_up`): every tool is listed and the call answers SCOPE_MISSING naming
   * the grant (HTTP 403 insufficient_scope), so a client can ask for it.
   */
  readonly stepUp?: boolean;
}

/**
 * Purpose scopes, before the schema: the principal must hold a grant in the tool's
 * scope family (`orders.read`, or some `flags.write:<env>`), so a caller without
 * one learns nothing about the tool's arguments.
 */
export function scopes(options: ScopesOptions = {}): Guard<Invocation> {
  const stepUp = options.stepUp ?? false;
  return {
    name: 'scopes',
    check(inv) {
      if (mayReach(inv.principal, inv.tool)) return allow();
      if (!stepUp) return deny('NOT_FOUND', UNKNOWN_TOOL);
      const needed = concreteScope(inv) ?? familyName(inv.tool.scope);
      return deny('SCOPE_MISSING', `missing purpose grant ${needed} for tool ${inv.tool.name}`, { details: { scope: needed } });
    },
  };
}

/**
 * Under step-up every tool and its schema are public, so naming the exact grant a
 * call needs (`flags.write:prod`, not the template) leaks nothing: it is resolved
 * only from arguments that pass the tool's schema, never from raw caller text.
 */
function concreteScope(inv: Invocation): string | undefined {
  if (scopePrefix(inv.tool.scope).exact) return undefined;
  const v = inv.tool.input.validate(inv.input ?? {});
  return v.ok ? resolveScope(inv.tool.scope, v.value) : undefined;
}

/** Purpose scopes, after the schema: the exact grant for these arguments (`flags.write:prod`). */
export function qualifiedScopes(): Guard {
  return {
    name: 'scopes.qualified',
    check(inv) {
      if (scopePrefix(inv.tool.scope).exact) return allow();
      const needed = resolveScope(inv.tool.scope, inv.args);
      if (needed !== undefined && holds(inv.principal, needed)) return allow();
      const name = needed ?? inv.tool.scope;
      return deny('SCOPE_MISSING', `missing purpose grant ${name} for tool ${inv.tool.name}`, { details: { scope: name } });
    },
  };
}

/**
 * Whether the scopes stages could answer SCOPE_MISSING for this principal and tool.
 * False exactly when the tool's scope is a fixed grant the principal holds: then
 * `scopes` allows and `scopes.qualified` has nothing to resolve. The HTTP edge asks
 * this before its preflight (whose only answer it acts on is SCOPE_MISSING), so a
 * call that cannot need step-up is not judged twice (issue 14).
 */
export function mayAnswerScopeMissing(principal: Principal, tool: Tool): boolean {
  return !scopePrefix(tool.scope).exact || !mayReach(principal, tool);
}
