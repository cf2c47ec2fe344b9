import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../src/policy/load.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { BUILTIN_RULES } from '../../src/policy/builtin.js';
import { regionFamily } from '../../src/policy/facts.js';
import { facts, MONDAY_NOON, policyFrom } from './helpers.js';

const seed = compilePolicy(loadPolicyFile('seed/policy.yaml'), { builtins: BUILTIN_RULES });

describe('the seed policy, as written', () => {
  it('redact-email-by-default: orders.export is allowed with an email mask obligation', () => {
    const r = seed.evaluate(facts({ tool: 'orders.export', data: ['pii'], principal: { region: 'us-east' } }));
    expect(r.decision).toBe('allow');
    expect(r.matched).toEqual(['redact-email-by-default']);
    expect(r.obligations).toEqual([{ kind: 'redact', field: 'email', mode: 'mask', rule: 'redact-email-by-default' }]);
  });

  it('route-eu-personal-data: personal data of an EU subject routes to eu-west; a US subject does not', () => {
    const eu = seed.evaluate(facts({ tool: 'orders.export', data: ['pii'], principal: { region: 'eu-west' } }));
    expect(eu.obligations).toContainEqual({ kind: 'route', region: 'eu-west', rule: 'route-eu-personal-data' });
    const viaArgs = seed.evaluate(facts({ tool: 'orders.export', data: ['pii'], principal: { region: 'us-east' }, args: { region: 'eu-central' } }));
    expect(viaArgs.matched).toContain('route-eu-personal-data');
    const us = seed.evaluate(facts({ tool: 'orders.export', data: ['pii'], principal: { region: 'us-east' } }));
    expect(us.obligations.some((o) => o.kind === 'route')).toBe(false);
    const noPii = seed.evaluate(facts({ tool: 'flag.get', principal: { region: 'eu-west' } }));
    expect(noPii.obligations).toEqual([]);
  });

  it('vendor-allow-list: egress off the allow-list is denied with POLICY_DENY; on it, allowed', () => {
    const off = seed.evaluate(facts({ tool: 'web.fetchSafe', args: { url: 'https://evil.example/x' } }));
    expect(off).toMatchObject({ decision: 'deny', code: 'POLICY_DENY', rule: 'vendor-allow-list' });
    const on = seed.evaluate(facts({ tool: 'web.fetchSafe', args: { url: 'https://API.vendor.example./x' } }));
    expect(on.decision).toBe('allow');
    expect(seed.evaluate(facts({ tool: 'web.fetchSafe', args: { url: 'not a url' } })).decision).toBe('allow');
    // An empty allow-list admits every domain (development), as the egress client does.
    expect(seed.evaluate(facts({ tool: 'web.fetchSafe', allow: [], args: { url: 'https://evil.example/' } })).decision).toBe('allow');
  });

  it('list form: writes default to allow (the seed has no write rule); builtins still apply to tainted sessions', () => {
    expect(seed.evaluate(facts({ tool: 'flag.set', effect: 'write' })).decision).toBe('allow');
    const t = seed.evaluate(facts({ tool: 'flag.set', effect: 'write', tainted: true }));
    expect(t).toMatchObject({ decision: 'require_approval', rule: 'palisade:tainted-session-write' });
  });

  it('regionFamily maps provider regions to families', () => {
    expect([regionFamily('eu-west'), regionFamily('us-east-1'), regionFamily('EU'), regionFamily('global')]).toEqual(['EU', 'US', 'EU', 'GLOBAL']);
  });
});

