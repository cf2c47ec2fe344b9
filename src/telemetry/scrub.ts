/**
 * A small scrubber for span attributes, log fields and the audit log's redacted
 * arguments: emails, card numbers (Luhn), bearer tokens, JWTs, well-known key
 * prefixes and long secret-looking strings become `[email]`, `[card]`, `[token]`.
 * Deliberately conservative; the DLP detectors (src/dlp) are the full set.
 */
// Bounded like the RFC (local part 64, domain 253, label 63): an unbounded `[...]+@` retries
// from every position of a long run without '@', quadratic (100 kB of 'x' took minutes).
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_PREFIX = /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|\bsk-[A-Za-z0-9_-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|\bglpat-[A-Za-z0-9_-]{20,}/g;
const CARD = /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g;
const LONG_SECRET = /\b[A-Za-z0-9+/_-]{40,}={0,2}/g;
const SUSPECT = /[@]|eyJ|bearer|basic|sk|pk|rk|gh|xox|AKIA|glpat|\d{4}|[A-Za-z0-9+/_-]{40}/i;

/**
 * The longest text scanned: a longer string is cut there (`…[+N]` says how much went).
 * The patterns run synchronously on the event loop (log lines, the audit batch), so
 * their cost must not grow with what a caller sends: a 100 kB tool argument once
 * blocked the loop long enough that a stdio server stopped answering.
 */
export const MAX_SCAN = 4096;

/** The string with PII and secrets masked; unchanged strings are returned as they are. */
export function scrub(value: string): string {
  if (value.length > MAX_SCAN) return `${scrub(value.slice(0, MAX_SCAN))}…[+${value.length - MAX_SCAN}]`;
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
/** What scrubValue scans of a string: enough that a secret crossing the cut at MAX_STRING is still seen whole. */
const VALUE_WINDOW = 1024;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;

/**
 * A JSON value with every string scrubbed and truncated, arrays and objects capped
 * (depth 6, 50 items): what the audit log keeps of a call's arguments.
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    const dropped = Math.max(0, value.length - VALUE_WINDOW);
    const s = scrub(dropped ? value.slice(0, VALUE_WINDOW) : value);
    return s.length + dropped > MAX_STRING ? `${s.slice(0, MAX_STRING)}…[+${s.length - MAX_STRING + dropped}]` : s;
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
