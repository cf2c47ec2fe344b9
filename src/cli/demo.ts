import { UsageError } from './main.js';

/** `palisade demo`: filled in by its issue. */
export async function demo(_argv: string[]): Promise<number> {
  throw new UsageError('demo is not available in this build yet');
}
