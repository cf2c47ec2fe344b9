import { ALNUM, CT, LOWER, UPPER } from '../chars.js';
import type { Finding } from '../types.js';

const T = CT;
const isAlnum = (c: number) => c < 128 && (T[c]! & ALNUM) !== 0;
const isLocal = (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45; // . _ % + -
const isDomain = (c: number) => isAlnum(c) || c === 46 || c === 45;

/** Top-level names that are file extensions (`icon@2x.png`, `app@1.0.js`), not mail domains. */
const FILE_EXT: ReadonlySet<number> = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'ts', 'css', 'map', 'json', 'html', 'txt', 'md', 'pdf', 'zip', 'gz'].map((e) => letters(Uint16Array.from(e, (ch) => ch.charCodeAt(0)), 0, e.length)));

/** Up to four ASCII letters, any case, packed into one number (five bits each): a set lookup without a slice. */
function letters(b: Uint16Array, from: number, to: number): number {
  let code = 0;
  for (let k = from; k < to; k++) code = code * 32 + ((b[k]! | 32) - 96);
  return code;
}

/**
 * Email around the `@` at index `at`: RFC 5321 sizes (local <= 64, domain <= 253,
 * labels <= 63), no empty or hyphen-edged labels, an alphabetic TLD of 2+ letters.
 * Validated in place: no slices on the way. `b` holds the text's code units (the scanner
 * copies each text once).
 */
export function emailAt(text: string, at: number, b: Uint16Array): Finding | undefined {
  const n = text.length;
  let s = at;
  while (s > 0 && at - s < 64 && isLocal(b[s - 1]!)) s--;
  while (s < at && b[s] === 46) s++; // a sentence's full stop is not part of the address
  if (s === at || b[at - 1] === 46 || (s > 0 && isLocal(b[s - 1]!))) return undefined;
  for (let k = s + 1; k < at; k++) if (b[k] === 46 && b[k - 1] === 46) return undefined;
  let e = at + 1;
  while (e < n && e - at <= 253 && isDomain(b[e]!)) e++;
  while (e > at + 1 && (b[e - 1] === 46 || b[e - 1] === 45)) e--;
  if (e < n && (b[e] === 64 || b[e] === 95)) return undefined;
  return validDomain(b, at + 1, e) ? { type: 'email', start: s, end: e } : undefined;
}

function validDomain(b: Uint16Array, from: number, to: number): boolean {
  let labels = 0;
  let ls = from;
  for (let k = from; k <= to; k++) {
    if (k < to && b[k] !== 46) continue;
    const len = k - ls;
    if (len === 0 || len > 63 || b[ls] === 45 || b[k - 1] === 45) return false;
    labels++;
    if (k < to) ls = k + 1;
  }
  if (labels < 2 || to - ls < 2) return false;
  for (let k = ls; k < to; k++) { const c = b[k]!; if (c >= 128 || (T[c]! & (UPPER | LOWER)) === 0) return false; }
  return to - ls > 4 || !FILE_EXT.has(letters(b, ls, to));
}
