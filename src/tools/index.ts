import type { Tool } from '../core/tool.js';
import type { LoadedConfig } from '../config/load.js';

export interface ReferenceTools {
  readonly tools: readonly Tool[];
  close(): Promise<void>;
}

/** The reference tools (orders.export, orders.get, flag.set, flag.get) on their backends. */
export async function createReferenceTools(_loaded: LoadedConfig): Promise<ReferenceTools> {
  return { tools: [], close: async () => undefined };
}
