import type { StateStore } from '../state/store.js';
import { stateKey } from '../core/keys.js';

/** The result `_meta` key that marks third-party content (web.fetchSafe sets it). */
export { UNTRUSTED_META } from '../core/result.js';

export interface SessionRef {
  readonly tenant: string;
  readonly principalId: string;
  readonly sessionId: string;
}

const MEMO_MAX = 10_000;

/** Session taint in the state store: shared by every instance on the same store (Redis). */
export interface TaintStore {
  mark(ref: SessionRef): Promise<void>;
  isTainted(ref: SessionRef): Promise<boolean>;
}

/** Taint outlives any realistic session; it is never cleared by the session itself. Default 24 h. */
export function createTaintStore(store: StateStore, options: { ttlMs?: number } = {}): TaintStore {
  const ttl = options.ttlMs ?? 24 * 3600_000;
  // The principal is part of the key: a session id alone is not proof of whose session it is.
  // The key (a SHA-256) is the same on every call of a session: it is computed once per session
  // and kept in a bounded memo; the taint itself is read from the store on every call.
  // Memo by session id, checked against tenant and principal (no composite key to build per call).
  const memo = new Map<string, { readonly tenant: string; readonly principalId: string; readonly key: string }>();
  const key = (r: SessionRef) => {
    const m = memo.get(r.sessionId);
    if (m !== undefined && m.tenant === r.tenant && m.principalId === r.principalId) return m.key;
    if (memo.size >= MEMO_MAX) memo.clear();
    const k = stateKey('taint', r.tenant, r.principalId, r.sessionId);
    memo.set(r.sessionId, { tenant: r.tenant, principalId: r.principalId, key: k });
    return k;
  };
  return {
    async mark(ref) { await store.set(key(ref), '1', ttl); },
    async isTainted(ref) { return (await store.get(key(ref))) !== null; },
  };
}
