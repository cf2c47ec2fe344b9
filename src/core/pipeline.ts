import { deny, type Decision, type Deny, type Outcome, type StoredResult } from './decision.js';
import { DenyError, FaultError } from './errors.js';
import type { Invocation } from './invocation.js';
import type { ToolContext } from './tool.js';
import { isCode } from './codes.js';

/** One stage of the guarded call path. Returns a Decision; a throw is a fault and denies. */
export interface Guard {
  readonly name: string;
  check(invocation: Invocation): Decision | Promise<Decision>;
}

/** Output DLP: runs over every successful handler result before anything stores or returns it. */
export interface Redactor {
  redact(result: Record<string, unknown>, invocation: Invocation): { value: Record<string, unknown>; piiCount: number };
}

/** What the recorder stage receives for every call, allowed or denied. */
export interface CallRecord {
  readonly invocation: Invocation;
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly piiCount: number;
}

/** Audit log, spans, metrics: each sees every call. A recorder fault never changes the answer. */
export interface Recorder {
  record(record: CallRecord): void | Promise<void>;
}

export interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PipelineOptions {
  readonly guards: readonly Guard[];
  readonly redactor?: Redactor;
  readonly recorders?: readonly Recorder[];
  readonly now?: () => number;
  /** Longest a handler may run before the call is aborted. */
  readonly handlerTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface Pipeline {
  readonly guards: readonly Guard[];
  invoke(invocation: Invocation): Promise<Outcome>;
}

const noRedaction: Redactor = { redact: (value) => ({ value, piiCount: 0 }) };

/**
 * The fixed call path of DESIGN.md: guards in order -> handler -> redact -> record.
 * Guards hand validated arguments and obligations down; a denial stops the chain;
 * finalizers (concurrency release, idempotency store) run in reverse for every outcome.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const guards = [...options.guards];
  const redactor = options.redactor ?? noRedaction;
  const recorders = options.recorders ?? [];
  const now = options.now ?? Date.now;
  const timeoutMs = options.handlerTimeoutMs ?? 30_000;
  const log = options.logger;

  async function invoke(start: Invocation): Promise<Outcome> {
    const began = now();
    const finalizers: NonNullable<Extract<Decision, { allow: true }>['finalize']>[] = [];
    let inv = start;
    let outcome: Outcome | undefined;
    let piiCount = 0;
    try {
      for (const guard of guards) {
        let d: Decision;
        try {
          d = await guard.check(inv);
        } catch (err) {
          log?.error({ guard: guard.name, err: errName(err) }, 'guard fault; denying (fail closed)');
          d = deny(guard.name, 'INTERNAL_ERROR', `guard ${guard.name} failed; the call was denied`);
        }
        if (!d.allow) { outcome = { kind: 'denied', deny: d }; break; }
        if (d.finalize) finalizers.push(d.finalize);
        if (d.args) inv = { ...inv, args: d.args, validated: true };
        if (d.obligations?.length) inv = { ...inv, obligations: [...inv.obligations, ...d.obligations] };
        if (d.replay) { outcome = { kind: 'ok', result: d.replay, replayed: true }; break; }
      }
      if (!outcome) {
        const raw = await runHandler(inv);
        const red = redactor.redact(raw, inv);
        piiCount = red.piiCount;
        outcome = { kind: 'ok', result: toStored(inv, red.value), replayed: false };
      }
    } catch (err) {
      outcome = faultOutcome(err, inv, log);
    }
    for (const fin of finalizers.reverse()) {
      try { await fin(outcome); } catch (err) { log?.error({ err: errName(err) }, 'finalizer fault'); }
    }
    const record = { invocation: inv, outcome, durationMs: now() - began, piiCount };
    for (const r of recorders) {
      try { await r.record(record); } catch (err) { log?.error({ err: errName(err) }, 'recorder fault'); }
    }
    return outcome;
  }

  async function runHandler(inv: Invocation): Promise<Record<string, unknown>> {
    const deadline = now() + timeoutMs;
    const ac = new AbortController();
    const onAbort = () => ac.abort(inv.signal.reason);
    if (inv.signal.aborted) ac.abort(inv.signal.reason); else inv.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort(new Error('deadline'));
        reject(new FaultError('UPSTREAM_ERROR', `tool ${inv.tool.name} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const ctx: ToolContext = {
      principal: inv.principal,
      traceId: inv.traceId,
      region: routedRegion(inv),
      signal: ac.signal,
      deadline,
      invocation: inv,
    };
    try {
      const result = await Promise.race([inv.tool.handler(inv.args, ctx), timeout]);
      if (!inv.tool.output) return result;
      const checked = inv.tool.output.check(result);
      if (checked === undefined) throw new FaultError('INTERNAL_ERROR', `tool ${inv.tool.name} returned a result outside its output schema`);
      return checked;
    } finally {
      clearTimeout(timer);
      inv.signal.removeEventListener('abort', onAbort);
    }
  }

  return { guards, invoke };
}

function routedRegion(inv: Invocation): string {
  for (let i = inv.obligations.length - 1; i >= 0; i--) {
    const o = inv.obligations[i]!;
    if (o.kind === 'route') return o.region;
  }
  return inv.principal.region;
}

function toStored(inv: Invocation, value: Record<string, unknown>): StoredResult {
  const meta = inv.tool.resultMeta?.(value);
  return { structuredContent: value, text: inv.tool.summarize?.(value) ?? JSON.stringify(value), ...(meta && { meta }) };
}

function faultOutcome(err: unknown, inv: Invocation, log?: Logger): Outcome {
  if (err instanceof DenyError) {
    const d: Deny = deny(`tool:${inv.tool.name}`, err.code, err.message, err.details ? { details: err.details } : {});
    return { kind: 'denied', deny: d };
  }
  if (err instanceof FaultError) return { kind: 'fault', code: err.code, message: err.message };
  const code = (err as { code?: unknown })?.code;
  if (isCode(code) && code !== 'INTERNAL_ERROR') {
    return { kind: 'fault', code, message: err instanceof Error ? err.message : code };
  }
  log?.error({ tool: inv.tool.name, err: errName(err) }, 'handler fault');
  // Never hand an internal message or stack to the caller.
  return { kind: 'fault', code: 'INTERNAL_ERROR', message: `tool ${inv.tool.name} failed` };
}

function errName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
