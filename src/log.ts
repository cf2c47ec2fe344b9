import pino from 'pino';
import { scrub } from './telemetry/scrub.js';

/**
 * Logs go to stderr (stdout carries the MCP protocol on stdio) as JSON lines carrying the
 * call's `traceId`; secrets are redacted by path, and string fields are scrubbed of
 * emails, card numbers and tokens (a principal id or tool name can carry them).
 */
export function createLogger(level = process.env['PALISADE_LOG_LEVEL'] ?? 'info') {
  return pino(
    {
      level,
      base: { svc: 'palisade' },
      redact: {
        paths: ['authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'args', '*.args'],
        censor: '[redacted]',
      },
      formatters: { log: scrubFields },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** Top-level string fields scrubbed; nested objects are the redact paths' business. */
export function scrubFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = typeof v === 'string' ? scrub(v) : v;
  return out;
}

export type PalisadeLogger = ReturnType<typeof createLogger>;
