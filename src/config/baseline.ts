import { z } from 'zod';

/** security.baseline.yaml, exactly the seed's Play 2 shape. */
export const BaselineSchema = z.strictObject({
  transport: z.strictObject({
    tls_min_version: z.enum(['1.2', '1.3']).default('1.2'),
    mtls: z.boolean().default(false),
    cert_rotation_days: z.number().int().positive().max(825).default(90),
  }).prefault({}),
  auth: z.strictObject({
    token_type: z.literal('JWT').default('JWT'),
    claims: z.array(z.enum(['aud', 'iss', 'sub', 'exp', 'nbf', 'iat', 'jti'])).default(['aud', 'iss', 'sub', 'exp', 'nbf', 'jti']),
    max_ttl_seconds: z.number().int().positive().max(86_400).default(600),
    replay_window_minutes: z.number().int().positive().max(1440).default(15),
  }).prefault({}),
  secrets: z.strictObject({
    /** The seed writes the choice as "KMS|Vault"; either name, or the list, is accepted. */
    provider: z.string().default('KMS|Vault'),
    rotation_days: z.number().int().positive().default(60),
    forbid_env_for_prod: z.boolean().default(true),
  }).prefault({}),
});

export type Baseline = z.output<typeof BaselineSchema>;
