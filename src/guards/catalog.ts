import { allow, deny } from '../core/decision.js';
import type { Guard } from '../core/pipeline.js';

/** The first stage: a call to a tool this server does not serve is NOT_FOUND. */
export function catalog(): Guard {
  return {
    name: 'catalog',
    check(inv) {
      return inv.tool.placeholder ? deny('catalog', 'NOT_FOUND', 'unknown tool') : allow('catalog');
    },
  };
}
