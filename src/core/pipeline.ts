import type { Code } from './codes.js';
import { textBlock, type ContentBlock } from './content.js';
import { deny, type Allow, type Decision, type Deny, type Outcome, type StoredResult } from './decision.js';
import { DenyError, FaultError } from './errors.js';
import type { CheckedInvocation, Invocation } from './invocation.js';
import type { Logger } from './logger.js';
import { NO_PII, type CallRecord, type PiiCounts, type Recorder, type TrailEntry } from './record.js';
import { isThenable, runHandler } from './handler.js';
import { UNTRUSTED_META } from './result.js';

export type { CallRecord, Recorder, TrailEntry, PiiCounts } from './record.js';
export type { Logger } from './logger.js';

/**
 * The call path, top to bottom. Every tools/call runs these stages in this order;
 * the first five judge the raw call, the rest see validated arguments.
 *
 *   catalog          unknown tool                        NOT_FOUND
 *   killswitch       read-only mode, quarantine          READ_ONLY, QUARANTINED
 *   scopes           a grant in the tool's family        NOT_FOUND (hidden) | SCOPE_MISSING (step-up)
 *   schema           strict input schema                 UNKNOWN_FIELD, INVALID_PARAMS
 *   scopes.qualified the exact grant, e.g. flags.write:prod   SCOPE_MISSING
 *   policy           tool rules, policy.yaml             POLICY_DENY, TICKET_REQUIRED, APPROVAL_REQUIRED
 *   limits           rate, concurrency, budget, stop     RATE_LIMITED, CONCURRENCY_LIMITED, ...
 *   idempotency      writes need idemKey; replay         IDEMPOTENCY_KEY_REQUIRED, IDEMPOTENCY_CONFLICT
 *   handler          the tool (deadline, AbortSignal, routed region)
 *   redact           output DLP and policy redact obligations
 *   record           audit, spans, logs — for allowed and denied calls alike
 */
export const STAGES = ['catalog', 'killswitch', 'scopes', 'schema', 'scopes.qualified', 'policy', 'limits', 'idempotency', 'handler', 'redact', 'record'] as const;
export type StageName = (typeof STAGES)[number];
/** The stages that decide before the handler. */
export type GuardStage = Exclude<StageName, 'handler' | 'redact' | 'record'>;
const RAW_STAGES: ReadonlySet<StageName> = new Set(['catalog', 'killswitch', 'scopes', 'schema']);

/** One check of a stage. Returns a Decision; a throw is a fault and denies (fail closed). */
export interface Guard<I extends Invocation = CheckedInvocation> {
  readonly name: string;
  check(invocation: I): Decision | Promise<Decision>;
  /** A non-consuming look for `preflight` (e.g. "is this principal over its rate?"). Absent: `check` is used. */
  peek?(invocation: I): Decision | Promise<Decision>;
}

/** The guards filling the stage table. Each slot is filled by a named factory (src/guards/). */
export interface StageTable {
  readonly catalog: Guard<Invocation>;
  readonly killswitch: Guard<Invocation>;
  readonly scopes: Guard<Invocation>;
  readonly schema: Guard<Invocation>;
  readonly 'scopes.qualified': Guard;
  readonly policy?: Guard | readonly Guard[];
  readonly limits?: Guard | readonly Guard[];
  readonly idempotency?: Guard;
}

/** Output DLP: runs over every successful handler result before anything stores or returns it. */
export interface Redactor {
  redact(result: RedactInput, inv: CheckedInvocation): RedactOutput | Promise<RedactOutput>;
}
export interface RedactInput {
  readonly structuredContent?: Record<string, unknown>;
  readonly content: readonly ContentBlock[];
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly isError?: boolean;
}
export interface RedactOutput {
  readonly value: RedactInput;
  readonly pii: PiiCounts;
}

/** Called once per stage that ran: spans and per-stage timings hook here. Must not throw. */
export interface StageEvent {
  readonly stage: StageName;
  readonly guard?: string;
  readonly invocation: Invocation;
  readonly decision?: Decision;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly dryRun: boolean;
}
export type StageObserver = (event: StageEvent) => void;

