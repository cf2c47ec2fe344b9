import type { Code } from './codes.js';
import type { Notes, Outcome } from './decision.js';
import type { Invocation } from './invocation.js';
import type { Principal } from './principal.js';

/** One stage's verdict, as kept in a call's trail (no caller values). */
export interface TrailEntry {
  readonly stage: string;
  readonly allow: boolean;
  readonly code?: Code;
  readonly durationMs: number;
  /** The stage ran in dry-run: a deny here was recorded but did not stop the call. */
  readonly dryRun?: boolean;
  readonly notes?: Notes;
}

export interface PiiCounts {
  readonly count: number;
  readonly byType: Readonly<Record<string, number>>;
}

export const NO_PII: PiiCounts = Object.freeze({ count: 0, byType: Object.freeze({}) });

/**
 * What every recorder receives: one per tools/call (`kind: 'call'`, allowed or
 * denied) and one per refusal of a transport edge before the pipeline could run
 * (`kind: 'edge'`: 401, 403, 404 session, 413, 429 ...).
 */
export interface CallRecord {
  readonly kind: 'call' | 'edge';
  readonly traceId: string;
  readonly parentSpanId?: string;
  /** Epoch milliseconds when the call or request began. */
  readonly at: number;
  readonly principal?: Principal;
  readonly toolName?: string;
  /** The invocation as the last stage saw it (validated arguments once past the schema). */
  readonly invocation?: Invocation;
  readonly outcome: Outcome;
  /** The stage (or `edge`) whose decision ended the call; `handler` for a completed call. */
  readonly decidedBy: string;
  readonly trail: readonly TrailEntry[];
  readonly durationMs: number;
  readonly pii: PiiCounts;
  readonly transport?: string;
  readonly http?: { readonly status: number; readonly method: string; readonly path: string };
}

/** Audit log, spans, metrics: each sees every call. A recorder fault never changes the answer. */
export interface Recorder {
  record(record: CallRecord): void | Promise<void>;
}
