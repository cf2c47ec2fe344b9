import type pg from 'pg';
import { lockId, stateKey } from '../../core/keys.js';
import type { MigrationReport } from './backend.js';
import { REGIONS } from './regions.js';
import { seedFor } from './seed.js';

/** One versioned schema change of one PostgreSQL schema; `s` is the quoted schema name. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  up(c: pg.PoolClient, s: string): Promise<unknown>;
}

/** `<prefix>_eu_west`, `<prefix>_us_east`, `<prefix>_control`. */
export const schemaName = (prefix: string, store: string) => `${prefix}_${store.replace(/-/g, '_')}`;
export const quoteIdent = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** A region's orders; the CHECK makes the schema refuse rows of any other region. */
function ordersPg(region: string): PgMigration[] {
  return [
    {
      version: 1,
      name: 'orders',
      up: async (c, s) => c.query(`
        CREATE TABLE ${s}.orders (
          id text COLLATE "C" PRIMARY KEY, tenant text NOT NULL, region text NOT NULL CHECK (region = '${region}'),
          customer_email text NOT NULL, customer_phone text NOT NULL, amount_cents integer NOT NULL,
          currency text NOT NULL, status text NOT NULL, created_at date NOT NULL);
        CREATE INDEX orders_tenant_date ON ${s}.orders (tenant, created_at, id);`),
    },
    {
      version: 2,
      name: 'seed',
      up: async (c, s) => {
        const rows = seedFor(region);
        const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
        return c.query(
          `INSERT INTO ${s}.orders SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::date[])`,
          [col('id'), col('tenant'), col('region'), col('email'), col('phone'), col('amountCents'), col('currency'), col('status'), col('createdAt')]);
      },
    },
  ];
}

/** Flags; the same versions as the SQLite control file. */
const CONTROL_PG: readonly PgMigration[] = [
  {
    version: 1,
    name: 'flags',
    up: async (c, s) => c.query(`
      CREATE TABLE ${s}.flags (
        tenant text NOT NULL, env text NOT NULL, name text NOT NULL, rollout_pct double precision NOT NULL,
        ticket text, updated_by text NOT NULL, updated_at text NOT NULL, PRIMARY KEY (tenant, env, name));
      CREATE TABLE ${s}.flag_history (
        id bigserial PRIMARY KEY, tenant text NOT NULL, env text NOT NULL, name text NOT NULL,
        previous_pct double precision, new_pct double precision NOT NULL, ticket text, actor text NOT NULL,
        at text NOT NULL, op_id text UNIQUE);
      CREATE INDEX flag_history_key ON ${s}.flag_history (tenant, env, name, id);`),
  },
  { version: 2, name: 'flag-op-args-hash', up: async (c, s) => c.query(`ALTER TABLE ${s}.flag_history ADD COLUMN args_hash text`) },
];

/** Every store of a deployment: the two regions' order schemas and the control schema. */
export function pgPlan(prefix: string): { store: string; schema: string; migrations: readonly PgMigration[] }[] {
  return [
    ...REGIONS.map((r) => ({ store: r as string, schema: schemaName(prefix, r), migrations: ordersPg(r) })),
    { store: 'control', schema: schemaName(prefix, 'control'), migrations: CONTROL_PG },
  ];
}

/**
 * Applies every pending migration of every schema in ONE transaction, holding a
 * transaction-level advisory lock named after the prefix: two instances starting at
 * once serialise here, the second finds everything applied (the seed included) and
 * does nothing. A failure rolls the whole run back.
 */
export async function migratePostgres(pool: pg.Pool, prefix: string): Promise<MigrationReport['applied']> {
  const c = await pool.connect();
  const applied: { store: string; version: number; name: string }[] = [];
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockId(stateKey('pg.migrate', prefix))]);
    for (const { store, schema, migrations } of pgPlan(prefix)) {
      const s = quoteIdent(schema);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await c.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).rows.map((r) => r.version));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await m.up(c, s);
        await c.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
        applied.push({ store, version: m.version, name: m.name });
      }
    }
    await c.query('COMMIT');
    return applied;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
