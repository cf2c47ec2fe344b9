import { allow, deny } from '../core/decision.js';
import type { Guard } from '../core/pipeline.js';

/** Strict input schema: undeclared fields -> UNKNOWN_FIELD, other violations -> INVALID_PARAMS. */
export function schema(): Guard {
  return {
    name: 'schema',
    check(inv) {
      const args: unknown = inv.args;
      if (args === null || typeof args !== 'object' || Array.isArray(args)) {
        return deny('schema', 'INVALID_PARAMS', 'arguments must be a JSON object');
      }
      const r = inv.tool.input.validate(args);
      if (r.ok) return allow('schema', { args: r.value });
      return deny('schema', r.code, r.message, { details: { field: r.path } });
    },
  };
}
