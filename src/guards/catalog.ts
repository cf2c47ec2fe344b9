import { allow, deny } from '../core/decision.js';
import type { Invocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';

/** The text every unknown (or hidden) tool answers with: one text, so denials cannot enumerate tools. */
export const UNKNOWN_TOOL = 'unknown tool';

/**
 * The first stage: a call to a tool this server does not serve is NOT_FOUND, and so
 * is a call through another MCP surface than the entry's (tools/call cannot reach a
 * gateway prompt or resource entry, nor prompts/get a tool): no side path.
 */
export function catalog(): Guard<Invocation> {
  return {
    name: 'catalog',
    check(inv) {
      return inv.tool.placeholder || (inv.tool.surface ?? 'tool') !== (inv.surface ?? 'tool') ? deny('NOT_FOUND', UNKNOWN_TOOL) : allow();
    },
  };
}
