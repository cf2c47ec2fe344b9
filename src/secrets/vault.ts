import { request } from 'undici';
import { FaultError } from '../core/errors.js';
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
}

/**
 * HashiCorp Vault KV v2 over HTTP with token auth. A name is `path` (field `value`)
 * or `path#field`. Values are cached for `cacheTtlMs`; errors name the secret and the
 * HTTP status, never the token or a value. Vault is an internal service, so this
 * client talks to the configured address only (undici does not follow redirects).
 */
export function createVaultProvider(o: VaultOptions): SecretsProvider {
  const mount = (o.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
  const ttl = o.cacheTtlMs ?? 300_000;
  const now = o.now ?? Date.now;
  const cache = new Map<string, { value: string; until: number }>();
  const base = o.address.replace(/\/+$/, '');

  return {
    kind: 'vault',
    async get(name) {
      assertSecretName(name, { path: true });
      const hit = cache.get(name);
      if (hit && hit.until > now()) return hit.value;
      const [path, field = 'value'] = name.split('#') as [string, string?];
      let res;
      try {
        res = await request(`${base}/v1/${encodeURIComponent(mount)}/data/${path.split('/').map(encodeURIComponent).join('/')}`, {
          method: 'GET',
          headers: { 'x-vault-token': o.token(), accept: 'application/json' },
          headersTimeout: o.timeoutMs ?? 5000,
          bodyTimeout: o.timeoutMs ?? 5000,
        });
      } catch (err) {
        if (err instanceof FaultError) throw err;
        throw new FaultError('UPSTREAM_ERROR', `Vault unreachable reading secret ${name}`);
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new FaultError('UPSTREAM_ERROR', `Vault answered ${res.statusCode} for secret ${name}`);
      }
      let body: { data?: { data?: Record<string, unknown> } };
      try { body = (await res.body.json()) as typeof body; } catch { throw new FaultError('UPSTREAM_ERROR', `Vault sent an unreadable answer for secret ${name}`); }
      const value = body.data?.data?.[field];
      if (typeof value !== 'string') throw new FaultError('UPSTREAM_ERROR', `secret ${name} has no string field ${field}`);
      cache.set(name, { value, until: now() + ttl });
      return value;
    },
  };
}
