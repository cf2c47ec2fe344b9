import { createHmac } from 'node:crypto';
import { FaultError } from '../core/errors.js';
import { isChecked, type Invocation } from '../core/invocation.js';
import type { CallRecord, Recorder } from '../core/record.js';
import type { Tool, ToolContext } from '../core/tool.js';
import { callSpans } from '../telemetry/calls.js';
import { scrub, scrubValue } from '../telemetry/scrub.js';
import { canonical, sha256 } from './canonical.js';
import type { CallFields } from './types.js';
import type { AuditLog } from './writer.js';

export interface AuditRecorderOptions {
  /** HMAC key for `argsHmac` (secret `audit-hmac`). */
  readonly hmacKey: Buffer;
}

/**
 * Every call and edge refusal as one audit record. The call path only queues it; the record
 * is built, hashed and written with its batch on the next turn of the event loop, in order.
 */
export function auditRecorder(log: AuditLog, options: AuditRecorderOptions): Recorder {
  return { record: (r) => log.appendLater(() => callFields(r, options.hmacKey)) };
}

/** The record of a call: who, what (HMAC + redacted arguments), the decision, rules, obligations, result digest. */
export function callFields(r: CallRecord, hmacKey: Buffer): CallFields {
  const o = r.outcome;
  const inv = r.invocation;
  const rules = r.trail.flatMap((t) => (Array.isArray(t.notes?.['matched']) ? (t.notes['matched'] as unknown[]).map((m) => scrub(String(m))) : []));
  const code = o.kind === 'denied' ? o.deny.code : o.kind === 'fault' ? o.code : undefined;
  return {
    kind: r.kind,
    traceId: r.traceId,
    ...spanOf(inv, r.parentSpanId),
    ...(r.principal && { actor: { id: scrub(r.principal.id), type: r.principal.type }, tenant: r.principal.tenant }),
    ...(r.toolName !== undefined && { tool: scrub(r.toolName).slice(0, 128) }),
    ...(inv && argsOf(inv, hmacKey)),
    decision: o.kind === 'ok' ? (o.replayed ? 'replay' : 'allow') : o.kind === 'denied' ? 'deny' : 'error',
    ...(code && { code }),
    stage: r.decidedBy,
    ...(rules.length && { rules }),
    ...(inv?.obligations.length && { obligations: inv.obligations.map((ob) => ({ ...ob })) }),
    ...(o.kind === 'ok' && { result: sha256(canonical(o.result)) }),
    pii: r.pii.count,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    ...(r.http && { http: { status: r.http.status, method: r.http.method, path: scrub(r.http.path).slice(0, 256) } }),
  };
}

function spanOf(inv: Invocation | undefined, parent: string | undefined): { spanId?: string } {
  const s = inv ? callSpans(inv)?.root.spanContext().spanId : undefined;
  return s ? { spanId: s } : parent ? { spanId: parent } : {};
}

function argsOf(inv: Invocation, key: Buffer): { argsHmac: string; args: unknown } {
  const value = isChecked(inv) ? inv.args : inv.input;
  let text: string;
  try { text = canonical(value ?? null); } catch { text = 'null'; }
  return { argsHmac: createHmac('sha256', key).update(text).digest('hex'), args: scrubValue(value ?? null) };
}

/**
 * Write tools audited before they run: an intent record is written (flushed, and fsynced
 * under `audit.fsync: always`) before the handler starts. When it cannot be written the
 * handler does not run and the call answers INTERNAL_ERROR (fail closed).
 */
export function withAuditIntent(tool: Tool, log: AuditLog, options: AuditRecorderOptions): Tool {
  if (tool.effect !== 'write') return tool;
  const intent = async (args: Record<string, unknown>, ctx: ToolContext) => {
    const inv = ctx.invocation;
    try {
      await log.appendDurable({
        kind: 'intent',
        traceId: inv.traceId,
        ...spanOf(inv, inv.parentSpanId),
        actor: { id: scrub(inv.principal.id), type: inv.principal.type },
        tenant: inv.principal.tenant,
        tool: tool.name,
        argsHmac: createHmac('sha256', options.hmacKey).update(canonical(args)).digest('hex'),
        args: scrubValue(args),
        decision: 'intent',
        ...(inv.obligations.length && { obligations: inv.obligations.map((ob) => ({ ...ob })) }),
      });
    } catch {
      throw new FaultError('INTERNAL_ERROR', `the call to ${tool.name} could not be audited; it was not run`);
    }
  };
  return Object.freeze({
    ...tool,
    handler: async (args: Record<string, unknown>, ctx: ToolContext) => { await intent(args, ctx); return tool.handler(args, ctx); },
    ...(tool.call && { call: async (args: Record<string, unknown>, ctx: ToolContext) => { await intent(args, ctx); return tool.call!(args, ctx); } }),
  });
}
