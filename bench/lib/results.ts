import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** bench/results.json: one object; each benchmark script owns its top-level keys and merges them in. */
export const RESULTS = new URL('../results.json', import.meta.url).pathname;

export function readResults(): Record<string, unknown> {
  if (!existsSync(RESULTS)) return {};
  try {
    const v = JSON.parse(readFileSync(RESULTS, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Replaces the given top-level keys, keeps every other script's keys. */
export function mergeResults(entries: Record<string, unknown>): void {
  writeFileSync(RESULTS, `${JSON.stringify({ ...readResults(), ...entries }, null, 2)}\n`);
}
