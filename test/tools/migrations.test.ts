import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openReferenceData } from '../../src/tools/reference/db.js';
import { schemaName } from '../../src/tools/reference/pg-migrations.js';
import { controlFile, openSqliteData, regionFile } from '../../src/tools/reference/sqlite.js';
import { REGIONS } from '../../src/tools/reference/regions.js';
import { BACKENDS, PG_URL, pgQuery, setupBackend, type Backend, type BackendSetup } from './data-backends.js';

const ALL = [
  ...REGIONS.flatMap((r) => [{ store: r, version: 1, name: 'orders' }, { store: r, version: 2, name: 'seed' }]),
  { store: 'control', version: 1, name: 'flags' },
  { store: 'control', version: 2, name: 'flag-op-args-hash' },
];
const setups: BackendSetup[] = [];
afterAll(async () => { for (const s of setups) await s.drop(); });
const fresh = (b: Backend) => { const s = setupBackend(b); setups.push(s); return s; };

async function orderCount(b: Backend, s: BackendSetup): Promise<number> {
  let n = 0;
  for (const r of REGIONS) {
    if (b === 'postgres') n += Number((await pgQuery<{ n: string }>(`SELECT count(*) AS n FROM "${schemaName(s.prefix, r)}".orders`))[0]!.n);
    else { const db = new Database(regionFile(s.dataDir, r), { readonly: true }); n += (db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n; db.close(); }
  }
  return n;
}

interface Child { ready: Promise<void>; go(): void; done: Promise<{ code: number | null; out: string; err: string }> }

/** A child that opens the data when told to: both children start migrating at the same instant. */
function child(configFile: string, env: NodeJS.ProcessEnv): Child {
  const p = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'open-data-child.ts'), configFile], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => { onReady = r; });
  p.stdout.on('data', (d) => { out += d; if (out.startsWith('ready\n')) onReady(); });
  p.stderr.on('data', (d) => { err += d; });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => p.on('close', (code) => { onReady(); resolve({ code, out: out.replace(/^ready\n/, ''), err }); }));
  return { ready, go: () => p.stdin.end('go\n'), done };
}

describe.each(BACKENDS)('migrations on %s', (backend) => {
  it('the first start applies every migration and seeds 1,200 orders; a second run is a no-op', async () => {
    const s = fresh(backend);
    const first = await openReferenceData(s.loaded, s.env);
    expect(first.migrations.applied).toEqual(ALL);
    await first.close();
    const second = await openReferenceData(s.loaded, s.env);
    expect(second.migrations.applied).toEqual([]);
    await second.close();
    expect(await orderCount(backend, s)).toBe(1200);
  });

  it('two processes starting at once: every migration, the seed included, is applied exactly once', async () => {
    const s = fresh(backend);
    const kids = [child(s.loaded.file!, s.env), child(s.loaded.file!, s.env)];
    await Promise.all(kids.map((k) => k.ready));
    for (const k of kids) k.go();
    const [a, b] = (await Promise.all(kids.map((k) => k.done))) as [Awaited<Child["done"]>, Awaited<Child["done"]>];
    expect([a.code, b.code], a.err + b.err).toEqual([0, 0]);
    const applied = [...JSON.parse(a.out), ...JSON.parse(b.out)] as typeof ALL;
    expect(applied.sort((x, y) => `${x.store}${x.version}`.localeCompare(`${y.store}${y.version}`)))
      .toEqual([...ALL].sort((x, y) => `${x.store}${x.version}`.localeCompare(`${y.store}${y.version}`)));
    expect(await orderCount(backend, s)).toBe(1200);
  }, 60_000);
});

describe('backend selection', () => {
  it('DATABASE_URL alone keeps SQLite; data.backend: postgres without DATABASE_URL stops start-up', async () => {
    const { loadConfig } = await import('../../src/config/load.js');
    const { ConfigError } = await import('../../src/core/errors.js');
    const s = fresh('sqlite');
    const data = await openReferenceData(s.loaded, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(data.backend).toBe('sqlite');
    await data.close();
    const pgCfg = loadConfig({ file: fresh('postgres').loaded.file!, env: {} });
    await expect(openReferenceData(pgCfg, {})).rejects.toThrow(ConfigError);
  });
});

describe('migrations: SQLite specifics', () => {
  it('a data.db written before versioned migrations keeps its flags and gains the args hash column', async () => {
    const s = fresh('sqlite');
    const legacy = new Database(controlFile(s.dataDir));
    legacy.exec(`
      CREATE TABLE flags (tenant TEXT NOT NULL, env TEXT NOT NULL, name TEXT NOT NULL, rollout_pct REAL NOT NULL,
        ticket TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (tenant, env, name));
      CREATE TABLE flag_history (id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, env TEXT NOT NULL, name TEXT NOT NULL,
        previous_pct REAL, new_pct REAL NOT NULL, ticket TEXT, actor TEXT NOT NULL, at TEXT NOT NULL, op_id TEXT UNIQUE);
      INSERT INTO flags VALUES ('acme', 'dev', 'kept', 7, NULL, 'agent:dev', '2025-01-01T00:00:00.000Z');`);
    legacy.close();
    const data = openSqliteData(s.dataDir);
    expect(await data.flags.get('acme', 'dev', 'kept')).toMatchObject({ rollout_pct: 7 });
    await data.close();
    const db = new Database(controlFile(s.dataDir), { readonly: true });
    expect((db.prepare('PRAGMA table_info(flag_history)').all() as { name: string }[]).map((c) => c.name)).toContain('args_hash');
    db.close();
  });
});

describe.runIf(PG_URL)('migrations: PostgreSQL specifics', () => {
  it('a prefix that is not a lower-case identifier is refused at start', async () => {
    const { openPostgresData } = await import('../../src/tools/reference/postgres.js');
    await expect(openPostgresData({ url: PG_URL!, schemaPrefix: 'x"; DROP SCHEMA public; --' })).rejects.toThrow(TypeError);
  });

  it('data.postgres.pool_max sizes the pool', async () => {
    const s = setupBackend('postgres');
    setups.push(s);
    const { writeFileSync } = await import('node:fs');
    const { loadConfig } = await import('../../src/config/load.js');
    writeFileSync(s.loaded.file!, `data: { backend: postgres, postgres: { schema_prefix: ${s.prefix}, pool_max: 2 } }\n`);
    const data = await openReferenceData(loadConfig({ file: s.loaded.file!, env: s.env }), s.env) as Awaited<ReturnType<typeof openReferenceData>> & { pool: { options: { max: number } } };
    expect(data.pool.options.max).toBe(2);
    await data.close();
  });

  it('the migration log lists each version once per schema', async () => {
    const s = fresh('postgres');
    await (await openReferenceData(s.loaded, s.env)).close();
    await (await openReferenceData(s.loaded, s.env)).close();
    const rows = await pgQuery<{ version: number }>(`SELECT version FROM "${schemaName(s.prefix, 'eu-west')}".schema_migrations ORDER BY version`);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
  });
});
