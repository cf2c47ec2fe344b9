import type { StateStore } from '../state/store.js';
import type { ToolLimits } from '../config/limits.js';
import { limitKey } from './key.js';

/** Money is counted in micro-dollars: integer increments are atomic on every store. */
const MICRO = 1_000_000;
const DAY_MS = 86_400_000;

export const toMicro = (usd: number): number => Math.round(usd * MICRO);
export const toUsd = (micro: number): number => micro / MICRO;

/** The UTC day a cost is charged to, e.g. `2026-11-25`. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** A tool's cost settings: config `tools.<name>` over the tool's declared fixed cost. */
export interface CostModel {
  readonly fixed: number;
  readonly perRow: number;
  readonly perKb: number;
}

export function costModel(declared: number, cfg: ToolLimits | undefined): CostModel {
  return { fixed: cfg?.cost_usd ?? declared, perRow: cfg?.per_row ?? 0, perKb: cfg?.per_kb ?? 0 };
}

/** Before the call: the fixed part, plus rows by the call's own `limit` argument when it has one. */
export function estimateUsd(model: CostModel, args: Record<string, unknown>): number {
  const limit = args['limit'];
  const rows = typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : 0;
  return model.fixed + model.perRow * rows;
}

/** After the call: fixed + per row (top-level arrays of the result) + per KiB of the result. */
export function actualUsd(model: CostModel, result: { structuredContent?: Record<string, unknown>; content?: unknown }): number {
  const sc = result.structuredContent ?? {};
  let rows = 0;
  for (const v of Object.values(sc)) if (Array.isArray(v)) rows += v.length;
  const bytes = model.perKb > 0 ? Buffer.byteLength(JSON.stringify(sc)) + Buffer.byteLength(JSON.stringify(result.content ?? [])) : 0;
  return model.fixed + model.perRow * rows + model.perKb * (bytes / 1024);
}

/**
 * The daily budget of one scope: the estimate is reserved atomically before the
 * call (so concurrent calls cannot all pass on the same remaining money) and
 * settled to the actual cost after it.
 */
export function createBudget(store: StateStore) {
  const dayKey = (scope: string, day: string) => limitKey('budget', scope, day);
  // Two days: a day's counter outlives its day only long enough to be shown.
  const ttl = 2 * DAY_MS;

  return {
    async spentMicro(scope: string, at: number): Promise<number> {
      return Number((await store.get(dayKey(scope, utcDay(at)))) ?? 0);
    },
    /** Reserves `estimate`; undefined (and nothing reserved) when it would pass `limit`. */
    async reserve(scope: string, limitMicro: number, estimateMicro: number, at: number): Promise<{ settle(actualMicro: number): Promise<void>; spent: number } | undefined> {
      const key = dayKey(scope, utcDay(at));
      const spent = await store.incr(key, estimateMicro, ttl);
      // Over the limit with this estimate, or (a call whose cost is only known after) nothing left.
      if (spent > limitMicro || (estimateMicro === 0 && spent >= limitMicro)) {
        await store.incr(key, -estimateMicro, ttl);
        return undefined;
      }
      let settled = false;
      return {
        spent,
        async settle(actualMicro: number) {
          if (settled) return;
          settled = true;
          const diff = actualMicro - estimateMicro;
          if (diff !== 0) await store.incr(key, diff, ttl);
        },
      };
    },
  };
}

export type Budget = ReturnType<typeof createBudget>;
