import type { CompiledPolicy, PolicyResult } from './compile.js';
import type { Condition } from './conditions.js';
import type { PolicyInput } from './facts.js';

export interface ConditionTrace {
  readonly key: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly ok: boolean;
}

export interface RuleTrace {
  readonly rule: string;
  readonly source: string;
  readonly line?: number;
  readonly mode: 'enforce' | 'dry-run';
  readonly decision?: string;
  /** false when a tool-only condition (tool, tool.effect, data.*) rules the tool out. */
  readonly considered: boolean;
  readonly when: readonly ConditionTrace[];
  readonly unless?: readonly ConditionTrace[];
  readonly matched: boolean;
  readonly why: string;
}

export interface Explanation {
  readonly result: PolicyResult;
  readonly rules: readonly RuleTrace[];
}

const traceOf = (input: PolicyInput) => (c: Condition): ConditionTrace =>
  ({ key: c.key, expected: c.expected, actual: c.actual(input), ok: c.test(input) });

/** Every rule of a compiled policy against one input, with why each matched or not. */
export function explain(policy: CompiledPolicy, input: PolicyInput): Explanation {
  const rules = policy.rules.map((r): RuleTrace => {
    const when = r.when.map(traceOf(input));
    const unless = r.unless?.map(traceOf(input));
    const matched = r.test(input);
    const failed = when.filter((c) => !c.ok).map((c) => c.key);
    const why = failed.length
      ? `not matched: ${failed.join(', ')} did not hold`
      : unless && unless.every((c) => c.ok)
        ? `not matched: unless (${unless.map((c) => c.key).join(', ')}) held`
        : `matched${r.dryRun ? ' (dry-run: recorded, not enforced)' : ''}`;
    return {
      rule: r.name,
      source: r.source,
      ...(r.line !== undefined && { line: r.line }),
      mode: r.dryRun ? 'dry-run' : 'enforce',
      ...(r.decision !== undefined && { decision: r.decision }),
      considered: r.when.every((c) => !c.toolOnly || c.test(input)),
      when,
      ...(unless && { unless }),
      matched,
      why,
    };
  });
  return { result: policy.evaluate(input), rules };
}

/** The explanation as text lines, for `palisade policy explain`. */
export function formatExplanation(e: Explanation): string[] {
  const out: string[] = [];
  const show = (v: unknown) => JSON.stringify(v) ?? 'undefined';
  for (const r of e.rules) {
    const effects = r.decision ?? 'obligations only';
    out.push(`${r.matched ? 'MATCH' : 'skip '} ${r.rule} [${r.source}${r.line ? `:${r.line}` : ''}, ${r.mode}, ${effects}] ${r.why}`);
    for (const c of r.when) out.push(`    when   ${c.ok ? 'ok  ' : 'FAIL'} ${c.key}: expected ${show(c.expected)}, got ${show(c.actual)}`);
    for (const c of r.unless ?? []) out.push(`    unless ${c.ok ? 'ok  ' : 'no  '} ${c.key}: expected ${show(c.expected)}, got ${show(c.actual)}`);
  }
  const res = e.result;
  out.push(`decision: ${res.decision}${res.rule ? ` (rule ${res.rule}${res.code ? `, ${res.code}` : ''})` : ''}`);
  if (res.matched.length) out.push(`matched: ${res.matched.join(', ')}`);
  if (res.obligations.length) out.push(`obligations: ${res.obligations.map((o) => (o.kind === 'redact' ? `redact ${o.field} (${o.mode})` : `route ${o.region}`)).join(', ')}`);
  if (res.wouldDeny.length) out.push(`would deny (dry-run): ${res.wouldDeny.join(', ')}`);
  out.push(`policy version: ${res.policyVersion}`);
  return out;
}
