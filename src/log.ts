import pino from 'pino';
import { scrub } from './dlp/scrub.js';
import { scrubValue } from './telemetry/scrub.js';

/**
 * Logs go to stderr (stdout carries the MCP protocol on stdio) as JSON lines carrying the
 * call's `traceId`. Two layers keep secrets out: known secret-bearing paths are censored,
 * and every argument of every line goes through the DLP scrubber, so a token or personal
 * value in a message, a field or an error's stack is masked before pino serialises it.
 */
export function createLogger(level = process.env['PALISADE_LOG_LEVEL'] ?? 'info', destination: pino.DestinationStream = pino.destination({ fd: 2, sync: true })) {
  return pino(
    {
      level,
      base: { svc: 'palisade' },
      redact: {
        paths: ['authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'args', '*.args'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          // DLP detectors first (validated PII and tokens), then the span scrubber's credential shapes (Bearer, key=value).
          method.apply(this, args.map((a) => scrubValue(scrub(a))) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export type PalisadeLogger = ReturnType<typeof createLogger>;
