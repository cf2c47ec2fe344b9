/** The owner fields a share decision needs (a session's subject and tenant). */
export interface ShareOwner {
  readonly sub: string;
  readonly tenant: string;
}

/** One open session as the share decision sees it. */
export interface ShareHolder {
  readonly id: string;
  readonly owner: ShareOwner;
  readonly lastSeen: number;
}

export interface ShareLimits {
  /** Sessions in the whole table. */
  readonly max: number;
  /** Sessions one subject of one tenant may hold. */
  readonly maxPerOwner: number;
  /** Sessions all subjects of one tenant may hold together. */
  readonly maxPerTenant: number;
}

/** Whether a new session may open, and which session (if any) makes room for it. */
export type ShareDecision =
  | { readonly ok: true; readonly evict?: string }
  | { readonly ok: false; readonly scope: 'principal' | 'tenant' | 'table' };

/**
 * Admission to the session table, fair between tenants. A subject and a tenant
 * each have a cap below the table's; when the table is full anyway, a tenant
 * holding less than its fair share (the table divided among the tenants present,
 * the newcomer included) takes the least recently used session of the tenant
 * holding the most. So one tenant, however many subjects it mints tokens for,
 * cannot lock the others out (issue 8 item 1); a tenant at or above its share
 * waits (429) instead.
 */
export function admitSession(holders: Iterable<ShareHolder>, owner: ShareOwner, limits: ShareLimits): ShareDecision {
  let total = 0;
  let mine = 0;
  const perTenant = new Map<string, { n: number; lru?: ShareHolder }>();
  for (const h of holders) {
    total += 1;
    if (h.owner.tenant === owner.tenant && h.owner.sub === owner.sub) mine += 1;
    const t = perTenant.get(h.owner.tenant) ?? { n: 0 };
    t.n += 1;
    if (!t.lru || h.lastSeen < t.lru.lastSeen) t.lru = h;
    perTenant.set(h.owner.tenant, t);
  }
  if (mine >= limits.maxPerOwner) return { ok: false, scope: 'principal' };
  const ours = perTenant.get(owner.tenant)?.n ?? 0;
  if (ours >= limits.maxPerTenant) return { ok: false, scope: 'tenant' };
  if (total < limits.max) return { ok: true };
  const tenants = perTenant.size + (ours === 0 ? 1 : 0);
  const share = Math.floor(limits.max / tenants);
  if (ours >= share) return { ok: false, scope: 'table' };
  let largest: { n: number; lru?: ShareHolder } | undefined;
  for (const [tenant, t] of perTenant) if (tenant !== owner.tenant && (!largest || t.n > largest.n)) largest = t;
  // The largest other tenant holds more than a share (the table is full and we hold less): it gives one up.
  if (!largest?.lru || largest.n <= share) return { ok: false, scope: 'table' };
  return { ok: true, evict: largest.lru.id };
}
