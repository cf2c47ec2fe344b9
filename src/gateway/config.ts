import { z } from 'zod';

const toolName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'tool names are letters, digits, _ . -');
const grant = z.string().min(1).max(128).refine((g) => !g.includes('*'), 'wildcard grants are not allowed');

/** What the operator says about one imported tool. Upstream hints (`readOnlyHint`) never decide these. */
export const UpstreamToolSchema = z.strictObject({
  effect: z.enum(['read', 'write']).describe('read or write: decides read-only mode, idempotency and policy defaults'),
  scope: grant.describe('the purpose grant a caller needs'),
  cost_usd: z.number().nonnegative().optional(),
  data: z.array(z.string().max(32)).max(16).optional().describe('data classes the results carry, e.g. [pii, internal]'),
  untrusted: z.boolean().optional().describe('results taint the session (default: the upstream\'s untrusted_results)'),
  timeout_ms: z.number().int().positive().max(600_000).optional(),
});

const secretName = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/);

/** How Palisade authenticates to the upstream. The caller's token never travels on. */
export const UpstreamAuthSchema = z.union([
  z.literal('none'),
  z.strictObject({ static: z.strictObject({ secret: secretName, header: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('Authorization'), scheme: z.string().max(32).default('Bearer') }) }),
  z.strictObject({ client_credentials: z.strictObject({ token_url: z.url(), client_id: z.string().min(1), client_secret: secretName, scope: z.string().optional(), audience: z.string().optional(), allow_addresses: z.array(z.string()).default([]) }) }),
  z.strictObject({ token_exchange: z.strictObject({ token_url: z.url(), client_id: z.string().min(1), client_secret: secretName, audience: z.string().min(1), scope: z.string().optional(), allow_addresses: z.array(z.string()).default([]) }) }),
]);

const promptName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'prompt names are letters, digits, _ . -');

/**
 * `upstreams.<name>.prompts`: forward the upstream's prompts (absent: prompts/* are not
 * declared and nothing reaches the upstream). Each prompts/get runs the whole pipeline as
 * the read tool `<name>/prompts.get` (scope, policy on `args.name`, limits, DLP, audit).
 */
export const UpstreamPromptsSchema = z.strictObject({
  scope: grant.optional().describe('the purpose grant to list and get them (default `<upstream>.prompts`)'),
  names: z.array(promptName).max(256).optional().describe('the prompts forwarded (default: every prompt the upstream lists)'),
});

/**
 * `upstreams.<name>.resources`: forward the upstream's resources whose URIs match `uris`
 * (absent: resources/* are not declared). Each resources/read runs the whole pipeline as
 * the read tool `<name>/resources.read` (policy on `args.uri`); subscribe asks the same
 * pipeline first (preflight) and relays the upstream's updated notifications.
 */
export const UpstreamResourcesSchema = z.strictObject({
  scope: grant.optional().describe('the purpose grant to list, read and subscribe (default `<upstream>.resources`)'),
  uris: z.array(z.string().min(1).max(512)).min(1).max(64).describe('URI globs exposed (`*` matches any run); anything else is hidden and NOT_FOUND'),
  subscribe: z.boolean().default(true).describe('relay resources/subscribe and the upstream\'s updated notifications'),
});

/** `upstreams.<name>`: an MCP server Palisade fronts (gateway mode). */
export const UpstreamSchema = z.strictObject({
  command: z.array(z.string().min(1)).min(1).optional().describe('stdio upstream: argv, spawned with a minimal environment'),
  url: z.url().optional().describe('Streamable HTTP upstream, reached through the egress client'),
  cwd: z.string().optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.string()).default({}).describe('the only variables the upstream process sees (besides PATH)'),
  allow_addresses: z.array(z.string()).default([]).describe("CIDRs an internal upstream may resolve to (else SSRF_BLOCKED); plain http only to these"),
  ca_file: z.string().optional(),
  auth: UpstreamAuthSchema.default('none'),
  untrusted_results: z.boolean().default(true).describe('results taint the session'),
  import: z.enum(['listed', 'all']).default('listed').describe('listed: tools not named under tools are hidden and refused; all: imported as write tools'),
  tools: z.record(toolName, UpstreamToolSchema).default({}),
  timeout_ms: z.number().int().positive().max(600_000).default(30_000),
  pool: z.number().int().min(1).max(32).default(1).describe('upstream sessions kept open and reused'),
  max_description_chars: z.number().int().positive().max(100_000).default(2000),
  prompts: UpstreamPromptsSchema.optional().describe('forward the upstream\'s prompts through the pipeline (absent: not declared, not forwarded)'),
  resources: UpstreamResourcesSchema.optional().describe('forward the upstream\'s resources whose URIs match `uris` (absent: not declared, not forwarded)'),
  logging: z.boolean().default(true).describe("relay the upstream's log messages sent during a call to that caller (scrubbed, at the caller's logging/setLevel)"),
}).refine((u) => (u.command === undefined) !== (u.url === undefined), 'give exactly one of command and url');

export const UpstreamsSchema = z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'upstream names are lower-case letters, digits, _ -'), UpstreamSchema).default({});

export type UpstreamConfig = z.output<typeof UpstreamSchema>;
export type UpstreamToolConfig = z.output<typeof UpstreamToolSchema>;
export type UpstreamPromptsConfig = z.output<typeof UpstreamPromptsSchema>;
export type UpstreamResourcesConfig = z.output<typeof UpstreamResourcesSchema>;
