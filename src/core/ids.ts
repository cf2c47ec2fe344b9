import { randomFillSync } from 'node:crypto';

/** 16-byte ids drawn per refill: one CSPRNG call feeds this many calls. */
const PER_REFILL = 256;
const pool = Buffer.allocUnsafe(16 * PER_REFILL);
let offset = pool.length;
/** The pool as hex, encoded once per refill. */
let hex = '';
const ZERO = '0'.repeat(32);

/**
 * A W3C trace id (32 lower-case hex, never all zeros) from the CSPRNG. The bytes are
 * drawn a few kilobytes at a time: one `randomBytes(16)` per call cost about 6% of an
 * in-process call (issue 14), and a trace id needs randomness, not a syscall each time.
 */
export function newTraceId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    hex = pool.toString('hex'); // one encode per refill; each id is then a substring
    offset = 0;
  }
  const id = hex.slice(offset * 2, offset * 2 + 32);
  offset += 16;
  return id === ZERO ? newTraceId() : id;
}
