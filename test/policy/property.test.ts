import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyFrom, facts, type Facts } from './helpers.js';

// A straightforward reference interpreter, written from the documented semantics
// and sharing no code with the compiler: the compiled evaluator must agree with it.

function globRef(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p[0] === '*') return globRef(p.slice(1), s) || (s.length > 0 && globRef(p, s.slice(1)));
  return s.length > 0 && p[0] === s[0] && globRef(p.slice(1), s.slice(1));
}

function scalarRef(c: unknown, v: unknown): boolean {
  if (Array.isArray(v)) return v.some((e) => scalarRef(c, e));
  if (typeof c === 'string' && c.includes('*')) return typeof v === 'string' && globRef(c, v);
  return c === v;
}

function matchRef(c: unknown, v: unknown): boolean {
  if (c === null) return v === undefined || v === null;
  if (Array.isArray(c)) return c.some((x) => matchRef(x, v));
  if (typeof c === 'object') {
    return Object.entries(c as Record<string, unknown>).every(([op, a]) => {
      const nums = (f: (n: number) => boolean) => (Array.isArray(v) ? v : [v]).some((e) => typeof e === 'number' && f(e));
      switch (op) {
        case 'in': return matchRef(a, v);
        case 'gt': return nums((n) => n > (a as number));
        case 'gte': return nums((n) => n >= (a as number));
        case 'lt': return nums((n) => n < (a as number));
        case 'lte': return nums((n) => n <= (a as number));
        case 'not': return !matchRef(a, v);
        case 'exists': return (v !== undefined && v !== null) === a;
        default: throw new Error(op);
      }
    });
  }
  return scalarRef(c, v);
}

const family = (r: string) => (/^[a-z]{2}-/.test(r) ? r.slice(0, 2).toUpperCase() : r.toUpperCase());

function factRef(key: string, f: Required<Pick<Facts, 'tool' | 'effect' | 'args' | 'tainted'>> & { type: string; grants: string[]; region: string }): unknown {
  switch (key) {
    case 'tool': return f.tool;
    case 'tool.effect': return f.effect;
    case 'principal.type': return f.type;
    case 'principal.grants': return f.grants;
    case 'session.tainted': return f.tainted;
    case 'subject.region': return [f.region, family(f.region)];
    default: return Object.hasOwn(f.args, key.slice(5)) ? f.args[key.slice(5)] : undefined;
  }
}

interface R { rule: string; when: Record<string, unknown>; unless?: Record<string, unknown>; decision?: string; mode?: string; route?: string }

function evaluateRef(rules: R[], f: Parameters<typeof factRef>[1], writeDefault: string) {
  const holds = (conds: Record<string, unknown>) => Object.entries(conds).every(([k, c]) => matchRef(c, factRef(k, f)));
  const matched: string[] = []; const would: string[] = []; const routes: string[] = [];
  let deny: string | undefined; let ask: string | undefined; let allowed = false;
  for (const r of rules) {
    if (!holds(r.when) || (r.unless && holds(r.unless))) continue;
    if (r.mode === 'dry-run') { if (r.decision === 'deny' || r.decision === 'require_approval') would.push(r.rule); continue; }
    matched.push(r.rule);
    if (r.route) routes.push(r.route);
    if (r.decision === 'deny' && !deny) deny = r.rule;
    if (r.decision === 'require_approval' && !ask) ask = r.rule;
    if (r.decision === 'allow') allowed = true;
  }
  const decision = deny ? 'deny' : ask ? 'require_approval' : allowed ? 'allow' : f.effect === 'write' ? writeDefault : 'allow';
  return { decision, matched, would, routes, rule: deny ?? ask };
}

