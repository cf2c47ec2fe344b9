import { availableParallelism, cpus, totalmem } from 'node:os';

/** What the figures were measured on (they mean nothing without it). */
export function machine() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
