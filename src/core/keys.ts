import { createHash } from 'node:crypto';

/** A namespace is a fixed identifier chosen in code, never caller input. */
const NAMESPACE = /^[a-z][a-z0-9._-]{0,63}$/;

/**
 * The one way to build a composite state key from parts that callers control
 * (tenant, subject, idemKey, jti, ...): `namespace:` + sha256 over the parts, each
 * prefixed with its length. Joining with a separator (`tenant|sub|key`) lets
 * `acme|u`+`v` collide with `acme`+`u|v`; a length prefix cannot be forged by
 * the content, so different tuples give different keys (short of a sha256 collision).
 * Parts are hashed as UTF-16 code units: lone surrogates stay distinct (UTF-8 would
 * turn every one of them into U+FFFD).
 *
 * @example
 * stateKey('flag.op', principal.tenant, principal.id, idemKey) // 'flag.op:3f1c…'
 */
export function stateKey(namespace: string, ...parts: readonly string[]): string {
  if (!NAMESPACE.test(namespace)) throw new TypeError('stateKey: the namespace must be a fixed lower-case identifier');
  const h = createHash('sha256');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(parts.length);
  h.update(len);
  for (const part of parts) {
    if (typeof part !== 'string') throw new TypeError('stateKey: every part must be a string');
    len.writeUInt32BE(part.length);
    h.update(len);
    h.update(Buffer.from(part, 'utf16le'));
  }
  return `${namespace}:${h.digest('hex')}`;
}

/**
 * A signed 64-bit integer (decimal string) derived from a state key, for APIs that
 * lock on integers (PostgreSQL advisory locks).
 */
export function lockId(key: string): string {
  const d = createHash('sha256').update(key).digest();
  return d.readBigInt64BE(0).toString();
}

/**
 * Tenant identifiers as they may enter the system (token claims, config): letters,
 * digits, `_`, `.`, `-`; no separators, no control characters, no spaces.
 */
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Subject (principal) identifiers: printable ASCII identifiers with `:`, `@`, `+`,
 * `=`, `/` (e.g. `agent:dev`, `user@example.com`); never `|`, whitespace or control
 * characters.
 */
export const SUBJECT_ID = /^[A-Za-z0-9_.:@+=/-]{1,256}$/;

/** Region identifiers: lower-case words joined by `-` (e.g. `eu-west`). */
export const REGION_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const isTenantId = (s: unknown): s is string => typeof s === 'string' && TENANT_ID.test(s);
export const isSubjectId = (s: unknown): s is string => typeof s === 'string' && SUBJECT_ID.test(s);
export const isRegionId = (s: unknown): s is string => typeof s === 'string' && REGION_ID.test(s);
