import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock, type StateStore } from './store.js';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a private in-memory database. */
  readonly file: string;
  readonly now?: Clock;
  /** How often subscribers poll for messages other processes published. */
  readonly pollMs?: number;
}

/**
 * Embedded store on one SQLite file (WAL). Several processes on one machine may
 * share the file: `palisade kill` writes here and the server sees it within a poll.
 * better-sqlite3 is synchronous, so every operation is atomic within the process
 * and BEGIN IMMEDIATE makes read-modify-write atomic across processes.
 */
export function createSqliteStore(options: SqliteStoreOptions): StateStore {
  const now = options.now ?? systemClock;
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER);
    CREATE TABLE IF NOT EXISTS bus (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL);
  `);
  const q = {
    get: db.prepare<[string, number], { value: string }>('SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)'),
    getRow: db.prepare<[string], { value: string; expires_at: number | null }>('SELECT value, expires_at FROM kv WHERE key = ?'),
    put: db.prepare<[string, string, number | null]>('INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at'),
    del: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
    sweep: db.prepare<[number]>('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    pub: db.prepare<[string, string, number]>('INSERT INTO bus (channel, message, at) VALUES (?, ?, ?)'),
    since: db.prepare<[number], { id: number; channel: string; message: string }>('SELECT id, channel, message FROM bus WHERE id > ? ORDER BY id'),
    maxId: db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM bus'),
    trimBus: db.prepare<[number]>('DELETE FROM bus WHERE at < ?'),
  };
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : now() + ttlMs);
  // Each read-modify-write is one transaction function, built once (BEGIN IMMEDIATE per call, not a new wrapper).
  const setIfAbsentTx = db.transaction((key: string, value: string, ttlMs?: number) => {
    const row = q.getRow.get(key);
    if (row && (row.expires_at === null || row.expires_at > now())) return false;
    q.put.run(key, value, expiry(ttlMs));
    return true;
  });
  const incrTx = db.transaction((key: string, by: number, ttlMs?: number) => {
    const row = q.getRow.get(key);
    const alive = row && (row.expires_at === null || row.expires_at > now());
    const next = (alive ? Number(row.value) : 0) + by;
    q.put.run(key, String(next), alive ? row.expires_at : expiry(ttlMs));
    return next;
  });
  const setIfAbsent = (key: string, value: string, ttlMs?: number): boolean => setIfAbsentTx.immediate(key, value, ttlMs);
  const incr = (key: string, by: number, ttlMs?: number): number => incrTx.immediate(key, by, ttlMs);

  const listeners = new Map<string, Set<(m: string) => void>>();
  let lastId = q.maxId.get()?.id ?? 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const poll = () => {
    if (closed) return;
    for (const row of q.since.all(lastId)) {
      lastId = row.id;
      for (const l of listeners.get(row.channel) ?? []) l(row.message);
    }
  };
  const sweepTimer = setInterval(() => {
    q.sweep.run(now());
    q.trimBus.run(now() - 60_000);
  }, 60_000);
  sweepTimer.unref();

  return {
    kind: 'sqlite',
    async get(key) { return q.get.get(key, now())?.value ?? null; },
    async set(key, value, ttlMs) { q.put.run(key, value, expiry(ttlMs)); },
    async setIfAbsent(key, value, ttlMs) { return setIfAbsent(key, value, ttlMs); },
    async incr(key, by = 1, ttlMs) { return incr(key, by, ttlMs); },
    async del(key) { q.del.run(key); },
    async publish(channel, message) {
      q.pub.run(channel, message, now());
      queueMicrotask(poll);
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      if (!timer) { timer = setInterval(poll, options.pollMs ?? 250); timer.unref(); }
      return () => { set.delete(listener); };
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      clearInterval(sweepTimer);
      db.close();
    },
  };
}
