import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError, parsePolicy, loadPolicyFile } from '../../src/policy/load.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { policyFrom } from './helpers.js';

const SEED = '/work/shared/seed/policy.yaml';

function errorOf(yaml: string): PolicyError {
  try { policyFrom(yaml); } catch (err) { return err as PolicyError; }
  throw new Error('expected a PolicyError');
}

describe('policy loader', () => {
  it('loads the seed policy.yaml unchanged (the shared seed and the packaged copy are identical)', () => {
    const shipped = readFileSync('seed/policy.yaml', 'utf8');
    expect(shipped).toBe(readFileSync(SEED, 'utf8'));
    const src = loadPolicyFile('seed/policy.yaml');
    expect(src.form).toBe('list');
    expect(src.rules.map((r) => r.spec.rule)).toEqual(['redact-email-by-default', 'route-eu-personal-data', 'vendor-allow-list']);
    expect(src.rules.map((r) => r.line)).toEqual([2, 9, 13]);
    expect(src.defaults).toEqual({ read: 'allow', write: 'allow' });
    expect(src.version).toMatch(/^[0-9a-f]{64}$/);
    expect(compilePolicy(src).rules).toHaveLength(3);
  });

  it('reads the object form with defaults, mode and builtins', () => {
    const src = parsePolicy('version: 2\ndefault: { write: require_approval }\nmode: dry-run\nbuiltins: false\nrules: []\n', 'p.yaml');
    expect(src).toMatchObject({ form: 'object', defaults: { read: 'allow', write: 'require_approval' }, mode: 'dry-run', builtins: false });
    expect(parsePolicy('rules: []', 'p.yaml').defaults).toEqual({ read: 'allow', write: 'deny' });
  });

  it('names file, line and path for a bad decision', () => {
    const e = errorOf('- rule: a\n  when: { tool: x }\n  decision: allow\n- rule: b\n  when: { tool: y }\n  decision: maybe\n');
    expect(e).toBeInstanceOf(PolicyError);
    expect(e.message).toMatch(/^test\.yaml:6: \[1\]\.decision: /);
  });

  it('names the line of an unknown condition key and of a bad operator', () => {
    expect(errorOf('rules:\n  - rule: a\n    when:\n      tool: x\n      princpal.id: y\n    decision: deny\n').message)
      .toMatch(/^test\.yaml:5: rules\[0\]\.when\.princpal\.id: unknown condition key/);
    expect(errorOf('- rule: a\n  when:\n    args.n: { between: [1, 2] }\n  decision: deny\n').message)
      .toMatch(/^test\.yaml:3: \[0\]\.when\.args\.n\.between: unknown operator/);
    expect(errorOf('- rule: a\n  when: { args.n: { gt: "10" } }\n  decision: deny\n').message).toMatch(/:2: .*gt takes a number/);
  });

  it('refuses a CEL syntax error, bad YAML, duplicates, empty files and rules without effect', () => {
    expect(errorOf('- rule: a\n  when:\n    cel: "args.("\n  decision: deny\n').message).toMatch(/^test\.yaml:3: .*cel: CEL:/);
    expect(errorOf('- rule: a\n  when: { tool: [x\n').message).toMatch(/^test\.yaml:\d+: not valid YAML/);
    expect(errorOf('- rule: a\n  when: { tool: x }\n  decision: deny\n- rule: a\n  when: { tool: y }\n  decision: deny\n').message).toMatch(/:4: .*duplicate rule name/);
    expect(errorOf('').message).toMatch(/empty/);
    expect(errorOf('- rule: a\n  when: { tool: x }\n').message).toMatch(/needs a decision, redact or route/);
    expect(errorOf('- rule: a\n  when: { tool: x }\n  decision: allow\n  code: TICKET_REQUIRED\n').message).toMatch(/code is only allowed/);
    expect(errorOf('- rule: a\n  when: { tool: x }\n  decision: deny\n  code: INTERNAL_ERROR\n').message).toMatch(/\[0\]\.code/);
    expect(errorOf('- rule: a\n  when: { time: { after: "8am" } }\n  decision: deny\n').message).toMatch(/HH:MM/);
  });
});
