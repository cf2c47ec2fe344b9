import { z } from 'zod';

/** `data:` — owned by src/tools/reference: where the reference tools' orders and flags live. */
export const DataConfigSchema = z.strictObject({
  backend: z.enum(['sqlite', 'postgres']).default('sqlite')
    .describe('sqlite: one file per region under the data dir; postgres: one schema per region at DATABASE_URL (never chosen by DATABASE_URL alone)'),
  postgres: z.strictObject({
    schema_prefix: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case identifier (letters, digits, _), at most 40 characters').default('palisade')
      .describe('schemas <prefix>_eu_west, <prefix>_us_east, <prefix>_control'),
    pool_max: z.number().int().min(1).max(64).default(4).describe('connections in the pool'),
  }).prefault({}),
}).prefault({});
