import type { LimitsEntry } from '../config/limits.js';
import { limitKey } from './key.js';

/** One set of counters a call is held to: a principal's or a tenant's, for all tools or one. */
export interface LimitScope {
  readonly kind: 'principal' | 'tenant';
  /** Set when the entry limits one tool only. */
  readonly tool?: string;
  /** The store identity of this scope's counters (hashed parts, never a joined string). */
  readonly id: string;
  readonly entry: LimitsEntry;
}

/** The entries of limits.json, indexed once at start-up. */
export interface LimitTable {
  /** Every scope a call by this principal (of this tenant) to this tool is held to; all apply. */
  scopes(principalId: string, tenant: string, tool: string | undefined): LimitScope[];
  readonly entries: readonly LimitsEntry[];
}

const ANY = '*';

/**
 * Resolution: for each of principal and tenant, and each of "all tools" and "this tool",
 * the entry naming the subject exactly wins over the `"*"` entry; each winner is one scope
 * with its own counters. A principal's counters are per tenant (the same id in two tenants
 * is two principals). No entry for a subject and no `"*"` entry: that subject is unlimited.
 */
export function createLimitTable(entries: readonly LimitsEntry[]): LimitTable {
  const index = new Map<string, LimitsEntry>();
  const slot = (kind: string, subject: string, tool: string | undefined) => JSON.stringify([kind, subject, tool ?? null]);
  for (const e of entries) {
    const kind = e.principal !== undefined ? 'principal' : 'tenant';
    const key = slot(kind, (e.principal ?? e.tenant)!, e.tool);
    if (index.has(key)) throw new TypeError(`limits: two entries for the same ${kind}${e.tool ? ' and tool' : ''}`);
    index.set(key, e);
  }
  const pick = (kind: string, subject: string, tool: string | undefined) =>
    index.get(slot(kind, subject, tool)) ?? index.get(slot(kind, ANY, tool));

  return {
    entries,
    scopes(principalId, tenant, tool) {
      const out: LimitScope[] = [];
      for (const t of tool === undefined ? [undefined] : [undefined, tool]) {
        const p = pick('principal', principalId, t);
        if (p) out.push({ kind: 'principal', ...(t !== undefined && { tool: t }), id: limitKey('scope', 'principal', tenant, principalId, t ?? ''), entry: p });
        const n = pick('tenant', tenant, t);
        if (n) out.push({ kind: 'tenant', ...(t !== undefined && { tool: t }), id: limitKey('scope', 'tenant', tenant, t ?? ''), entry: n });
      }
      return out;
    },
  };
}
