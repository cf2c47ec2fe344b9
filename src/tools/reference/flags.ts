import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../../core/canonical.js';
import { defineTool } from '../../core/define.js';
import { DenyError } from '../../core/errors.js';
import { stateKey } from '../../core/keys.js';
import type { Tool, ToolPolicyRule } from '../../core/tool.js';
import type { ReferenceData } from './backend.js';
import { withServiceSpan } from '../../telemetry/calls.js';

export const TICKET_MESSAGE = 'prod change >10% requires change ticket';

/**
 * The prod change-ticket rule, as a policy rule flag.set brings along (evaluated at
 * the policy stage with the policy file's rules). `[null, '']`: no ticket, or an empty one.
 */
export const TICKET_RULE: ToolPolicyRule = {
  rule: 'flag-set-prod-ticket',
  description: 'A prod rollout above 10% needs a change ticket.',
  when: { 'args.env': 'prod', 'args.rolloutPct': { gt: 10 }, 'args.ticket': [null, ''] },
  decision: 'deny',
  code: 'TICKET_REQUIRED',
  message: TICKET_MESSAGE,
};
const FLAG_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const env = z.enum(['dev', 'staging', 'prod']);
const name = z.string().regex(FLAG_NAME, 'must match ^[a-z0-9][a-z0-9_.-]{0,63}$');

export interface FlagToolOptions {
  /** Change ticket format (`tools['flag.set'].ticket_pattern`), checked at start-up. */
  readonly ticketPattern: RegExp;
  readonly now?: () => Date;
}

/**
 * The service-side operation id of a write: kept forever with the hash of the write's
 * arguments, so a retry that slipped past the idempotency store (its record expired) is
 * applied once, and a reuse with other arguments is a conflict, never a silent success.
 * Scoped like idempotency records (tenant, subject); UUIDs compare case-insensitively.
 */
export function flagOpId(tenant: string, subject: string, idemKey: string): string {
  return stateKey('flag.op', tenant, subject, idemKey.toLowerCase());
}

export function flagTools(data: ReferenceData, options: FlagToolOptions): Tool[] {
  const now = options.now ?? (() => new Date());
  const flags = data.flags;

  const set = defineTool({
    name: 'flag.set',
    title: 'Set a feature flag rollout',
    description: 'Sets a feature flag\'s rollout percentage (0-100) in dev, staging or prod. A prod change above 10% needs a change ticket (e.g. CHG-1234). '
      + 'Needs flags.write:<env> and an idemKey (UUID); a repeat with the same idemKey answers "OK (idempotent)". '
      + 'Example: {"name":"checkout_v2","env":"staging","rolloutPct":50,"idemKey":"6f9619ff-8b86-4d11-b42d-00c04fc964ff"}',
    effect: 'write',
    scope: 'flags.write:{env}',
    cost: 0.001,
    policy: [TICKET_RULE],
    input: {
      name,
      env,
      rolloutPct: z.number().min(0).max(100),
      ticket: z.string().max(64).regex(options.ticketPattern, 'does not match the change ticket format').optional(),
    },
    output: z.object({
      name: z.string(), env: env, rolloutPct: z.number(), previousPct: z.number().nullable(),
      ticket: z.string().nullable(), updatedBy: z.string(), updatedAt: z.string(),
    }),
    async handler(args, ctx) {
      const opId = args.idemKey ? flagOpId(ctx.principal.tenant, ctx.principal.id, args.idemKey) : null;
      const argsHash = sha256Hex(canonicalJson({ name: args.name, env: args.env, rolloutPct: args.rolloutPct, ticket: args.ticket ?? null }));
      const r = await withServiceSpan(ctx, 'flags.store.apply', () => flags.apply({
        tenant: ctx.principal.tenant, env: args.env, name: args.name, pct: args.rolloutPct, ticket: args.ticket ?? null,
        actor: ctx.principal.id, at: now().toISOString(), opId, argsHash,
      }));
      if (r.kind === 'conflict') throw new DenyError('IDEMPOTENCY_CONFLICT', 'idemKey was already used with other arguments for flag.set');
      return {
        name: args.name, env: args.env, rolloutPct: args.rolloutPct,
        previousPct: r.previous, ticket: args.ticket ?? null, updatedBy: ctx.principal.id, updatedAt: r.at,
      };
    },
    summarize: (r) => `OK: flag ${String(r['name'])} in ${String(r['env'])} set to ${String(r['rolloutPct'])}%`
      + ` (was ${r['previousPct'] === null ? 'unset' : `${String(r['previousPct'])}%`})`,
  });

  const get = defineTool({
    name: 'flag.get',
    title: 'Read a feature flag',
    description: 'Reads a feature flag\'s rollout in one environment, with its latest changes. Example: {"name":"checkout_v2","env":"prod"}',
    effect: 'read',
    scope: 'flags.read',
    input: { name, env },
    output: z.object({
      name: z.string(), env, rolloutPct: z.number(), ticket: z.string().nullable(), updatedBy: z.string(), updatedAt: z.string(),
      history: z.array(z.object({ previousPct: z.number().nullable(), rolloutPct: z.number(), ticket: z.string().nullable(), actor: z.string(), at: z.string() })),
    }),
    async handler({ name: n, env: e }, ctx) {
      const row = await withServiceSpan(ctx, 'flags.store.get', () => flags.get(ctx.principal.tenant, e, n));
      if (!row) throw new DenyError('NOT_FOUND', 'flag not found');
      const history = (await withServiceSpan(ctx, 'flags.store.recent', () => flags.recent(ctx.principal.tenant, e, n, 5))).map((h) => ({
        previousPct: h.previous_pct, rolloutPct: h.new_pct, ticket: h.ticket, actor: h.actor, at: h.at,
      }));
      return { name: n, env: e, rolloutPct: row.rollout_pct, ticket: row.ticket, updatedBy: row.updated_by, updatedAt: row.updated_at, history };
    },
  });

  return [set, get];
}
