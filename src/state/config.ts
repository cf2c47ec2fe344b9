import { z } from 'zod';

/** `state:` — owned by src/state. */
export const StateConfigSchema = z.strictObject({
  backend: z.enum(['memory', 'sqlite', 'redis']).optional().describe('unset: redis when REDIS_URL is set, else sqlite'),
  redis_prefix: z.string().regex(/^[A-Za-z0-9_.:-]{0,63}:$/, 'must be up to 64 characters of A-Za-z0-9_.:- ending with ":"').default('palisade:')
    .describe('key and channel prefix in Redis, so deployments can share one server; ends with ":" so prefix and key cannot trade characters'),
}).prefault({});

/** `killswitch:` — defaults of the live switchboard (MCP_READ_ONLY=1 forces read-only on top). */
export const KillswitchConfigSchema = z.strictObject({
  read_only: z.boolean().default(false),
  quarantine: z.array(z.string()).default([]),
}).prefault({});
