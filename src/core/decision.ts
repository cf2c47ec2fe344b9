import type { Code } from './codes.js';

/** Something a guard requires of the rest of the call: redact a field, route to a region. */
export type Obligation =
  | { kind: 'redact'; field: string; mode: 'mask' | 'remove' | 'hash'; rule?: string }
  | { kind: 'route'; region: string; rule?: string };

/** What an allowing guard may hand on to the stages after it. */
export interface Allow {
  readonly allow: true;
  readonly guard: string;
  readonly obligations?: readonly Obligation[];
  /** Validated (and defaulted) arguments that replace the raw ones downstream. */
  readonly args?: Record<string, unknown>;
  /** A stored result to answer with instead of running the handler (idempotent replay). */
  readonly replay?: StoredResult;
  /** Runs after the handler (or a later denial), in reverse guard order: release a slot, store a result. */
  readonly finalize?: (outcome: Outcome) => void | Promise<void>;
}

export interface Deny {
  readonly allow: false;
  readonly guard: string;
  readonly code: Code;
  /** Names the field and the rule, never the value the caller sent. */
  readonly message: string;
  readonly retryAfterMs?: number;
  /** Machine-readable extras that are safe to show the caller (e.g. the scope needed). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export type Decision = Allow | Deny;

/** A tool result as stored for replay and as handed to the transport. */
export interface StoredResult {
  readonly structuredContent: Record<string, unknown>;
  readonly text: string;
  /** Result `_meta` entries, e.g. `palisade/untrusted` for third-party content. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export type Outcome =
  | { readonly kind: 'ok'; readonly result: StoredResult; readonly replayed: boolean }
  | { readonly kind: 'denied'; readonly deny: Deny }
  | { readonly kind: 'fault'; readonly code: Code; readonly message: string };

export function allow(guard: string, extra: Omit<Allow, 'allow' | 'guard'> = {}): Allow {
  return { allow: true, guard, ...extra };
}

export function deny(
  guard: string,
  code: Code,
  message: string,
  extra: Pick<Deny, 'retryAfterMs' | 'details'> = {},
): Deny {
  return { allow: false, guard, code, message, ...extra };
}
