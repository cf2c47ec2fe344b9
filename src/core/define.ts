import { z } from 'zod';
import type { Decision } from './decision.js';
import type { CheckedInvocation } from './invocation.js';
import type { Effect, InputValidator, Tool, ToolContext, ToolPolicyRule, ValidationResult } from './tool.js';

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** A tool as a team declares it: zod schemas in, typed arguments for the handler. */
export interface ToolDefinition<S extends ObjectSchema | z.ZodRawShape, O extends Record<string, unknown>, E extends Effect = Effect> {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  /** `write` tools take an `idemKey` (UUID), typed into their handler's arguments. */
  readonly effect: E;
  /** Purpose grant, with `{field}` placeholders filled from arguments: `flags.write:{env}`. */
  readonly scope: string;
  /** Input schema. A raw shape is wrapped in `z.strictObject`; pass strict objects for nested ones too. */
  readonly input: S;
  /** Result schema: published as `outputSchema`; results are checked (and unknown keys stripped) against it. */
  readonly output?: z.ZodObject<z.ZodRawShape>;
  readonly cost?: number;
  readonly rules?: (args: ArgsOf<S, E>, invocation: CheckedInvocation) => Decision | Promise<Decision>;
  readonly handler: (args: ArgsOf<S, E>, ctx: ToolContext) => Promise<O>;
  /** Data classes the results carry (e.g. `pii`): policy matches `data.contains_pii`. */
  readonly data?: readonly string[];
  /** Results are third-party content: they taint the session. */
  readonly untrusted?: boolean;
  /** Longest the handler may run (`tools.<name>.timeout_ms` overrides). */
  readonly timeoutMs?: number;
  readonly summarize?: (result: O) => string;
  /** Talks to systems outside the operator's control (published as `openWorldHint`). */
  readonly openWorld?: boolean;
  /** Policy rules the tool brings, in policy.yaml syntax (`tool` implied). */
  readonly policy?: readonly ToolPolicyRule[];
  /** `_meta` entries for a successful result. */
  readonly resultMeta?: (result: O) => Record<string, unknown> | undefined;
}

/** A write tool's handler also sees the normalised idempotency key. */
export type ArgsOf<S, E extends Effect> = E extends 'write' ? InputOf<S> & { readonly idemKey?: string } : InputOf<S>;

export type InputOf<S> = S extends ObjectSchema ? z.output<S> : S extends z.ZodRawShape ? z.output<z.ZodObject<S>> : never;

/**
 * Declares a tool for `createPalisade`.
 *
 * @example
 * const hello = defineTool({
 *   name: 'hello', description: 'Greets', effect: 'read', scope: 'hello.read',
 *   input: { who: z.string().max(64) },
 *   handler: async ({ who }) => ({ greeting: `hi ${who}` }),
 * });
 */
export function defineTool<S extends ObjectSchema | z.ZodRawShape, O extends Record<string, unknown>, E extends Effect = Effect>(
  def: ToolDefinition<S, O, E>,
): Tool {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(def.name)) throw new TypeError(`tool name "${def.name}" is not a valid MCP tool name`);
  if (!def.scope || def.scope.includes('*')) throw new TypeError(`tool ${def.name}: scope must be a purpose grant without wildcards`);
  const declared: ObjectSchema = def.input instanceof z.ZodObject ? def.input : z.strictObject(def.input as z.ZodRawShape);
  // Every write tool takes an idemKey. It is optional to the schema so that a missing
  // key is answered by the idempotency guard (IDEMPOTENCY_KEY_REQUIRED), and published
  // as required so that hosts send one. It is normalised to lower case: one UUID, one key.
  const schema = def.effect === 'write' ? declared.extend({ idemKey: z.uuid().transform((k) => k.toLowerCase()).optional() }) : declared;
  const tool: Tool = {
    name: def.name,
    description: def.description,
    effect: def.effect,
    scope: def.scope,
    cost: def.cost ?? 0,
    input: zodValidator(schema, def.effect === 'write' ? ['idemKey'] : []),
    handler: def.handler as Tool['handler'],
    ...(def.title !== undefined && { title: def.title }),
    ...(def.rules && { rules: def.rules as unknown as Tool['rules'] }),
    ...(def.summarize && { summarize: def.summarize as Tool['summarize'] }),
    ...(def.resultMeta && { resultMeta: def.resultMeta as Tool['resultMeta'] }),
    ...(def.openWorld !== undefined && { openWorld: def.openWorld }),
    ...(def.data && { data: Object.freeze([...def.data]) }),
    ...(def.untrusted !== undefined && { untrusted: def.untrusted }),
    ...(def.policy && { policy: Object.freeze([...def.policy]) }),
    ...(def.timeoutMs !== undefined && { timeoutMs: def.timeoutMs }),
    ...(def.output && { output: outputChecker(def.output) }),
  };
  return Object.freeze(tool);
}

/** Compiles a strict zod object into the transport-neutral validator the schema guard uses. */
export function zodValidator(schema: ObjectSchema, alsoRequired: readonly string[] = []): InputValidator {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema['$schema'];
  jsonSchema['additionalProperties'] = false;
  if (alsoRequired.length) {
    const req = new Set(Array.isArray(jsonSchema['required']) ? (jsonSchema['required'] as string[]) : []);
    for (const r of alsoRequired) req.add(r);
    jsonSchema['required'] = [...req];
  }
  return {
    jsonSchema,
    validate(args: unknown): ValidationResult {
      const r = schema.safeParse(args ?? {});
      if (r.success) return { ok: true, value: r.data as Record<string, unknown> };
      const unknownKey = r.error.issues.find((i) => i.code === 'unrecognized_keys');
      if (unknownKey && unknownKey.code === 'unrecognized_keys') {
        const path = [...unknownKey.path.map(String), unknownKey.keys[0] ?? '?'].map(safeName).join('.');
        return { ok: false, code: 'UNKNOWN_FIELD', path, message: `unknown field "${path}" is not allowed` };
      }
      const first = r.error.issues[0]!;
      const path = first.path.length ? first.path.map((p) => safeName(String(p))).join('.') : '(arguments)';
      return { ok: false, code: 'INVALID_PARAMS', path, message: `invalid "${path}": ${first.message}` };
    },
  };
}

/** Field names come from the caller: keep them short and printable in messages. */
function safeName(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}

/**
 * The published output schema also admits Palisade's denial shape: the SDK client
 * validates any structuredContent against outputSchema, denials included.
 */
function outputChecker(schema: z.ZodObject<z.ZodRawShape>): NonNullable<Tool['output']> {
  const result = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  delete result['$schema'];
  const denial = {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, retryAfterMs: { type: 'number' }, details: { type: 'object' } },
    required: ['code', 'message'],
  };
  return {
    jsonSchema: { type: 'object', anyOf: [result, denial] },
    check(value) {
      const r = schema.safeParse(value);
      return r.success ? (r.data as Record<string, unknown>) : undefined;
    },
  };
}
