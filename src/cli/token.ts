import { UsageError } from './main.js';

/** `palisade token`: filled in by its issue. */
export async function token(_argv: string[]): Promise<number> {
  throw new UsageError('token is not available in this build yet');
}
