import { isIP } from 'node:net';
import { boundaryAt, boundaryBefore, isHex } from '../chars.js';
import type { Finding } from '../types.js';

/** Four dotted decimal parts, each 0-255 without leading zeros (node:net decides). */
export function validIPv4(candidate: string): boolean {
  return isIP(candidate) === 4;
}

const isV6 = (c: number) => isHex(c) || c === 58 || c === 46; // hex, ':' and '.' (IPv4-mapped tail)

/**
 * IPv6 around the `:` at index `i`. Cheap gates first (a hex digit or `:` on both
 * sides, then "::" or seven colons) so JSON `"key":` pairs and clock times cost nothing.
 */
export function ipv6At(text: string, i: number): Finding | undefined {
  const prev = text.charCodeAt(i - 1);
  const next = text.charCodeAt(i + 1);
  if (!(isHex(prev) || prev === 58) || !(isHex(next) || next === 58)) return undefined;
  let s = i;
  while (s > 0 && i - s < 45 && isV6(text.charCodeAt(s - 1))) s--;
  let e = i;
  while (e < text.length && e - i < 46 && isV6(text.charCodeAt(e))) e++;
  while (s < i && text.charCodeAt(s) === 46) s++;
  let end = e;
  while (end > i && text.charCodeAt(end - 1) === 46) end--;
  if (!boundaryBefore(text, s) || !boundaryAt(text, end)) return undefined;
  const cand = text.slice(s, end);
  let colons = 0;
  for (let k = 0; k < cand.length; k++) if (cand.charCodeAt(k) === 58) colons++;
  if (colons < 2 || (colons < 7 && !cand.includes('::'))) return undefined;
  return isIP(cand) === 6 ? { type: 'ip', start: s, end } : undefined;
}
