import { z } from 'zod';
import { allow, deny } from '../../core/decision.js';
import { defineTool } from '../../core/define.js';
import { DenyError } from '../../core/errors.js';
import type { Principal } from '../../core/principal.js';
import type { Tool, ToolContext } from '../../core/tool.js';
import { maskValue } from '../../dlp/obligations.js';
import type { OrderRow, OrdersStore, ReferenceData } from './backend.js';
import { chooseRegion, REGIONS, subjectRegionOf } from './regions.js';
import { withServiceSpan } from '../../telemetry/calls.js';

export const PII_GRANT = 'orders.read:pii';
const MAX_SPAN_DAYS = 92;

/** A real calendar date written YYYY-MM-DD (2025-02-30 is refused). */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, 'must be a real calendar date');

const ORDER_ID = /^ord_[a-z0-9]{12}$/;
const CURSOR = /^[A-Za-z0-9_-]{1,128}$/;

/** Keyset cursor: the last (created_at, id) seen, base64url. Validated on the way in. */
function encodeCursor(row: Pick<OrderRow, 'created_at' | 'id'>): string {
  return Buffer.from(`${row.created_at}|${row.id}`).toString('base64url');
}
function decodeCursor(cursor: string): { date: string; id: string } | undefined {
  const [date, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length || !date || !id || !isoDate.safeParse(date).success || !ORDER_ID.test(id)) return undefined;
  return { date, id };
}

function present(row: OrderRow, mask: readonly string[]) {
  return {
    orderId: row.id,
    region: row.region,
    createdAt: row.created_at,
    status: row.status,
    amount: { cents: row.amount_cents, currency: row.currency },
    email: mask.includes('email') ? maskValue(row.customer_email) : row.customer_email,
    phone: mask.includes('phone') ? maskValue(row.customer_phone) : row.customer_phone,
  };
}

const hasPii = (p: Principal) => p.grants.includes(PII_GRANT);

/** What an order looks like to a caller: nothing beyond these fields ever leaves. */
const OrderOut = z.object({
  orderId: z.string(), region: z.string(), createdAt: z.string(), status: z.string(),
  amount: z.object({ cents: z.number().int(), currency: z.string() }),
  email: z.string(), phone: z.string(),
});

/** The subjects' region; absent: the caller's own region. */
const regionArg = z.enum(REGIONS).optional();
const REGION_HELP = 'Orders live in their region\'s store (eu-west, us-east) and are served only there: pass "region" for another region\'s '
  + 'customers; EU customers\' data is served only to callers in the EU region (POLICY_DENY otherwise). ';

/** `palisade/region` on the result: recorders see which store served the call. */
const regionMeta = (r: { region: string }) => ({ 'palisade/region': r.region });

/**
 * The one store this call may read: the routed region (ctx.region) must be the subjects'
 * region, and EU subjects only go to EU callers (see chooseRegion).
 */
function storeFor(data: ReferenceData, args: Record<string, unknown>, ctx: ToolContext): OrdersStore {
  const region = chooseRegion(ctx.region, subjectRegionOf(args, ctx.principal), ctx.principal);
  const store = data.orders(region);
  if (!store) throw new DenyError('POLICY_DENY', 'no data store serves the region this call is routed to');
  return store;
}

export function ordersTools(data: ReferenceData): Tool[] {

  const exportTool = defineTool({
    name: 'orders.export',
    title: 'Export orders',
    description: 'Exports the caller tenant\'s orders between two dates (YYYY-MM-DD, at most 92 days). Emails are masked by default; '
      + 'add "phone" to mask phones too. Unmasked emails need the orders.read:pii grant. Paginate with limit and nextCursor. '
      + REGION_HELP + 'Example: {"from":"2025-08-25","to":"2025-08-31"}',
    effect: 'read',
    scope: 'orders.read',
    // Customer emails and phones: policy sees `data.contains_pii` for these tools.
    data: ['pii'],
    cost: 0.01,
    input: z.strictObject({
      from: isoDate,
      to: isoDate,
      mask: z.array(z.enum(['email', 'phone'])).max(2).default(['email']),
      limit: z.number().int().min(1).max(1000).default(100),
      cursor: z.string().regex(CURSOR, 'must be a cursor returned by a previous page').refine((c) => decodeCursor(c) !== undefined, 'is not a valid cursor').optional(),
      region: regionArg,
    }).refine((a) => a.from <= a.to, { message: '"from" must not be after "to"', path: ['from'] })
      .refine((a) => (Date.parse(a.to) - Date.parse(a.from)) / 86_400_000 <= MAX_SPAN_DAYS, { message: `the span from "from" to "to" must be at most ${MAX_SPAN_DAYS} days`, path: ['to'] }),
    output: z.object({
      from: z.string(), to: z.string(), region: z.string(), count: z.number().int(), masked: z.array(z.string()),
      rows: z.array(OrderOut), nextCursor: z.string().optional(),
    }),
    rules: (args, inv) => (!args.mask.includes('email') && !hasPii(inv.principal)
      ? deny('SCOPE_MISSING', `unmasked emails need the purpose grant ${PII_GRANT}`, { details: { scope: PII_GRANT } })
      : allow()),
    async handler(args, ctx) {
      const { from, to, mask, limit, cursor } = args;
      const store = storeFor(data, args, ctx);
      // Keyset pagination on (created_at, id); without a cursor, start just before `from`.
      const after = cursor ? decodeCursor(cursor)! : { date: from, id: '' };
      const rows = await withServiceSpan(ctx, 'orders.db.page', () => store.page({ tenant: ctx.principal.tenant, from, to, after, limit: limit + 1 }), { 'db.region': store.region });
      const more = rows.length > limit;
      const shown = rows.slice(0, limit);
      return {
        from, to, region: store.region, count: shown.length,
        masked: [...mask],
        rows: shown.map((r) => present(r, mask)),
        ...(more && { nextCursor: encodeCursor(shown[shown.length - 1]!) }),
      };
    },
    summarize: (r) => `OK: ${String(r['count'])} orders from ${String(r['from'])} to ${String(r['to'])}`
      + `${(r['masked'] as string[]).length ? ` (masked: ${(r['masked'] as string[]).join(', ')})` : ''}`
      + `${r['nextCursor'] ? '; more pages: pass nextCursor' : ''}\n${JSON.stringify(r)}`,
    resultMeta: regionMeta,
  });

  const getTool = defineTool({
    name: 'orders.get',
    title: 'Get one order',
    description: 'Reads one order of the caller tenant by id (ord_ + 12 characters). Emails are masked without the orders.read:pii grant. '
      + REGION_HELP + 'Example: {"orderId":"ord_abc123def456"}',
    effect: 'read',
    scope: 'orders.read',
    // Customer emails and phones: policy sees `data.contains_pii` for these tools.
    data: ['pii'],
    input: { orderId: z.string().regex(ORDER_ID, 'must be an order id (ord_ followed by 12 lower-case letters or digits)'), region: regionArg },
    output: z.object({ region: z.string(), order: OrderOut }),
    async handler(args, ctx) {
      const store = storeFor(data, args, ctx);
      const row = await withServiceSpan(ctx, 'orders.db.get', () => store.byId(ctx.principal.tenant, args.orderId), { 'db.region': store.region });
      // Absent, foreign and other-region orders answer identically: no existence leak.
      if (!row) throw new DenyError('NOT_FOUND', 'order not found');
      return { region: store.region, order: present(row, hasPii(ctx.principal) ? [] : ['email']) };
    },
    resultMeta: regionMeta,
  });

  return [exportTool, getTool];
}
