import type { StateStore } from './store.js';

/** One flip of a kill switch: who, when, what. Kept in the state store every instance shares. */
export interface SwitchEvent {
  /** ISO 8601 time. */
  readonly at: string;
  /** `--as NAME`, else the OS user that ran `palisade kill`. */
  readonly who: string;
  /** E.g. `read-only on`, `quarantine add flag.set`, `egress block evil.example`. */
  readonly action: string;
  /** Host name the command ran on. */
  readonly host?: string;
}

const SEQ = 'switch:events:seq';
const eventKey = (n: number) => `switch:event:${n}`;
/** Events older than this are dropped by the store (a year): the audit log keeps the long record. */
const KEEP_MS = 365 * 86_400_000;

/**
 * Appends an event. The sequence number comes from an atomic increment, so two
 * operators flipping switches at once never overwrite each other's entry.
 */
export async function recordSwitchEvent(store: StateStore, event: SwitchEvent): Promise<number> {
  const n = await store.incr(SEQ, 1);
  await store.set(eventKey(n), JSON.stringify(event), KEEP_MS);
  return n;
}

/** The newest `limit` events, oldest first. */
export async function listSwitchEvents(store: StateStore, limit = 20): Promise<SwitchEvent[]> {
  const raw = await store.get(SEQ);
  const last = raw === null ? 0 : Number(raw);
  if (!Number.isInteger(last) || last <= 0) return [];
  const ns = Array.from({ length: Math.min(limit, last) }, (_, i) => last - i).reverse();
  const values = await Promise.all(ns.map((n) => store.get(eventKey(n))));
  const out: SwitchEvent[] = [];
  for (const v of values) {
    if (v === null) continue;
    try {
      const e = JSON.parse(v) as SwitchEvent;
      if (typeof e.at === 'string' && typeof e.who === 'string' && typeof e.action === 'string') out.push(e);
    } catch { /* a damaged entry is skipped, not fatal */ }
  }
  return out;
}
