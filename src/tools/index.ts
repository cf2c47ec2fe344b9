import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import type { Tool } from '../core/tool.js';
import { openReferenceDb } from './reference/db.js';
import { flagTools } from './reference/flags.js';
import { ordersTools } from './reference/orders.js';

export interface ReferenceTools {
  readonly tools: readonly Tool[];
  close(): Promise<void>;
}

export const DEFAULT_TICKET_PATTERN = '^[A-Z]+-\\d+$';

/** The reference tools (orders.export, orders.get, flag.set, flag.get) on their SQLite backend. */
export async function createReferenceTools(loaded: LoadedConfig): Promise<ReferenceTools> {
  const ticketPattern = ticketPatternFrom(loaded);
  const db = openReferenceDb(join(loaded.dataDir, 'data.db'));
  return {
    tools: [...ordersTools(db), ...flagTools(db, { ticketPattern })],
    close: async () => { db.close(); },
  };
}

/** `tools['flag.set'].ticket_pattern`, compiled once at start-up; a bad pattern stops start-up. */
function ticketPatternFrom(loaded: LoadedConfig): RegExp {
  const raw = loaded.config.tools['flag.set']?.ticket_pattern ?? DEFAULT_TICKET_PATTERN;
  const where = `${loaded.file ?? '(embedded default)'}: tools.flag.set.ticket_pattern`;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200) throw new ConfigError(`${where}: must be a non-empty regular expression`);
  try {
    return new RegExp(raw);
  } catch {
    throw new ConfigError(`${where}: not a valid regular expression`);
  }
}
