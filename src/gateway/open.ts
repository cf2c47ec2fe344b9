import { dirname, join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { MutableToolCatalog } from '../core/catalog.js';
import type { Logger } from '../core/logger.js';
import { createEgressClient } from '../egress/client.js';
import { readPem } from '../auth/index.js';
import { streamingFetch } from '../egress/stream.js';
import type { SecretsProvider } from '../secrets/index.js';
import type { Switchboard } from '../state/switches.js';
import { createGateway, type Gateway } from './index.js';
import { upstreamCredentials } from './identity.js';
import { loadLockKey } from './lock.js';
import { connectUpstream, type Upstream } from './upstream.js';

/** `<config dir>/palisade.lock.json` (the data directory when no config file is used). */
export function lockFileFor(loaded: LoadedConfig): string {
  return join(loaded.file ? dirname(loaded.file) : loaded.dataDir, 'palisade.lock.json');
}

export interface OpenGatewayDeps {
  readonly catalog: MutableToolCatalog;
  readonly switches: Switchboard;
  readonly secrets: SecretsProvider;
  readonly logger?: Logger;
  /** Re-list upstreams this often for drift (default 300 s; 0 = only on list_changed). */
  readonly recheckMs?: number;
}

/** Opens every configured upstream through the egress rules and imports its tools. */
export async function openGateway(loaded: LoadedConfig, deps: OpenGatewayDeps): Promise<Gateway> {
  const base = loaded.file ? dirname(loaded.file) : process.cwd();
  const where = loaded.file ?? '(embedded default)';
  const egressFor = (url: string, allow: readonly string[], ca?: string): typeof fetch => {
    const u = new URL(url);
    const plainOk = u.protocol === 'http:' && allow.length > 0;
    const client = createEgressClient({
      allow: [u.hostname.replace(/^\[|\]$/g, '')],
      schemes: plainOk ? ['https', 'http'] : ['https'],
      ports: [Number(u.port || (u.protocol === 'https:' ? 443 : 80))],
      trustedAddresses: allow,
      blocked: () => deps.switches.current().egressBlock,
      ...(ca && { ca }),
    });
    return streamingFetch({ client, ...(ca && { ca }) });
  };
  const assertionKey = loadLockKey(loaded.dataDir, undefined, 'gateway-ed25519.pem').privateKey;
  const connections = new Map<string, Upstream>();
  for (const [name, cfg] of Object.entries(loaded.config.upstreams)) {
    const ca = cfg.ca_file ? readPem(resolve(base, cfg.ca_file), `${where}: upstreams.${name}.ca_file`) : undefined;
    const credentials = upstreamCredentials(name, cfg.auth, {
      secret: (n) => deps.secrets.get(n),
      fetchFor: (url, allow) => egressFor(url, allow),
      assertionKey,
      issuer: `palisade:${loaded.config.server.name}`,
    });
    connections.set(name, connectUpstream(name, { ...cfg, ...(cfg.cwd && { cwd: resolve(base, cfg.cwd) }) }, {
      credentials,
      ...(cfg.url && { fetch: egressFor(cfg.url, cfg.allow_addresses, ca) }),
      ...(deps.logger && { logger: deps.logger }),
    }));
  }
  const gateway = createGateway({
    upstreams: loaded.config.upstreams,
    connections,
    catalog: deps.catalog,
    switches: deps.switches,
    lockFile: lockFileFor(loaded),
    lockKey: loadLockKey(loaded.dataDir),
    ...(deps.logger && { logger: deps.logger }),
  });
  let pending: Promise<unknown> = Promise.resolve();
  const again = () => { pending = pending.then(() => gateway.refresh()).catch((err: unknown) => deps.logger?.error({ err: (err as Error)?.message }, 'upstream catalog check failed')); };
  for (const c of connections.values()) c.onToolsChanged(again);
  try {
    await gateway.refresh();
  } catch (err) {
    deps.logger?.error({ err: (err as Error)?.message }, 'an upstream could not be listed at start; its tools appear once it answers');
  }
  const recheck = deps.recheckMs ?? 300_000;
  const timer = recheck > 0 ? setInterval(again, recheck) : undefined;
  timer?.unref();
  return { ...gateway, async close() { if (timer) clearInterval(timer); await pending; await gateway.close(); } };
}