export interface PipelineOptions {
  readonly stages: StageTable;
  readonly redactor?: Redactor;
  readonly recorders?: readonly Recorder[];
  readonly onStage?: StageObserver | readonly StageObserver[];
  /** Stages in shadow mode: they decide and are recorded, but a deny does not stop the call. */
  readonly dryRun?: readonly GuardStage[];
  readonly now?: () => number;
  /** High-resolution clock for stage timings (ms). */
  readonly hrNow?: () => number;
  /** Longest a handler may run before the call is aborted (a tool's own `timeoutMs` wins). */
  readonly handlerTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface PreflightOptions {
  /** Run only these stages (in table order). Default: catalog through scopes.qualified. */
  readonly stages?: readonly GuardStage[];
}

export interface Pipeline {
  readonly stages: readonly { readonly stage: GuardStage; readonly guard: Guard<Invocation> }[];
  invoke(invocation: Invocation): Promise<Outcome>;
  /**
   * Runs the real guards of the named stages without the handler, consuming nothing
   * (guards with `peek` are peeked). The HTTP edge asks this instead of deciding itself.
   */
  preflight(invocation: Invocation | (() => Invocation), options?: PreflightOptions): Promise<Decision>;
  /** Hands a refusal made outside the pipeline (the HTTP edge) to the recorders. */
  record(record: CallRecord): Promise<void>;
}

const noRedaction: Redactor = { redact: (value) => ({ value, pii: NO_PII }) };
const PREFLIGHT_DEFAULT: readonly GuardStage[] = ['catalog', 'killswitch', 'scopes', 'schema', 'scopes.qualified'];

/**
 * Builds the fixed call path above from a stage table. Guards hand validated
 * arguments and obligations down; a denial stops the chain (unless its stage is in
 * dry-run); finalizers (concurrency release, idempotency store) run in reverse for
 * every outcome; recorders see every call.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const table = flatten(options.stages);
  const redactor = options.redactor ?? noRedaction;
  const recorders = options.recorders ?? [];
  const observers: readonly StageObserver[] = typeof options.onStage === 'function' ? [options.onStage] : (options.onStage ?? []);
  const observed = observers.length > 0;
  const recorded = recorders.length > 0;
  /** Stage timings are taken only for someone who reads them. */
  const timed = recorded || observed;
  const dryRun = new Set<StageName>(options.dryRun ?? []);
  const now = options.now ?? Date.now;
  const hr = options.hrNow ?? (() => performance.now());
  const handlerOptions = { timeoutMs: options.handlerTimeoutMs ?? 30_000, now };
  const log = options.logger;

  function observe(e: StageEvent): void {
    for (const o of observers) {
      try { o(e); } catch (err) { log?.error({ stage: e.stage, err: errName(err) }, 'stage observer fault'); }
    }
  }

  // A synchronous guard's answer is used as is: an await per stage costs a microtask turn each.
  function runGuard(g: Guard<Invocation>, inv: Invocation, stage: GuardStage, usePeek: boolean): Decision | Promise<Decision> {
    let got: Decision | Promise<Decision>;
    try {
      got = (usePeek && g.peek ? g.peek : g.check).call(g, inv);
    } catch (err) {
      return guardFault(g, stage, err);
    }
    return isThenable(got) ? Promise.resolve(got).catch((err: unknown) => guardFault(g, stage, err)) : got;
  }

  function guardFault(g: Guard<Invocation>, stage: GuardStage, err: unknown): Decision {
    log?.error({ stage, guard: g.name, err: errName(err) }, 'guard fault; denying (fail closed)');
    if (err instanceof FaultError || err instanceof DenyError) return deny(err.code, err.message);
    return deny('INTERNAL_ERROR', `stage ${stage} failed; the call was denied`);
  }

