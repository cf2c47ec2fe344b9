import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * RFC 8785 (JCS) canonical JSON for the values an audit record holds (JSON data only).
 * Same output as the `canonicalize` package, which the verifier uses as the reference;
 * this one is a plain loop because it runs once per call on the hot path.
 * Keys sort by UTF-16 code units (the default sort), numbers and strings serialise as
 * ECMAScript does (JSON.stringify), `undefined` members are left out.
 */
export function canonical(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i) s += ',';
          const x: unknown = value[i];
          s += x === undefined ? 'null' : canonical(x);
        }
        return `${s}]`;
      }
      const obj = value as Record<string, unknown>;
      if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return canonical((obj as { toJSON(): unknown }).toJSON());
      const keys = Object.keys(obj).sort();
      let s = '{';
      let first = true;
      for (const k of keys) {
        const x = obj[k];
        if (x === undefined) continue;
        if (!first) s += ',';
        first = false;
        s += `${JSON.stringify(k)}:${canonical(x)}`;
      }
      return `${s}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/** SHA-256 hex; the one-shot `crypto.hash` (Node >= 20.12) is ~3x faster for small inputs. */
export const sha256 = typeof oneShotHash === 'function'
  ? (text: string): string => oneShotHash('sha256', text, 'hex')
  : (text: string): string => createHash('sha256').update(text).digest('hex');

/** The hash that links the chain before its first record. */
export const GENESIS_PREV = '0'.repeat(64);

/** Every top-level field a record may hold, in RFC 8785 order (UTF-16 code units). */
const RECORD_KEYS = [
  'actor', 'args', 'argsHmac', 'code', 'decision', 'durationMs', 'final', 'http', 'instance', 'key', 'keyId', 'kind',
  'newKey', 'newKeyId', 'obligations', 'pii', 'prev', 'result', 'rules', 'seq', 'spanId', 'stage', 'tenant', 'time',
  'tool', 'torn', 'traceId', 'v',
].sort();
const KNOWN = new Set(RECORD_KEYS);

/**
 * Canonical JSON of `{ ...fields, ...base }` without building or sorting that object:
 * the top-level keys are walked in their fixed canonical order. Falls back to the
 * generic form when a field outside the known set appears.
 */
export function canonicalRecord(fields: Readonly<Record<string, unknown>>, base: Readonly<Record<string, unknown>>): string {
  for (const k in fields) if (!KNOWN.has(k)) return canonical({ ...fields, ...base });
  let s = '{';
  for (const k of RECORD_KEYS) {
    const v = k in base ? base[k] : fields[k];
    if (v === undefined) continue;
    if (s.length > 1) s += ',';
    s += `"${k}":${typeof v === 'string' ? JSON.stringify(v) : canonical(v)}`;
  }
  return `${s}}`;
}
