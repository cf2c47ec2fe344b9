import type { Obligation } from './decision.js';
import type { Principal } from './principal.js';
import type { Tool } from './tool.js';

/** One tool call as it flows down the pipeline. Each stage hands a new object on. */
export interface Invocation {
  readonly traceId: string;
  readonly principal: Principal;
  readonly tool: Tool;
  /** Raw arguments until the schema guard replaces them with validated ones. */
  readonly args: Record<string, unknown>;
  readonly validated: boolean;
  readonly session: { readonly id: string; readonly tainted: boolean };
  /** The request's `_meta` (progress token, traceparent, plan context). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly transport: 'stdio' | 'http' | 'memory' | string;
  readonly startedAt: number;
  readonly obligations: readonly Obligation[];
  readonly signal: AbortSignal;
}

/** The idempotency key of a call, if it carries one as a string. */
export function idemKeyOf(inv: Pick<Invocation, 'args'>): string | undefined {
  const k = inv.args['idemKey'];
  return typeof k === 'string' ? k : undefined;
}