  async function invoke(start: Invocation): Promise<Outcome> {
    const began = now();
    const t0 = timed ? hr() : 0;
    const finalizers: NonNullable<Extract<Decision, { allow: true }>['finalize']>[] = [];
    // Without recorders or observers nobody reads the trail or the timings: neither is made.
    const trail: TrailEntry[] | undefined = recorded ? [] : undefined;
    const resultMeta: Record<string, unknown> = {};
    let inv = start;
    let outcome: Outcome | undefined;
    let decidedBy: string = 'handler';
    let pii: PiiCounts = NO_PII;
    try {
      for (const { stage, guard } of table) {
        const s0 = timed ? hr() : 0;
        const got = runGuard(guard, inv, stage, false);
        const raw = isThenable(got) ? await got : got;
        // An allow is only read here; a deny (and what observers see) carries its stage.
        const d = raw.allow && !observed ? raw : stamped(raw, stage);
        const shadow = !d.allow && dryRun.has(stage);
        const ms = timed ? hr() - s0 : 0;
        trail?.push(trailEntry(stage, d, ms, shadow));
        if (observed) observe({ stage, guard: guard.name, invocation: inv, decision: d, startedAt: s0, durationMs: ms, dryRun: shadow });
        if (!d.allow) {
          if (shadow) { log?.warn({ stage, code: d.code, traceId: inv.traceId }, 'dry-run: would deny'); continue; }
          outcome = { kind: 'denied', deny: d };
          decidedBy = stage;
          break;
        }
        if (d.finalize) finalizers.push(d.finalize);
        if (d.args && stage === 'schema') inv = withArgs(inv, d.args);
        if (d.obligations?.length) inv = { ...inv, obligations: [...inv.obligations, ...d.obligations] };
        if (d.meta) Object.assign(resultMeta, d.meta);
        if (d.replay) { outcome = { kind: 'ok', result: d.replay, replayed: true }; decidedBy = stage; break; }
      }
      if (!outcome) {
        const checked = inv as CheckedInvocation;
        if (checked.args === undefined) throw new FaultError('INTERNAL_ERROR', 'the schema stage did not run');
        const h0 = timed ? hr() : 0;
        const raw = await runHandler(checked, handlerOptions);
        if (observed) observe({ stage: 'handler', guard: checked.tool.name, invocation: inv, startedAt: h0, durationMs: hr() - h0, dryRun: false });
        const r0 = timed ? hr() : 0;
        const got = redactor.redact(raw, checked);
        const red = isThenable(got) ? await got : got;
        pii = red.pii;
        const ms = timed ? hr() - r0 : 0;
        trail?.push({ stage: 'handler', allow: true, durationMs: r0 - h0 }, { stage: 'redact', allow: true, durationMs: ms });
        if (observed) observe({ stage: 'redact', invocation: inv, startedAt: r0, durationMs: ms, dryRun: false });
        outcome = { kind: 'ok', result: toStored(checked, red.value, resultMeta), replayed: false };
      } else if (outcome.kind === 'ok' && Object.keys(resultMeta).length) {
        outcome = { ...outcome, result: { ...outcome.result, meta: { ...outcome.result.meta, ...resultMeta } } };
      }
    } catch (err) {
      outcome = faultOutcome(err, inv, log);
      decidedBy = 'handler';
    }
    for (let i = finalizers.length - 1; i >= 0; i--) {
      try {
        const done = finalizers[i]!(outcome);
        if (isThenable(done)) await done;
      } catch (err) { log?.error({ err: errName(err) }, 'finalizer fault'); }
    }
    if (!recorded) return outcome;
    const pending = recordAll({
      kind: 'call',
      traceId: inv.traceId,
      ...(inv.parentSpanId !== undefined && { parentSpanId: inv.parentSpanId }),
      at: began,
      principal: inv.principal,
      toolName: inv.tool.name,
      invocation: inv,
      outcome,
      decidedBy,
      trail: trail ?? [],
      durationMs: hr() - t0,
      pii,
      transport: inv.transport,
    });
    if (pending) await pending;
    return outcome;
  }

  /** The table entries a preflight runs, per stage list (kept by the list's identity: callers pass constants). */
  const plans = new WeakMap<readonly GuardStage[], PreflightPlan>();
  function planOf(stages: readonly GuardStage[] | undefined): PreflightPlan {
    const key = stages ?? PREFLIGHT_DEFAULT;
    let plan = plans.get(key);
    if (!plan) {
      const wanted = new Set<StageName>(key);
      // A stage after schema needs validated args, unless it was asked for by name and can
      // peek without them (the limits stage's "is this principal over its rate?").
      plan = table.filter(({ stage }) => wanted.has(stage)).map(({ stage, guard }) => ({ stage, guard, needsArgs: !RAW_STAGES.has(stage) && !(stages?.includes(stage) && guard.peek) }));
      plans.set(key, plan);
    }
    return plan;
  }

  /** `inv` may be a function: a preflight with nothing to run (no limits stage, say) builds no invocation. */
  function preflight(inv: Invocation | (() => Invocation), o: PreflightOptions = {}): Promise<Decision> {
    const plan = planOf(o.stages);
    return plan.length === 0 ? Promise.resolve(PASSED) : runPreflight(plan, inv);
  }

  async function runPreflight(plan: PreflightPlan, inv: Invocation | (() => Invocation)): Promise<Decision> {
    let cur = typeof inv === 'function' ? inv() : inv;
    let lastStage: GuardStage | undefined;
    for (const { stage, guard, needsArgs } of plan) {
      if (needsArgs && (cur as CheckedInvocation).args === undefined) continue;
      const got = runGuard(guard, cur, stage, true);
      const d = isThenable(got) ? await got : got;
      if (!d.allow) {
        if (dryRun.has(stage)) continue;
        return stamped(d, stage);
      }
      if (d.args && stage === 'schema') cur = withArgs(cur, d.args);
      lastStage = stage;
    }
    return lastStage === undefined ? PASSED : { allow: true, stage: lastStage };
  }

  async function record(rec: CallRecord): Promise<void> {
    await recordAll(rec);
  }

