import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = new URL('./results.json', import.meta.url);

/** Merges one section into bench/results.json, keeping every other section as it was. */
export function writeSection(name: string, value: unknown): void {
  const all = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>) : {};
  all[name] = { ...(typeof all[name] === 'object' && all[name] !== null ? all[name] as object : {}), ...(value as object) };
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
}
