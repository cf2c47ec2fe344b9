import { allow, deny } from '../core/decision.js';
import type { Invocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';

/**
 * Strict input schema: undeclared fields -> UNKNOWN_FIELD, other violations ->
 * INVALID_PARAMS. The only stage that turns raw input into validated arguments.
 */
export function schema(): Guard<Invocation> {
  return {
    name: 'schema',
    check(inv) {
      const args = inv.input;
      if (args === null || typeof args !== 'object' || Array.isArray(args)) {
        return deny('INVALID_PARAMS', 'arguments must be a JSON object', { details: { field: '(arguments)' } });
      }
      const r = inv.tool.input.validate(args);
      if (r.ok) return allow({ args: r.value });
      return deny(r.code, r.message, { details: { field: r.path } });
    },
  };
}
