import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Outcome } from './core/decision.js';
import type { Invocation } from './core/invocation.js';
import { createPipeline, type Guard, type Logger, type Pipeline, type Recorder, type Redactor } from './core/pipeline.js';
import { assertNoWildcardGrants, type Principal } from './core/principal.js';
import { toToolResult, type ToolResult } from './core/result.js';
import { mayReach, placeholderTool, resolveScope, type Tool } from './core/tool.js';
import { ConfigSchema } from './config/schema.js';
import { obligationRedactor } from './dlp/obligations.js';
import { catalog } from './guards/catalog.js';
import { idempotency, type IdempotencyOptions } from './guards/idempotency.js';
import { killswitch } from './guards/killswitch.js';
import { toolRules } from './guards/rules.js';
import { schema } from './guards/schema.js';
import { qualifiedScopes, scopes } from './guards/scopes.js';
import { stderrLogger } from './reach.js';
import { createMemoryStore } from './state/memory.js';
import type { StateStore } from './state/store.js';
import { createSwitchboard, type Switchboard } from './state/switches.js';

export interface PalisadeOptions {
  readonly tools: readonly Tool[];
  /** Shared state (counters, idempotency, switches). Default: in-memory. */
  readonly store?: StateStore;
  /** palisade.yaml content (as parsed YAML); supplies kill-switch defaults when `killswitch` is absent. */
  readonly config?: ConfigInput;
  /** Live kill switches. Default: built on `store` from `killswitch`. */
  readonly switches?: Switchboard;
  readonly killswitch?: { readOnly?: boolean; quarantine?: readonly string[]; egressBlock?: readonly string[] };
  /** Guards for the policy and limits stages, in that order (later issues plug in here). */
  readonly policyGuards?: readonly Guard[];
  readonly limitGuards?: readonly Guard[];
  readonly idempotency?: IdempotencyOptions;
  readonly redactor?: Redactor;
  readonly recorders?: readonly Recorder[];
  readonly logger?: Logger;
  readonly handlerTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export type ConfigInput = z.input<typeof ConfigSchema>;

export interface CallOptions {
  readonly sessionId?: string;
  readonly meta?: Record<string, unknown>;
  readonly transport?: string;
  readonly signal?: AbortSignal;
  readonly traceId?: string;
}

/** The guarded tool catalog: what every transport serves. */
export interface Palisade {
  readonly pipeline: Pipeline;
  readonly store: StateStore;
  readonly switches: Switchboard;
  readonly tools: ReadonlyMap<string, Tool>;
  /** Tools this principal may see in tools/list. */
  visibleTools(principal: Principal): Tool[];
  /** Runs one call through the pipeline. */
  invoke(principal: Principal, name: string, args: unknown, options?: CallOptions): Promise<Outcome>;
  /** `invoke`, mapped to an MCP CallToolResult. */
  call(principal: Principal, name: string, args: unknown, options?: CallOptions): Promise<ToolResult>;
  /**
   * The grant a tools/call would need that this principal lacks, judged on raw
   * arguments; lets an HTTP edge answer 403 insufficient_scope before the call.
   */
  missingScope(principal: Principal, name: string, args: unknown): string | undefined;
  close(): Promise<void>;
}

/**
 * Wraps tools in the pipeline of DESIGN.md:
 * catalog -> killswitch -> scopes -> schema -> scopes.qualified -> rules/policy -> limits -> idempotency
 * -> handler -> redact -> record.
 *
 * @example
 * const palisade = await createPalisade({ tools: [hello] });
 * const server = createMcpServer(palisade, { principal: () => devPrincipal });
 * await server.connect(new StdioServerTransport());
 */
export async function createPalisade(options: PalisadeOptions): Promise<Palisade> {
  const env = options.env ?? process.env;
  const tools = new Map<string, Tool>();
  for (const t of options.tools) {
    if (tools.has(t.name)) throw new TypeError(`tool ${t.name} is defined twice`);
    tools.set(t.name, t);
  }
  const store = options.store ?? createMemoryStore();
  const cfg = options.config !== undefined ? ConfigSchema.parse(options.config) : undefined;
  const ks = options.killswitch ?? (cfg ? { readOnly: cfg.killswitch.read_only, quarantine: cfg.killswitch.quarantine, egressBlock: cfg.egress.block } : {});
  const switches = options.switches ?? await createSwitchboard(store, {
    readOnly: ks.readOnly ?? false,
    readOnlyForced: env['MCP_READ_ONLY'] === '1' || env['MCP_READ_ONLY'] === 'true',
    quarantine: ks.quarantine ?? [],
    egressBlock: ks.egressBlock ?? [],
  });
  const ownsSwitches = options.switches === undefined;

  const guards: Guard[] = [
    catalog(),
    killswitch(switches),
    scopes(),
    schema(),
    qualifiedScopes(),
    toolRules(),
    ...(options.policyGuards ?? []),
    ...(options.limitGuards ?? []),
    idempotency(store, options.idempotency),
  ];
  const pipeline = createPipeline({
    guards,
    redactor: options.redactor ?? obligationRedactor(),
    ...(options.recorders && { recorders: options.recorders }),
    // Library mode without a logger: faults still reach stderr (never the caller), so a throwing handler is not silent.
    logger: options.logger ?? stderrLogger,
    ...(options.handlerTimeoutMs !== undefined && { handlerTimeoutMs: options.handlerTimeoutMs }),
  });

  function invocationFor(principal: Principal, name: string, args: unknown, o: CallOptions): Invocation {
    assertNoWildcardGrants(principal.grants, `principal ${principal.id}`);
    const tool = tools.get(name) ?? placeholderTool(name);
    return {
      traceId: o.traceId ?? traceIdFrom(o.meta) ?? randomBytes(16).toString('hex'),
      principal,
      tool,
      args: (args ?? {}) as Record<string, unknown>,
      validated: false,
      session: { id: o.sessionId ?? randomUUID(), tainted: false },
      meta: o.meta ?? {},
      transport: o.transport ?? 'memory',
      startedAt: Date.now(),
      obligations: [],
      signal: o.signal ?? new AbortController().signal,
    };
  }

  const invoke: Palisade['invoke'] = (principal, name, args, o = {}) => pipeline.invoke(invocationFor(principal, name, args, o));

  return {
    pipeline,
    store,
    switches,
    tools,
    visibleTools: (principal) => [...tools.values()].filter((t) => mayReach(principal, t)),
    invoke,
    call: async (principal, name, args, o) => toToolResult(await invoke(principal, name, args, o)),
    missingScope(principal, name, args) {
      const tool = tools.get(name);
      if (!tool) return undefined;
      if (!mayReach(principal, tool)) return resolveScope(tool.scope, {}) ?? tool.scope;
      const raw = args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : {};
      const needed = resolveScope(tool.scope, raw);
      return needed !== undefined && !principal.grants.includes(needed) ? needed : undefined;
    },
    async close() {
      if (ownsSwitches) switches.close();
    },
  };
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** W3C trace context from `_meta.traceparent`, when well formed and not all zeros. */
export function traceIdFrom(meta: Record<string, unknown> | undefined): string | undefined {
  const tp = meta?.['traceparent'];
  if (typeof tp !== 'string') return undefined;
  const m = TRACEPARENT.exec(tp);
  return m && !/^0+$/.test(m[1]!) ? m[1] : undefined;
}
