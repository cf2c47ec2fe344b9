import { z } from 'zod';
import type { Tool } from '../core/tool.js';
import type { CompiledPolicy, PolicyResult } from '../policy/compile.js';
import { buildPolicyInput, compileEgressAllow, type EgressAllow } from '../policy/input.js';
import { DECISIONS, REDACT_MODES } from '../policy/schema.js';
import type { PolicyInput } from '../policy/facts.js';

const Principal = z.strictObject({
  id: z.string().default('agent:test'),
  type: z.string().default('agent'),
  tenant: z.string().default('acme'),
  region: z.string().default('eu-west'),
  grants: z.array(z.string()).default([]),
});
const Obligation = z.union([
  z.strictObject({ kind: z.literal('redact'), field: z.string(), mode: z.enum(REDACT_MODES) }),
  z.strictObject({ kind: z.literal('route'), region: z.string() }),
]);

/** One case: an invocation's facts and what the policy must answer. */
export const CaseSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  tool: z.string().min(1).max(128),
  /** Taken from the tool catalog when the tool is known; else given here (default read). */
  effect: z.enum(['read', 'write']).optional(),
  data: z.array(z.string()).optional(),
  principal: Principal.prefault({}),
  args: z.record(z.string(), z.unknown()).default({}),
  session: z.strictObject({ tainted: z.boolean().default(false) }).prefault({}),
  env: z.string().default('development'),
  /** ISO time of the call (UTC); default 2026-01-05T12:00:00Z, a Monday noon. */
  time: z.iso.datetime({ offset: true }).default('2026-01-05T12:00:00Z'),
  contains_secret: z.boolean().optional(),
  expect: z.strictObject({
    decision: z.enum(DECISIONS),
    code: z.string().optional(),
    /** The exact set of obligations (order and rule names aside). */
    obligations: z.array(Obligation).optional(),
    matched: z.array(z.string()).optional(),
  }),
});
/** A list of cases, or `{ egress_allow, cases }`. */
export const CasesListSchema = z.array(CaseSchema).min(1);
export const CasesObjectSchema = z.strictObject({ egress_allow: z.array(z.string()).default([]), cases: CasesListSchema });
export type PolicyCase = z.output<typeof CaseSchema>;

/** The facts of a case, with tool metadata from the catalog when the tool is known. */
export function caseInput(c: PolicyCase, tools: ReadonlyMap<string, Tool>, allow: EgressAllow): PolicyInput {
  const known = tools.get(c.tool);
  return buildPolicyInput({
    tool: known ?? { name: c.tool, effect: c.effect ?? 'read', data: c.data ?? [] },
    principal: c.principal,
    args: c.args,
    tainted: c.session.tainted,
    env: c.env,
    now: Date.parse(c.time),
    egressAllow: allow,
    ...(c.contains_secret !== undefined && { containsSecret: c.contains_secret }),
  });
}

/** What differs between the expectation and the answer (empty: PASS). */
export function compareCase(c: PolicyCase, r: PolicyResult): string[] {
  const out: string[] = [];
  const e = c.expect;
  if (r.decision !== e.decision) out.push(`decision: expected ${e.decision}, got ${r.decision}${r.rule ? ` (rule ${r.rule})` : ''}`);
  if (e.code !== undefined && r.code !== e.code) out.push(`code: expected ${e.code}, got ${r.code ?? '(none)'}`);
  if (e.obligations) {
    const key = (o: Record<string, unknown>) => JSON.stringify(o['kind'] === 'redact' ? ['redact', o['field'], o['mode']] : ['route', o['region']]);
    const want = e.obligations.map(key).sort();
    const got = r.obligations.map((o) => key(o as unknown as Record<string, unknown>)).sort();
    if (JSON.stringify(want) !== JSON.stringify(got)) out.push(`obligations: expected ${want.join(' ') || '(none)'}, got ${got.join(' ') || '(none)'}`);
  }
  if (e.matched && JSON.stringify(e.matched) !== JSON.stringify(r.matched)) out.push(`matched: expected [${e.matched.join(', ')}], got [${r.matched.join(', ')}]`);
  return out;
}

/** Runs every case; one line per case. */
export function runCases(policy: CompiledPolicy, cases: readonly PolicyCase[], tools: ReadonlyMap<string, Tool>, allowList: readonly string[]) {
  const allow = compileEgressAllow(allowList);
  return cases.map((c, i) => {
    const problems = compareCase(c, policy.evaluate(caseInput(c, tools, allow)));
    return { name: c.name ?? `case ${i + 1} (${c.tool})`, ok: problems.length === 0, problems };
  });
}
