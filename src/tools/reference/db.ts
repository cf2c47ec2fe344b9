import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The reference tools' systems of record on one SQLite file. Orders of both regions
 * live in this one file today; the region column lets a router pick a per-region
 * backend (PostgreSQL via DATABASE_URL) without changing the tools.
 */
export function openReferenceDb(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS orders (
      id TEXT PRIMARY KEY, tenant TEXT NOT NULL, region TEXT NOT NULL,
      customer_email TEXT NOT NULL, customer_phone TEXT NOT NULL,
      amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS orders_tenant_date ON orders (tenant, created_at, id);
    CREATE TABLE IF NOT EXISTS flags (
      tenant TEXT NOT NULL, env TEXT NOT NULL, name TEXT NOT NULL, rollout_pct REAL NOT NULL,
      ticket TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (tenant, env, name));
    CREATE TABLE IF NOT EXISTS flag_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, env TEXT NOT NULL, name TEXT NOT NULL,
      previous_pct REAL, new_pct REAL NOT NULL, ticket TEXT, actor TEXT NOT NULL, at TEXT NOT NULL,
      op_id TEXT UNIQUE);
    CREATE INDEX IF NOT EXISTS flag_history_key ON flag_history (tenant, env, name, id);
  `);
  seedOrders(db);
  return db;
}

export const TENANTS = ['acme', 'globex'] as const;
export const REGIONS = ['eu-west', 'us-east'] as const;
export const SEED_ORDERS = 1200;

/** Deterministic demo data, written once in one transaction. */
function seedOrders(db: Database.Database): void {
  const rand = mulberry32(20250825);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const first = ['ana', 'ben', 'chloe', 'dmitri', 'eva', 'farah', 'gus', 'hana', 'ivan', 'jules', 'kai', 'lena'];
  const last = ['smith', 'garcia', 'muller', 'rossi', 'dubois', 'nowak', 'silva', 'tanaka'];
  const ins = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  // IMMEDIATE: two processes starting on one file seed it once, never twice.
  db.transaction(() => {
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number };
    if (n > 0) return;
    for (let i = 0; i < SEED_ORDERS; i++) {
      const tenant = TENANTS[i % 2]!;
      const region = pick(REGIONS);
      let id = 'ord_';
      for (let k = 0; k < 12; k++) id += alphabet[Math.floor(rand() * alphabet.length)];
      // Every fifth order falls in the seed's smoke-test week, 2025-08-25..31.
      const day = i % 5 === 0 ? 236 + Math.floor(rand() * 7) : Math.floor(rand() * 365);
      const created = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
      const f = pick(first);
      const l = pick(last);
      const email = `${f}.${l}${i}@${tenant}-customers.example`;
      const phone = `+${region === 'eu-west' ? '44' : '1'}${String(2000000000 + Math.floor(rand() * 7999999999)).slice(0, 10)}`;
      ins.run(id, tenant, region, email, phone, 500 + Math.floor(rand() * 50000), region === 'eu-west' ? 'EUR' : 'USD', pick(['paid', 'shipped', 'refunded', 'pending']), created);
    }
  }).immediate();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
