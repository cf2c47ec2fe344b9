/**
 * The reference tools' systems of record, behind one seam: orders live in one store
 * per region (eu-west, us-east), flags in one control store. Two implementations:
 * SQLite files (the embedded default) and PostgreSQL schemas (`data.backend: postgres`).
 */
export interface OrderRow {
  readonly id: string;
  readonly region: string;
  readonly customer_email: string;
  readonly customer_phone: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly status: string;
  readonly created_at: string;
}

/** A keyset page: rows with from <= created_at <= to, strictly after (date, id). */
export interface PageQuery {
  readonly tenant: string;
  readonly from: string;
  readonly to: string;
  readonly after: { readonly date: string; readonly id: string };
  readonly limit: number;
}

/** One region's order store. It holds that region's rows and nothing else. */
export interface OrdersStore {
  readonly region: string;
  page(q: PageQuery): Promise<OrderRow[]>;
  byId(tenant: string, id: string): Promise<OrderRow | undefined>;
}

export interface FlagRow { rollout_pct: number; ticket: string | null; updated_by: string; updated_at: string }
export interface HistoryRow { previous_pct: number | null; new_pct: number; ticket: string | null; actor: string; at: string }

export interface FlagWrite {
  readonly tenant: string;
  readonly env: string;
  readonly name: string;
  readonly pct: number;
  readonly ticket: string | null;
  readonly actor: string;
  readonly at: string;
  /** Service-side operation id (a stateKey), kept forever; null without an idemKey. */
  readonly opId: string | null;
  /** Hash of the write's arguments, stored with the op id. */
  readonly argsHash: string;
}

export type FlagApplied =
  | { readonly kind: 'applied' | 'deduped'; readonly previous: number | null; readonly at: string }
  /** The op id was used before with other arguments: nothing was written. */
  | { readonly kind: 'conflict' };

export interface FlagsStore {
  /** Atomically: dedupe by op id, read the previous value, write the new one and its history row. */
  apply(w: FlagWrite): Promise<FlagApplied>;
  get(tenant: string, env: string, name: string): Promise<FlagRow | undefined>;
  recent(tenant: string, env: string, name: string, n: number): Promise<HistoryRow[]>;
}

export interface ReferenceData {
  readonly backend: 'sqlite' | 'postgres';
  readonly regions: readonly string[];
  /** The store of one region; undefined for a region without one. */
  orders(region: string): OrdersStore | undefined;
  readonly flags: FlagsStore;
  close(): Promise<void>;
}

/** What one start-up migration run did, per store (for logs and tests). */
export interface MigrationReport {
  readonly applied: ReadonlyArray<{ readonly store: string; readonly version: number; readonly name: string }>;
}
