import type { Outcome } from './decision.js';

/** The MCP `CallToolResult` an outcome becomes (plain data; transports send it as is). */
export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

export const REPLAY_META_KEY = 'palisade/idempotent-replay';

/** Denials read `DENY: <reason>`, faults `ERROR: <reason>`; both carry `{ code, message }`. */
export function toToolResult(outcome: Outcome): ToolResult {
  switch (outcome.kind) {
    case 'ok': {
      const { text, structuredContent, meta } = outcome.result;
      if (!outcome.replayed) return { content: [{ type: 'text', text }], structuredContent, ...(meta && { _meta: { ...meta } }) };
      const replayText = text.startsWith('OK') ? `OK (idempotent)${text.slice(2)}` : `OK (idempotent): ${text}`;
      return { content: [{ type: 'text', text: replayText }], structuredContent, _meta: { ...meta, [REPLAY_META_KEY]: true } };
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