  /** Every recorder, in order; a promise only when one of them answers with one (the audit recorder queues synchronously). */
  function recordAll(rec: CallRecord, from = 0): Promise<void> | undefined {
    for (let i = from; i < recorders.length; i++) {
      let done: void | Promise<void>;
      try { done = recorders[i]!.record(rec); } catch (err) { log?.error({ err: errName(err) }, 'recorder fault'); continue; }
      if (isThenable(done)) {
        return done.then(
          () => recordAll(rec, i + 1),
          (err: unknown) => { log?.error({ err: errName(err) }, 'recorder fault'); return recordAll(rec, i + 1); },
        );
      }
    }
    return undefined;
  }

  return { stages: table, invoke, preflight, record };
}

const PASSED: Decision = Object.freeze({ allow: true });
type PreflightPlan = readonly { readonly stage: GuardStage; readonly guard: Guard<Invocation>; readonly needsArgs: boolean }[];

/** A decision with the stage that made it (written out: a spread of the many decision shapes is a slow generic copy). */
function stamped(d: Decision, stage: StageName): Decision {
  if (d.allow) {
    const a: { -readonly [K in keyof Allow]: Allow[K] } = { allow: true, stage };
    if (d.obligations !== undefined) a.obligations = d.obligations;
    if (d.args !== undefined) a.args = d.args;
    if (d.replay !== undefined) a.replay = d.replay;
    if (d.finalize !== undefined) a.finalize = d.finalize;
    if (d.notes !== undefined) a.notes = d.notes;
    if (d.meta !== undefined) a.meta = d.meta;
    return a;
  }
  const out: { -readonly [K in keyof Deny]: Deny[K] } = { allow: false, stage, code: d.code, message: d.message };
  if (d.retryAfterMs !== undefined) out.retryAfterMs = d.retryAfterMs;
  if (d.details !== undefined) out.details = d.details;
  if (d.notes !== undefined) out.notes = d.notes;
  return out;
}

function trailEntry(stage: StageName, d: Decision, durationMs: number, shadow: boolean): TrailEntry {
  const e: { -readonly [K in keyof TrailEntry]: TrailEntry[K] } = { stage, allow: d.allow, durationMs };
  if (!d.allow) e.code = d.code;
  if (shadow) e.dryRun = true;
  if (d.notes) e.notes = d.notes;
  return e;
}

/** The invocation with the schema stage's validated arguments. */
function withArgs(inv: Invocation, args: Record<string, unknown>): CheckedInvocation {
  return { ...inv, args } as CheckedInvocation;
}

function flatten(t: StageTable): { stage: GuardStage; guard: Guard<Invocation> }[] {
  const out: { stage: GuardStage; guard: Guard<Invocation> }[] = [];
  const add = (stage: GuardStage, g: Guard<never> | readonly Guard<never>[] | undefined) => {
    if (g === undefined) return;
    for (const one of Array.isArray(g) ? g : [g]) out.push({ stage, guard: one as unknown as Guard<Invocation> });
  };
  for (const stage of STAGES) {
    if (stage === 'handler' || stage === 'redact' || stage === 'record') continue;
    add(stage, t[stage] as Guard<never> | readonly Guard<never>[] | undefined);
  }
  return out;
}

/** Structured results get their text block here, after redaction, so the text never carries what DLP removed. */
function toStored(inv: CheckedInvocation, value: RedactInput, extraMeta: Record<string, unknown>): StoredResult {
  const own = value.structuredContent && !inv.tool.call ? inv.tool.resultMeta?.(value.structuredContent) : undefined;
  const meta = { ...value.meta, ...own, ...(inv.tool.untrusted && { [UNTRUSTED_META]: true }), ...extraMeta };
  const content = inv.tool.call || value.content.length
    ? value.content
    : [textBlock(inv.tool.summarize?.(value.structuredContent ?? {}) ?? JSON.stringify(value.structuredContent ?? {}))];
  return {
    content,
    ...(value.structuredContent && { structuredContent: value.structuredContent }),
    ...(Object.keys(meta).length && { meta }),
    ...(value.isError && { isError: true }),
  };
}

/** Only Palisade's own error classes may put a code and a message in front of the caller. */
function faultOutcome(err: unknown, inv: Invocation, log?: Logger): Outcome {
  if (err instanceof DenyError) {
    const d: Deny = { ...deny(err.code, err.message, err.details ? { details: err.details } : {}), stage: 'handler' };
    return { kind: 'denied', deny: d };
  }
  if (err instanceof FaultError) return { kind: 'fault', code: err.code, message: err.message };
  // Server side only: the stack helps the operator; the caller learns nothing internal.
  log?.error({ tool: inv.tool.name, traceId: inv.traceId, err: errName(err), stack: err instanceof Error ? err.stack : undefined }, 'handler fault');
  const code: Code = 'INTERNAL_ERROR';
  return { kind: 'fault', code, message: `tool ${inv.tool.name} failed` };
}

function errName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
