import { allowListed, compileDomains, normalHost, type DomainList } from '../egress/names.js';
import { regionFamily, type PolicyInput } from './facts.js';

/** The egress allow-list, compiled once, as the egress client reads it (exact names, `*.suffix`). */
export interface EgressAllow {
  readonly list: DomainList;
  readonly empty: boolean;
}

export function compileEgressAllow(entries: readonly string[]): EgressAllow {
  const list = compileDomains(entries);
  return { list, empty: list.exact.size === 0 && list.suffixes.length === 0 };
}

/**
 * `egress.domain` and `egress.domain_in_allowlist` from a `url` argument, without
 * any lookup. An empty allow-list admits every domain, as the egress client does
 * in development; the client re-checks everything at fetch time.
 */
export function egressOf(url: unknown, allow: EgressAllow): PolicyInput['egress'] {
  if (typeof url !== 'string' || url.length > 8192) return undefined;
  let u: URL;
  try { u = new URL(url); } catch { return undefined; }
  const { name } = normalHost(u);
  if (!name) return undefined;
  return { domain: name, inAllowList: allow.empty || allowListed(allow.list, name) };
}

type ToolFacts = { readonly name: string; readonly effect: 'read' | 'write'; readonly data?: readonly string[] };
const toolFacts = new WeakMap<ToolFacts, PolicyInput['tool']>();

/**
 * The tool's facts as one stable object per tool: the compiled policy caches, per
 * tool object, which rules can apply, so pass the same Tool object for every call.
 */
export function policyTool(tool: ToolFacts): PolicyInput['tool'] {
  let t = toolFacts.get(tool);
  if (!t) {
    t = Object.freeze({ name: tool.name, effect: tool.effect, data: Object.freeze([...(tool.data ?? [])]) });
    toolFacts.set(tool, t);
  }
  return t;
}

export interface InputParts {
  readonly tool: ToolFacts;
  readonly principal: PolicyInput['principal'];
  readonly args: Readonly<Record<string, unknown>>;
  readonly tainted: boolean;
  readonly env: string;
  readonly now: number;
  readonly egressAllow: EgressAllow;
  readonly containsSecret?: boolean;
}

/**
 * The facts of one call. The data subject's region is `args.region` or
 * `args.subjectRegion` when the call names one, else the principal's region.
 */
export function buildPolicyInput(p: InputParts): PolicyInput {
  const a = p.args;
  const named = typeof a['region'] === 'string' ? a['region'] : typeof a['subjectRegion'] === 'string' ? a['subjectRegion'] : undefined;
  const egress = egressOf(a['url'], p.egressAllow);
  const subject = named ?? p.principal.region;
  return {
    tool: policyTool(p.tool),
    principal: p.principal,
    args: a,
    session: { tainted: p.tainted },
    subjectRegions: [subject, regionFamily(subject)],
    ...(egress && { egress }),
    env: p.env,
    now: p.now,
    ...(p.containsSecret !== undefined && { containsSecret: p.containsSecret }),
  };
}
