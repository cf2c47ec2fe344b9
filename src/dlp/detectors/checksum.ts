import { crc32 } from 'node:zlib';

/** GMP ("lexicographic") base62, the alphabet GitHub and npm tokens use. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` (an unsigned 32-bit integer) in base62, left-padded with zeros to `width`. */
export function base62(n: number, width = 6): string {
  let s = '';
  let v = n >>> 0;
  while (v > 0) { s = BASE62[v % 62] + s; v = Math.floor(v / 62); }
  return s.padStart(width, '0');
}

/**
 * The checksum GitHub (ghp_/gho_/ghs_/ghu_/ghr_) and npm (npm_) tokens end with:
 * CRC32 of the 30-character random part, as 6 base62 characters. Verifying it offline
 * tells a live-format token from a look-alike (test fixture, hash, random id).
 */
export function tokenChecksum(body: string): string {
  return base62(crc32(body));
}

/** True when `token` (prefix of `prefixLength`, 30 random characters, 6 checksum characters) verifies. */
export function hasValidChecksum(token: string, prefixLength: number): boolean {
  if (token.length !== prefixLength + 36) return false;
  return tokenChecksum(token.slice(prefixLength, prefixLength + 30)) === token.slice(prefixLength + 30);
}
