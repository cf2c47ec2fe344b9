import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError, FaultError } from '../core/errors.js';
import { createVaultProvider } from './vault.js';

/** Where signing keys, HMAC keys and database passwords come from. Values are never logged. */
export interface SecretsProvider {
  readonly kind: 'file' | 'env' | 'vault';
  /** The secret's value; a missing secret is a FaultError naming the secret, never its value. */
  get(name: string): Promise<string>;
}

const NAME = /^[A-Za-z0-9_.-]{1,128}(#[A-Za-z0-9_.-]{1,128})?$/;
const PATH_NAME = /^[A-Za-z0-9_.-]{1,128}(\/[A-Za-z0-9_.-]{1,128}){0,8}(#[A-Za-z0-9_.-]{1,128})?$/;

/** A file or env name has no separators; a Vault name may have `/` segments. Never `..`. */
export function assertSecretName(name: string, options: { path?: boolean } = {}): void {
  const ok = (options.path ? PATH_NAME : NAME).test(name) && !name.split(/[/#]/).some((seg) => seg === '.' || seg === '..');
  if (!ok) throw new FaultError('INTERNAL_ERROR', 'invalid secret name');
}

/** Development: one file per secret in a folder (mode 0600 recommended). */
export function createFileProvider(dir: string): SecretsProvider {
  return {
    kind: 'file',
    async get(name) {
      assertSecretName(name);
      try {
        return readFileSync(join(dir, name), 'utf8').replace(/\r?\n$/, '');
      } catch {
        throw new FaultError('INTERNAL_ERROR', `secret ${name} is not available from the file provider`);
      }
    },
  };
}

/** `PALISADE_SECRET_<NAME>`; refused in production when the baseline forbids it. */
export function createEnvProvider(env: NodeJS.ProcessEnv): SecretsProvider {
  return {
    kind: 'env',
    async get(name) {
      assertSecretName(name);
      const v = env[`PALISADE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
      if (v === undefined || v === '') throw new FaultError('INTERNAL_ERROR', `secret ${name} is not set in the environment`);
      return v;
    },
  };
}

/** The configured provider. `env` in production with `secrets.forbid_env_for_prod` is a ConfigError (exit 2). */
export function secretsFromConfig(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): SecretsProvider {
  const { secrets } = loaded.config;
  const base = loaded.file ? dirname(loaded.file) : process.cwd();
  switch (secrets.provider) {
    case 'env':
      if (env['NODE_ENV'] === 'production' && loaded.baseline.secrets.forbid_env_for_prod) {
        throw new ConfigError(`${loaded.file ?? '(embedded default)'}: secrets.provider: env is refused in production (security.baseline.yaml secrets.forbid_env_for_prod is true); use vault or file`);
      }
      return createEnvProvider(env);
    case 'vault': {
      const v = secrets.vault;
      if (!v) throw new ConfigError(`${loaded.file ?? '(embedded default)'}: secrets.vault: required when secrets.provider is vault`);
      const tokenFile = v.token_file && (isAbsolute(v.token_file) ? v.token_file : resolve(base, v.token_file));
      return createVaultProvider({
        address: v.address,
        mount: v.mount,
        cacheTtlMs: v.cache_ttl_seconds * 1000,
        allowAddresses: v.allow_addresses,
        ...(v.ca_file && { ca: readFileSync(isAbsolute(v.ca_file) ? v.ca_file : resolve(base, v.ca_file), 'utf8') }),
        token: () => {
          if (tokenFile) return readFileSync(tokenFile, 'utf8').trim();
          const t = env['VAULT_TOKEN'];
          if (!t) throw new FaultError('INTERNAL_ERROR', 'no Vault token: set secrets.vault.token_file');
          return t;
        },
      });
    }
    case 'file': {
      const d = secrets.file.dir;
      return createFileProvider(d ? (isAbsolute(d) ? d : resolve(base, d)) : join(loaded.dataDir, 'secrets'));
    }
  }
}
