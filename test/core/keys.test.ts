import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSubjectId, isTenantId, lockId, stateKey } from '../../src/core/keys.js';

// Parts biased towards the characters that break joined keys: separators, length-like digits, NUL, lone surrogates.
const nasty = fc.constantFrom('|', ':', '\n', '\0', '1', '0:', '\uD800', '\uFFFD', '');
const part = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 2 })), { maxLength: 5 }).map((xs) => xs.join('')),
);
const tuple = fc.array(part, { maxLength: 5 });

describe('stateKey', () => {
  it('the issue\'s collision: acme|u + v and acme + u|v give different keys', () => {
    expect(stateKey('flag.op', 'acme|u', 'v', 'k')).not.toBe(stateKey('flag.op', 'acme', 'u|v', 'k'));
    expect(stateKey('x', 'a', '')).not.toBe(stateKey('x', 'a'));
    expect(stateKey('x', '\uD800')).not.toBe(stateKey('x', '\uFFFD'));
  });

  it('property: injective (different tuples never share a key), separators included', () => {
    const seen = new Map<string, string>();
    fc.assert(fc.property(tuple, (t) => {
      const key = stateKey('ns', ...t);
      const id = JSON.stringify(t.map((p) => [...p].map((c) => c.charCodeAt(0))));
      const prev = seen.get(key);
      if (prev !== undefined) expect(prev).toBe(id);
      seen.set(key, id);
    }), { numRuns: 5000 });
  });

  it('property: re-splitting the same characters across parts changes the key', () => {
    fc.assert(fc.property(tuple, fc.nat(), (t, cut) => {
      const joined = t.join('|');
      const at = joined.length ? cut % (joined.length + 1) : 0;
      const other = [joined.slice(0, at), joined.slice(at)];
      fc.pre(JSON.stringify(other) !== JSON.stringify(t));
      expect(stateKey('ns', ...other)).not.toBe(stateKey('ns', ...t));
    }), { numRuns: 2000 });
  });

  it('namespaces separate keys and must be fixed identifiers', () => {
    expect(stateKey('idem', 'a')).not.toBe(stateKey('jti', 'a'));
    expect(stateKey('idem', 'a')).toMatch(/^idem:[0-9a-f]{64}$/);
    expect(() => stateKey('a|b', 'x')).toThrow(TypeError);
    expect(() => stateKey('', 'x')).toThrow(TypeError);
    expect(() => stateKey('ns', 1 as unknown as string)).toThrow(TypeError);
  });

  it('lockId is a signed 64-bit integer, stable per key', () => {
    const id = lockId(stateKey('lock', 'x'));
    expect(BigInt(id) >= -(2n ** 63n) && BigInt(id) < 2n ** 63n).toBe(true);
    expect(lockId(stateKey('lock', 'x'))).toBe(id);
  });
});

describe('identifier charsets', () => {
  it.each(['acme', 'globex', 'Tenant_1', 'a.b-c'])('tenant %s is accepted', (t) => expect(isTenantId(t)).toBe(true));
  it.each(['acme|u', 'a b', 'a\nb', 'a\0', '', '-x', 'a:b', 'x'.repeat(129), 'ä'])('tenant %j is refused', (t) => expect(isTenantId(t)).toBe(false));
  it.each(['agent:dev', 'user@example.com', 'svc/ci+1', 'abc='])('subject %s is accepted', (s) => expect(isSubjectId(s)).toBe(true));
  it.each(['u|v', 'a b', 'a\tb', 'a\u2028', '', 'x'.repeat(257)])('subject %j is refused', (s) => expect(isSubjectId(s)).toBe(false));
});
