/** What kind of line a chain holds. Signed kinds carry `keyId` and `sig`. */
export type RecordKind = 'genesis' | 'call' | 'edge' | 'intent' | 'checkpoint' | 'rotate' | 'resume' | 'recovery';

/** Kinds whose `sig` (Ed25519 over the record's own hash) every verifier checks. */
export const SIGNED_KINDS: ReadonlySet<string> = new Set(['genesis', 'checkpoint', 'rotate', 'resume', 'recovery']);

/**
 * One line of an audit segment (JSONL). `hash` is SHA-256 over the RFC 8785 canonical
 * JSON of every other field except `sig`; `prev` is the previous record's hash, so
 * the chain is one line of custody per instance.
 */
export interface AuditRecord {
  readonly v: 1;
  readonly kind: RecordKind;
  readonly seq: number;
  /** ISO 8601 with milliseconds. */
  readonly time: string;
  readonly instance: string;
  readonly prev: string;
  readonly hash: string;
  readonly sig?: string;
  readonly keyId?: string;
  readonly [field: string]: unknown;
}

/** The per-call fields (kinds call, edge, intent). Never raw arguments, never result values. */
export interface CallFields {
  readonly kind: 'call' | 'edge' | 'intent';
  readonly traceId: string;
  readonly spanId?: string;
  readonly actor?: { readonly id: string; readonly type: string };
  readonly tenant?: string;
  readonly tool?: string;
  /** HMAC-SHA256 (audit key) of the canonical arguments: proves what was sent without keeping it. */
  readonly argsHmac?: string;
  /** The arguments with PII and secrets masked. */
  readonly args?: unknown;
  readonly decision: 'allow' | 'replay' | 'deny' | 'error' | 'intent';
  readonly code?: string;
  readonly stage?: string;
  readonly rules?: readonly string[];
  readonly obligations?: readonly unknown[];
  /** SHA-256 of the canonical result as returned (after redaction). */
  readonly result?: string;
  readonly pii?: number;
  readonly durationMs?: number;
  readonly http?: { readonly status: number; readonly method: string; readonly path: string };
}

/** Written to HEAD.json beside the segments after every checkpoint: the latest signed head. */
export interface HeadFile {
  readonly instance: string;
  readonly segment: string;
  /** The checkpoint line exactly as written. */
  readonly line: string;
}

export const SEGMENT = /^(\d{6})\.jsonl$/;
export const HEAD_FILE = 'HEAD.json';
export const PUBLIC_KEY_FILE = 'audit-public.pem';