describe('rule semantics', () => {
  it('deny overrides allow, whatever the order; the first deny names the code', () => {
    const p = policyFrom(`
- { rule: ok, when: { tool: "flag.*" }, decision: allow }
- { rule: no, when: { tool: flag.set, args.env: prod }, decision: deny, code: TICKET_REQUIRED, message: "prod is closed" }
- { rule: also-no, when: { tool: flag.set }, decision: deny }
`);
    expect(p.evaluate(facts({ tool: 'flag.set', effect: 'write', args: { env: 'prod' } })))
      .toMatchObject({ decision: 'deny', code: 'TICKET_REQUIRED', message: 'prod is closed', matched: ['ok', 'no', 'also-no'] });
    expect(p.evaluate(facts({ tool: 'flag.set', effect: 'write', args: { env: 'dev' } })))
      .toMatchObject({ decision: 'deny', code: 'POLICY_DENY', rule: 'also-no' });
  });

  it('require_approval beats allow and loses to deny', () => {
    const p = policyFrom(`
- { rule: ok, when: { tool: "*" }, decision: allow }
- { rule: ask, when: { tool.effect: write }, decision: require_approval }
- { rule: no, when: { principal.type: robot }, decision: deny }
`);
    expect(p.evaluate(facts({ effect: 'write' })).decision).toBe('require_approval');
    expect(p.evaluate(facts({ effect: 'write', principal: { type: 'robot' } })).decision).toBe('deny');
    expect(p.evaluate(facts({ effect: 'read' })).decision).toBe('allow');
  });

  it('unless: the exception holds only when all its keys hold', () => {
    const p = policyFrom(`
- rule: no-prod
  when: { args.env: prod }
  unless: { principal.grants: "release.manager", tenant: acme }
  decision: deny
`);
    expect(p.evaluate(facts({ args: { env: 'prod' } })).decision).toBe('deny');
    expect(p.evaluate(facts({ args: { env: 'prod' }, principal: { grants: ['x', 'release.manager'] } })).decision).toBe('allow');
    expect(p.evaluate(facts({ args: { env: 'prod' }, principal: { grants: ['release.manager'], tenant: 'globex' } })).decision).toBe('deny');
  });

  it('globs, lists, and argument operators', () => {
    const p = policyFrom(`
- { rule: g, when: { tool: "orders.*", principal.id: "agent:*" }, decision: deny }
- { rule: l, when: { tool: [flag.set, flag.get], args.env: [prod, staging] }, decision: deny }
- { rule: n, when: { tool: num, args.pct: { gt: 10, lte: 50 } }, decision: deny }
- { rule: i, when: { tool: inop, args.who: { in: [a, b] }, args.n: { not: 3 } }, decision: deny }
- { rule: e, when: { tool: ex, args.ticket: { exists: false } }, decision: deny }
- { rule: d, when: { tool: deep, args.a.b: { glob: "x*z" } }, decision: deny }
`);
    const d = (f: Parameters<typeof facts>[0]) => p.evaluate(facts(f)).decision;
    expect(d({ tool: 'orders.get' })).toBe('deny');
    expect(d({ tool: 'orders.get', principal: { id: 'user:bob' } })).toBe('allow');
    expect(d({ tool: 'flag.get', args: { env: 'staging' } })).toBe('deny');
    expect(d({ tool: 'flag.get', args: { env: 'dev' } })).toBe('allow');
    expect([5, 10, 11, 50, 51].map((pct) => d({ tool: 'num', args: { pct } }))).toEqual(['allow', 'allow', 'deny', 'deny', 'allow']);
    expect(d({ tool: 'num', args: { pct: '20' } })).toBe('allow');
    expect(d({ tool: 'inop', args: { who: 'a', n: 4 } })).toBe('deny');
    expect(d({ tool: 'inop', args: { who: 'a', n: 3 } })).toBe('allow');
    expect(d({ tool: 'inop', args: { who: 'c', n: 4 } })).toBe('allow');
    expect(d({ tool: 'ex', args: {} })).toBe('deny');
    expect(d({ tool: 'ex', args: { ticket: 'CHG-1' } })).toBe('allow');
    expect(d({ tool: 'deep', args: { a: { b: 'xyyz' } } })).toBe('deny');
    expect(d({ tool: 'deep', args: { a: { b: 'xyy' } } })).toBe('allow');
  });

  it('argument paths never walk the prototype chain', () => {
    const p = policyFrom('- { rule: proto, when: { args.constructor.name: Object }, decision: deny }\n- { rule: p2, when: { args.__proto__: { exists: true } }, decision: deny }\n');
    expect(p.evaluate(facts({ args: { x: 1 } })).decision).toBe('allow');
  });

  it('CEL conditions; an evaluation error fails closed in a deny rule and open in an allow rule', () => {
    const p = policyFrom(`
default: { write: deny }
rules:
  - { rule: big, when: { tool: orders.get, cel: 'args.pct > 10.0 && principal.type == "agent"' }, decision: deny }
  - { rule: strict, when: { tool: strict, cel: 'args.missing == "x"' }, decision: deny }
  - { rule: lenient, when: { tool: lenient, cel: 'args.missing == "x"' }, decision: allow }
`);
    expect(p.evaluate(facts({ args: { pct: 50 } })).decision).toBe('deny');
    expect(p.evaluate(facts({ args: { pct: 5 } })).decision).toBe('allow');
    expect(p.evaluate(facts({ tool: 'strict', args: {} }))).toMatchObject({ decision: 'deny', matched: ['strict'] });
    expect(p.evaluate(facts({ tool: 'lenient', effect: 'write', args: {} }))).toMatchObject({ decision: 'deny', matched: [], rule: '(default)' });
    expect(p.evaluate(facts({ tool: 'lenient', effect: 'write', args: { missing: 'x' } }))).toMatchObject({ decision: 'allow', matched: ['lenient'] });
  });

  it('time windows (UTC) and environment', () => {
    const p = policyFrom(`
- { rule: hours, when: { tool.effect: write, time: { after: "08:00", before: "18:00", days: [mon, tue, wed, thu, fri] } }, decision: allow }
- { rule: night, when: { tool: nightly, time: { after: "22:00", before: "06:00" } }, decision: deny }
- { rule: prod-env, when: { tool: envtool, env: production }, decision: deny }
`);
    expect(p.evaluate(facts({ effect: 'write' })).matched).toEqual(['hours']);
    expect(p.evaluate(facts({ effect: 'write', now: Date.parse('2026-11-22T12:00:00Z') })).matched).toEqual([]);
    expect(p.evaluate(facts({ effect: 'write', now: Date.parse('2026-11-23T18:00:00Z') })).matched).toEqual([]);
    expect(p.evaluate(facts({ tool: 'nightly', now: Date.parse('2026-11-23T23:30:00Z') })).decision).toBe('deny');
    expect(p.evaluate(facts({ tool: 'nightly', now: Date.parse('2026-11-23T05:59:00Z') })).decision).toBe('deny');
    expect(p.evaluate(facts({ tool: 'nightly', now: MONDAY_NOON })).decision).toBe('allow');
    expect(p.evaluate(facts({ tool: 'envtool', env: 'production' })).decision).toBe('deny');
    expect(p.evaluate(facts({ tool: 'envtool', env: 'development' })).decision).toBe('allow');
  });

  it('default decisions: object form denies writes unless a rule allows; configurable', () => {
    const p = policyFrom('rules:\n  - { rule: flags-ok, when: { tool: flag.set }, decision: allow }\n');
    expect(p.evaluate(facts({ tool: 'other.write', effect: 'write' }))).toMatchObject({ decision: 'deny', code: 'POLICY_DENY', rule: '(default)' });
    expect(p.evaluate(facts({ tool: 'flag.set', effect: 'write' })).decision).toBe('allow');
    expect(p.evaluate(facts({ tool: 'other.read' })).decision).toBe('allow');
    const strict = policyFrom('default: { read: deny, write: require_approval }\nrules: []\n');
    expect(strict.evaluate(facts({})).decision).toBe('deny');
    expect(strict.evaluate(facts({ effect: 'write' })).decision).toBe('require_approval');
  });

  it('dry-run rules are recorded as would-deny and do not deny; a dry-run file does not deny at all', () => {
    const p = policyFrom(`
- { rule: try-deny, when: { tool: "*" }, decision: deny, mode: dry-run }
- { rule: try-ask, when: { tool.effect: write }, decision: require_approval, mode: dry-run }
- { rule: try-redact, when: { tool: "*" }, redact: [{ field: email, mode: hash }], mode: dry-run }
`);
    const r = p.evaluate(facts({ effect: 'write' }));
    expect(r).toMatchObject({ decision: 'allow', matched: [], wouldDeny: ['try-deny', 'try-ask'], obligations: [] });
    const file = policyFrom('mode: dry-run\nrules:\n  - { rule: no, when: { tool: "*" }, decision: deny }\n');
    expect(file.evaluate(facts({ effect: 'write' }))).toMatchObject({ decision: 'allow', wouldDeny: ['no', '(default)'] });
  });

  it('args.contains_secret reads the DLP verdict, not an argument of that name', () => {
    const p = policyFrom('- { rule: s, when: { args.contains_secret: true }, decision: deny }\n');
    expect(p.needsSecretScan).toBe(true);
    expect(p.evaluate(facts({ args: { contains_secret: true } })).decision).toBe('allow');
    expect(p.evaluate(facts({ containsSecret: true })).decision).toBe('deny');
  });

  it('builtins: a tainted session may not reach a domain off the allow-list (EGRESS_DENIED)', () => {
    const p = policyFrom('rules: []\n', { builtins: BUILTIN_RULES });
    const off = p.evaluate(facts({ tool: 'web.fetchSafe', tainted: true, args: { url: 'https://evil.example/' } }));
    expect(off).toMatchObject({ decision: 'deny', code: 'EGRESS_DENIED', rule: 'palisade:tainted-session-egress' });
    expect(p.evaluate(facts({ tool: 'web.fetchSafe', tainted: false, args: { url: 'https://evil.example/' } })).decision).toBe('allow');
    expect(policyFrom('builtins: false\nrules: []\n', { builtins: BUILTIN_RULES }).rules).toHaveLength(0);
  });
});
