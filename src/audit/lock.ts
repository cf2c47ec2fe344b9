import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const HELD = new Set<string>();

/** Raised when another live writer holds a chain: two writers would fork it. */
export class ChainBusyError extends Error {
  constructor(dir: string) {
    super(`audit chain ${dir} is held by another writer`);
    this.name = 'ChainBusyError';
  }
}

/** One writer per chain: a LOCK file holding the pid (stale locks of dead processes are taken over). */
export function lockChain(dir: string): () => void {
  const abs = resolve(dir);
  if (HELD.has(abs)) throw new ChainBusyError(dir);
  const file = join(abs, 'LOCK');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch {
    const pid = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new ChainBusyError(dir);
    writeFileSync(file, String(process.pid), { mode: 0o600 });
  }
  HELD.add(abs);
  return () => {
    HELD.delete(abs);
    rmSync(file, { force: true });
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
