import type Database from 'better-sqlite3';
import { seedFor } from './seed.js';

/** One versioned schema change; applied once per file, in order, inside the migration transaction. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

/**
 * A region's order store. The CHECK constraint makes the file refuse rows of any
 * other region, whatever code writes to it. The region is one of the fixed REGIONS.
 */
export function ordersSqlite(region: string): SqliteMigration[] {
  return [
    {
      version: 1,
      name: 'orders',
      up: (db) => db.exec(`
        CREATE TABLE orders (
          id TEXT PRIMARY KEY, tenant TEXT NOT NULL, region TEXT NOT NULL CHECK (region = '${region}'),
          customer_email TEXT NOT NULL, customer_phone TEXT NOT NULL,
          amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE INDEX orders_tenant_date ON orders (tenant, created_at, id);`),
    },
    {
      version: 2,
      name: 'seed',
      up: (db) => {
        const ins = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
        for (const o of seedFor(region)) ins.run(o.id, o.tenant, o.region, o.email, o.phone, o.amountCents, o.currency, o.status, o.createdAt);
      },
    },
  ];
}

/** Flags. IF NOT EXISTS: a data.db written before versioned migrations keeps its flags. */
export const CONTROL_SQLITE: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'flags',
    up: (db) => db.exec(`
      CREATE TABLE IF NOT EXISTS flags (
        tenant TEXT NOT NULL, env TEXT NOT NULL, name TEXT NOT NULL, rollout_pct REAL NOT NULL,
        ticket TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (tenant, env, name));
      CREATE TABLE IF NOT EXISTS flag_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, env TEXT NOT NULL, name TEXT NOT NULL,
        previous_pct REAL, new_pct REAL NOT NULL, ticket TEXT, actor TEXT NOT NULL, at TEXT NOT NULL,
        op_id TEXT UNIQUE);
      CREATE INDEX IF NOT EXISTS flag_history_key ON flag_history (tenant, env, name, id);`),
  },
  {
    // A replayed operation id with other arguments must be a conflict: keep the arguments' hash.
    version: 2,
    name: 'flag-op-args-hash',
    up: (db) => db.exec('ALTER TABLE flag_history ADD COLUMN args_hash TEXT'),
  },
];
