import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { pgPlan } from '../../src/tools/reference/pg-migrations.js';

/** PostgreSQL for tests: DATABASE_URL, or under CI=true the loopback server (never skipped there). */
export const PG_URL = process.env['DATABASE_URL'] ?? (process.env['CI'] === 'true' ? 'postgres://postgres@127.0.0.1:5432/test' : undefined);

export type Backend = 'sqlite' | 'postgres';
/** The backends to run: SQLite always; PostgreSQL when reachable config exists (always under CI). */
export const BACKENDS: Backend[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** A schema prefix no other run shares: `t_<time>_<random>`. */
export const uniquePrefix = () => `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

export interface BackendSetup {
  readonly loaded: LoadedConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly prefix: string;
  /** Drops the run's schemas (PostgreSQL). */
  drop(): Promise<void>;
}

/** A config for one backend on a fresh data dir (and, for PostgreSQL, a fresh schema prefix). */
export function setupBackend(backend: Backend, prefix = uniquePrefix()): BackendSetup {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-data-'));
  const file = join(dataDir, 'palisade.yaml');
  writeFileSync(file, `server: { data_dir: ${JSON.stringify(dataDir)} }\ndata: { backend: ${backend}, postgres: { schema_prefix: ${prefix} } }\n`);
  const env: NodeJS.ProcessEnv = backend === 'postgres' ? { DATABASE_URL: PG_URL! } : {};
  return {
    loaded: loadConfig({ file, env }),
    env,
    dataDir,
    prefix,
    drop: () => (backend === 'postgres' ? dropSchemas(prefix) : Promise.resolve()),
  };
}

export async function dropSchemas(prefix: string): Promise<void> {
  if (!PG_URL) return;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    for (const { schema } of pgPlan(prefix)) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** Runs one query on a fresh connection (test inspection of the stores). */
export async function pgQuery<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
