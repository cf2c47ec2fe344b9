import type { Surface } from './tool.js';
import type { Obligation } from './decision.js';
import type { Principal } from './principal.js';
import type { Tool } from './tool.js';

/** An in-band question to the human behind the client (MCP `elicitation/create`). */
export interface ElicitRequest {
  readonly message: string;
  readonly requestedSchema: Record<string, unknown>;
}
export interface ElicitAnswer {
  readonly action: 'accept' | 'decline' | 'cancel';
  readonly content?: Record<string, unknown>;
}

/** What the connected client can do for the pipeline (absent for library calls without a client). */
export interface ClientChannel {
  /** Set only when the client declared the `elicitation` capability. */
  readonly elicit?: (request: ElicitRequest, options: { signal: AbortSignal; timeoutMs: number }) => Promise<ElicitAnswer>;
  /** Sends a progress notification when the request carried a progress token. */
  readonly progress?: (progress: number, total?: number, message?: string) => Promise<void>;
  /**
   * Sends a log message (`notifications/message`) on this call's stream, unless the
   * session's `logging/setLevel` filters it. Set only when the server declares logging.
   */
  readonly log?: (level: LogLevel, data: unknown, logger?: string) => Promise<void>;
}

/** MCP logging levels, in order of severity. */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One tool call as it flows down the pipeline, before the schema stage: the
 * arguments are still the caller's raw value. Each stage hands a new object on.
 */
export interface Invocation {
  readonly traceId: string;
  /** W3C parent span id when the caller sent trace context. */
  readonly parentSpanId?: string;
  readonly principal: Principal;
  readonly tool: Tool;
  /** The caller's raw `arguments`: unknown until the schema stage checks them. */
  readonly input: unknown;
  readonly session: { readonly id: string; readonly tainted: boolean };
  /** The request's `_meta` (progress token, traceparent, plan context). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly transport: 'stdio' | 'http' | 'memory' | string;
  readonly startedAt: number;
  readonly obligations: readonly Obligation[];
  readonly signal: AbortSignal;
  readonly client?: ClientChannel;
  /** The MCP method family the call came through (default `tool`); the catalog stage matches it. */
  readonly surface?: Surface;
}

/** After the schema stage: validated, typed arguments. Every later stage sees this. */
export interface CheckedInvocation extends Invocation {
  readonly args: Record<string, unknown>;
}

export function isChecked(inv: Invocation): inv is CheckedInvocation {
  return (inv as Partial<CheckedInvocation>).args !== undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The idempotency key of a call, normalised: a UUID in any letter case is one key
 * (upper- and lower-case spellings must not run a write twice).
 */
export function idemKeyOf(inv: Pick<CheckedInvocation, 'args'>): string | undefined {
  const k = inv.args['idemKey'];
  if (typeof k !== 'string') return undefined;
  return UUID.test(k) ? k.toLowerCase() : k;
}
