import { allow } from '../core/decision.js';
import type { Guard } from '../core/pipeline.js';

/** Tool-owned rules (e.g. the prod change ticket rule of flag.set), at the policy stage. */
export function toolRules(): Guard {
  return {
    name: 'rules',
    async check(inv) {
      return inv.tool.rules ? inv.tool.rules(inv.args, inv) : allow();
    },
  };
}
