import { z } from 'zod';

/**
 * policy.yaml, as the seed writes it (a list of rules) or in the object form
 * that adds defaults and a file-wide mode:
 *
 *   version: 1
 *   default: { read: allow, write: deny }   # object form only; list form: both allow
 *   mode: enforce                           # or dry-run: nothing in the file denies
 *   builtins: true                          # false drops Palisade's taint rules
 *   rules: [ ... ]
 *
 * Conditions (`when`, `unless`) are validated when they compile (conditions.ts),
 * so that every error names its exact place.
 */
export const DECISIONS = ['allow', 'deny', 'require_approval'] as const;
export const REDACT_MODES = ['mask', 'partial', 'hash', 'drop'] as const;

/** Codes a deny rule may name: policy answers, never transport or fault codes. */
export const RULE_CODES = [
  'POLICY_DENY', 'TICKET_REQUIRED', 'SCOPE_MISSING', 'READ_ONLY', 'QUARANTINED',
  'EGRESS_DENIED', 'SSRF_BLOCKED', 'NOT_FOUND', 'BUDGET_EXCEEDED', 'STOP_RULE',
] as const;

const Conditions = z.record(z.string(), z.unknown());
const Mode = z.enum(['enforce', 'dry-run']);

export const RuleSchema = z.strictObject({
  rule: z.string().min(1).max(128),
  description: z.string().max(2000).optional(),
  when: Conditions,
  unless: Conditions.optional(),
  decision: z.enum(DECISIONS).optional(),
  /** The deny code (default POLICY_DENY); only with `decision: deny`. */
  code: z.enum(RULE_CODES).optional(),
  /** The text after `DENY: `; default names the rule. Never include caller input. */
  message: z.string().min(1).max(200).optional(),
  redact: z.array(z.strictObject({ field: z.string().min(1).max(128), mode: z.enum(REDACT_MODES) })).max(64).optional(),
  route: z.string().min(1).max(64).optional(),
  mode: Mode.optional(),
}).refine((r) => r.decision !== undefined || r.redact !== undefined || r.route !== undefined,
  { message: 'a rule needs a decision, redact or route' })
  .refine((r) => r.code === undefined || r.decision === 'deny', { message: 'code is only allowed with decision: deny', path: ['code'] });

const DefaultsSchema = z.strictObject({
  read: z.enum(['allow', 'deny']).default('allow'),
  write: z.enum(DECISIONS).default('deny'),
});

export const PolicyObjectSchema = z.strictObject({
  version: z.union([z.string().max(64), z.number()]).optional(),
  default: DefaultsSchema.optional(),
  mode: Mode.optional(),
  builtins: z.boolean().optional(),
  rules: z.array(RuleSchema).max(10_000),
});

export const PolicyListSchema = z.array(RuleSchema).max(10_000);

export type RuleSpec = z.output<typeof RuleSchema>;
export type PolicyDecision = (typeof DECISIONS)[number];
export type RedactMode = (typeof REDACT_MODES)[number];
export type RuleCode = (typeof RULE_CODES)[number];
export type PolicyDefaults = z.output<typeof DefaultsSchema>;

/** Where a rule came from: the policy file, a tool's own declaration, or Palisade's built-ins. */
export type RuleSource = 'file' | `tool:${string}` | 'builtin';

/** A rule ready to compile: the spec, where it lives (for errors and explain), and its place. */
export interface SourcedRule {
  readonly spec: RuleSpec;
  readonly source: RuleSource;
  /** 1-based line in the policy file (file rules only). */
  readonly line?: number;
  /** Path of the rule inside its document, for error messages: `[2]`, `rules[2]`. */
  readonly path: string;
  /** The same path as parts, to find lines of nested nodes. */
  readonly at: readonly (string | number)[];
}
