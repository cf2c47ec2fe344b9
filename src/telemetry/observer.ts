import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { outcomeCode } from '../core/decision.js';
import { idemKeyOf, isChecked, type Invocation } from '../core/invocation.js';
import type { StageEvent, StageObserver } from '../core/pipeline.js';
import type { CallRecord, Recorder } from '../core/record.js';
import { callSpans, parentContext, rememberCall, scrubbed, type CallSpans } from './calls.js';
import type { Tracing } from './provider.js';
import { scrub } from './scrub.js';

/** Span names per stage: the seed's names where it gives one. */
const STAGE_SPAN: Record<string, string> = {
  catalog: 'catalog.lookup', killswitch: 'killswitch.check', scopes: 'scopes.check', schema: 'schema.validate',
  'scopes.qualified': 'scopes.check', policy: 'policy.evaluate', limits: 'limits.check', idempotency: 'idempotency.check',
  handler: 'tool.handler', redact: 'dlp.redact',
};

export interface Telemetry {
  readonly onStage: StageObserver;
  readonly recorder: Recorder;
}

/**
 * Spans from the pipeline's two hooks: each stage that ran becomes a child span of
 * `mcp.tool.invoke` (from the stage event's own start and duration); the recorder
 * completes the call span with the outcome, and makes one for each edge refusal.
 * `agent.plan` wraps the call when `_meta["palisade/plan"]` carries plan context.
 */
export function createTelemetry(tracing: Tracing): Telemetry {
  const { tracer } = tracing;
  const epoch = (hrMs: number) => performance.timeOrigin + hrMs;

  function open(inv: Invocation): CallSpans {
    const known = callSpans(inv);
    if (known) return known;
    let parent = parentContext(inv.traceId, inv.parentSpanId);
    if (!inv.parentSpanId) tracing.pinTraceId(inv.traceId);
    let plan: Span | undefined;
    const planMeta = inv.meta['palisade/plan'];
    if (planMeta !== null && typeof planMeta === 'object') {
      plan = tracer.startSpan('agent.plan', { startTime: inv.startedAt, attributes: planAttributes(planMeta as Record<string, unknown>) }, parent);
      parent = trace.setSpan(parent, plan);
    }
    const root = tracer.startSpan('mcp.tool.invoke', { kind: SpanKind.SERVER, startTime: inv.startedAt, attributes: principalAttributes(inv) }, parent);
    const spans: CallSpans = { tracer, root, ...(plan && { plan }), ctx: trace.setSpan(parent, root) };
    rememberCall(inv, spans);
    return spans;
  }

  function onStage(e: StageEvent): void {
    const c = open(e.invocation);
    const start = epoch(e.startedAt);
    const d = e.decision;
    const span = tracer.startSpan(STAGE_SPAN[e.stage] ?? `palisade.${e.stage}`, {
      startTime: start,
      attributes: scrubbed({
        'palisade.stage': e.stage,
        'palisade.guard': e.guard,
        ...(d && { 'policy.decision': d.allow ? 'allow' : 'deny', 'decision.code': d.allow ? undefined : d.code }),
        ...(e.dryRun && { 'palisade.dry_run': true }),
        ...noteAttributes(d?.notes),
      }),
    }, c.ctx);
    if (d && !d.allow && !e.dryRun) span.setStatus({ code: SpanStatusCode.ERROR, message: d.code });
    span.end(start + e.durationMs);
  }

  function record(r: CallRecord): void {
    const end = r.at + r.durationMs;
    const c = r.invocation ? open(r.invocation) : undefined;
    let span = c?.root;
    if (!span) {
      const parent = parentContext(r.traceId, r.parentSpanId);
      if (!r.parentSpanId) tracing.pinTraceId(r.traceId);
      span = tracer.startSpan('mcp.tool.invoke', { kind: SpanKind.SERVER, startTime: r.at }, parent);
    }
    const o = r.outcome;
    const code = outcomeCode(o);
    const inv = r.invocation;
    span.setAttributes(scrubbed({
      ...(r.principal && { 'actor.id': r.principal.id, 'actor.type': r.principal.type, 'tenant.id': r.principal.tenant, 'scope.grants': [...r.principal.grants] }),
      'tool.name': r.toolName,
      'policy.decision': o.kind === 'ok' ? (o.replayed ? 'replay' : 'allow') : o.kind === 'denied' ? 'deny' : 'error',
      'decision.code': code,
      'palisade.decided_by': r.decidedBy,
      'palisade.kind': r.kind,
      'pii.count': r.pii.count,
      'idem.key': inv && isChecked(inv) ? idemKeyOf(inv) : undefined,
      'budget.cost_usd': inv && o.kind === 'ok' && !o.replayed ? inv.tool.cost : undefined,
      'mcp.transport': r.transport,
      'policy.would_deny': r.trail.filter((t) => t.dryRun && t.code).map((t) => `${t.stage}:${t.code}`),
      ...(r.http && { 'http.response.status_code': r.http.status, 'http.request.method': r.http.method, 'url.path': r.http.path }),
    }));
    if (code) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    span.end(end);
    c?.plan?.end(end);
  }

  return { onStage, recorder: { record } };
}

function principalAttributes(inv: Invocation) {
  return scrubbed({
    'actor.id': inv.principal.id, 'actor.type': inv.principal.type, 'tenant.id': inv.principal.tenant,
    'scope.grants': [...inv.principal.grants], 'tool.name': inv.tool.name, 'mcp.transport': inv.transport,
  });
}

/** Plan context is the agent's own: only its shape (id, step, depth, goal) and scrubbed. */
function planAttributes(p: Record<string, unknown>) {
  return scrubbed({
    'plan.id': typeof p['id'] === 'string' ? p['id'] : undefined,
    'plan.step': typeof p['step'] === 'number' ? p['step'] : undefined,
    'plan.depth': typeof p['depth'] === 'number' ? p['depth'] : undefined,
    'plan.goal': typeof p['goal'] === 'string' ? scrub(p['goal']).slice(0, 128) : undefined,
  });
}

/** A stage's notes (never caller values) as attributes: matched rules, policy version, budget use. */
function noteAttributes(notes: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (!notes) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(notes)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) if (typeof v2 !== 'object') out[`palisade.${k}.${k2}`] = v2;
    } else out[k === 'matched' ? 'policy.rules' : `palisade.${k}`] = v;
  }
  return out;
}
