import { canonicalJson, sha256Hex } from '../core/canonical.js';
import type { StateStore } from '../state/store.js';
import { limitKey } from './key.js';

/**
 * The request `_meta` key a client uses to tell Palisade where a call sits in its plan:
 * `_meta["palisade/plan"] = { "depth": 3 }` (a non-negative integer; other fields ignored).
 */
export const PLAN_META_KEY = 'palisade/plan';

/** The plan depth the client declared, or undefined when it declared none (or not as an integer). */
export function declaredDepth(meta: Readonly<Record<string, unknown>>): number | undefined {
  const plan = meta[PLAN_META_KEY];
  if (plan === null || typeof plan !== 'object') return undefined;
  const d = (plan as Record<string, unknown>)['depth'];
  return typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 ? d : undefined;
}

/** Arguments as the retry rule compares them: canonical, without the idemKey (a new key is still a retry). */
export function argsDigest(args: Record<string, unknown>): string {
  const { idemKey: _k, ...rest } = args;
  return sha256Hex(canonicalJson(rest));
}

/**
 * The session's counters behind the stop rules: its call-chain depth (calls so far in
 * the session, the depth when the client declares none) and how often the same tool with
 * the same arguments repeated inside the window.
 */
export function createStopRules(store: StateStore, options: { windowMs: number }) {
  return {
    /** Counts this call in the session and returns the chain depth it sits at (1 = first). */
    chainDepth: (sessionId: string) => store.incr(limitKey('stop:chain', sessionId), 1, options.windowMs),
    /** Counts this call and returns how many times it was already made (0 = first try). */
    async retries(sessionId: string, tool: string, args: Record<string, unknown>): Promise<number> {
      return (await store.incr(limitKey('stop:retry', sessionId, tool, argsDigest(args)), 1, options.windowMs)) - 1;
    },
  };
}

export type StopRules = ReturnType<typeof createStopRules>;
