import { allow, deny, type Decision, type Outcome } from '../core/decision.js';
import type { CheckedInvocation, Invocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';
import { createLimiter, type LimiterOptions, type LimitOutcome } from '../limits/limiter.js';

/** The result `_meta` key carrying what is left of the caller's limits after this call. */
export const LIMITS_META_KEY = 'palisade/limits';

/**
 * The `limits` stage (seed Play 7): rpm + burst, concurrency, daily cost and the stop
 * rules, per principal and per tenant. The allow carries what is left in the result's
 * `_meta["palisade/limits"]`; its finalizer frees the concurrency lease and charges the
 * actual cost. A state store fault denies with UPSTREAM_ERROR (fail closed), except for a
 * read tool set `fail_open: true`. `peek` answers the HTTP edge's "is this principal over
 * its rate?" without consuming anything.
 *
 * @example
 * const palisade = await createPalisade({ tools, store, stages: { limits: limits({ store, entries: loaded.limits }) } });
 */
export function limits(options: LimiterOptions): Guard<CheckedInvocation> {
  const limiter = createLimiter(options);

  async function check(inv: CheckedInvocation): Promise<Decision> {
    const v = await limiter.check({ principal: inv.principal, tool: inv.tool, args: inv.args, sessionId: inv.session.id, meta: inv.meta });
    if (!v.ok) return deny(v.code, v.message, v.retryAfterMs !== undefined ? { retryAfterMs: v.retryAfterMs } : {});
    if (v.failOpen) return allow({ notes: { failOpen: true } });
    return allow({
      ...(v.use.length > 0 && { meta: { [LIMITS_META_KEY]: v.use } }),
      finalize: (outcome: Outcome) => v.settle(settled(outcome)),
    });
  }

  async function peek(inv: Invocation): Promise<Decision> {
    const wait = await limiter.rateWait(inv.principal);
    return wait > 0 ? deny('RATE_LIMITED', 'rate limit reached', { retryAfterMs: wait }) : allow();
  }

  return { name: 'limits', check, peek: peek as Guard<CheckedInvocation>['peek'] };
}

function settled(o: Outcome): LimitOutcome {
  if (o.kind === 'ok') return { kind: 'ok', replayed: o.replayed, result: o.result };
  return { kind: o.kind };
}
