import { scrub as dlpScrub } from '../dlp/scrub.js';

/**
 * A small scrubber for span attributes, log fields and the audit log's redacted
 * arguments: emails, card numbers (Luhn), bearer tokens, JWTs, well-known key
 * prefixes and long secret-looking strings become `[email]`, `[card]`, `[token]`.
 * Deliberately conservative; the DLP detectors (src/dlp) are the full set.
 */
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,4096}\.[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,4096}/g;
const BEARER = /\b(Bearer|Basic)\s{1,8}[A-Za-z0-9._~+/=-]{8,4096}/gi;
const KEY_PREFIX = /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,256}|\bsk-[A-Za-z0-9_-]{16,256}|\bgh[pousr]_[A-Za-z0-9]{20,256}|\bxox[abposr]-[A-Za-z0-9-]{10,256}|\bAKIA[0-9A-Z]{16}\b|\bglpat-[A-Za-z0-9_-]{20,256}/g;
const CARD = /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g;
const LONG_SECRET = /\b[A-Za-z0-9+/_-]{40,512}={0,2}/g;
const SUSPECT = /[@]|eyJ|bearer|basic|sk|pk|rk|gh|xox|AKIA|glpat|\d{4}|[A-Za-z0-9+/_-]{40}/i;

/**
 * The string with PII and secrets masked: the DLP detectors (src/dlp, every type), then
 * the patterns above for what DLP leaves (cards inside words, short bearer and key tokens).
 */
export function scrub(value: string): string {
  // Callers keep at most a few hundred characters: never scan more than this of a hostile value.
  const v = value.length > MAX_SCAN ? `${value.slice(0, MAX_SCAN)}…` : value;
  return scrubBasic(dlpScrub(v));
}

const MAX_SCAN = 2048;

function scrubBasic(value: string): string {
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
    const s = scrub(value);
    return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…[+${s.length - MAX_STRING}]` : s;
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
