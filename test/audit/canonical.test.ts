import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical, canonicalRecord } from '../../src/audit/canonical.js';
import { jcs } from '../../src/audit/jcs.js';

describe('audit canonical JSON (RFC 8785)', () => {
  it('the fast writer form equals the reference canonicalize package on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(canonical(v)).toBe(jcs(v));
    }), { numRuns: 500 });
  });

  it('canonicalRecord equals the reference for records with known and unknown fields', () => {
    const field = fc.constantFrom('actor', 'args', 'tool', 'code', 'rules', 'zzz', 'Extra', 'é');
    fc.assert(fc.property(fc.dictionary(field, fc.jsonValue()), fc.nat(), (fields, seq) => {
      const base = { v: 1, seq, time: '2026-01-01T00:00:00.000Z', instance: 'a', prev: '0'.repeat(64) };
      expect(canonicalRecord(fields, base)).toBe(jcs({ ...fields, ...base }));
    }), { numRuns: 500 });
  });

  it('sorts keys by UTF-16 code units and writes numbers the ECMAScript way (RFC 8785 examples)', () => {
    expect(canonical({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, 'a': 1e21, b: 0.000001, c: -0 })).toBe('{"\\r":2,"a":1e+21,"b":0.000001,"c":0,"€":1,"😀":3}');
    expect(() => canonical({ x: Number.NaN })).toThrow(TypeError);
  });
});
