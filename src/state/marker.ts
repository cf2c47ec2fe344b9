import type { StateStore } from './store.js';

/**
 * Written by every server at start into its state store, so that `palisade kill`
 * can tell a store a server uses from an empty one it would otherwise create or
 * write into unseen (and then report success while nothing changes).
 */
export interface ServerMarker {
  readonly version: string;
  /** ISO time of the last start. */
  readonly startedAt: string;
  /** The tool catalog of that server: lets `kill quarantine` refuse names no server knows. */
  readonly tools: readonly string[];
}

export const MARKER_KEY = 'meta:server';

export async function writeServerMarker(store: StateStore, marker: ServerMarker): Promise<void> {
  await store.set(MARKER_KEY, JSON.stringify(marker));
}

/** The marker, or undefined when no server has started on this store (or it is unreadable). */
export async function readServerMarker(store: StateStore): Promise<ServerMarker | undefined> {
  const raw = await store.get(MARKER_KEY);
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<ServerMarker>;
    return {
      version: typeof v.version === 'string' ? v.version : 'unknown',
      startedAt: typeof v.startedAt === 'string' ? v.startedAt : 'unknown',
      tools: Array.isArray(v.tools) ? v.tools.filter((t): t is string => typeof t === 'string') : [],
    };
  } catch {
    return { version: 'unknown', startedAt: 'unknown', tools: [] };
  }
}
