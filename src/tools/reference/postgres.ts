import pg from 'pg';
import { FaultError } from '../../core/errors.js';
import { lockId, stateKey } from '../../core/keys.js';
import type { FlagApplied, FlagRow, FlagsStore, FlagWrite, HistoryRow, MigrationReport, OrderRow, OrdersStore, ReferenceData } from './backend.js';
import { migratePostgres, quoteIdent, schemaName } from './pg-migrations.js';
import { REGIONS } from './regions.js';

export interface PostgresDataOptions {
  /** DATABASE_URL. */
  readonly url: string;
  /** Schema names start with it: `<prefix>_eu_west`, `<prefix>_us_east`, `<prefix>_control`. */
  readonly schemaPrefix: string;
  readonly poolMax?: number;
  readonly statementTimeoutMs?: number;
}

export const SCHEMA_PREFIX = /^[a-z][a-z0-9_]{0,39}$/;

/** A backend failure reaches the caller as UPSTREAM_ERROR, without the driver's message. */
async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new FaultError('UPSTREAM_ERROR', `the ${what} store failed`, { cause: err });
  }
}

const COLUMNS = `id, region, customer_email, customer_phone, amount_cents, currency, status, to_char(created_at, 'YYYY-MM-DD') AS created_at`;

function ordersStore(pool: pg.Pool, schema: string, region: string): OrdersStore {
  const t = `${quoteIdent(schema)}.orders`;
  return {
    region,
    page: (q) => guarded('orders', async () => (await pool.query<OrderRow>(
      `SELECT ${COLUMNS} FROM ${t} WHERE tenant = $1 AND created_at >= $2::date AND created_at <= $3::date
       AND (created_at, id) > ($4::date, $5) ORDER BY created_at, id LIMIT $6`,
      [q.tenant, q.from, q.to, q.after.date, q.after.id, q.limit])).rows),
    byId: (tenant, id) => guarded('orders', async () => (await pool.query<OrderRow>(
      `SELECT ${COLUMNS} FROM ${t} WHERE id = $1 AND tenant = $2`, [id, tenant])).rows[0]),
  };
}

function flagsStore(pool: pg.Pool, schema: string): FlagsStore {
  const s = quoteIdent(schema);
  async function apply(w: FlagWrite): Promise<FlagApplied> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      // Op lock, then row lock, always in this order (no lock cycle): a duplicate of an op
      // waits for the first and then sees its history row; writers of one flag serialise.
      if (w.opId) await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockId(w.opId)]);
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockId(stateKey('flag.row', schema, w.tenant, w.env, w.name))]);
      if (w.opId) {
        const done = (await c.query<{ previous_pct: number | null; at: string; args_hash: string | null }>(
          `SELECT previous_pct, at, args_hash FROM ${s}.flag_history WHERE op_id = $1`, [w.opId])).rows[0];
        if (done) {
          await c.query('COMMIT');
          return done.args_hash === w.argsHash ? { kind: 'deduped', previous: done.previous_pct, at: done.at } : { kind: 'conflict' };
        }
      }
      const prev = (await c.query<{ rollout_pct: number }>(`SELECT rollout_pct FROM ${s}.flags WHERE tenant = $1 AND env = $2 AND name = $3`, [w.tenant, w.env, w.name])).rows[0]?.rollout_pct ?? null;
      await c.query(
        `INSERT INTO ${s}.flags (tenant, env, name, rollout_pct, ticket, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant, env, name) DO UPDATE SET rollout_pct = excluded.rollout_pct, ticket = excluded.ticket,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        [w.tenant, w.env, w.name, w.pct, w.ticket, w.actor, w.at]);
      await c.query(
        `INSERT INTO ${s}.flag_history (tenant, env, name, previous_pct, new_pct, ticket, actor, at, op_id, args_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [w.tenant, w.env, w.name, prev, w.pct, w.ticket, w.actor, w.at, w.opId, w.argsHash]);
      await c.query('COMMIT');
      return { kind: 'applied', previous: prev, at: w.at };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
  return {
    apply: (w) => guarded('flags', () => apply(w)),
    get: (tenant, env, name) => guarded('flags', async () => (await pool.query<FlagRow>(
      `SELECT rollout_pct, ticket, updated_by, updated_at FROM ${s}.flags WHERE tenant = $1 AND env = $2 AND name = $3`, [tenant, env, name])).rows[0]),
    recent: (tenant, env, name, n) => guarded('flags', async () => (await pool.query<HistoryRow>(
      `SELECT previous_pct, new_pct, ticket, actor, at FROM ${s}.flag_history WHERE tenant = $1 AND env = $2 AND name = $3 ORDER BY id DESC LIMIT $4`,
      [tenant, env, name, n])).rows),
  };
}

/**
 * The reference data on PostgreSQL: one schema per region plus a control schema, migrated
 * (and seeded once) at start under an advisory lock. A pool fault never crashes the process.
 */
export async function openPostgresData(o: PostgresDataOptions): Promise<ReferenceData & { readonly migrations: MigrationReport; readonly pool: pg.Pool }> {
  if (!SCHEMA_PREFIX.test(o.schemaPrefix)) throw new TypeError('schema prefix must match ^[a-z][a-z0-9_]{0,39}$');
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.poolMax ?? 4,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10_000,
    statement_timeout: o.statementTimeoutMs ?? 10_000,
    application_name: 'palisade',
  });
  pool.on('error', () => undefined);
  let applied: MigrationReport['applied'];
  try {
    applied = await migratePostgres(pool, o.schemaPrefix);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const stores = new Map(REGIONS.map((r) => [r as string, ordersStore(pool, schemaName(o.schemaPrefix, r), r)]));
  return {
    backend: 'postgres',
    regions: REGIONS,
    orders: (region) => stores.get(region),
    flags: flagsStore(pool, schemaName(o.schemaPrefix, 'control')),
    migrations: { applied },
    pool,
    close: () => pool.end(),
  };
}
