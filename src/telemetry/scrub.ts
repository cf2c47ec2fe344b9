/**
 * A small scrubber for span attributes, log fields and the audit log's redacted
 * arguments: emails, card numbers (Luhn), bearer tokens, JWTs, well-known key
 * prefixes and long secret-looking strings become `[email]`, `[card]`, `[token]`.
 * Deliberately conservative; the DLP detectors (src/dlp) are the full set.
 */
// Bounded (RFC 5321 lengths): an unbounded `+` before `@` backtracks quadratically on a long run without one.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_PREFIX = /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|\bsk-[A-Za-z0-9_-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|\bglpat-[A-Za-z0-9_-]{20,}/g;
const CARD = /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g;
const LONG_SECRET = /\b[A-Za-z0-9+/_-]{40,}={0,2}/g;
const SUSPECT = /[@]|eyJ|bearer|basic|sk|pk|rk|gh|xox|AKIA|glpat|\d{4}|[A-Za-z0-9+/_-]{40}/i;

/** The string with PII and secrets masked; unchanged strings are returned as they are. */
export function scrub(value: string): string {
  if (!SUSPECT.test(value)) return value;
  return value
    .replace(JWT, '[token]')
    .replace(BEARER, '$1 [token]')
    .replace(KEY_PREFIX, '[token]')
    .replace(EMAIL, '[email]')
    .replace(CARD, (m) => (luhn(m.replace(/[ -]/g, '')) ? '[card]' : m))
    .replace(LONG_SECRET, '[token]');
}

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

const MAX_STRING = 256;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/**
 * A JSON value with every string scrubbed and truncated, arrays and objects capped
 * (depth 6, 50 items): what the audit log keeps of a call's arguments.
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    // Only what is kept is scrubbed (with a margin, so a secret cut at the edge is still caught):
    // scrubbing a megabyte argument first would cost the event loop for nothing.
    const s = scrub(value.length > MAX_STRING * 2 ? value.slice(0, MAX_STRING * 2) : value);
    return value.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…[+${value.length - MAX_STRING}]` : s;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return Number.isNaN(value) ? null : value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const out = value.slice(0, MAX_ITEMS).map((v) => scrubValue(v, depth + 1));
    if (value.length > MAX_ITEMS) out.push(`[+${value.length - MAX_ITEMS} items]`);
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (n++ >= MAX_ITEMS) { out['…'] = `[+${Object.keys(value as object).length - MAX_ITEMS} fields]`; break; }
      Object.defineProperty(out, scrub(k).slice(0, 64), { value: scrubValue(v, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}
