import { UsageError } from './main.js';

/** `palisade doctor`: filled in by its issue. */
export async function doctor(_argv: string[]): Promise<number> {
  throw new UsageError('doctor is not available in this build yet');
}
