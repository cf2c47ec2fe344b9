import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../core/canonical.js';
import type { StateStore } from '../state/store.js';
import { stateKey } from '../core/keys.js';

/** The grant a principal needs to approve someone else's call. */
export const APPROVAL_GRANT = 'approvals.grant';
export const APPROVAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One approval, as stored and recorded: who asked, for what, who approved, when. */
export interface ApprovalRecord {
  readonly id: string;
  readonly status: 'pending' | 'approved' | 'used' | 'declined';
  readonly via: 'out-of-band' | 'elicitation';
  readonly tenant: string;
  readonly principalId: string;
  readonly tool: string;
  readonly argsHash: string;
  readonly rule: string;
  readonly createdAt: number;
  /** Pending: until the request lapses; approved: until the retry must come. */
  readonly expiresAt: number;
  readonly approvedBy?: string;
  readonly approvedAt?: number;
  readonly usedAt?: number;
}

/** The call an approval is for. Its arguments (idemKey included) are bound by hash. */
export interface ApprovalSubject {
  readonly tenant: string;
  readonly principalId: string;
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly rule: string;
}

export type ApprovalRefusal = 'NOT_FOUND' | 'EXPIRED' | 'SELF_APPROVAL' | 'ALREADY_DECIDED' | 'SCOPE_MISSING';
export type ApproveResult =
  | { readonly ok: true; readonly record: ApprovalRecord }
  | { readonly ok: false; readonly code: ApprovalRefusal; readonly message: string };

export interface Approver { readonly id: string; readonly tenant: string; readonly grants: readonly string[] }

export interface Approvals {
  /** The pending request for this call (reused while it lasts), created when absent. */
  request(subject: ApprovalSubject): Promise<ApprovalRecord>;
  approve(id: string, approver: Approver): Promise<ApproveResult>;
  /** The approved, unexpired, unused approval for exactly this call, spent by this call; else undefined. */
  consume(subject: ApprovalSubject): Promise<ApprovalRecord | undefined>;
  /** Records an in-band (elicitation) answer. */
  recordInBand(subject: ApprovalSubject, accepted: boolean): Promise<ApprovalRecord>;
  get(id: string): Promise<ApprovalRecord | undefined>;
}

export interface ApprovalOptions {
  /** How long a request waits, and how long an approval stays usable. Default 15 min. */
  readonly ttlMs?: number;
  /** How long records are kept for the record. Default 7 days. */
  readonly retentionMs?: number;
  readonly now?: () => number;
}

export function createApprovals(store: StateStore, options: ApprovalOptions = {}): Approvals {
  const ttl = options.ttlMs ?? 15 * 60_000;
  const keep = Math.max(options.retentionMs ?? 7 * 24 * 3600_000, ttl);
  const now = options.now ?? Date.now;
  const recKey = (id: string) => stateKey('approval', id);
  const callKey = (kind: string, s: ApprovalSubject, hash: string) => stateKey(`approval.${kind}`, s.tenant, s.principalId, s.tool, hash);
  const hashOf = (s: ApprovalSubject) => sha256Hex(canonicalJson(s.args));

  async function get(id: string): Promise<ApprovalRecord | undefined> {
    if (!APPROVAL_ID.test(id)) return undefined;
    const raw = await store.get(recKey(id));
    return raw === null ? undefined : (JSON.parse(raw) as ApprovalRecord);
  }
  const save = (r: ApprovalRecord) => store.set(recKey(r.id), JSON.stringify(r), keep);

  async function create(s: ApprovalSubject, fields: Partial<ApprovalRecord>): Promise<ApprovalRecord> {
    const t = now();
    const r: ApprovalRecord = {
      id: randomUUID(), status: 'pending', via: 'out-of-band', tenant: s.tenant, principalId: s.principalId,
      tool: s.tool, argsHash: hashOf(s), rule: s.rule, createdAt: t, expiresAt: t + ttl, ...fields,
    };
    await save(r);
    return r;
  }

  return {
    get,
    async request(s) {
      const hash = hashOf(s);
      const pendingId = await store.get(callKey('pending', s, hash));
      const existing = pendingId ? await get(pendingId) : undefined;
      if (existing && existing.status === 'pending' && existing.expiresAt > now()) return existing;
      const r = await create(s, {});
      await store.set(callKey('pending', s, hash), r.id, ttl);
      return r;
    },
    async approve(id, approver) {
      const r = await get(id);
      // Another tenant's request answers exactly like an absent one.
      if (!r || r.tenant !== approver.tenant || r.via !== 'out-of-band') return { ok: false, code: 'NOT_FOUND', message: 'no such approval request' };
      if (!approver.grants.includes(APPROVAL_GRANT)) return { ok: false, code: 'SCOPE_MISSING', message: `approving needs the ${APPROVAL_GRANT} grant` };
      if (approver.id === r.principalId) return { ok: false, code: 'SELF_APPROVAL', message: 'a principal cannot approve its own request' };
      if (r.status !== 'pending') return { ok: false, code: 'ALREADY_DECIDED', message: `the request is already ${r.status}` };
      const t = now();
      if (r.expiresAt <= t) return { ok: false, code: 'EXPIRED', message: 'the request expired; the call must be retried to ask again' };
      const approved: ApprovalRecord = { ...r, status: 'approved', approvedBy: approver.id, approvedAt: t, expiresAt: t + ttl };
      await save(approved);
      const subject = { tenant: r.tenant, principalId: r.principalId, tool: r.tool, args: {}, rule: r.rule };
      await store.set(callKey('grant', subject, r.argsHash), r.id, ttl);
      await store.del(callKey('pending', subject, r.argsHash));
      return { ok: true, record: approved };
    },
    async consume(s) {
      const hash = hashOf(s);
      const id = await store.get(callKey('grant', s, hash));
      const r = id ? await get(id) : undefined;
      if (!r || r.status !== 'approved' || r.expiresAt <= now()) return undefined;
      if (r.tenant !== s.tenant || r.principalId !== s.principalId || r.tool !== s.tool || r.argsHash !== hash) return undefined;
      // Exactly once, across instances: the first to claim the use wins.
      if (!(await store.setIfAbsent(stateKey('approval.used', r.id), '1', keep))) return undefined;
      const used: ApprovalRecord = { ...r, status: 'used', usedAt: now() };
      await save(used);
      await store.del(callKey('grant', s, hash));
      return used;
    },
    async recordInBand(s, accepted) {
      const t = now();
      return create(s, {
        via: 'elicitation', status: accepted ? 'used' : 'declined',
        ...(accepted && { approvedBy: s.principalId, approvedAt: t, usedAt: t }),
      });
    },
  };
}
