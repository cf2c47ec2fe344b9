import { createRequire } from 'node:module';

// `canonicalize` is CommonJS whose typings declare an ES default export; require() gives the function itself.
const serialize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/**
 * The reference RFC 8785 implementation (the `canonicalize` package). Verifiers use it,
 * so a chain checks against an implementation independent of the writer's fast path.
 */
export function jcs(value: unknown): string {
  const s = serialize(value);
  if (s === undefined) throw new TypeError('value has no JSON form');
  return s;
}
