import { ALNUM, has, LOWER, UPPER } from '../chars.js';

const isAlnum = (c: number) => has(c, ALNUM);
const isAlpha = (c: number) => has(c, UPPER | LOWER);
import type { Finding } from '../types.js';

const isLocal = (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45; // . _ % + -
const isDomain = (c: number) => isAlnum(c) || c === 46 || c === 45;

/** Top-level names that are file extensions (`icon@2x.png`, `app@1.0.js`), not mail domains. */
const FILE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'ts', 'css', 'map', 'json', 'html', 'txt', 'md', 'pdf', 'zip', 'gz']);

/**
 * Email around the `@` at index `at`: RFC 5321 sizes (local <= 64, domain <= 253,
 * labels <= 63), no empty or hyphen-edged labels, an alphabetic TLD of 2+ letters.
 */
export function emailAt(text: string, at: number): Finding | undefined {
  let s = at;
  while (s > 0 && at - s < 64 && isLocal(text.charCodeAt(s - 1))) s--;
  while (s < at && text.charCodeAt(s) === 46) s++; // a sentence's full stop is not part of the address
  if (s === at || text.charCodeAt(at - 1) === 46 || (s > 0 && isLocal(text.charCodeAt(s - 1)))) return undefined;
  let e = at + 1;
  while (e < text.length && e - at <= 253 && isDomain(text.charCodeAt(e))) e++;
  while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
  const local = text.slice(s, at);
  const domain = text.slice(at + 1, e);
  if (local.includes('..') || !validDomain(domain)) return undefined;
  if (e < text.length && (text.charCodeAt(e) === 64 || text.charCodeAt(e) === 95)) return undefined;
  return { type: 'email', start: s, end: e };
}

function validDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || l.charCodeAt(0) === 45 || l.charCodeAt(l.length - 1) === 45) return false;
  }
  const tld = labels[labels.length - 1]!;
  if (tld.length < 2 || FILE_EXT.has(tld.toLowerCase())) return false;
  for (let i = 0; i < tld.length; i++) if (!isAlpha(tld.charCodeAt(i))) return false;
  return true;
}
