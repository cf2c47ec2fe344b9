import type { Code } from './codes.js';
import type { ContentBlock } from './content.js';

/** The redaction modes of DLP and of policy `redact` obligations. */
export type RedactMode = 'mask' | 'partial' | 'hash' | 'drop';

/** Something a stage requires of the rest of the call: redact a field, route to a region. */
export type Obligation =
  | { kind: 'redact'; field: string; mode: RedactMode; rule?: string }
  | { kind: 'route'; region: string; rule?: string };

/** Facts a stage reports for the record (matched rules, policy version, would-deny). Never caller values. */
export type Notes = Readonly<Record<string, unknown>>;

/** What an allowing stage may hand on to the stages after it. */
export interface Allow {
  readonly allow: true;
  /** The stage that decided; stamped by the pipeline, never by the guard. */
  readonly stage?: string;
  readonly obligations?: readonly Obligation[];
  /** Validated (and defaulted) arguments: only the schema stage hands these on. */
  readonly args?: Record<string, unknown>;
  /** A stored result to answer with instead of running the handler (idempotent replay). */
  readonly replay?: StoredResult;
  /** Runs after the handler (or a later denial), in reverse stage order: release a slot, store a result. */
  readonly finalize?: (outcome: Outcome) => void | Promise<void>;
  readonly notes?: Notes;
  /** Entries merged into a successful result's `_meta` (e.g. remaining budget). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface Deny {
  readonly allow: false;
  /** The stage that decided; stamped by the pipeline. */
  readonly stage?: string;
  readonly code: Code;
  /** Names the field and the rule, never the value the caller sent. */
  readonly message: string;
  readonly retryAfterMs?: number;
  /** Machine-readable extras that are safe to show the caller (e.g. the scope needed). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  readonly notes?: Notes;
}

export type Decision = Allow | Deny;

/** A tool result as stored for replay and as handed to the transport. */
export interface StoredResult {
  /** MCP content blocks (text, image, audio, resource links, embedded resources), in order. */
  readonly content: readonly ContentBlock[];
  readonly structuredContent?: Record<string, unknown>;
  /** Result `_meta` entries, e.g. `palisade/untrusted` for third-party content. */
  readonly meta?: Readonly<Record<string, unknown>>;
  /** A tool-level error an upstream reported (passed through after redaction). */
  readonly isError?: boolean;
}

export type Outcome =
  | { readonly kind: 'ok'; readonly result: StoredResult; readonly replayed: boolean }
  | { readonly kind: 'denied'; readonly deny: Deny }
  | { readonly kind: 'fault'; readonly code: Code; readonly message: string };

/** The plain allow (no args, obligations, notes...): one shared, frozen object. */
const ALLOWED: Allow = Object.freeze({ allow: true });

export function allow(extra?: Omit<Allow, 'allow' | 'stage'>): Allow {
  return extra === undefined ? ALLOWED : { allow: true, ...extra };
}

export function deny(code: Code, message: string, extra: Pick<Deny, 'retryAfterMs' | 'details' | 'notes'> = {}): Deny {
  return { allow: false, code, message, ...extra };
}

/** The code an outcome ends with: undefined for success. */
export function outcomeCode(outcome: Outcome): Code | undefined {
  return outcome.kind === 'denied' ? outcome.deny.code : outcome.kind === 'fault' ? outcome.code : undefined;
}
