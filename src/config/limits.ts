import { z } from 'zod';
import type { ToolSettings } from './schema.js';

/**
 * One entry of the seed's Play 7 limits.json; the file may hold one entry or a list.
 *
 * The seed's shape (`principal`, `limits`, `stop_rules`) is valid as written. Palisade adds:
 * - `tenant` instead of `principal`: the entry limits a whole tenant (all its principals together);
 * - `"*"` as the principal or tenant: the default for every principal (or tenant) without its own
 *   entry; each gets its own counters, not a shared pool;
 * - `tool`: the entry limits calls of that one tool, with counters of its own, on top of the entry
 *   without `tool`.
 * Every limit key is optional: an absent key is not limited by this entry.
 */
export const LimitsEntrySchema = z.strictObject({
  principal: z.string().min(1).max(256).optional(),
  tenant: z.string().min(1).max(128).optional(),
  tool: z.string().min(1).max(256).optional(),
  limits: z.strictObject({
    rpm: z.number().int().positive().optional(),
    burst: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().max(1000).optional(),
    daily_cost_usd: z.number().nonnegative().optional(),
  }).prefault({}),
  stop_rules: z.strictObject({
    max_plan_depth: z.number().int().positive().optional(),
    max_retries: z.number().int().min(0).optional(),
  }).optional(),
}).refine((e) => (e.principal === undefined) !== (e.tenant === undefined), {
  message: 'an entry names exactly one of principal or tenant',
}).refine((e) => e.limits.burst === undefined || e.limits.rpm !== undefined, {
  message: 'burst needs rpm',
  path: ['limits', 'burst'],
});

export const LimitsFileSchema = z.union([LimitsEntrySchema, z.array(LimitsEntrySchema)]);
export type LimitsEntry = z.output<typeof LimitsEntrySchema>;

/** The per-tool settings the limits stage reads (palisade.yaml `tools.<name>`). */
export type ToolLimits = Pick<ToolSettings, 'cost_usd' | 'per_row' | 'per_kb' | 'fail_open'>;
