import pino from 'pino';

/** Logs go to stderr (stdout carries the MCP protocol on stdio); secrets are redacted by path. */
export function createLogger(level = process.env['PALISADE_LOG_LEVEL'] ?? 'info') {
  return pino(
    {
      level,
      base: { svc: 'palisade' },
      redact: {
        paths: ['authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'args', '*.args'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export type PalisadeLogger = ReturnType<typeof createLogger>;
