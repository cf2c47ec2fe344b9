import { B64URL, boundaryBefore, has, runEnd } from '../chars.js';
import type { Finding } from '../types.js';

/**
 * JWS compact form starting at `start` ("eyJ", the base64url of `{"`): three base64url
 * segments; the header must decode to a JSON object with a string `alg`.
 */
export function jwtAt(text: string, start: number): Finding | undefined {
  if (!boundaryBefore(text, start) || (start > 0 && text.charCodeAt(start - 1) === 45)) return undefined;
  const h = runEnd(text, start, B64URL, 4096);
  if (h - start < 10 || text.charCodeAt(h) !== 46) return undefined;
  const p = runEnd(text, h + 1, B64URL, 65536);
  if (p - h - 1 < 2 || text.charCodeAt(p) !== 46) return undefined;
  const end = runEnd(text, p + 1, B64URL, 8192);
  const after = text.charCodeAt(end);
  if (after === 46 || (end < text.length && has(after, B64URL))) return undefined; // JWE (5 parts) or longer run
  try {
    const header: unknown = JSON.parse(Buffer.from(text.slice(start, h), 'base64url').toString('utf8'));
    const alg = header !== null && typeof header === 'object' ? (header as { alg?: unknown }).alg : undefined;
    // an empty signature is only a JWT for alg "none"; otherwise it is a two-part string before a full stop
    const ok = typeof alg === 'string' && (end > p + 1 || alg === 'none');
    return ok ? { type: 'jwt', start, end } : undefined;
  } catch {
    return undefined;
  }
}
