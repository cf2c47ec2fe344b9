import type Database from 'better-sqlite3';
import { z } from 'zod';
import { allow, deny } from '../../core/decision.js';
import { defineTool } from '../../core/define.js';
import { DenyError } from '../../core/errors.js';
import type { Tool } from '../../core/tool.js';

export const TICKET_MESSAGE = 'prod change >10% requires change ticket';
const FLAG_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const env = z.enum(['dev', 'staging', 'prod']);
const name = z.string().regex(FLAG_NAME, 'must match ^[a-z0-9][a-z0-9_.-]{0,63}$');

interface FlagRow { rollout_pct: number; ticket: string | null; updated_by: string; updated_at: string }
interface HistoryRow { previous_pct: number | null; new_pct: number; ticket: string | null; actor: string; at: string }

export interface FlagToolOptions {
  /** Change ticket format (`tools['flag.set'].ticket_pattern`), checked at start-up. */
  readonly ticketPattern: RegExp;
  readonly now?: () => Date;
}

export function flagTools(db: Database.Database, options: FlagToolOptions): Tool[] {
  const now = options.now ?? (() => new Date());
  const q = {
    get: db.prepare<[string, string, string], FlagRow>('SELECT rollout_pct, ticket, updated_by, updated_at FROM flags WHERE tenant = ? AND env = ? AND name = ?'),
    put: db.prepare<[string, string, string, number, string | null, string, string]>(
      `INSERT INTO flags (tenant, env, name, rollout_pct, ticket, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, env, name) DO UPDATE SET rollout_pct = excluded.rollout_pct, ticket = excluded.ticket,
       updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
    hist: db.prepare<[string, string, string, number | null, number, string | null, string, string, string | null]>(
      'INSERT INTO flag_history (tenant, env, name, previous_pct, new_pct, ticket, actor, at, op_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    byOp: db.prepare<[string], HistoryRow & { tenant: string; env: string; name: string }>('SELECT * FROM flag_history WHERE op_id = ?'),
    recent: db.prepare<[string, string, string, number], HistoryRow>(
      'SELECT previous_pct, new_pct, ticket, actor, at FROM flag_history WHERE tenant = ? AND env = ? AND name = ? ORDER BY id DESC LIMIT ?'),
  };

  // One transaction: read the previous value, write the new one and its history row.
  // The idemKey is stored as the operation id, so a retry that slipped past the
  // idempotency store (e.g. after its record expired) is still applied only once.
  const apply = db.transaction((tenant: string, e: string, n: string, pct: number, ticket: string | null, actor: string, opId: string | null) => {
    if (opId) {
      const done = q.byOp.get(opId);
      if (done) return { previous: done.previous_pct, at: done.at, deduped: true };
    }
    const prev = q.get.get(tenant, e, n);
    const at = now().toISOString();
    q.put.run(tenant, e, n, pct, ticket, actor, at);
    q.hist.run(tenant, e, n, prev?.rollout_pct ?? null, pct, ticket, actor, at, opId);
    return { previous: prev?.rollout_pct ?? null, at, deduped: false };
  });

  const set = defineTool({
    name: 'flag.set',
    title: 'Set a feature flag rollout',
    description: 'Sets a feature flag\'s rollout percentage (0-100) in dev, staging or prod. A prod change above 10% needs a change ticket (e.g. CHG-1234). '
      + 'Needs flags.write:<env> and an idemKey (UUID); a repeat with the same idemKey answers "OK (idempotent)". '
      + 'Example: {"name":"checkout_v2","env":"staging","rolloutPct":50,"idemKey":"6f9619ff-8b86-4d11-b42d-00c04fc964ff"}',
    effect: 'write',
    scope: 'flags.write:{env}',
    cost: 0.001,
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
    rules: (args) => (args.env === 'prod' && args.rolloutPct > 10 && !args.ticket
      ? deny('TICKET_REQUIRED', TICKET_MESSAGE)
      : allow()),
    async handler(args, ctx) {
      const idemKey = (args as { idemKey?: string }).idemKey;
      // Operation ids are scoped like idempotency records: one tenant's key never matches another's.
      const opId = idemKey ? `${ctx.principal.tenant}|${ctx.principal.id}|${idemKey}` : null;
      const r = apply(ctx.principal.tenant, args.env, args.name, args.rolloutPct, args.ticket ?? null, ctx.principal.id, opId);
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
      const row = q.get.get(ctx.principal.tenant, e, n);
      if (!row) throw new DenyError('NOT_FOUND', 'flag not found');
      const history = q.recent.all(ctx.principal.tenant, e, n, 5).map((h) => ({
        previousPct: h.previous_pct, rolloutPct: h.new_pct, ticket: h.ticket, actor: h.actor, at: h.at,
      }));
      return { name: n, env: e, rolloutPct: row.rollout_pct, ticket: row.ticket, updatedBy: row.updated_by, updatedAt: row.updated_at, history };
    },
  });

  return [set, get];
}
