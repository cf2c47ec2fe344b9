import { z } from 'zod';
import { REGION_ID, SUBJECT_ID, TENANT_ID } from '../core/keys.js';
import { AuthConfigSchema } from '../auth/config.js';
import { EgressConfigSchema } from '../egress/config-schema.js';
import { KillswitchConfigSchema, StateConfigSchema } from '../state/config.js';
import { DataConfigSchema } from '../tools/reference/config.js';
import { UpstreamsSchema } from '../gateway/config.js';

/** Per-tool settings (`tools.<name>`). Every key acts; an unknown key is refused. */
export const ToolSettingsSchema = z.strictObject({
  cost_usd: z.number().nonnegative().optional().describe('cost charged against the daily budget per call'),
  timeout_ms: z.number().int().positive().max(600_000).optional().describe('longest the handler may run; then UPSTREAM_ERROR'),
  ticket_pattern: z.string().max(256).optional().describe('flag.set: change ticket format (a regular expression)'),
  per_row: z.number().nonnegative().optional().describe('cost added per row of the result (its top-level arrays), charged after the call'),
  per_kb: z.number().nonnegative().optional().describe('cost added per KiB of the result, charged after the call'),
  fail_open: z.boolean().optional().describe('WARNING: a READ tool runs unlimited while the state store is unreachable; refused on write tools; doctor reports it'),
});

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
  max_sessions: z.number().int().positive().max(100_000).default(1000).describe('open MCP sessions this instance holds'),
  max_sessions_per_principal: z.number().int().positive().max(10_000).default(32).describe('open sessions one subject of one tenant may hold'),
  max_sessions_per_tenant: z.number().int().positive().max(100_000).optional().describe('open sessions one tenant may hold together (default: a quarter of max_sessions)'),
  session_idle_ms: z.number().int().positive().default(5 * 60_000).describe('a session idle this long with no open SSE stream is closed'),
  sse_max_ms: z.number().int().positive().default(5 * 60_000).describe('an SSE GET stream is ended after this long; the client reconnects'),
  max_connections: z.number().int().positive().max(1_000_000).default(1024).describe('open TCP connections accepted'),
  /** Plain HTTP: only for loopback development behind a TLS-terminating proxy. */
  insecure_http: z.boolean().default(false),
});

const TlsSchema = z.strictObject({
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  client_ca_file: z.string().optional(),
});

export const ConfigSchema = z.strictObject({
  server: z.strictObject({
    name: z.string().default('team-tools'),
    reference_tools: z.boolean().default(true).describe('serve the reference tools (orders.*, flag.*, web.fetchSafe); false for a pure gateway'),
    data_dir: z.string().optional(),
    http: HttpSchema.prefault({}),
    tls: TlsSchema.prefault({}),
  }).prefault({}),
  baseline: z.string().optional(),
  auth: AuthConfigSchema,
  stdio: z.strictObject({
    principal: PrincipalSchema.optional().describe('who the stdio client acts as (default: the development principal)'),
    max_line_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024).describe('longest JSON-RPC line read on stdin; longer lines answer PAYLOAD_TOO_LARGE'),
  }).prefault({}),
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
  state: StateConfigSchema,
  data: DataConfigSchema,
  policy: z.string().optional(),
  limits: z.string().optional(),
  egress: EgressConfigSchema,
  tools: z.record(z.string(), ToolSettingsSchema).default({}).describe('per-tool settings by tool name; a name that is not a served tool stops start-up'),
  killswitch: KillswitchConfigSchema,
  upstreams: UpstreamsSchema.describe('gateway mode: upstream MCP servers behind the same pipeline'),
  audit: z.strictObject({
    checkpoint_every: z.number().int().positive().default(100),
    checkpoint_seconds: z.number().int().positive().default(5),
    fsync: z.enum(['always', 'batch', 'never']).default('batch'),
  }).prefault({}),
  telemetry: z.strictObject({
    exporter: z.enum(['none', 'otlp', 'console']).default('none'),
    /** OTLP/HTTP traces endpoint; unset: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT. */
    otlp: z.strictObject({ endpoint: z.url().optional() }).prefault({}),
    service_name: z.string().min(1).max(128).default('palisade'),
  }).prefault({}),
});

export type PalisadeConfig = z.output<typeof ConfigSchema>;
export type PrincipalConfig = z.output<typeof PrincipalSchema>;
export type ToolSettings = z.output<typeof ToolSettingsSchema>;
