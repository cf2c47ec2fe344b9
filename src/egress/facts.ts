import { allowListed, compileDomains, normalHost } from './names.js';

/** What the policy stage may know about a fetch before it happens (`egress.domain`, `egress.domain_in_allowlist`). */
export interface EgressFacts {
  /** The normalized host (case, trailing dot, IDNA), or undefined when the argument is not a parsable URL. */
  readonly domain: string | undefined;
  /**
   * True when the domain matches the allow-list, with the client's semantics
   * (exact names, `*.suffix`). An empty allow-list admits every domain, as the
   * client does in development; the address rules still apply at fetch time.
   */
  readonly inAllowList: boolean;
}

/**
 * Facts for the seed's `vendor-allow-list` policy rule, computed from a tool's
 * `url` argument without any lookup. The egress client re-checks everything at
 * fetch time; these facts only let a policy decide earlier.
 */
export function egressFacts(rawUrl: unknown, allow: readonly string[]): EgressFacts {
  if (typeof rawUrl !== 'string' || rawUrl.length > 8192) return { domain: undefined, inAllowList: false };
  let url: URL;
  try { url = new URL(rawUrl); } catch { return { domain: undefined, inAllowList: false }; }
  const { name } = normalHost(url);
  if (!name) return { domain: undefined, inAllowList: false };
  const list = compileDomains(allow);
  const empty = list.exact.size === 0 && list.suffixes.length === 0;
  return { domain: name, inAllowList: empty || allowListed(list, name) };
}
