/**
 * What a policy decides on: plain facts about one call, built before evaluation
 * so that evaluation itself is pure (no I/O, no clock, no environment).
 */
export interface PolicyInput {
  readonly tool: { readonly name: string; readonly effect: 'read' | 'write'; readonly data: readonly string[] };
  readonly principal: {
    readonly id: string; readonly type: string; readonly tenant: string; readonly region: string; readonly grants: readonly string[];
  };
  /** Validated arguments. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly session: { readonly tainted: boolean };
  /**
   * The data subject's region as given (`args.region`, `args.subjectRegion`, else the
   * principal's region) and its family: `['eu-west', 'EU']`.
   */
  readonly subjectRegions: readonly [string, string];
  /** Present when the call names an egress destination (`args.url`). */
  readonly egress?: { readonly domain: string; readonly inAllowList: boolean };
  /** Deployment environment (NODE_ENV or config), e.g. `production`. */
  readonly env: string;
  /** Epoch milliseconds of the decision, for `time` windows. */
  readonly now: number;
  /** The DLP scanner's verdict on the arguments (`args.contains_secret`), when it ran. */
  readonly containsSecret?: boolean;
}

/**
 * A region's family: `eu-west` -> `EU`, `us-east-1` -> `US`, `ap-south` -> `AP`.
 * A region without a `xx-` prefix is its own family, upper-cased (`EU` -> `EU`).
 */
export function regionFamily(region: string): string {
  const m = /^([a-z]{2})-/i.exec(region);
  return (m ? m[1]! : region).toUpperCase();
}

const own = Object.prototype.hasOwnProperty;

/** Reads a dotted path through own properties only (`__proto__`, `constructor` never resolve). */
export function pathGetter(path: readonly string[]): (root: unknown) => unknown {
  return (root) => {
    let v: unknown = root;
    for (const k of path) {
      if (v === null || typeof v !== 'object' || !own.call(v, k)) return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    return v;
  };
}

export type FactGetter = (input: PolicyInput) => unknown;

/** Keys that depend only on the tool: evaluated once per tool, not per call. */
export const TOOL_KEYS: ReadonlySet<string> = new Set(['tool', 'tool.effect', 'data.contains_pii', 'data.classes']);

/**
 * The fact each condition key reads. `subject.region` yields both the region and its
 * family, so `subject.region: EU` matches `eu-west` (list facts match when any element does).
 */
export const FACTS: Readonly<Record<string, FactGetter>> = {
  tool: (i) => i.tool.name,
  'tool.effect': (i) => i.tool.effect,
  'principal.id': (i) => i.principal.id,
  'principal.type': (i) => i.principal.type,
  'principal.grants': (i) => i.principal.grants,
  tenant: (i) => i.principal.tenant,
  'subject.region': (i) => i.subjectRegions,
  'data.contains_pii': (i) => i.tool.data.includes('pii'),
  'data.classes': (i) => i.tool.data,
  'egress.domain': (i) => i.egress?.domain,
  'egress.domain_in_allowlist': (i) => (i.egress ? i.egress.inAllowList : undefined),
  'session.tainted': (i) => i.session.tainted,
  env: (i) => i.env,
  'args.contains_secret': (i) => i.containsSecret,
};

/** The getter for a condition key, or undefined when the key is not a known fact. */
export function factFor(key: string): FactGetter | undefined {
  if (own.call(FACTS, key)) return FACTS[key];
  if (key.startsWith('args.') && key.length > 5) {
    const parts = key.slice(5).split('.');
    if (parts.some((p) => p === '')) return undefined;
    const get = pathGetter(parts);
    return (i) => get(i.args);
  }
  return undefined;
}

/** The variables a `cel` condition sees. Numbers are CEL doubles. */
export function celContext(i: PolicyInput): Record<string, unknown> {
  return {
    tool: { name: i.tool.name, effect: i.tool.effect, data: [...i.tool.data] },
    principal: { ...i.principal, grants: [...i.principal.grants] },
    tenant: i.principal.tenant,
    args: i.args,
    session: { tainted: i.session.tainted },
    subject: { region: i.subjectRegions[0], family: i.subjectRegions[1] },
    data: { contains_pii: i.tool.data.includes('pii'), classes: [...i.tool.data] },
    egress: i.egress ? { domain: i.egress.domain, domain_in_allowlist: i.egress.inAllowList } : {},
    env: i.env,
    now: i.now,
  };
}
