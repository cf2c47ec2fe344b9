import type { Code } from './codes.js';
import type { Decision } from './decision.js';
import type { CheckedInvocation } from './invocation.js';
import type { Principal } from './principal.js';
import { holdsFamily } from './scopes.js';
import type { StoredResult } from './decision.js';

export { resolveScope, scopePrefix } from './scopes.js';

export type Effect = 'read' | 'write';

/** Which MCP method family a catalog entry answers: tools/call, prompts/get or resources/read. */
export type Surface = 'tool' | 'prompt' | 'resource';

export type ValidationResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly code: Extract<Code, 'UNKNOWN_FIELD' | 'INVALID_PARAMS'>; readonly path: string; readonly message: string };

/**
 * A compiled input validator. Local tools build it from zod (`defineTool`);
 * upstream tools will build it from JSON Schema. Guards only see this shape.
 */
export interface InputValidator {
  /** Closed JSON Schema (`additionalProperties: false`) published in tools/list. */
  readonly jsonSchema: Record<string, unknown>;
  validate(args: unknown): ValidationResult;
}

/** What a handler gets besides its validated arguments. */
export interface ToolContext {
  readonly principal: Principal;
  readonly traceId: string;
  /** The region the call is routed to (policy obligation, else the principal's region). */
  readonly region: string;
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which the handler must have answered. */
  readonly deadline: number;
  readonly invocation: CheckedInvocation;
}

/**
 * A policy rule a tool brings along, in policy.yaml syntax (`tool` is implied):
 * validated and compiled with the policy file, evaluated before the file's rules.
 */
export interface ToolPolicyRule {
  readonly rule: string;
  readonly description?: string;
  readonly when: Readonly<Record<string, unknown>>;
  readonly unless?: Readonly<Record<string, unknown>>;
  readonly decision?: 'allow' | 'deny' | 'require_approval';
  /** A deny code from the registry (default POLICY_DENY). */
  readonly code?: Code;
  readonly message?: string;
}

/** The one tool shape the pipeline knows. */
export interface Tool {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly effect: Effect;
  /**
   * The purpose grant the call needs. `{field}` placeholders are filled from the
   * validated arguments: `flags.write:{env}`. Before the schema runs only the part
   * before the first placeholder is checked, so a caller without any matching grant
   * learns nothing about the arguments.
   */
  readonly scope: string;
  /** Cost in USD charged against the daily budget per call. */
  readonly cost: number;
  readonly input: InputValidator;
  /**
   * The result's shape. A handler result that does not match is a fault, not an answer:
   * a field the schema does not name never reaches the caller (excessive exposure).
   */
  readonly output?: { readonly jsonSchema: Record<string, unknown>; check(result: unknown): Record<string, unknown> | undefined };
  /** Tool-owned rules evaluated at the policy stage, after the schema (e.g. the prod ticket rule). */
  readonly rules?: (args: Record<string, unknown>, invocation: CheckedInvocation) => Decision | Promise<Decision>;
  /** A structured result (checked against `output`, summarised into a text block). */
  readonly handler: (args: Record<string, unknown>, ctx: ToolContext) => Promise<Record<string, unknown>>;
  /**
   * Content-level handler: returns MCP content blocks as they are (gateway tools,
   * images, embedded resources). When set, it is called instead of `handler`.
   */
  readonly call?: (args: Record<string, unknown>, ctx: ToolContext) => Promise<StoredResult>;
  /** Data classes the tool returns (e.g. `pii`): policy matches `data.contains_pii` / `data.classes`. */
  readonly data?: readonly string[];
  /** Results are third-party content: they taint the session. */
  readonly untrusted?: boolean;
  /** Longest the handler may run (default: the pipeline's handler timeout). */
  readonly timeoutMs?: number;
  /** Talks to systems outside the operator's control (MCP `openWorldHint`). */
  readonly openWorld?: boolean;
  /** Policy rules this tool brings (e.g. flag.set's change-ticket rule). */
  readonly policy?: readonly ToolPolicyRule[];
  /** `_meta` entries for a successful result, e.g. marking it untrusted third-party content. */
  readonly resultMeta?: (result: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** Set only on the stand-in for a name this server does not serve. */
  readonly placeholder?: true;
  /**
   * The MCP surface that reaches this entry (default `tool`). Gateway prompts and
   * resources run the same pipeline as `prompt`/`resource` entries: they are never in
   * tools/list, and tools/call cannot reach them (NOT_FOUND, as for an unknown tool).
   */
  readonly surface?: Surface;
  /** The text block of a successful result; JSON of the structured result when absent. */
  readonly summarize?: (result: Record<string, unknown>) => string;
}

/** May this principal see (and try) this tool at all? A grant in the tool's scope family. */
export function mayReach(principal: Principal, tool: Tool): boolean {
  return holdsFamily(principal, tool.scope);
}

/** The stand-in tool for a name the catalog does not hold: the catalog guard denies it. */
export function placeholderTool(name: string): Tool {
  return {
    name: name.slice(0, 128),
    description: '',
    effect: 'write',
    scope: '(none)',
    cost: 0,
    placeholder: true,
    input: { jsonSchema: {}, validate: () => ({ ok: false, code: 'INVALID_PARAMS', path: '', message: 'unknown tool' }) },
    handler: async () => { throw new Error('unreachable'); },
  };
}
