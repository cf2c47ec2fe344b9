import { createHash } from 'node:crypto';

/**
 * A state-store key from caller-controlled parts: each part is length-prefixed
 * before hashing, so no two part lists share a key (`a|b`+`c` vs `a`+`b|c`).
 */
export function policyKey(prefix: string, ...parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:${p};`);
  return `${prefix}:${h.digest('hex')}`;
}
