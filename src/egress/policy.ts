import { judgeAddress, type Allowance } from './address.js';
import { allowListed, blockListed, deniedName, normalHost, type DomainList } from './names.js';
import { refuse, type CheckedTarget, type Checked, type Resolver } from './types.js';

/** The rules one client applies to every hop, compiled once. */
export interface EgressPolicy {
  readonly schemes: ReadonlySet<string>;
  readonly ports: ReadonlySet<number>;
  readonly allow: DomainList;
  readonly allowance: Allowance;
}

const MAX_URL = 8192;

/**
 * The URL rules, before any lookup: scheme, downgrade, userinfo, port, block
 * list, IP literals and special names, allow-list. `base` is the previous hop
 * (a redirect's Location is resolved against it). Messages never repeat the URL.
 */
export function checkUrl(raw: unknown, policy: EgressPolicy, blocked: DomainList, base?: URL): Checked<{ url: URL; host: string; literal: boolean }> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL) return refuse('EGRESS_DENIED', 'the URL is empty or too long');
  let url: URL;
  try { url = base ? new URL(raw, base) : new URL(raw); } catch { return refuse('EGRESS_DENIED', 'the URL is not a valid absolute http(s) URL'); }
  const scheme = url.protocol.slice(0, -1);
  if (!policy.schemes.has(scheme)) return refuse('EGRESS_DENIED', `scheme ${safeScheme(scheme)} is not allowed for egress`);
  if (base?.protocol === 'https:' && url.protocol === 'http:') return refuse('EGRESS_DENIED', 'redirect from https to http (downgrade) refused');
  if (url.username !== '' || url.password !== '') return refuse('EGRESS_DENIED', 'credentials (userinfo) in the URL are not allowed');
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  if (!policy.ports.has(port)) return refuse('EGRESS_DENIED', `port ${port} is not allowed for egress`);
  const { name, literal } = normalHost(url);
  if (!name) return refuse('EGRESS_DENIED', 'the URL has no host');
  if (blockListed(blocked, name)) return refuse('EGRESS_DENIED', 'the destination is on the egress block list');
  if (literal) {
    const v = judgeAddress(name, policy.allowance);
    if (!v.ok) return refuse('SSRF_BLOCKED', `the destination address is denied: ${v.range}`);
  } else {
    const why = deniedName(name);
    if (why) return refuse('SSRF_BLOCKED', `the destination is ${why}`);
    // Compare and connect with the normalized name (trailing dots removed).
    if (url.hostname !== name) url.hostname = name;
  }
  if ((policy.allow.exact.size > 0 || policy.allow.suffixes.length > 0) && !allowListed(policy.allow, name)) {
    return refuse('EGRESS_DENIED', 'the destination is not on the egress allow-list');
  }
  url.hash = '';
  return { ok: true, url, host: name, literal };
}

/**
 * Resolves the host (all A and AAAA records) and judges every address: one
 * denied address refuses the whole name, so that a name with a public and a
 * private record cannot be used to reach the private one. The first address
 * is the one the connection is pinned to; nothing looks the name up again.
 */
export async function resolveTarget(
  checked: { url: URL; host: string; literal: boolean },
  policy: EgressPolicy,
  resolver: Resolver,
  signal: AbortSignal,
): Promise<Checked<{ target: CheckedTarget }>> {
  if (checked.literal) {
    const v = judgeAddress(checked.host, policy.allowance);
    if (!v.ok) return refuse('SSRF_BLOCKED', `the destination address is denied: ${v.range}`);
    return { ok: true, target: { url: checked.url, host: checked.host, address: v.address, family: v.family } };
  }
  let answers: readonly { address: string; family: number }[];
  try {
    answers = await abortable(Promise.resolve().then(() => resolver(checked.host)), signal);
  } catch (err) {
    if (signal.aborted) throw err;
    return refuse('UPSTREAM_ERROR', 'the destination name did not resolve');
  }
  if (!Array.isArray(answers) || answers.length === 0) return refuse('UPSTREAM_ERROR', 'the destination name did not resolve');
  let first: CheckedTarget | undefined;
  for (const a of answers) {
    const v = judgeAddress(typeof a?.address === 'string' ? a.address : '', policy.allowance);
    if (!v.ok) return refuse('SSRF_BLOCKED', `the destination resolves to a denied address: ${v.range}`);
    first ??= { url: checked.url, host: checked.host, address: v.address, family: v.family };
  }
  return { ok: true, target: first! };
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A scheme is caller input: show it only when it is short and plain. */
function safeScheme(s: string): string {
  return /^[a-z][a-z0-9+.-]{0,15}$/.test(s) ? `"${s}:"` : '(this)';
}
