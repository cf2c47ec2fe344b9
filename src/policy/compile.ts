import { compileConditions, ConditionError, type Condition } from './conditions.js';
import type { PolicyInput } from './facts.js';
import { PolicyError, type PolicySource } from './load.js';
import type { PolicyDecision, PolicyDefaults, RedactMode, RuleCode, RuleSource, SourcedRule } from './schema.js';

/** What a matching rule asks of the rest of the call. */
export type PolicyObligation =
  | { readonly kind: 'redact'; readonly field: string; readonly mode: RedactMode; readonly rule: string }
  | { readonly kind: 'route'; readonly region: string; readonly rule: string };

/** One evaluation's answer: data, recorded with the call. */
export interface PolicyResult {
  readonly decision: PolicyDecision;
  /** Enforced rules that matched, in order. */
  readonly matched: readonly string[];
  readonly obligations: readonly PolicyObligation[];
  /** Dry-run rules (or a dry-run default) that would have denied or asked for approval. */
  readonly wouldDeny: readonly string[];
  readonly policyVersion: string;
  /** The rule that decided a deny or approval (`(default)` for the default). */
  readonly rule?: string;
  readonly code?: RuleCode;
  readonly message?: string;
}

export interface CompiledRule {
  readonly name: string;
  readonly source: RuleSource;
  readonly line?: number;
  readonly description?: string;
  readonly dryRun: boolean;
  readonly decision?: PolicyDecision;
  readonly code: RuleCode;
  readonly message: string;
  readonly obligations: readonly PolicyObligation[];
  readonly when: readonly Condition[];
  readonly unless?: readonly Condition[];
  test(input: PolicyInput): boolean;
}

export interface CompiledPolicy {
  readonly file: string;
  readonly version: string;
  readonly defaults: PolicyDefaults;
  readonly mode: 'enforce' | 'dry-run';
  readonly rules: readonly CompiledRule[];
  /** True when some rule reads `args.contains_secret` (the DLP scan runs only then). */
  readonly needsSecretScan: boolean;
  evaluate(input: PolicyInput): PolicyResult;
}

export interface CompileOptions {
  /** Rules tools declare themselves (e.g. flag.set's ticket rule); evaluated first. */
  readonly toolRules?: readonly SourcedRule[];
  /** Palisade's built-in rules, evaluated last when the file keeps `builtins`. */
  readonly builtins?: readonly SourcedRule[];
}

/** Compiles every rule into closures, once. Errors name file, line and path. */
export function compilePolicy(source: PolicySource, options: CompileOptions = {}): CompiledPolicy {
  const all = [
    ...(options.toolRules ?? []),
    ...source.rules,
    ...(source.builtins ? options.builtins ?? [] : []),
  ];
  const names = new Set<string>();
  const rules = all.map((r) => {
    if (names.has(r.spec.rule)) throw new PolicyError(source.file, r.line, r.path, `rule name "${r.spec.rule}" is used twice (${r.source})`);
    names.add(r.spec.rule);
    return compileRule(r, source);
  });
  const needsSecretScan = rules.some((r) => [...r.when, ...(r.unless ?? [])].some((c) => c.key === 'args.contains_secret'));
  // Per tool object: the rules whose tool-only conditions hold, reduced to their per-call part.
  const byTool = new WeakMap<PolicyInput['tool'], readonly Residual[]>();
  const candidates = (input: PolicyInput): readonly Residual[] => {
    let list = byTool.get(input.tool);
    if (!list) {
      list = rules.flatMap((r) => residual(r, input));
      byTool.set(input.tool, list);
    }
    return list;
  };
  const version = source.version;
  const defaults = source.defaults;
  const fileDry = source.mode === 'dry-run';

  function evaluate(input: PolicyInput): PolicyResult {
    const matched: string[] = [];
    const wouldDeny: string[] = [];
    const obligations: PolicyObligation[] = [];
    let denyBy: CompiledRule | undefined;
    let approvalBy: CompiledRule | undefined;
    let allowed = false;
    for (const { rule: r, test } of candidates(input)) {
      if (!test(input)) continue;
      if (r.dryRun) {
        if (r.decision === 'deny' || r.decision === 'require_approval') wouldDeny.push(r.name);
        continue;
      }
      matched.push(r.name);
      if (r.decision === 'deny') denyBy ??= r;
      else if (r.decision === 'require_approval') approvalBy ??= r;
      else if (r.decision === 'allow') allowed = true;
      for (const o of r.obligations) obligations.push(o);
    }
    const result = (decision: PolicyDecision, by?: { name: string; code?: RuleCode; message: string }): PolicyResult =>
      (by ? { decision, matched, obligations, wouldDeny, policyVersion: version, rule: by.name, ...(by.code && { code: by.code }), message: by.message }
        : { decision, matched, obligations, wouldDeny, policyVersion: version });
    if (denyBy) return result('deny', denyBy);
    if (approvalBy) return result('require_approval', { name: approvalBy.name, message: approvalBy.message });
    if (allowed) return result('allow');
    const d = input.tool.effect === 'write' ? defaults.write : defaults.read;
    if (d === 'allow') return result('allow');
    if (fileDry) { wouldDeny.push('(default)'); return result('allow'); }
    return d === 'deny'
      ? result('deny', { name: '(default)', code: 'POLICY_DENY', message: `no policy rule allows this ${input.tool.effect} tool (default: deny)` })
      : result('require_approval', { name: '(default)', message: `${input.tool.effect} tools need a human approval (policy default)` });
  }

  return { file: source.file, version, defaults, mode: source.mode, rules, needsSecretScan, evaluate };
}

