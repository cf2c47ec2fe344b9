import type { LoadedConfig } from '../../config/load.js';
import { ConfigError } from '../../core/errors.js';
import type { MigrationReport, ReferenceData } from './backend.js';
import { openPostgresData } from './postgres.js';
import { openSqliteData } from './sqlite.js';

export type { ReferenceData } from './backend.js';

/**
 * The backend seam of the reference tools. `data.backend: sqlite` (the default, also for
 * `npm start`): one file per region under the data directory. `data.backend: postgres`:
 * one schema per region at DATABASE_URL. DATABASE_URL alone does not switch the backend:
 * a variable set for some other program must not move the system of record.
 * Migrations (and the one-time seed) run here, at start.
 */
export async function openReferenceData(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Promise<ReferenceData & { readonly migrations: MigrationReport }> {
  const { data } = loaded.config;
  if (data.backend === 'sqlite') return openSqliteData(loaded.dataDir);
  const url = env['DATABASE_URL'];
  if (!url) throw new ConfigError(`${loaded.file ?? '(embedded default)'}: data.backend: postgres needs DATABASE_URL`);
  return openPostgresData({ url, schemaPrefix: data.postgres.schema_prefix, poolMax: data.postgres.pool_max });
}
