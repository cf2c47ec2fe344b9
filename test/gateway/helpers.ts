import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { connectInMemory } from '../helpers/fixtures.js';
import type { Principal } from '../../src/core/principal.js';

export const NODE = process.execPath;
export const RUGPULL = new URL('./fixtures/rugpull.mjs', import.meta.url).pathname;
export const EVERYTHING = new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url).pathname;
export const FILESYSTEM = new URL('../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url).pathname;

export const caller: Principal = { id: 'agent:gw', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['ev.read', 'rp.read', 'rp.write', 'fs.read', 'fs.write'] };

/** A gateway runtime from a palisade.yaml written into a fresh folder. */
export async function gatewayRuntime(yaml: string, env: NodeJS.ProcessEnv = {}, dir = mkdtempSync(join(tmpdir(), 'pal-gw-'))): Promise<{ rt: Runtime; dir: string }> {
  writeFileSync(join(dir, 'palisade.yaml'), yaml);
  const loaded = loadConfig({ file: join(dir, 'palisade.yaml'), env: { PALISADE_DATA_DIR: join(dir, 'data'), ...env }, cwd: dir });
  const rt = await createRuntime(loaded, { env: { ...env }, gatewayRecheckMs: 0 });
  return { rt, dir };
}

export async function client(rt: Runtime, who: Principal = caller) {
  return connectInMemory(rt.palisade, who);
}
