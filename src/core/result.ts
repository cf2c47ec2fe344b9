import type { ContentBlock } from './content.js';
import type { Outcome } from './decision.js';

/** The MCP `CallToolResult` an outcome becomes (plain data; transports send it as is). */
export interface ToolResult {
  [key: string]: unknown;
  content: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

export const REPLAY_META_KEY = 'palisade/idempotent-replay';
/** `_meta` key on a result that is third-party content (an untrusted tool's): it taints the session. */
export const UNTRUSTED_META = 'palisade/untrusted';

/** Denials read `DENY: <reason>`, faults `ERROR: <reason>`; both carry `{ code, message }`. */
export function toToolResult(outcome: Outcome): ToolResult {
  switch (outcome.kind) {
    case 'ok': {
      const { content, structuredContent, meta, isError } = outcome.result;
      const base = { ...(structuredContent && { structuredContent }), ...(isError && { isError: true }) };
      if (!outcome.replayed) return { content: [...content], ...base, ...(meta && { _meta: { ...meta } }) };
      return { content: content.map(markReplay), ...base, _meta: { ...meta, [REPLAY_META_KEY]: true } };
    }
    case 'denied': {
      const { code, message, retryAfterMs, details } = outcome.deny;
      return {
        isError: true,
        content: [{ type: 'text', text: `DENY: ${message}` }],
        structuredContent: { code, message, ...(retryAfterMs !== undefined && { retryAfterMs }), ...(details && { details }) },
      };
    }
    case 'fault':
      return {
        isError: true,
        content: [{ type: 'text', text: `ERROR: ${outcome.message}` }],
        structuredContent: { code: outcome.code, message: outcome.message },
      };
  }
}

/** The first text block of a replayed answer says so, for humans reading a transcript. */
function markReplay(block: ContentBlock, i: number): ContentBlock {
  if (i !== 0 || block.type !== 'text') return block;
  const text = block.text;
  return { ...block, text: text.startsWith('OK') ? `OK (idempotent)${text.slice(2)}` : `OK (idempotent): ${text}` };
}
