import { FaultError } from '../core/errors.js';
import { serviceEgress } from '../egress/service.js';
import { assertSecretName, type SecretsProvider } from './index.js';

export interface VaultOptions {
  /** e.g. `https://vault.internal:8200`. */
  readonly address: string;
  /** KV v2 mount, default `secret`. */
  readonly mount?: string;
  readonly token: () => string;
  readonly cacheTtlMs?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /** CIDRs the Vault address may resolve to (Vault is usually internal). */
  readonly allowAddresses?: readonly string[];
  /** PEM trust anchors for Vault's certificate. */
  readonly ca?: string;
}

/**
 * HashiCorp Vault KV v2 over HTTP with token auth. A name is `path` (field `value`)
 * or `path#field`. Values are cached for `cacheTtlMs`; errors name the secret and the
 * HTTP status, never the token or a value. Requests go through the egress client,
 * restricted to the configured address (no redirects, size cap, SSRF rules with the
 * operator's `allow_addresses` for an internal Vault).
 */
export function createVaultProvider(o: VaultOptions): SecretsProvider {
  const mount = (o.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
  const ttl = o.cacheTtlMs ?? 300_000;
  const now = o.now ?? Date.now;
  const cache = new Map<string, { value: string; until: number }>();
  const base = o.address.replace(/\/+$/, '');
  const egress = serviceEgress({
    url: base,
    contentTypes: ['application/json'],
    timeoutMs: o.timeoutMs ?? 5000,
    ...(o.allowAddresses?.length && { trustedAddresses: o.allowAddresses }),
    ...(o.ca !== undefined && { ca: o.ca }),
    where: 'secrets.vault.address',
  });

  return {
    kind: 'vault',
    async get(name) {
      assertSecretName(name, { path: true });
      const hit = cache.get(name);
      if (hit && hit.until > now()) return hit.value;
      const [path, field = 'value'] = name.split('#') as [string, string?];
      const r = await egress.fetch(`${base}/v1/${encodeURIComponent(mount)}/data/${path.split('/').map(encodeURIComponent).join('/')}`, {
        headers: { 'x-vault-token': o.token(), accept: 'application/json' },
      });
      if (!r.ok) throw new FaultError('UPSTREAM_ERROR', `Vault unreachable reading secret ${name} (${r.code})`);
      if (r.response.status !== 200) throw new FaultError('UPSTREAM_ERROR', `Vault answered ${r.response.status} for secret ${name}`);
      let body: { data?: { data?: Record<string, unknown> } };
      try { body = JSON.parse(new TextDecoder().decode(r.response.body)) as typeof body; } catch { throw new FaultError('UPSTREAM_ERROR', `Vault sent an unreadable answer for secret ${name}`); }
      const value = body.data?.data?.[field];
      if (typeof value !== 'string') throw new FaultError('UPSTREAM_ERROR', `secret ${name} has no string field ${field}`);
      cache.set(name, { value, until: now() + ttl });
      return value;
    },
  };
}
