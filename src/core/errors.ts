import type { Code } from './codes.js';
import type { Deny } from './decision.js';

/**
 * A denial raised from inside a handler or a backend (e.g. `NOT_FOUND`), where
 * returning a Decision is not possible. The pipeline turns it into a DENY result.
 */
export class DenyError extends Error {
  readonly code: Code;
  readonly details: Deny['details'];
  constructor(code: Code, message: string, details?: Deny['details']) {
    super(message);
    this.name = 'DenyError';
    this.code = code;
    this.details = details;
  }
}

/** A fault with a stable code (e.g. `UPSTREAM_ERROR`); answered as `ERROR: ...`. */
export class FaultError extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultError';
    this.code = code;
  }
}

/** A configuration problem: the file, the path inside it and the reason. Exit code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
