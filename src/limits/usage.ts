import type { LimitsEntry } from '../config/limits.js';
import { toUsd, utcDay } from './budget.js';
import type { Limiter } from './limiter.js';

/** The current use of one scope, as `palisade limits show` prints it. */
export interface ScopeReport {
  readonly scope: 'principal' | 'tenant';
  /** The principal id or tenant name the counters belong to. */
  readonly subject: string;
  readonly tenant: string;
  readonly tool?: string;
  /** The entry that applies: the subject's own, or `*`. */
  readonly entry: string;
  readonly limits: LimitsEntry['limits'];
  readonly stopRules?: LimitsEntry['stop_rules'];
  readonly rate?: { readonly left: number; readonly resetMs: number };
  readonly inFlight?: number;
  readonly spentUsd?: number;
  readonly day: string;
}

/** Reads (never changes) the counters of a principal and/or a tenant, for every tool entry too. */
export async function readUsage(limiter: Limiter, q: { principal?: string; tenant: string }, at = Date.now()): Promise<ScopeReport[]> {
  const tools = [...new Set(limiter.table.entries.map((e) => e.tool).filter((t): t is string => t !== undefined))];
  const seen = new Set<string>();
  const out: ScopeReport[] = [];
  for (const tool of [undefined, ...tools]) {
    for (const s of limiter.table.scopes(q.principal ?? '\u0000none', q.tenant, tool)) {
      if (seen.has(s.id) || (s.kind === 'principal' && q.principal === undefined)) continue;
      if (tool !== undefined && s.tool === undefined) continue;
      seen.add(s.id);
      const l = s.entry.limits;
      const rate = limiter.usage.rateOf(s.entry);
      const r = rate ? await rate.peek(s.id) : undefined;
      out.push({
        scope: s.kind,
        subject: s.kind === 'principal' ? q.principal! : q.tenant,
        tenant: q.tenant,
        ...(s.tool !== undefined && { tool: s.tool }),
        entry: (s.kind === 'principal' ? s.entry.principal : s.entry.tenant)!,
        limits: l,
        ...(s.entry.stop_rules && { stopRules: s.entry.stop_rules }),
        ...(r && { rate: { left: r.remaining, resetMs: r.msBeforeNext } }),
        ...(l.concurrency !== undefined && { inFlight: await limiter.usage.conc.inUse(s.id, l.concurrency) }),
        ...(l.daily_cost_usd !== undefined && { spentUsd: toUsd(await limiter.usage.budget.spentMicro(s.id, at)) }),
        day: utcDay(at),
      });
    }
  }
  return out;
}

/** One report as text lines. */
export function formatUsage(r: ScopeReport): string {
  const l = r.limits;
  const head = `${r.scope} ${r.subject}${r.scope === 'principal' ? ` (tenant ${r.tenant})` : ''}${r.tool ? `, tool ${r.tool}` : ''}  [entry "${r.entry}"]`;
  const lines = [head];
  if (l.rpm !== undefined && r.rate) {
    const burst = l.burst !== undefined && l.burst > l.rpm ? ` + burst ${l.burst - l.rpm}/h` : '';
    lines.push(`  rpm ${l.rpm}${burst}: ${r.rate.left} left${r.rate.resetMs > 0 ? `, window resets in ${Math.ceil(r.rate.resetMs / 1000)} s` : ''}`);
  }
  if (l.concurrency !== undefined) lines.push(`  concurrency ${l.concurrency}: ${r.inFlight ?? 0} in flight`);
  if (l.daily_cost_usd !== undefined) {
    const spent = r.spentUsd ?? 0;
    lines.push(`  daily_cost_usd ${l.daily_cost_usd}: ${spent.toFixed(4)} spent on ${r.day} (UTC), ${Math.max(0, l.daily_cost_usd - spent).toFixed(4)} left`);
  }
  if (r.stopRules) lines.push(`  stop_rules: max_plan_depth ${r.stopRules.max_plan_depth ?? '-'}, max_retries ${r.stopRules.max_retries ?? '-'}`);
  return lines.join('\n');
}
