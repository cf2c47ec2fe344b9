import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
function run(args: string[], env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-cli-'));
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, PALISADE_DATA_DIR: dataDir, ...env }, timeout: 20_000 });
}

describe('CLI contract', () => {
  it('no command: usage on stderr, exit 2', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: palisade/);
  });

  it('unknown command and unknown flag exit 2 with a one-line reason', () => {
    expect(run(['frobnicate']).status).toBe(2);
    const r = run(['serve', '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad config file exits 2 naming the file and path', () => {
    const d = mkdtempSync(join(tmpdir(), 'pal-cli-cfg-'));
    const f = join(d, 'bad.yaml');
    writeFileSync(f, 'server: { http: { port: 99999 } }\n');
    const r = run(['serve', '--stdio', '--config', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(f);
    expect(r.stderr).toContain('server.http.port');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('kill: switches round-trip through the data directory; bad usage exits 2', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-cli-kill-'));
    const env = { PALISADE_DATA_DIR: dataDir };
    // kill only writes where a server has run (issue 9): leave a server's marker first.
    const store = new Database(join(dataDir, 'state.db'));
    store.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER); CREATE TABLE bus (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL)');
    store.prepare('INSERT INTO kv (key, value) VALUES (?, ?)').run('meta:server', JSON.stringify({ version: '0', startedAt: 'x', tools: ['orders.export'] }));
    store.close();
    const on = spawnSync(process.execPath, [BIN, 'kill', 'quarantine', 'add', 'orders.export'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(on.status).toBe(0);
    expect(on.stdout).toContain('quarantined: orders.export');
    const ro = spawnSync(process.execPath, [BIN, 'kill', 'read-only', 'on'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(ro.stdout).toContain('read-only: on');
    const eg = spawnSync(process.execPath, [BIN, 'kill', 'egress', 'block', 'Evil.Example.'], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(eg.stdout).toContain('egress blocked: evil.example');
    expect(run(['kill', 'read-only', 'maybe']).status).toBe(2);
    expect(run(['kill', 'quarantine', 'add', '../../etc']).status).toBe(2);
  });
});
