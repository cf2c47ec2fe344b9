import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrub, scrubValue } from '../../src/telemetry/scrub.js';

const luhnCard = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((d) => {
  const digits = [4, ...d];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let x = digits[digits.length - 1 - i]!;
    if (i % 2 === 0) { x *= 2; if (x > 9) x -= 9; }
    sum += x;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
});
const email = fc.tuple(fc.stringMatching(/^[a-z0-9._]{1,12}$/), fc.stringMatching(/^[a-z]{1,10}$/), fc.constantFrom('com', 'io', 'example')).map(([u, d, t]) => `${u}@${d}.${t}`);
const filler = fc.string({ maxLength: 20 }).map((s) => s.replace(/[0-9@]/g, ' '));

describe('scrub', () => {
  it('no email or Luhn-valid card survives, wherever it sits in the text', () => {
    fc.assert(fc.property(filler, email, filler, luhnCard, filler, (a, e, b, c, z) => {
      const out = scrub(`${a}${e}${b}${c}${z}`);
      expect(out).not.toContain(e);
      expect(out).not.toContain(c);
    }), { numRuns: 300 });
  });

  it('tokens: JWT, bearer, provider keys', () => {
    expect(scrub('auth Bearer abc.def-ghijklmnop')).not.toContain('ghijklmnop');
    expect(scrub('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhIn0.c2ln')).not.toContain('eyJzdWIiOiJhIn0');
    const keys = scrub('key sk_live_0123456789abcdef and ghp_0123456789abcdefghijABCD');
    expect(keys).not.toMatch(/0123456789abcdef|ghijABCD/);
    expect(keys.startsWith('key ')).toBe(true);
  });

  it('leaves ordinary values alone: ids, UUIDs, trace ids, short numbers', () => {
    for (const v of ['agent:dev', 'orders.get', '6f1c1a64-4b8e-4f7a-9d7e-2c9a3c1f0b11', '4bf92f3577b34da6a3ce929d0e0e4736', 'A-1001', 'pct 50']) expect(scrub(v)).toBe(v);
  });

  it('scrubValue caps depth, items and string length', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    expect(JSON.stringify(scrubValue(deep))).toContain('[…]');
    expect((scrubValue(Array.from({ length: 80 }, (_, i) => i)) as unknown[]).length).toBe(51);
    expect((scrubValue('x'.repeat(1000)) as string).length).toBeLessThan(300);
  });
});

describe('scrub on hostile input (the stdio test sends a 100,000-character id)', () => {
  it('long runs of every shape finish (linear, bounded scans) and keep nothing sensitive', () => {
    const shapes = ['x', 'a-', 'eyJ', '1', '1 ', 'a@', 'a.', 'Bearer ', 'sk-', '+/'];
    for (const s of shapes) {
      const v = s.repeat(Math.ceil(100_000 / s.length));
      const out = scrub(v);
      expect(out.length).toBeLessThan(4200); // MAX_SCAN (4,096) plus the cut marker
      expect(typeof scrubValue({ id: v })).toBe('object');
    }
    expect(scrub(`${'x'.repeat(100_000)} bob@example.com`)).not.toContain('bob@example.com'); // past the scan window: cut, not kept
  });
});
