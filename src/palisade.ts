import { randomUUID } from 'node:crypto';
import { createCatalog, type ToolCatalog } from './core/catalog.js';
import { newTraceId } from './core/ids.js';
import type { Decision, Obligation, Outcome } from './core/decision.js';
import type { ClientChannel, Invocation } from './core/invocation.js';
import type { Logger } from './core/logger.js';
import {
  createPipeline,
  type Guard,
  type GuardStage,
  type Pipeline,
  type PreflightOptions,
  type Recorder,
  type Redactor,
  type StageObserver,
} from './core/pipeline.js';
import { assertNoWildcardGrants, type Principal } from './core/principal.js';
import type { CallRecord } from './core/record.js';
import { toToolResult, type ToolResult } from './core/result.js';
import type { Surfaces } from './core/surfaces.js';
import { mayReach, placeholderTool, type Surface, type Tool } from './core/tool.js';
import { dlpRedactor } from './dlp/redactor.js';
import { catalog } from './guards/catalog.js';
import { idempotency, type IdempotencyOptions } from './guards/idempotency.js';
import { killswitch } from './guards/killswitch.js';
import { argsContainSecret } from './dlp/facts.js';
import { policy as policyGuard } from './guards/policy.js';
import { BUILTIN_RULES } from './policy/builtin.js';
import { compilePolicy } from './policy/compile.js';
import { parsePolicy } from './policy/load.js';
import { toolPolicyRules } from './policy/tool-rules.js';
import { schema } from './guards/schema.js';
import { mayAnswerScopeMissing, qualifiedScopes, scopes } from './guards/scopes.js';
import { stderrLogger } from './reach.js';
import { createMemoryStore } from './state/memory.js';
import type { StateStore } from './state/store.js';
import { createSwitchboard, switchDefaults, type SwitchDefaults, type Switchboard } from './state/switches.js';

/**
 * The signal of a preflight given none. A preflight runs no handler and asks no client,
 * so nothing listens on it: one shared signal instead of an AbortController per look
 * (the HTTP edge makes two per tools/call; issue 14). A call keeps its own signal, since
 * a handler that reads ctx.signal listens on it.
 */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;
/** Shared empties: an invocation's obligations and meta are replaced, never changed in place. */
const NO_OBLIGATIONS: readonly Obligation[] = Object.freeze([]);
const NO_META: Readonly<Record<string, unknown>> = Object.freeze({});

