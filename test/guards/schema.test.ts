import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPalisade } from '../../src/palisade.js';
import { alice, codeOf, fixtureTools, uuid } from '../helpers/fixtures.js';

const palisade = await createPalisade({ tools: fixtureTools().tools, env: {} });
const good = () => ({ name: 'beta', env: 'dev', pct: 50, idemKey: uuid() });

describe('schema guard', () => {
  it.each(['__proto__', 'constructor', 'prototype', 'isAdmin', 'tenant'])('refuses the undeclared field %s with UNKNOWN_FIELD', async (field) => {
    const args = JSON.parse(`{"message":"x","${field}":{"polluted":true}}`);
    const r = await palisade.call(alice, 'demo.echo', args);
    expect(codeOf(r)).toBe('UNKNOWN_FIELD');
    expect(r.structuredContent!['message']).toContain(field);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('names the field and the rule, never the value', async () => {
    const r = await palisade.call(alice, 'switch.set', { ...good(), name: 'DROP TABLE flags;--' });
    expect(codeOf(r)).toBe('INVALID_PARAMS');
    expect(r.structuredContent!['message']).toContain('"name"');
    expect(JSON.stringify(r)).not.toContain('DROP TABLE');
  });

  it('rejects non-object arguments', async () => {
    for (const args of [null, [], 'x', 42]) {
      expect(codeOf(await palisade.call(alice, 'demo.echo', args))).toBe('INVALID_PARAMS');
    }
  });

  it('rejects a malformed idemKey as INVALID_PARAMS', async () => {
    expect(codeOf(await palisade.call(alice, 'switch.set', { ...good(), idemKey: 'not-a-uuid' }))).toBe('INVALID_PARAMS');
  });

  it('property: any pct outside 0..100 or not a number is INVALID_PARAMS', async () => {
    const bad = fc.oneof(
      fc.double({ noNaN: false }).filter((n) => !(n >= 0 && n <= 100)),
      fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer()), fc.object(),
    );
    await fc.assert(fc.asyncProperty(bad, async (pct) => {
      expect(codeOf(await palisade.call(alice, 'switch.set', { ...good(), pct }))).toBe('INVALID_PARAMS');
    }), { numRuns: 150 });
  });

  it('property: any extra key is UNKNOWN_FIELD', async () => {
    const declared = new Set(['name', 'env', 'pct', 'idemKey']);
    const key = fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !declared.has(k));
    await fc.assert(fc.asyncProperty(key, fc.jsonValue(), async (k, v) => {
      const args = good() as Record<string, unknown>;
      Object.defineProperty(args, k, { value: v, enumerable: true, configurable: true, writable: true });
      expect(codeOf(await palisade.call(alice, 'switch.set', args))).toBe('UNKNOWN_FIELD');
    }), { numRuns: 150 });
  });

  it('property: any valid input is answered without a fault', async () => {
    const valid = fc.record({
      name: fc.stringMatching(/^[a-z]{1,20}$/),
      env: fc.constantFrom('dev', 'staging'),
      pct: fc.double({ min: 0, max: 100, noNaN: true }),
    });
    await fc.assert(fc.asyncProperty(valid, async (args) => {
      const r = await palisade.call(alice, 'switch.set', { ...args, idemKey: uuid() });
      expect(r.isError).toBeFalsy();
    }), { numRuns: 100 });
  });
});
