import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { openStore, stateBackend } from '../runtime.js';
import { readServerMarker, type ServerMarker } from '../state/marker.js';
import type { StateStore } from '../state/store.js';
import { UsageError } from './main.js';

/** The store `palisade kill` will change, opened only when a server has used it. */
export interface KillTarget {
  readonly store: StateStore;
  /** Printed with every answer: `sqlite /abs/state.db` or `redis redis://host:6379/0 prefix palisade:`. */
  readonly where: string;
  readonly marker: ServerMarker;
}

/** A Redis URL without user name or password, for printing. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * Opens the state store the configuration names, refusing (exit 2, nothing
 * written) when no server has ever started on it: a kill switch written where
 * no server reads it is worse than an error, because it reports success.
 */
export async function openKillTarget(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Promise<KillTarget> {
  const backend = stateBackend(loaded, env);
  const hint = 'point PALISADE_DATA_DIR, --config or REDIS_URL at the running server\'s state, or start the server once; nothing was changed';
  if (backend === 'memory') throw new UsageError('state.backend is memory: kill switches live inside the server process and cannot be reached from here; nothing was changed');
  let where: string;
  if (backend === 'sqlite') {
    const file = join(loaded.dataDir, 'state.db');
    where = `sqlite ${file}`;
    // Checked before opening: opening would create the file (and its folder).
    if (!existsSync(file)) throw new UsageError(`no Palisade state at ${file} (no server has run with this data directory); ${hint}`);
  } else {
    where = `redis ${redactRedisUrl(env['REDIS_URL'] ?? '')} prefix ${loaded.config.state.redis_prefix}`;
  }
  const store = await openStore(loaded, env);
  let marker: ServerMarker | undefined;
  try {
    marker = await readServerMarker(store);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw new UsageError(`cannot read the state store (${where}): ${(err as Error).message.slice(0, 120)}`);
  }
  if (!marker) {
    await store.close().catch(() => undefined);
    throw new UsageError(`no Palisade server has started on ${where}; ${hint}`);
  }
  return { store, where, marker };
}