export interface PalisadeOptions {
  /** The tools, or a live catalog (gateway mode changes it at run time). */
  readonly tools: readonly Tool[] | ToolCatalog;
  /** Shared state (counters, idempotency, switches). Default: in-memory. */
  readonly store?: StateStore;
  /** Live kill switches. Default: built on `store` from `killswitch` (and MCP_READ_ONLY). */
  readonly switches?: Switchboard;
  readonly killswitch?: Partial<Omit<SwitchDefaults, 'readOnlyForced'>>;
  /** Guards of the policy and limits stages (later issues plug in here). */
  readonly stages?: { readonly policy?: Guard | readonly Guard[]; readonly limits?: Guard | readonly Guard[] };
  /** Stages in shadow mode: decide and record, never stop the call (safe roll-out). */
  readonly dryRun?: readonly GuardStage[];
  /** `auth.step_up`: list every tool; a call without the grant answers SCOPE_MISSING (else NOT_FOUND). */
  readonly stepUp?: boolean;
  readonly idempotency?: IdempotencyOptions;
  /** The redact stage. Default: `dlpRedactor()` (default DLP profile + policy `redact` obligations; `hash` masks without a key). */
  readonly redactor?: Redactor;
  readonly recorders?: readonly Recorder[];
  readonly onStage?: StageObserver | readonly StageObserver[];
  readonly logger?: Logger;
  readonly handlerTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface CallOptions {
  readonly sessionId?: string;
  readonly meta?: Record<string, unknown>;
  readonly transport?: string;
  readonly signal?: AbortSignal;
  readonly traceId?: string;
  readonly parentSpanId?: string;
  readonly client?: ClientChannel;
  /** The MCP method family the call came through (default `tool`); gateway prompts and resources set it. */
  readonly surface?: Surface;
}

/** The guarded tool catalog: what every transport serves. */
export interface Palisade {
  readonly pipeline: Pipeline;
  readonly store: StateStore;
  readonly switches: Switchboard;
  readonly catalog: ToolCatalog;
  readonly stepUp: boolean;
  /**
   * Prompts and resources served next to the tools (gateway mode fills it before any
   * transport opens). Every MCP server built on this Palisade declares and answers them.
   */
  readonly surfaces: Surfaces;
  /** Tools this principal may see in tools/list (every tool under step-up). */
  visibleTools(principal: Principal): Tool[];
  /** Runs one call through the pipeline. */
  invoke(principal: Principal, name: string, args: unknown, options?: CallOptions): Promise<Outcome>;
  /** `invoke`, mapped to an MCP CallToolResult. */
  call(principal: Principal, name: string, args: unknown, options?: CallOptions): Promise<ToolResult>;
  /**
   * The pipeline's own guards for one call, without the handler and consuming nothing
   * (default: catalog through scopes.qualified). Edges ask this instead of deciding.
   */
  preflight(principal: Principal, name: string, args: unknown, options?: PreflightOptions & CallOptions): Promise<Decision>;
  /**
   * Whether a preflight of this call could answer SCOPE_MISSING (a step-up challenge):
   * false when the tool is in the catalog under a fixed scope the principal holds.
   * Unknown tools answer true (the preflight decides).
   */
  mayNeedStepUp(principal: Principal, name: string): boolean;
  /** Hands an edge refusal to the recorders (audit, spans) with its code. */
  recordEdge(record: Omit<CallRecord, 'kind' | 'trail' | 'decidedBy' | 'pii'> & Partial<Pick<CallRecord, 'trail'>>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wraps tools in the pipeline (see STAGES in core/pipeline.ts):
 * catalog -> killswitch -> scopes -> schema -> scopes.qualified -> policy -> limits -> idempotency
 * -> handler -> redact -> record.
 *
 * @example
 * const palisade = await createPalisade({ tools: [hello] });
 * const server = createMcpServer(palisade, { principal: () => devPrincipal });
 * await server.connect(new StdioServerTransport());
 */
export async function createPalisade(options: PalisadeOptions): Promise<Palisade> {
  const env = options.env ?? process.env;
  const cat: ToolCatalog = Array.isArray(options.tools) ? createCatalog(options.tools as readonly Tool[]) : (options.tools as ToolCatalog);
  const store = options.store ?? createMemoryStore();
  const switches = options.switches ?? await createSwitchboard(store, switchDefaults(options.killswitch ?? {}, env));
  const ownsSwitches = options.switches === undefined;
  const stepUp = options.stepUp ?? false;

  const policy = options.stages?.policy;
  const pipeline = createPipeline({
    stages: {
      catalog: catalog(),
      killswitch: killswitch(switches),
      scopes: scopes({ stepUp }),
      schema: schema(),
      'scopes.qualified': qualifiedScopes(),
      // Without a policy guard, the tools' own rules (e.g. flag.set's ticket rule)
      // and the built-in taint rules still apply. A given guard replaces the stage.
      policy: policy ?? defaultPolicy(cat, store),
      ...(options.stages?.limits !== undefined && { limits: options.stages.limits }),
      idempotency: idempotency(store, options.idempotency),
    },
    redactor: options.redactor ?? dlpRedactor(options.logger ? { logger: options.logger } : {}),
    ...(options.recorders && { recorders: options.recorders }),
    ...(options.onStage && { onStage: options.onStage }),
    ...(options.dryRun && { dryRun: options.dryRun }),
    // Library mode without a logger: faults still reach stderr (never the caller), so a throwing handler is not silent.
    logger: options.logger ?? stderrLogger,
    ...(options.handlerTimeoutMs !== undefined && { handlerTimeoutMs: options.handlerTimeoutMs }),
  });

  /** One call's invocation, written out field by field (no spread copies). */
  function invocationFor(principal: Principal, name: string, input: unknown, o: CallOptions, signal?: AbortSignal): Invocation {
    assertNoWildcardGrants(principal.grants, principal.id, 'principal');
    const tool = cat.get(name) ?? placeholderTool(name);
    const trace = o.traceId !== undefined ? undefined : traceContextFrom(o.meta);
    // Every field present (undefined when absent), `args` included: one object shape for every
    // invocation, so the schema stage's copy with arguments is a monomorphic clone.
    return {
      traceId: o.traceId ?? trace?.traceId ?? newTraceId(),
      parentSpanId: o.traceId !== undefined ? o.parentSpanId : trace?.parentSpanId,
      principal,
      tool,
      input: input ?? {},
      session: { id: o.sessionId ?? randomUUID(), tainted: false },
      meta: o.meta ?? NO_META,
      transport: o.transport ?? 'memory',
      startedAt: Date.now(),
      obligations: NO_OBLIGATIONS,
      signal: o.signal ?? signal ?? new AbortController().signal,
      client: o.client || undefined,
      surface: o.surface && o.surface !== 'tool' ? o.surface : undefined,
      args: undefined,
    } as Invocation;
  }

  const invoke: Palisade['invoke'] = (principal, name, args, o = {}) => pipeline.invoke(invocationFor(principal, name, args, o));

  return {
    pipeline,
    store,
    switches,
    catalog: cat,
    stepUp,
    surfaces: {},
    // Only tools/call entries: gateway prompt and resource entries are listed by their own methods.
    visibleTools: (principal) => cat.list().filter((t) => (t.surface ?? 'tool') === 'tool' && (stepUp || mayReach(principal, t))),
    invoke,
    call: async (principal, name, args, o) => toToolResult(await invoke(principal, name, args, o)),
    preflight: (principal, name, args, o = {}) => pipeline.preflight(() => invocationFor(principal, name, args, o, NEVER_ABORTED), o),
    mayNeedStepUp: (principal, name) => {
      const tool = cat.get(name);
      return tool === undefined || mayAnswerScopeMissing(principal, tool);
    },
    recordEdge: (r) => pipeline.record({ trail: [], ...r, kind: 'edge', decidedBy: 'edge', pii: { count: 0, byType: {} } }),
    async close() {
      if (ownsSwitches) switches.close();
    },
  };
}

/** The policy stage with no policy file: the tools' own rules and Palisade's built-ins. */
function defaultPolicy(cat: ToolCatalog, store: StateStore): Guard {
  const compiled = compilePolicy(parsePolicy('[]', '(no policy file)'), { toolRules: toolPolicyRules(cat.list()), builtins: BUILTIN_RULES });
  return policyGuard({ policy: compiled, store, containsSecret: argsContainSecret });
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** W3C trace context (`traceparent`), when well formed and not all zeros. */
export function parseTraceparent(tp: unknown): { traceId: string; parentSpanId: string } | undefined {
  if (typeof tp !== 'string') return undefined;
  const m = TRACEPARENT.exec(tp);
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, parentSpanId: m[2]! };
}

/** Trace context from `_meta.traceparent`. */
export function traceContextFrom(meta: Record<string, unknown> | undefined): { traceId: string; parentSpanId: string } | undefined {
  return parseTraceparent(meta?.['traceparent']);
}

/** The trace id of `_meta.traceparent`, when well formed and not all zeros. */
export function traceIdFrom(meta: Record<string, unknown> | undefined): string | undefined {
  return traceContextFrom(meta)?.traceId;
}
