import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson, sha256Hex } from '../core/canonical.js';
import { allow, deny, type Decision, type Outcome, type StoredResult } from '../core/decision.js';
import { idemKeyOf, type CheckedInvocation } from '../core/invocation.js';
import type { Guard } from '../core/pipeline.js';
import type { StateStore } from '../state/store.js';

export interface IdempotencyOptions {
  /** How long a completed result is replayed (default 24 h). */
  readonly ttlMs?: number;
  /** How long an in-flight claim holds before it is presumed dead (default 60 s). */
  readonly pendingTtlMs?: number;
  /** How long a duplicate waits for the in-flight original (default 10 s). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

type Record_ =
  | { state: 'pending'; hash: string; at: number }
  | { state: 'done'; hash: string; at: number; result: StoredResult };

/**
 * Writes need an idemKey. The first call with a key claims it (set-if-absent) and
 * runs; its result is stored for 24 h. A repeat with the same arguments gets the
 * stored result (a replay); with other arguments, IDEMPOTENCY_CONFLICT. Concurrent
 * duplicates wait for the one that claimed the key, so the handler runs once.
 */
export function idempotency(store: StateStore, options: IdempotencyOptions = {}): Guard {
  const ttlMs = options.ttlMs ?? 24 * 3600_000;
  const pendingTtlMs = options.pendingTtlMs ?? 60_000;
  const waitMs = options.waitMs ?? 10_000;
  const pollMs = options.pollMs ?? 20;

  async function check(inv: CheckedInvocation): Promise<Decision> {
    if (inv.tool.effect !== 'write') return allow();
    const idemKey = idemKeyOf(inv);
    if (idemKey === undefined) {
      return deny('IDEMPOTENCY_KEY_REQUIRED', `write tool ${inv.tool.name} requires an idemKey (UUID)`);
    }
    const { idemKey: _omit, ...rest } = inv.args;
    const hash = sha256Hex(canonicalJson(rest));
    const key = `idem:${sha256Hex(canonicalJson([inv.principal.tenant, inv.principal.id, inv.tool.name, idemKey]))}`;
    const claim: Record_ = { state: 'pending', hash, at: Date.now() };
    const giveUpAt = Date.now() + waitMs;

    for (;;) {
      if (await store.setIfAbsent(key, JSON.stringify(claim), pendingTtlMs)) {
        return allow({
          finalize: async (outcome: Outcome) => {
            if (outcome.kind === 'ok' && !outcome.replayed) {
              const done: Record_ = { state: 'done', hash, at: Date.now(), result: outcome.result };
              await store.set(key, JSON.stringify(done), ttlMs);
            } else {
              // Denied or failed: free the key so a retry can run.
              await store.del(key);
            }
          },
        });
      }
      const raw = await store.get(key);
      if (raw === null) continue; // the holder gave up between our two reads: try to claim again
      const rec = parse(raw);
      if (!rec) return deny('IDEMPOTENCY_CONFLICT', 'stored idempotency record is unreadable; use a new idemKey');
      if (rec.hash !== hash) {
        return deny('IDEMPOTENCY_CONFLICT', `idemKey was already used with other arguments for ${inv.tool.name}`);
      }
      if (rec.state === 'done') return allow({ replay: rec.result });
      if (Date.now() >= giveUpAt || inv.signal.aborted) {
        return deny('IDEMPOTENCY_CONFLICT', 'a call with this idemKey is still in progress; retry later', { retryAfterMs: 1000 });
      }
      await sleep(pollMs);
    }
  }

  return { name: 'idempotency', check };
}

function parse(raw: string): Record_ | null {
  try {
    const v = JSON.parse(raw) as Record_ & { result?: { text?: unknown } };
    if (!v || typeof v.hash !== 'string' || (v.state !== 'pending' && v.state !== 'done')) return null;
    // Records written before results carried content blocks: one text block.
    if (v.state === 'done' && v.result && !Array.isArray((v.result as { content?: unknown }).content)) {
      const old = v.result as unknown as { structuredContent: Record<string, unknown>; text: string; meta?: Record<string, unknown> };
      return { ...v, result: { content: [{ type: 'text', text: String(old.text) }], structuredContent: old.structuredContent, ...(old.meta && { meta: old.meta }) } };
    }
    return v;
  } catch {
    return null;
  }
}
