import { renderer } from './modes.js';
import { redactText } from './text.js';

const MAX_DEPTH = 8;
const r = renderer();

/**
 * Log-line scrubber: every token, key and personal value (all detector types) in a
 * string, object, array or Error is masked; other values pass through untouched and
 * unchanged objects are not copied. Used by the logger on every line.
 *
 * @example scrub({ msg: 'token ghp_...' }) // { msg: 'token [redacted:github_token]' }
 */
export function scrub<T>(value: T): T {
  return scrubAny(value, 0) as T;
}

function scrubAny(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return redactText(v, 'mask', r).text;
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return '[redacted:depth]';
  if (v instanceof Error) return scrubError(v, depth);
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    v.forEach((x, i) => { const y = scrubAny(x, depth + 1); if (y !== x) { copy ??= v.slice(); copy[i] = y; } });
    return copy ?? v;
  }
  if (v instanceof Date || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  let copy: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const y = scrubAny(x, depth + 1);
    if (y !== x) { copy ??= { ...(v as Record<string, unknown>) }; copy[k] = y; }
  }
  return copy ?? v;
}

/** A copy of the error (pino still serialises it as `err`) with message, stack and own fields scrubbed. */
function scrubError(e: Error, depth: number): Error {
  const message = scrubAny(e.message, depth) as string;
  const stack = typeof e.stack === 'string' ? (scrubAny(e.stack, depth) as string) : undefined;
  if (message === e.message && stack === e.stack && Object.keys(e).length === 0) return e;
  const copy = new Error(message);
  copy.name = e.name;
  if (stack !== undefined) copy.stack = stack;
  for (const [k, x] of Object.entries(e)) (copy as unknown as Record<string, unknown>)[k] = scrubAny(x, depth + 1);
  return copy;
}
