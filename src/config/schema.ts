import { z } from 'zod';
import { REGION_ID, SUBJECT_ID, TENANT_ID } from '../core/keys.js';

/**
 * palisade.yaml. Every key has a safe default; unknown keys are refused so a
 * typo cannot silently turn a control off. The seed's three files keep their own
 * shapes and are referenced by path (resolved against this file's folder).
 */
const grant = z.string().min(1).max(128).refine((g) => !g.includes('*'), 'wildcard grants are not allowed');

/** Tenant and subject scope state keys: the same charsets as token claims (no separators, no control characters). */
export const PrincipalSchema = z.strictObject({
  id: z.string().regex(SUBJECT_ID, 'must be letters, digits and _.:@+=/- (at most 256; no | or control characters)'),
  type: z.string().min(1).max(64).default('agent'),
  tenant: z.string().regex(TENANT_ID, 'must be letters, digits and _.- (at most 128; no | or control characters)'),
  region: z.string().regex(REGION_ID, 'must be lower-case letters, digits and - (e.g. eu-west)'),
  grants: z.array(grant).max(256).default([]),
});

const HttpSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8443),
  /** The resource URI tokens must name as `aud`; derived from host/port when absent. */
  public_url: z.url().optional(),
  allowed_hosts: z.array(z.string()).default([]),
  allowed_origins: z.array(z.string()).default([]),
  body_limit_bytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024),
  max_batch: z.number().int().positive().max(1000).default(20),
  headers_timeout_ms: z.number().int().positive().default(10_000),
  request_timeout_ms: z.number().int().positive().default(60_000),
  /** Plain HTTP: only for loopback development behind a TLS-terminating proxy. */
  insecure_http: z.boolean().default(false),
});

const TlsSchema = z.strictObject({
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  client_ca_file: z.string().optional(),
});

const IssuerSchema = z.strictObject({
  issuer: z.string().min(1),
  jwks_uri: z.url().optional(),
  public_keys: z.array(z.string()).optional(),
  algorithms: z.array(z.string()).optional(),
  /** An internal identity provider: CIDRs its JWKS host may resolve to although private. */
  allow_addresses: z.array(z.string()).optional(),
  /** PEM trust anchors for the JWKS host's certificate. */
  ca_file: z.string().optional(),
});

export const ConfigSchema = z.strictObject({
  server: z.strictObject({
    name: z.string().default('team-tools'),
    data_dir: z.string().optional(),
    http: HttpSchema.prefault({}),
    tls: TlsSchema.prefault({}),
    admin: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8444) }).prefault({}),
  }).prefault({}),
  baseline: z.string().optional(),
  auth: z.strictObject({
    mode: z.enum(['jwt', 'none']).default('jwt'),
    issuers: z.array(IssuerSchema).default([]),
    algorithms: z.array(z.string()).default(['EdDSA', 'ES256', 'RS256']),
    /** Explicit opt-in for HS256 tokens; the key comes from the secrets provider. */
    hs_secret: z.string().optional(),
    replay: z.enum(['session', 'single-use']).default('session'),
    audience: z.string().optional(),
    clock_skew_seconds: z.number().int().min(0).max(300).default(60),
    claims: z.strictObject({
      tenant: z.string().default('tenant_id'),
      region: z.string().default('region'),
      actor_type: z.string().default('act'),
    }).prefault({}),
  }).prefault({}),
  stdio: z.strictObject({ principal: PrincipalSchema.optional() }).prefault({}),
  secrets: z.strictObject({
    provider: z.enum(['file', 'env', 'vault']).default('file'),
    file: z.strictObject({ dir: z.string().optional() }).prefault({}),
    vault: z.strictObject({
      address: z.url(),
      mount: z.string().default('secret'),
      token_file: z.string().optional(),
      cache_ttl_seconds: z.number().int().min(0).default(300),
      /** Vault is usually internal: the CIDRs its address may resolve to. */
      allow_addresses: z.array(z.string()).default([]),
      ca_file: z.string().optional(),
    }).optional(),
  }).prefault({}),
  state: z.strictObject({
    /** Unset: redis when REDIS_URL is set, else sqlite. */
    backend: z.enum(['memory', 'sqlite', 'redis']).optional(),
    /** Key and channel prefix in Redis, so deployments can share one server. */
    redis_prefix: z.string().regex(/^[A-Za-z0-9_.:-]{0,63}:$/, 'must be up to 64 characters of A-Za-z0-9_.:- ending with ":"').default('palisade:'),
  }).prefault({}),
  data: z.strictObject({
    /** sqlite: one file per region under the data dir. postgres: one schema per region at DATABASE_URL (never chosen by DATABASE_URL alone). */
    backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
    postgres: z.strictObject({
      /** Schemas `<prefix>_eu_west`, `<prefix>_us_east`, `<prefix>_control`. */
      schema_prefix: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case identifier (letters, digits, _), at most 40 characters').default('palisade'),
      pool_max: z.number().int().min(1).max(64).default(4),
    }).prefault({}),
  }).prefault({}),
  policy: z.string().optional(),
  limits: z.string().optional(),
  egress: z.strictObject({
    allow: z.array(z.string()).default([]),
    block: z.array(z.string()).default([]),
    schemes: z.array(z.enum(['https', 'http'])).default(['https']),
    ports: z.array(z.number().int().min(1).max(65535)).default([443]),
    max_bytes: z.number().int().positive().default(1024 * 1024),
    timeout_ms: z.number().int().positive().default(5000),
    connect_timeout_ms: z.number().int().positive().default(3000),
    max_redirects: z.number().int().min(0).max(10).default(3),
    content_types: z.array(z.string()).default(['text/*', 'application/json']),
    on_oversize: z.enum(['deny', 'truncate']).default('truncate'),
    max_text_chars: z.number().int().positive().default(100_000),
  }).prefault({}),
  tools: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  killswitch: z.strictObject({
    read_only: z.boolean().default(false),
    quarantine: z.array(z.string()).default([]),
  }).prefault({}),
  audit: z.strictObject({
    checkpoint_every: z.number().int().positive().default(100),
    checkpoint_seconds: z.number().int().positive().default(5),
    fsync: z.enum(['always', 'batch', 'never']).default('batch'),
  }).prefault({}),
  telemetry: z.strictObject({ exporter: z.enum(['none', 'otlp', 'console']).default('none') }).prefault({}),
});

export type PalisadeConfig = z.output<typeof ConfigSchema>;
export type PrincipalConfig = z.output<typeof PrincipalSchema>;