const TOOLS = ['a.read', 'a.write', 'b.x', 'c'];
const scalar = fc.oneof(fc.constantFrom('a', 'b', 'prod', 'p*', '*d', '*'), fc.integer({ min: 0, max: 6 }), fc.boolean());
const valueCond: fc.Arbitrary<unknown> = fc.oneof(
  scalar, fc.constant(null),
  fc.array(fc.oneof(fc.constantFrom('a', 'prod', 'b*'), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 3 }),
  fc.record({ gt: fc.integer({ min: 0, max: 6 }) }), fc.record({ lt: fc.integer({ min: 0, max: 6 }) }), fc.record({ lte: fc.integer({ min: 0, max: 6 }), gte: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ in: fc.array(fc.constantFrom('a', 'b', 'prod', 3), { minLength: 1, maxLength: 3 }) }),
  fc.record({ not: scalar }), fc.record({ exists: fc.boolean() }),
);
const condEntry = fc.oneof(
  fc.tuple(fc.constant('tool'), fc.oneof(fc.constantFrom(...TOOLS, 'a.*', '*.x', '*'), fc.subarray(TOOLS, { minLength: 1 }))),
  fc.tuple(fc.constant('tool.effect'), fc.constantFrom('read', 'write')),
  fc.tuple(fc.constant('principal.type'), fc.constantFrom('agent', 'user', 'ag*')),
  fc.tuple(fc.constant('principal.grants'), fc.oneof(fc.constantFrom('g1', 'g2', 'g*'), fc.record({ not: fc.constantFrom('g1', 'g3') }))),
  fc.tuple(fc.constant('session.tainted'), fc.boolean()),
  fc.tuple(fc.constant('subject.region'), fc.constantFrom('EU', 'US', 'eu-west', 'us-*')),
  { arbitrary: fc.tuple(fc.constantFrom('args.x', 'args.env'), valueCond), weight: 6 },
);
const conds = fc.array(condEntry, { minLength: 0, maxLength: 3 }).map((es) => Object.fromEntries(es));
const ruleArb = fc.record({
  when: conds,
  unless: fc.option(conds.filter((c) => Object.keys(c).length > 0), { nil: undefined }),
  decision: fc.option(fc.constantFrom('allow', 'deny', 'require_approval'), { nil: undefined }),
  mode: fc.option(fc.constant('dry-run'), { nil: undefined }),
  route: fc.option(fc.constantFrom('eu-west', 'us-east'), { nil: undefined }),
}).map((r) => (r.decision === undefined && r.route === undefined ? { ...r, route: 'eu-west' } : r));
const factsArb = fc.record({
  tool: fc.constantFrom(...TOOLS, 'zzz'),
  effect: fc.constantFrom('read' as const, 'write' as const),
  type: fc.constantFrom('agent', 'user'),
  grants: fc.subarray(['g1', 'g2', 'g3']),
  region: fc.constantFrom('eu-west', 'us-east', 'EU', 'apac'),
  tainted: fc.boolean(),
  args: fc.record({ x: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 3 }, fc.constantFrom('a', 'b', 'prod', 'pad'), fc.boolean(), fc.constant(null)), env: fc.constantFrom('prod', 'dev', 'b2') }, { requiredKeys: ['env'] }),
});

describe('compiled evaluator vs a reference interpreter', () => {
  it('agrees on decision, matched rules, would-deny, obligations and deciding rule', () => {
    fc.assert(fc.property(fc.array(ruleArb, { maxLength: 12 }), fc.array(factsArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (specs, inputs, objectForm) => {
      const rules: R[] = specs.map((s, i) => ({ rule: `r${i}`, ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) } as R));
      const doc = objectForm ? { rules } : rules;
      const p = policyFrom(JSON.stringify(doc));
      for (const f of inputs) {
        const got = p.evaluate(facts({ tool: f.tool, effect: f.effect, tainted: f.tainted, args: f.args, principal: { type: f.type, grants: f.grants, region: f.region } }));
        const want = evaluateRef(rules, f, objectForm ? 'deny' : 'allow');
        expect(got.decision).toBe(want.decision);
        expect(got.matched).toEqual(want.matched);
        expect(got.wouldDeny).toEqual(want.would);
        expect(got.obligations.map((o) => (o.kind === 'route' ? o.region : ''))).toEqual(want.routes);
        if (want.rule) expect(got.rule).toBe(want.rule);
      }
    }), { numRuns: 200 });
  });
});
