import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchPolicy } from '../../src/policy/watch.js';
import { facts } from './helpers.js';

const GOOD_A = '- { rule: deny-prod, when: { args.env: prod }, decision: deny }\n';
const GOOD_B = '- { rule: deny-dev, when: { args.env: dev }, decision: deny }\n';
const BAD = '- { rule: broken, when: { args.env: prod }, decision: perhaps }\n';

describe('watchPolicy', () => {
  it('swaps in a good file, keeps the old policy on a bad one, and reports why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-pol-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, GOOD_A);
    const warnings: object[] = [];
    const w = watchPolicy(file, { intervalMs: 20, logger: { warn: (o) => warnings.push(o) } });
    try {
      const first = w.current().version;
      expect(w.current().evaluate(facts({ args: { env: 'prod' } })).decision).toBe('deny');
      // Atomic replace, as editors and config management do it.
      writeFileSync(`${file}.tmp`, GOOD_B);
      renameSync(`${file}.tmp`, file);
      await expect.poll(() => w.current().version, { timeout: 5000, interval: 20 }).not.toBe(first);
      expect(w.current().evaluate(facts({ args: { env: 'prod' } })).decision).toBe('allow');
      expect(w.current().evaluate(facts({ args: { env: 'dev' } })).decision).toBe('deny');
      const second = w.current().version;

      writeFileSync(file, BAD);
      await expect.poll(() => w.status().ok, { timeout: 5000, interval: 20 }).toBe(false);
      expect(w.status()).toMatchObject({ ok: false, version: second, rules: 1 });
      expect(w.status().error).toMatch(/policy\.yaml:1: \[0\]\.decision: /);
      expect(warnings.length).toBeGreaterThan(0);
      expect(w.current().evaluate(facts({ args: { env: 'dev' } })).decision).toBe('deny');

      writeFileSync(file, GOOD_A);
      await expect.poll(() => w.status().ok, { timeout: 5000, interval: 20 }).toBe(true);
      expect(w.current().version).toBe(first);
    } finally {
      w.close();
    }
  });

  it('refuses to start on a bad file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pal-pol-')), 'policy.yaml');
    writeFileSync(file, BAD);
    expect(() => watchPolicy(file)).toThrow(/policy\.yaml:1: /);
  });
});
