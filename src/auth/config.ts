import { z } from 'zod';

/** One trusted token issuer (`auth.issuers[]`). */
export const IssuerSchema = z.strictObject({
  issuer: z.string().min(1).describe('the `iss` value tokens of this issuer carry'),
  jwks_uri: z.url().optional().describe('JWKS document, fetched through the egress client'),
  public_keys: z.array(z.string()).optional().describe('PEM or JWK files, relative to palisade.yaml'),
  algorithms: z.array(z.string()).optional().describe("this issuer's algorithms; restricts auth.algorithms for its tokens"),
  allow_addresses: z.array(z.string()).optional().describe('CIDRs an internal JWKS host may resolve to (else SSRF_BLOCKED)'),
  ca_file: z.string().optional().describe("PEM trust anchors for the JWKS host's certificate"),
});

/** `auth:` — owned by src/auth (verification) and the HTTP edge (step-up). */
export const AuthConfigSchema = z.strictObject({
  mode: z.enum(['jwt', 'none']).default('jwt').describe('none: development only, refuses non-loopback binds'),
  step_up: z.boolean().default(false).describe('true: list every tool; a call without the grant answers 403 insufficient_scope naming it (false: such tools are hidden, NOT_FOUND)'),
  issuers: z.array(IssuerSchema).default([]),
  algorithms: z.array(z.string()).default(['EdDSA', 'ES256', 'RS256']).describe('asymmetric JWS algorithms accepted'),
  hs_secret: z.string().optional().describe('explicit opt-in for HS256: the secret name in the secrets provider'),
  replay: z.enum(['session', 'single-use']).default('session').describe('session: a jti binds to its first MCP session; single-use: every request needs a fresh jti'),
  clock_skew_seconds: z.number().int().min(0).max(300).default(60),
  claims: z.strictObject({
    tenant: z.string().default('tenant_id'),
    region: z.string().default('region'),
    actor_type: z.string().default('act'),
  }).prefault({}).describe('claim names for tenant, region and actor type'),
}).prefault({});