function compileRule(r: SourcedRule, source: PolicySource): CompiledRule {
  const s = r.spec;
  const deciding = s.decision === 'deny' || s.decision === 'require_approval';
  const part = (key: 'when' | 'unless', obj: Record<string, unknown>): Condition[] => {
    try {
      return compileConditions(obj, key === 'when' ? deciding : false);
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      const at = [...r.at, key, ...err.path];
      const line = r.source === 'file' ? source.lineOf(at) : undefined;
      throw new PolicyError(r.source === 'file' ? source.file : r.source, line, `${r.path}.${key}.${err.path.join('.')}`, err.message);
    }
  };
  const when = part('when', s.when);
  const unless = s.unless ? part('unless', s.unless) : undefined;
  const test = conjunction(when.map((c) => c.test), unless?.map((c) => c.test));
  const obligations: PolicyObligation[] = [
    ...(s.redact ?? []).map((x) => ({ kind: 'redact' as const, field: x.field, mode: x.mode, rule: s.rule })),
    ...(s.route ? [{ kind: 'route' as const, region: s.route, rule: s.rule }] : []),
  ];
  return {
    name: s.rule,
    source: r.source,
    ...(r.line !== undefined && { line: r.line }),
    ...(s.description !== undefined && { description: s.description }),
    dryRun: r.source === 'file' && source.mode === 'dry-run' ? true : s.mode === 'dry-run',
    ...(s.decision !== undefined && { decision: s.decision }),
    code: s.code ?? 'POLICY_DENY',
    message: s.message ?? (s.decision === 'require_approval' ? `policy rule ${s.rule} requires a human approval` : `policy rule ${s.rule} denies this call`),
    obligations,
    when,
    ...(unless && { unless }),
    test,
  };
}

type Test = (input: PolicyInput) => boolean;
interface Residual { readonly rule: CompiledRule; readonly test: Test }

/** All of `when`, and not all of `unless` (when given). */
function conjunction(w: readonly Test[], u: readonly Test[] | undefined): Test {
  return (i) => {
    for (const t of w) if (!t(i)) return false;
    if (u) {
      for (const t of u) if (!t(i)) return true;
      return false;
    }
    return true;
  };
}

/**
 * The rule for one tool: none when a tool-only `when` condition fails (or a fully
 * tool-only `unless` holds), else a test of the conditions left to check per call.
 */
export function residual(r: CompiledRule, input: PolicyInput): Residual[] {
  if (!r.when.every((c) => !c.toolOnly || c.test(input))) return [];
  const w = r.when.filter((c) => !c.toolOnly).map((c) => c.test);
  let u: Test[] | undefined;
  if (r.unless && r.unless.every((c) => !c.toolOnly || c.test(input))) {
    u = r.unless.filter((c) => !c.toolOnly).map((c) => c.test);
    if (u.length === 0) return [];
  }
  return [{ rule: r, test: conjunction(w, u) }];
}
