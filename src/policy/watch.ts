import { statSync } from 'node:fs';
import { compilePolicy, type CompiledPolicy, type CompileOptions } from './compile.js';
import { loadPolicyFile } from './load.js';

/** For /readyz details and `palisade doctor`. */
export interface PolicyStatus {
  /** False while the file on disk is bad and the previous policy stays in force. */
  readonly ok: boolean;
  readonly file: string;
  /** Version (sha256) of the policy in force. */
  readonly version: string;
  readonly rules: number;
  readonly loadedAt: string;
  /** Why the latest reload was refused (file, line, path, reason). */
  readonly error?: string;
}

export interface PolicyWatcher {
  /** The policy in force: read it once per call and use that one object for the whole call. */
  current(): CompiledPolicy;
  status(): PolicyStatus;
  /** Loads the file now; true when a new policy is in force. A bad file keeps the old one. */
  reload(): boolean;
  close(): void;
}

export interface WatchOptions extends CompileOptions {
  readonly logger?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** Poll interval for changes (stat-based, so editors' atomic renames are seen). Default 1000 ms. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/**
 * Loads and compiles `file`, then watches it. Each change compiles a whole new
 * policy and swaps it in with one assignment; calls already running keep the
 * object they started with. The first load throws (start-up is refused); a bad
 * later file is logged and reported by `status()`, and the old policy stays.
 */
export function watchPolicy(file: string, options: WatchOptions = {}): PolicyWatcher {
  const now = options.now ?? Date.now;
  // The file's identity when last read: a poll that sees another one reloads. Taken
  // before reading, so a write racing the read is seen by the next poll.
  const stamp = () => { try { const s = statSync(file); return `${s.ino}:${s.size}:${s.mtimeMs}`; } catch { return 'missing'; } };
  let seen = stamp();
  const build = () => compilePolicy(loadPolicyFile(file), options);
  let policy = build();
  let loadedAt = now();
  let error: string | undefined;

  function reload(): boolean {
    seen = stamp();
    let next: CompiledPolicy;
    try {
      next = build();
    } catch (err) {
      error = (err as Error).message;
      options.logger?.warn({ file, error }, 'policy reload refused; the previous policy stays in force');
      return false;
    }
    error = undefined;
    if (next.version === policy.version) return false;
    policy = next;
    loadedAt = now();
    options.logger?.info?.({ file, version: next.version, rules: next.rules.length }, 'policy reloaded');
    return true;
  }

  const timer = setInterval(() => { if (stamp() !== seen) reload(); }, options.intervalMs ?? 1000);
  timer.unref();

  return {
    current: () => policy,
    status: () => ({
      ok: error === undefined,
      file,
      version: policy.version,
      rules: policy.rules.length,
      loadedAt: new Date(loadedAt).toISOString(),
      ...(error !== undefined && { error }),
    }),
    reload,
    close: () => clearInterval(timer),
  };
}

/**
 * The policy's part of /readyz, for an unauthenticated endpoint: no file paths or
 * reasons (the log and `palisade doctor` have them). A refused reload leaves the
 * server ready: the previous policy is in force.
 */
export function policyReadiness(p: PolicyStatus): Record<string, unknown> {
  return { ok: p.ok, version: p.version.slice(0, 12), rules: p.rules, loadedAt: p.loadedAt, ...(!p.ok && { reload: 'refused; the previous policy is in force' }) };
}
