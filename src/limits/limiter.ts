import type { Code } from '../core/codes.js';
import { FaultError } from '../core/errors.js';
import type { LimitsEntry, ToolLimits } from '../config/limits.js';
import type { Clock, StateStore } from '../state/store.js';
import { actualUsd, costModel, createBudget, estimateUsd, toMicro, toUsd } from './budget.js';
import { createConcurrency, type Lease } from './concurrency.js';
import { createRate, type Rate } from './rate.js';
import { createLimitTable, type LimitScope } from './resolve.js';
import { createStopRules, declaredDepth } from './stop-rules.js';

/** What the limits stage needs to know about one call. */
export interface LimitCall {
  readonly principal: { readonly id: string; readonly tenant: string };
  readonly tool: { readonly name: string; readonly effect: 'read' | 'write'; readonly cost: number };
  readonly args: Record<string, unknown>;
  readonly sessionId: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** How the call ended, for the settlement after it. */
export type LimitOutcome =
  | { readonly kind: 'ok'; readonly replayed: boolean; readonly result: { structuredContent?: Record<string, unknown>; content?: unknown } }
  | { readonly kind: 'denied' | 'fault' };

/** Per scope, what is left after this call (result `_meta["palisade/limits"]`). */
export interface ScopeUse {
  readonly scope: 'principal' | 'tenant';
  readonly tool?: string;
  readonly rateRemaining?: number;
  readonly rateResetMs?: number;
  /** The concurrency cap this call holds one slot of. */
  readonly concurrencyLimit?: number;
  readonly budgetRemainingUsd?: number;
}

export type LimitVerdict =
  | { readonly ok: true; readonly use: readonly ScopeUse[]; readonly failOpen?: true; settle(outcome: LimitOutcome): Promise<void> }
  | { readonly ok: false; readonly code: Extract<Code, 'RATE_LIMITED' | 'CONCURRENCY_LIMITED' | 'BUDGET_EXCEEDED' | 'STOP_RULE'>; readonly message: string; readonly retryAfterMs?: number };

export interface LimiterOptions {
  readonly store: StateStore;
  readonly entries: readonly LimitsEntry[];
  /** palisade.yaml `tools.<name>` limit settings (cost, fail_open). */
  readonly tools?: Readonly<Record<string, ToolLimits>>;
  /** How long a concurrency lease outlives a crashed instance; keep above the handler timeout (default 60 s). */
  readonly leaseMs?: number;
  /** The session window of the stop rules (default 1 h). */
  readonly stopWindowMs?: number;
  readonly now?: Clock;
}

const noop = async () => undefined;

/**
 * Play 7: rpm + burst, concurrency, daily cost and the stop rules, per principal and per
 * tenant (both apply), over any StateStore. A store fault throws UPSTREAM_ERROR naming the
 * store (fail closed), except on a read tool the operator set `fail_open: true`.
 */
export function createLimiter(options: LimiterOptions) {
  const { store } = options;
  const now = options.now ?? Date.now;
  const table = createLimitTable(options.entries);
  const tools = options.tools ?? {};
  const conc = createConcurrency(store, { leaseMs: options.leaseMs ?? 60_000 });
  const budget = createBudget(store);
  const stops = createStopRules(store, { windowMs: options.stopWindowMs ?? 3600_000 });
  const rates = new Map<LimitsEntry, Rate>();
  const rateOf = (e: LimitsEntry) => {
    let r = rates.get(e);
    if (!r && e.limits.rpm !== undefined) rates.set(e, (r = createRate(store, e.limits.rpm, e.limits.burst, now)));
    return r;
  };
  const storeFault = (cause: unknown) => new FaultError('UPSTREAM_ERROR', `state store (${store.kind}) unavailable; limited calls are denied until it recovers`, { cause });

  async function check(call: LimitCall): Promise<LimitVerdict> {
    const scopes = table.scopes(call.principal.id, call.principal.tenant, call.tool.name);
    if (scopes.length === 0) return { ok: true, use: [], settle: noop };
    const held: { lease?: Lease; settle?: (micro: number) => Promise<void> }[] = [];
    const rollback = async () => { for (const h of held) { await h.lease?.release().catch(noop); await h.settle?.(0).catch(noop); } };
    try {
      const stop = await stopRules(call, scopes);
      if (stop) return stop;
      const model = costModel(call.tool.cost, tools[call.tool.name]);
      const billable = model.fixed > 0 || model.perRow > 0 || model.perKb > 0;
      const estimate = toMicro(estimateUsd(model, call.args));
      const at = now();
      const use: ScopeUse[] = [];
      for (const s of scopes) {
        const u: { -readonly [K in keyof ScopeUse]: ScopeUse[K] } = { scope: s.kind, ...(s.tool !== undefined && { tool: s.tool }) };
        const l = s.entry.limits;
        const rate = rateOf(s.entry);
        if (rate) {
          const r = await rate.take(s.id);
          if (!r.allowed) { await rollback(); return refuse('RATE_LIMITED', `${label(s)} rate limit reached`, r.msBeforeNext); }
          u.rateRemaining = r.remaining;
          u.rateResetMs = r.msBeforeNext;
        }
        const h: (typeof held)[number] = {};
        held.push(h);
        if (l.daily_cost_usd !== undefined && billable) {
          const r = await budget.reserve(s.id, toMicro(l.daily_cost_usd), estimate, at);
          if (!r) { await rollback(); return refuse('BUDGET_EXCEEDED', `${label(s)} daily cost budget is spent`, untilUtcMidnight(at)); }
          h.settle = r.settle;
          u.budgetRemainingUsd = toUsd(Math.max(0, toMicro(l.daily_cost_usd) - r.spent));
        }
        if (l.concurrency !== undefined) {
          const lease = await conc.acquire(s.id, l.concurrency);
          if (!lease) { await rollback(); return refuse('CONCURRENCY_LIMITED', `${label(s)} has too many calls in flight`, 1000); }
          h.lease = lease;
          u.concurrencyLimit = l.concurrency;
        }
        use.push(u);
      }
      return {
        ok: true,
        use,
        async settle(outcome) {
          const actual = outcome.kind === 'ok'
            ? (outcome.replayed ? 0 : toMicro(actualUsd(model, outcome.result)))
            : outcome.kind === 'fault' ? toMicro(model.fixed) : 0;
          for (const h of held) {
            await h.lease?.release();
            await h.settle?.(actual);
          }
        },
      };
    } catch (err) {
      await rollback();
      if (call.tool.effect === 'read' && tools[call.tool.name]?.fail_open === true) {
        return { ok: true, use: [], failOpen: true, settle: noop };
      }
      throw storeFault(err);
    }
  }

  async function stopRules(call: LimitCall, scopes: readonly LimitScope[]): Promise<LimitVerdict | undefined> {
    const maxDepth = minOf(scopes.map((s) => s.entry.stop_rules?.max_plan_depth));
    const maxRetries = minOf(scopes.map((s) => s.entry.stop_rules?.max_retries));
    if (maxDepth !== undefined) {
      const depth = declaredDepth(call.meta) ?? await stops.chainDepth(call.sessionId);
      if (depth > maxDepth) return refuse('STOP_RULE', `plan depth is over its cap of ${maxDepth}`);
    }
    if (maxRetries !== undefined) {
      const n = await stops.retries(call.sessionId, call.tool.name, call.args);
      if (n > maxRetries) return refuse('STOP_RULE', `the same call was retried more than ${maxRetries} times in this session`);
    }
    return undefined;
  }

  /** Without consuming anything: how long until this principal's (or its tenant's) rate admits a call; 0 = now. */
  async function rateWait(principal: LimitCall['principal']): Promise<number> {
    let wait = 0;
    try {
      for (const s of table.scopes(principal.id, principal.tenant, undefined)) {
        const rate = rateOf(s.entry);
        if (!rate) continue;
        const r = await rate.peek(s.id);
        if (!r.allowed) wait = Math.max(wait, r.msBeforeNext);
      }
    } catch (err) {
      throw storeFault(err);
    }
    return wait;
  }

  return { check, rateWait, table, usage: { rateOf, conc, budget } };
}

export type Limiter = ReturnType<typeof createLimiter>;

function refuse(code: Extract<LimitVerdict, { ok: false }>['code'], message: string, retryAfterMs?: number): LimitVerdict {
  return { ok: false, code, message, ...(retryAfterMs !== undefined && { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) }) };
}

function label(s: LimitScope): string {
  return `${s.kind}${s.tool !== undefined ? ` (for this tool)` : ''}`;
}

function minOf(values: readonly (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length ? Math.min(...v) : undefined;
}

function untilUtcMidnight(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - at;
}
