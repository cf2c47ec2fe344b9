import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownTools } from '../../src/cli/kill.js';
import { redactRedisUrl } from '../../src/cli/kill-store.js';
import { loadConfig } from '../../src/config/load.js';
import { DEV_PRINCIPAL, createRuntime } from '../../src/runtime.js';
import { createMemoryStore } from '../../src/state/memory.js';
import { listSwitchEvents, recordSwitchEvent } from '../../src/state/switch-events.js';
import { REFERENCE_TOOL_NAMES } from '../../src/tools/names.js';
import { codeOf } from '../helpers/fixtures.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);
const quiet = { PALISADE_LOG_LEVEL: 'silent' };

function killSync(args: string[], env: Record<string, string>, cwd?: string) {
  return spawnSync(process.execPath, [BIN, 'kill', ...args], { encoding: 'utf8', env: { ...process.env, ...quiet, ...env }, timeout: 20_000, ...(cwd && { cwd }) });
}
/** Async, so an in-process server keeps running (and polling its store) while kill runs. */
function killAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, 'kill', ...args], { env: { ...process.env, ...quiet, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
async function serverOn(env: Record<string, string>, file?: string) {
  const loaded = loadConfig({ env, ...(file && { file }) });
  return createRuntime(loaded, { env });
}

describe('palisade kill (issue 9, item 2)', () => {
  it('refuses with exit 2 when no server state exists at the data directory, and creates nothing', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pal-kill-cwd-'));
    const empty = join(cwd, 'nothing-here');
    const r = killSync(['read-only', 'on'], { PALISADE_DATA_DIR: empty });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`no Palisade state at ${join(empty, 'state.db')}`);
    expect(r.stderr).toContain('nothing was changed');
    expect(r.stdout).not.toContain('read-only: on');
    expect(existsSync(empty)).toBe(false);
    // The reported case: run from another directory with no data directory set.
    const env: NodeJS.ProcessEnv = { ...process.env, ...quiet };
    delete env['PALISADE_DATA_DIR'];
    const fromElsewhere = spawnSync(process.execPath, [BIN, 'kill', 'read-only', 'on'], { encoding: 'utf8', env, cwd });
    expect(fromElsewhere.status).toBe(2);
    expect(existsSync(join(cwd, '.palisade'))).toBe(false);
  });

  it('a flip reaches the running server, names the store, and is logged with who and when', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-kill-'));
    const env = { PALISADE_DATA_DIR: dataDir };
    const runtime = await serverOn(env);
    try {
      const write = () => runtime.palisade.call(DEV_PRINCIPAL, 'flag.set', { name: 'k', env: 'dev', rolloutPct: 5, idemKey: crypto.randomUUID() });
      expect(codeOf(await write())).toBeUndefined();
      const on = await killAsync(['read-only', 'on', '--as', 'alice'], env);
      expect(on.status).toBe(0);
      expect(on.stdout).toContain(`store: sqlite ${join(dataDir, 'state.db')}`);
      expect(on.stdout).toMatch(/changed: read-only on \(by alice at \d{4}-\d\d-\d\dT/);
      await runtime.palisade.switches.refresh();
      expect(codeOf(await write())).toBe('READ_ONLY');
      const status = await killAsync(['status'], env);
      expect(status.status).toBe(0);
      expect(status.stdout).toContain('read-only: on');
      expect(status.stdout).toMatch(/Z alice@[^:]*: read-only on\n/);
      expect(status.stdout).toContain('server: version ');
      expect((await killAsync(['read-only', 'off'], env)).status).toBe(0);
    } finally {
      await runtime.close();
    }
  });

  it('quarantine refuses a tool name the server does not know unless --force', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-kill-q-'));
    const env = { PALISADE_DATA_DIR: dataDir };
    const runtime = await serverOn(env);
    expect(runtime.palisade.catalog.list().map((t) => t.name).sort()).toEqual([...REFERENCE_TOOL_NAMES].sort());
    await runtime.close();
    const typo = killSync(['quarantine', 'add', 'orders.exprot'], env);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('is not a tool this server knows');
    expect(typo.stderr).toContain('--force');
    expect(killSync(['status'], env).stdout).toContain('quarantined: (none)');
    const forced = killSync(['quarantine', 'add', 'orders.exprot', '--force'], env);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('quarantined: orders.exprot');
    expect(killSync(['quarantine', 'remove', 'orders.exprot'], env).status).toBe(0);
    expect(killSync(['quarantine', 'add', 'orders.export'], env).stdout).toContain('quarantined: orders.export');
    expect(killSync(['read-only', 'on', '--as', 'bad name'], env).status).toBe(2);
  });

  it('the event log keeps every flip in order, even when two are written at once', async () => {
    const store = createMemoryStore();
    await Promise.all(['a', 'b', 'c'].map((who, i) => recordSwitchEvent(store, { at: `2026-01-0${i + 1}T00:00:00Z`, who, action: 'read-only on' })));
    const events = await listSwitchEvents(store);
    expect(events.map((e) => e.who).sort()).toEqual(['a', 'b', 'c']);
    expect(await listSwitchEvents(store, 2)).toHaveLength(2);
    expect(await listSwitchEvents(createMemoryStore())).toEqual([]);
  });

  it('known tools: the server\'s catalog, the reference tools only when served, configured and upstream tools', () => {
    const base = loadConfig({ env: {} }).config;
    expect([...knownTools(base, [])].sort()).toEqual([...REFERENCE_TOOL_NAMES].sort());
    const gateway = { ...base, server: { ...base.server, reference_tools: false }, upstreams: { fs: { tools: { read_text_file: {} } } } } as unknown as typeof base;
    expect([...knownTools(gateway, ['lib.tool'])].sort()).toEqual(['fs.read_text_file', 'lib.tool']);
  });

  it('Redis URLs are printed without credentials', () => {
    expect(redactRedisUrl('redis://user:s3cret@127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
    expect(redactRedisUrl('not a url')).not.toContain('not a url');
  });

  describe.runIf(REDIS_URL !== undefined)('on Redis', () => {
    it('refuses a prefix no server has used; after a server starts, prints the redacted URL and prefix', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pal-kill-redis-'));
      const prefix = `killtest-${crypto.randomUUID().slice(0, 8)}:`;
      const file = join(dir, 'palisade.yaml');
      writeFileSync(file, `server: { data_dir: ./data }\nstate: { backend: redis, redis_prefix: "${prefix}" }\n`);
      const env = { REDIS_URL: REDIS_URL! };
      const before = killSync(['read-only', 'on', '--config', file], env);
      expect(before.status).toBe(2);
      expect(before.stderr).toContain(`no Palisade server has started on redis ${redactRedisUrl(REDIS_URL!)} prefix ${prefix}`);
      const runtime = await serverOn(env, file);
      try {
        const r = await killAsync(['quarantine', 'add', 'flag.set', '--config', file], env);
        expect(r.status).toBe(0);
        expect(r.stdout).toContain(`store: redis ${redactRedisUrl(REDIS_URL!)} prefix ${prefix}`);
        await runtime.palisade.switches.refresh();
        expect(runtime.palisade.switches.current().quarantine.has('flag.set')).toBe(true);
      } finally {
        await runtime.close();
      }
    });
  });
});
