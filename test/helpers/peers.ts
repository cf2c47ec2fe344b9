/**
 * Real peers we did not write, installed from the npm registry into `.tmp/peers/`
 * (git-ignored) rather than the project's node_modules: the MCP conformance suite
 * 0.1.16 and the MCP Inspector 2.12 declare Node >= 22, and the project itself runs
 * on Node 20. So a Node 22 binary comes from the registry too (`node@22`, whose
 * preinstall fetches the platform build as another registry package) and runs them.
 *
 * `.ci/run` calls this before `npm test` (`node --import tsx test/helpers/peers.ts`);
 * a test calls `ensurePeers()` lazily, so a local run from a clean clone works too.
 * Concurrent callers (vitest forks) serialise on a lock directory; the install is
 * bounded by INSTALL_TIMEOUT_MS.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Exact versions: a peer that changes under us would make a test flaky, not informative. */
export const PEER_VERSIONS = {
  node: '22.23.3',
  '@modelcontextprotocol/conformance': '0.1.16',
  '@modelcontextprotocol/inspector': '2.12.0',
} as const;

const ROOT = new URL('../../', import.meta.url).pathname;
const DIR = join(ROOT, '.tmp', 'peers');
const LOCK = join(ROOT, '.tmp', 'peers.lock');
const INSTALL_TIMEOUT_MS = 240_000;
const STALE_LOCK_MS = 300_000;

export interface Peers {
  /** A Node 22 binary from the registry. */
  readonly node22: string;
  /** The conformance suite's entry script (run it with node22). */
  readonly conformance: string;
  /** The Inspector launcher's entry script (run it with node22, `--cli`). */
  readonly inspector: string;
}

function paths(): Peers {
  const nm = join(DIR, 'node_modules');
  return {
    node22: join(nm, 'node', 'bin', 'node'),
    conformance: join(nm, '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
    inspector: join(nm, '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js'),
  };
}

const stamp = () => join(DIR, `.ready-${createHash('sha256').update(JSON.stringify(PEER_VERSIONS)).digest('hex').slice(0, 12)}`);
const ready = () => existsSync(stamp()) && Object.values(paths()).every((p) => existsSync(p));

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function install(): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'package.json'), JSON.stringify({
    name: 'palisade-test-peers', private: true, dependencies: PEER_VERSIONS,
    // npm 11 runs install scripts only for listed packages: `node` needs its preinstall (it fetches the binary).
    allowScripts: { node: true },
  }, null, 2));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], {
    cwd: DIR, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS, env: { ...process.env, INSPECTOR_SKIP_CLIENT_INSTALL: '1' },
  });
  if (r.status !== 0) throw new Error(`installing test peers failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-2000)}`);
  const v = spawnSync(paths().node22, ['--version'], { encoding: 'utf8' });
  if (!v.stdout?.startsWith('v22.')) throw new Error(`the registry's node@22 did not run: ${v.stderr ?? ''}`);
  writeFileSync(stamp(), new Date().toISOString());
}

/** Installs the peers once (idempotent, concurrency-safe) and returns their paths. */
export function ensurePeers(): Peers {
  if (ready()) return paths();
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const deadline = Date.now() + INSTALL_TIMEOUT_MS + 30_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
    } catch {
      if (ready()) return paths();
      // A lock left behind by a killed run must not block every later one.
      try { if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true }); } catch { /* gone */ }
      if (Date.now() > deadline) throw new Error('timed out waiting for another process installing the test peers');
      sleep(500);
      continue;
    }
    try {
      if (!ready()) install();
      return paths();
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

/** The version a peer's package.json declares (for reports). */
export function peerVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const p = ensurePeers();
  process.stdout.write(`test peers ready: node ${PEER_VERSIONS.node}, conformance ${peerVersion('@modelcontextprotocol/conformance')}, inspector ${peerVersion('@modelcontextprotocol/inspector')} (${p.node22})\n`);
}
