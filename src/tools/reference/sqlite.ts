import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FlagRow, FlagsStore, HistoryRow, MigrationReport, OrderRow, OrdersStore, ReferenceData } from './backend.js';
import { CONTROL_SQLITE, ordersSqlite, type SqliteMigration } from './sqlite-migrations.js';
import { REGIONS } from './regions.js';

/** The SQLite file of one region's orders, e.g. `<data dir>/data-eu-west.db`. */
export const regionFile = (dataDir: string, region: string) => join(dataDir, `data-${region}.db`);
/** Flags (not personal data of a region) stay in the control file, `<data dir>/data.db`. */
export const controlFile = (dataDir: string) => join(dataDir, 'data.db');

function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  return db;
}

/**
 * Applies the pending migrations of one file in one BEGIN IMMEDIATE transaction: the
 * file's write lock is the advisory lock, so two processes starting at once apply each
 * migration (the seed included) exactly once; a second run is a no-op.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly SqliteMigration[], store: string): MigrationReport['applied'] {
  return db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const applied: { store: string; version: number; name: string }[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      applied.push({ store, version: m.version, name: m.name });
    }
    return applied;
  }).immediate();
}

const COLUMNS = 'id, region, customer_email, customer_phone, amount_cents, currency, status, created_at';

function ordersStore(db: Database.Database, region: string): OrdersStore {
  const page = db.prepare<[string, string, string, string, string, string, number], OrderRow>(
    `SELECT ${COLUMNS} FROM orders
     WHERE tenant = ? AND created_at >= ? AND created_at <= ? AND (created_at > ? OR (created_at = ? AND id > ?))
     ORDER BY created_at, id LIMIT ?`);
  const byId = db.prepare<[string, string], OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = ? AND tenant = ?`);
  return {
    region,
    page: async (q) => page.all(q.tenant, q.from, q.to, q.after.date, q.after.date, q.after.id, q.limit),
    byId: async (tenant, id) => byId.get(id, tenant),
  };
}

function flagsStore(db: Database.Database): FlagsStore {
  const q = {
    get: db.prepare<[string, string, string], FlagRow>('SELECT rollout_pct, ticket, updated_by, updated_at FROM flags WHERE tenant = ? AND env = ? AND name = ?'),
    put: db.prepare<[string, string, string, number, string | null, string, string]>(
      `INSERT INTO flags (tenant, env, name, rollout_pct, ticket, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, env, name) DO UPDATE SET rollout_pct = excluded.rollout_pct, ticket = excluded.ticket,
       updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
    hist: db.prepare<[string, string, string, number | null, number, string | null, string, string, string | null, string]>(
      'INSERT INTO flag_history (tenant, env, name, previous_pct, new_pct, ticket, actor, at, op_id, args_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    byOp: db.prepare<[string], { previous_pct: number | null; at: string; args_hash: string | null }>('SELECT previous_pct, at, args_hash FROM flag_history WHERE op_id = ?'),
    recent: db.prepare<[string, string, string, number], HistoryRow>(
      'SELECT previous_pct, new_pct, ticket, actor, at FROM flag_history WHERE tenant = ? AND env = ? AND name = ? ORDER BY id DESC LIMIT ?'),
  };
  const apply = db.transaction((w: Parameters<FlagsStore['apply']>[0]) => {
    if (w.opId) {
      const done = q.byOp.get(w.opId);
      if (done) return done.args_hash === w.argsHash ? { kind: 'deduped' as const, previous: done.previous_pct, at: done.at } : { kind: 'conflict' as const };
    }
    const prev = q.get.get(w.tenant, w.env, w.name)?.rollout_pct ?? null;
    q.put.run(w.tenant, w.env, w.name, w.pct, w.ticket, w.actor, w.at);
    q.hist.run(w.tenant, w.env, w.name, prev, w.pct, w.ticket, w.actor, w.at, w.opId, w.argsHash);
    return { kind: 'applied' as const, previous: prev, at: w.at };
  });
  return {
    // IMMEDIATE: another process writing the same file waits instead of reading a stale previous value.
    apply: async (w) => apply.immediate(w),
    get: async (tenant, env, name) => q.get.get(tenant, env, name),
    recent: async (tenant, env, name, n) => q.recent.all(tenant, env, name, n),
  };
}

/** Opens (creating, migrating and seeding as needed) the per-region files and the control file. */
export function openSqliteData(dataDir: string): ReferenceData & { readonly migrations: MigrationReport } {
  mkdirSync(dataDir, { recursive: true });
  const applied: MigrationReport['applied'][number][] = [];
  const dbs = new Map<string, Database.Database>();
  try {
    for (const region of REGIONS) {
      const db = open(regionFile(dataDir, region));
      dbs.set(region, db);
      applied.push(...migrateSqlite(db, ordersSqlite(region), region));
    }
    const control = open(controlFile(dataDir));
    dbs.set('control', control);
    applied.push(...migrateSqlite(control, CONTROL_SQLITE, 'control'));
  } catch (err) {
    for (const db of dbs.values()) db.close();
    throw err;
  }
  const stores = new Map(REGIONS.map((r) => [r as string, ordersStore(dbs.get(r)!, r)]));
  return {
    backend: 'sqlite',
    regions: REGIONS,
    orders: (region) => stores.get(region),
    flags: flagsStore(dbs.get('control')!),
    migrations: { applied },
    async close() { for (const db of dbs.values()) db.close(); },
  };
}
