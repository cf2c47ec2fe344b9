import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Principal } from '../../src/core/principal.js';
import { createPalisade } from '../../src/palisade.js';
import { createReferenceTools } from '../../src/tools/index.js';

export const acme: Principal = {
  id: 'agent:acme-bot', type: 'agent', tenant: 'acme', region: 'eu-west',
  grants: ['orders.read', 'flags.read', 'flags.write:dev', 'flags.write:staging', 'flags.write:prod'],
};
export const globex: Principal = { ...acme, id: 'agent:globex-bot', tenant: 'globex', region: 'us-east' };

/** Reference tools on a fresh temp data directory. */
export async function referencePalisade(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-ref-'));
  const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir, ...env } });
  const ref = await createReferenceTools(loaded);
  const palisade = await createPalisade({ tools: ref.tools, env: {} });
  return { palisade, dataDir, close: async () => { await palisade.close(); await ref.close(); } };
}
