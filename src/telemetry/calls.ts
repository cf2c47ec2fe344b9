import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { Invocation } from '../core/invocation.js';
import type { ToolContext } from '../core/tool.js';
import { scrub } from './scrub.js';

/** The spans of one call in flight, keyed by the call's AbortSignal (the one object every stage hands on unchanged). */
export interface CallSpans {
  readonly tracer: Tracer;
  readonly root: Span;
  readonly plan?: Span;
  /** Context with `root` as the active span: parent of stage and service spans. */
  readonly ctx: Context;
}

const CALLS = new WeakMap<AbortSignal, CallSpans>();

export function callSpans(inv: Pick<Invocation, 'signal'>): CallSpans | undefined {
  return CALLS.get(inv.signal);
}

export function rememberCall(inv: Pick<Invocation, 'signal'>, spans: CallSpans): void {
  CALLS.set(inv.signal, spans);
}

/** The remote parent from W3C trace context, or the root context. */
export function parentContext(traceId: string, parentSpanId: string | undefined): Context {
  if (!parentSpanId) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

/** Attribute values scrubbed of PII and tokens; undefined values dropped. */
export function scrubbed(attrs: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') out[k] = scrub(v).slice(0, 512);
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.slice(0, 64).map((x) => scrub(String(x)).slice(0, 256));
  }
  return out;
}

/**
 * Runs one backend call (database, flag store, outbound HTTP) under a `service.api.call`
 * span, child of the call's `mcp.tool.invoke`. Without telemetry it just runs `fn`.
 *
 * @example
 * const row = await withServiceSpan(ctx, 'orders.db.get', () => db.get(id), { 'db.system': 'sqlite' });
 */
export async function withServiceSpan<T>(ctx: Pick<ToolContext, 'invocation'>, name: string, fn: () => Promise<T> | T, attributes: Record<string, unknown> = {}): Promise<T> {
  const c = CALLS.get(ctx.invocation.signal);
  if (!c) return fn();
  const span = c.tracer.startSpan('service.api.call', { kind: SpanKind.CLIENT, attributes: scrubbed({ 'service.api': name, ...attributes }) }, c.ctx);
  try {
    return await context.with(trace.setSpan(c.ctx, span), fn);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    const code = (err as { code?: unknown })?.code;
    span.setAttribute('error.type', typeof code === 'string' ? code.slice(0, 64) : err instanceof Error ? err.name : 'error');
    throw err;
  } finally {
    span.end();
  }
}
