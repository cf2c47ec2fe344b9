import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import type { Tool } from '../core/tool.js';
import { openReferenceData, type ReferenceData } from './reference/db.js';
import { flagTools } from './reference/flags.js';
import { ordersTools } from './reference/orders.js';

export interface ReferenceTools {
  readonly tools: readonly Tool[];
  /** The per-region stores behind the tools (tests and operators inspect them). */
  readonly data: ReferenceData;
  close(): Promise<void>;
}

export const DEFAULT_TICKET_PATTERN = '^[A-Z]+-\\d+$';

/**
 * The reference tools (orders.export, orders.get, flag.set, flag.get) on their backend
 * (`data.backend`): per-region SQLite files by default, PostgreSQL schemas on request.
 */
export async function createReferenceTools(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Promise<ReferenceTools> {
  const ticketPattern = ticketPatternFrom(loaded);
  const data = await openReferenceData(loaded, env);
  return {
    tools: [...ordersTools(data), ...flagTools(data, { ticketPattern })],
    data,
    close: () => data.close(),
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
