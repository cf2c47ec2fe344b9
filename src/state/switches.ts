import type { StateStore } from './store.js';

/** The kill switches as the pipeline sees them at this instant. */
export interface SwitchState {
  readonly readOnly: boolean;
  /** Why read-only is on and cannot be turned off here (`MCP_READ_ONLY=1`). */
  readonly readOnlyForced: boolean;
  readonly quarantine: ReadonlySet<string>;
  readonly egressBlock: ReadonlySet<string>;
}

export interface SwitchDefaults {
  readonly readOnly: boolean;
  readonly readOnlyForced: boolean;
  readonly quarantine: readonly string[];
  readonly egressBlock: readonly string[];
}

/**
 * Kill switches: config defaults overlaid with the state that `palisade kill`
 * writes to the store. Every instance sharing the store reloads on the change
 * message, and also re-reads once a second in case a message was missed.
 */
export interface Switchboard {
  current(): SwitchState;
  setReadOnly(on: boolean): Promise<void>;
  setQuarantined(tool: string, on: boolean): Promise<void>;
  setEgressBlocked(domain: string, on: boolean): Promise<void>;
  /** Re-reads the store now. */
  refresh(): Promise<SwitchState>;
  close(): void;
}

/** `MCP_READ_ONLY=1` (or `true`): read-only mode that cannot be switched off at run time. Parsed here only. */
export function readOnlyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['MCP_READ_ONLY']?.trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes' || v === 'on';
}

/** Kill-switch defaults, built once: config values (or the given ones) plus MCP_READ_ONLY. */
export function switchDefaults(
  given: { readonly readOnly?: boolean; readonly quarantine?: readonly string[]; readonly egressBlock?: readonly string[] },
  env: NodeJS.ProcessEnv = process.env,
): SwitchDefaults {
  return {
    readOnly: given.readOnly ?? false,
    readOnlyForced: readOnlyFromEnv(env),
    quarantine: given.quarantine ?? [],
    egressBlock: given.egressBlock ?? [],
  };
}

export const SWITCH_CHANNEL = 'palisade:switches';
const K = { readOnly: 'switch:read_only', quarantine: 'switch:quarantine', egress: 'switch:egress_block' } as const;

export async function createSwitchboard(store: StateStore, defaults: SwitchDefaults, options: { refreshMs?: number } = {}): Promise<Switchboard> {
  let state: SwitchState = fromDefaults(defaults);

  async function refresh(): Promise<SwitchState> {
    const [ro, q, e] = await Promise.all([store.get(K.readOnly), store.get(K.quarantine), store.get(K.egress)]);
    state = {
      readOnly: defaults.readOnlyForced || (ro === null ? defaults.readOnly : ro === '1'),
      readOnlyForced: defaults.readOnlyForced,
      quarantine: new Set(q === null ? defaults.quarantine : parseList(q)),
      egressBlock: new Set(e === null ? defaults.egressBlock : parseList(e).map(normalizeDomain)),
    };
    return state;
  }

  async function editList(key: string, item: string, on: boolean): Promise<void> {
    const cur = new Set(key === K.quarantine ? state.quarantine : state.egressBlock);
    const stored = await store.get(key);
    const base = stored === null ? cur : new Set(parseList(stored));
    if (on) base.add(item); else base.delete(item);
    await store.set(key, JSON.stringify([...base].sort()));
    await store.publish(SWITCH_CHANNEL, key);
    await refresh();
  }

  await refresh();
  const unsubscribe = store.subscribe(SWITCH_CHANNEL, () => { void refresh().catch(() => undefined); });
  const timer = setInterval(() => { void refresh().catch(() => undefined); }, options.refreshMs ?? 1000);
  timer.unref();

  return {
    current: () => state,
    async setReadOnly(on) {
      await store.set(K.readOnly, on ? '1' : '0');
      await store.publish(SWITCH_CHANNEL, K.readOnly);
      await refresh();
    },
    setQuarantined: (tool, on) => editList(K.quarantine, tool, on),
    setEgressBlocked: (domain, on) => editList(K.egress, normalizeDomain(domain), on),
    refresh,
    close() { clearInterval(timer); unsubscribe(); },
  };
}

/** Lower case, no trailing dot: the form block lists and allow lists compare in. */
export function normalizeDomain(domain: string): string {
  let d = domain.trim().toLowerCase();
  while (d.endsWith('.')) d = d.slice(0, -1);
  try {
    // IDNA: the WHATWG URL parser gives the ASCII (punycode) form.
    d = new URL(`http://${d}/`).hostname;
  } catch { /* leave as typed; it cannot match a parsed host anyway */ }
  return d;
}

function fromDefaults(d: SwitchDefaults): SwitchState {
  return {
    readOnly: d.readOnly || d.readOnlyForced,
    readOnlyForced: d.readOnlyForced,
    quarantine: new Set(d.quarantine),
    egressBlock: new Set(d.egressBlock.map(normalizeDomain)),
  };
}

function parseList(raw: string): string[] {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
