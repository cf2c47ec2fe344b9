import { createHash } from 'node:crypto';

/**
 * A store key built from caller-controlled parts that cannot collide: each part is
 * length-prefixed before hashing, so ("a:b", "c") and ("a", "b:c") differ.
 */
export function limitKey(prefix: string, ...parts: readonly (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const s = String(p);
    h.update(`${Buffer.byteLength(s)}:`).update(s);
  }
  return `${prefix}:${h.digest('base64url')}`;
}
