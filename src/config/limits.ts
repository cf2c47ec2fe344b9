import { z } from 'zod';

/** One entry of the seed's Play 7 limits.json; the file may hold one entry or a list. */
export const LimitsEntrySchema = z.strictObject({
  principal: z.string().min(1),
  limits: z.strictObject({
    rpm: z.number().int().positive(),
    burst: z.number().int().positive(),
    concurrency: z.number().int().positive(),
    daily_cost_usd: z.number().nonnegative(),
  }),
  stop_rules: z.strictObject({
    max_plan_depth: z.number().int().positive(),
    max_retries: z.number().int().min(0),
  }).optional(),
});

export const LimitsFileSchema = z.union([LimitsEntrySchema, z.array(LimitsEntrySchema)]);
export type LimitsEntry = z.output<typeof LimitsEntrySchema>;
