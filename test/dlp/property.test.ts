import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderer } from '../../src/dlp/modes.js';
import { DEFAULT_PROFILE, planFor } from '../../src/dlp/profile.js';
import { scanText } from '../../src/dlp/scan.js';
import { newCount, redactStructured } from '../../src/dlp/structured.js';
import { redactText } from '../../src/dlp/text.js';
import { REDACT_MODES } from '../../src/dlp/types.js';
import * as g from './corpus.js';

const makers = [g.email, g.phone, (r: g.Rng) => g.card(r), (r: g.Rng) => g.iban(r), g.ssn, g.ipv4, g.ipv6, g.jwt, g.awsKeyId, g.githubToken, g.npmToken, g.slackToken, g.stripeKey, g.privateKey];
/** A generated sensitive value (valid by construction), chosen by fast-check's seed. */
const sensitive = fc.tuple(fc.nat(makers.length - 1), fc.integer()).map(([k, seed]) => makers[k]!(g.prng(seed)));
const filler = fc.oneof(fc.string(), fc.constantFrom(' ', '\n', ', ', '": "', 'order 2024-11-25 ', 'id 123456 ', 'phone: ', '{"x":"', '"}'));
const doc = fc.array(fc.oneof(sensitive, filler), { maxLength: 8 }).map((parts) => parts.join(''));
const ctx = { hashKey: 'property-key', tenant: 'acme' };
const runs = { numRuns: 300, seed: 20261125 };

describe('redaction properties (fast-check)', () => {
  it('never leaves a detected value in the output, in any mode', () => {
    fc.assert(fc.property(doc, fc.constantFrom(...REDACT_MODES), (text, mode) => {
      const values = scanText(text).map((f) => text.slice(f.start, f.end));
      const out = redactText(text, mode, ctx).text;
      for (const v of values) expect(out.includes(v), `${mode} left ${v}`).toBe(false);
    }), runs);
  });

  it('never changes text without a detection (same string back)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), doc), (text) => {
      const r = redactText(text, 'mask', ctx);
      if (r.findings.length === 0) { expect(r.changed).toBe(false); expect(r.text).toBe(text); }
    }), runs);
  });

  it('never changes a JSON value without a detection (same reference back)', () => {
    const plan = planFor(DEFAULT_PROFILE);
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const counts = newCount();
      const out = redactStructured(v, plan, renderer(ctx), counts);
      if (counts.count === 0) expect(out).toBe(v);
    }), runs);
  });

  it('never throws, whatever it is given', () => {
    const plan = planFor(DEFAULT_PROFILE, [{ kind: 'redact', field: 'email', mode: 'hash' }, { kind: 'redact', field: 'x', mode: 'drop' }]);
    fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withTypedArray: true, withNullPrototype: true }), fc.string({ unit: 'binary' }), (v, s) => {
      redactStructured(v, plan, renderer(ctx), newCount());
      for (const m of REDACT_MODES) redactText(s, m, ctx);
    }), runs);
  });

  it('a detection inside a JSON document is redacted and counted', () => {
    const plan = planFor(DEFAULT_PROFILE);
    fc.assert(fc.property(fc.array(sensitive, { minLength: 1, maxLength: 5 }), (values) => {
      const counts = newCount();
      const out = JSON.stringify(redactStructured({ items: values.map((note) => ({ note })) }, plan, renderer(ctx), counts));
      expect(counts.count).toBeGreaterThanOrEqual(values.length);
      for (const v of values) {
        const t = scanText(v)[0]!.type;
        if (plan.modes[t]) expect(out.includes(JSON.stringify(v).slice(1, -1))).toBe(false);
      }
    }), runs);
  });
});
