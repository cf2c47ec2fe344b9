import { allow, deny } from '../core/decision.js';
import type { Invocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';

/** The text every unknown (or hidden) tool answers with: one text, so denials cannot enumerate tools. */
export const UNKNOWN_TOOL = 'unknown tool';

/** The first stage: a call to a tool this server does not serve is NOT_FOUND. */
export function catalog(): Guard<Invocation> {
  return {
    name: 'catalog',
    check(inv) {
      return inv.tool.placeholder ? deny('NOT_FOUND', UNKNOWN_TOOL) : allow();
    },
  };
}
