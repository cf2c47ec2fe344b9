import pino from 'pino';
import { scrub } from './dlp/scrub.js';
import { scrubValue } from './telemetry/scrub.js';

/** Lines wait at most this long in the buffer of a quiet server. */
const FLUSH_MS = 100;

/**
 * stderr, asynchronous and batched: under load lines leave in writes of at least 4 KiB
 * (one syscall per line was most of a line's cost), a quiet server's lines within
 * FLUSH_MS, and pino writes the rest synchronously when the process exits.
 */
function stderrBatched(): pino.DestinationStream {
  const dest = pino.destination({ fd: 2, sync: false, minLength: 4096 });
  let dirty = false;
  const write = dest.write.bind(dest);
  dest.write = (line: string) => { dirty = true; return write(line); };
  const timer = setInterval(() => {
    if (!dirty || (dest as unknown as { destroyed?: boolean }).destroyed) return;
    dirty = false;
    dest.flush();
  }, FLUSH_MS);
  timer.unref();
  dest.on('close', () => clearInterval(timer));
  return dest;
}

/**
 * Logs go to stderr (stdout carries the MCP protocol on stdio) as JSON lines carrying the
 * call's `traceId`. Two layers keep secrets out: known secret-bearing paths are censored,
 * and every argument of every line goes through the DLP scrubber, so a token or personal
 * value in a message, a field or an error's stack is masked before pino serialises it.
 *
 * Lines are written asynchronously and batched (a line per call must not block the call
 * path on a slow stderr pipe); pino flushes them synchronously when the process exits,
 * and `flushLogger` drains them on a clean shutdown.
 */
export function createLogger(level = process.env['PALISADE_LOG_LEVEL'] ?? 'info', destination: pino.DestinationStream = stderrBatched()) {
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

/** Writes out what the logger still holds (a clean shutdown); never throws. */
export function flushLogger(logger: { flush?: (cb?: (err?: Error) => void) => void }): Promise<void> {
  return new Promise((resolve) => {
    if (typeof logger.flush !== 'function') return resolve();
    try { logger.flush(() => resolve()); } catch { resolve(); }
  });
}
