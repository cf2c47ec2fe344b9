import { compileAllowance } from './address.js';
import { compileDomains, validPattern } from './names.js';
import type { EgressPolicy } from './policy.js';
import type { EgressOptions } from './types.js';

/** The ceiling: more redirects than this are never followed, whatever the configuration says. */
const HARD_MAX_REDIRECTS = 3;

/** Client options with every default filled in and every list compiled. */
export interface Compiled extends Required<Pick<EgressOptions, 'maxBytes' | 'timeoutMs' | 'connectTimeoutMs' | 'maxRedirects' | 'contentTypes' | 'onOversize' | 'userAgent'>> {
  readonly policy: EgressPolicy;
  readonly ca?: string | readonly string[];
}

/** Options are checked once, here: a bad one is a programmer or config error (TypeError), never a per-request surprise. */
export function compileOptions(o: EgressOptions): Compiled {
  const schemes = new Set(o.schemes ?? ['https']);
  for (const s of schemes) if (s !== 'https' && s !== 'http') throw new TypeError('egress schemes may only be https and http');
  const ports = new Set<number>(o.ports ?? []);
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new TypeError('egress ports must be integers 1..65535');
  if (schemes.has('https')) ports.add(443);
  if (schemes.has('http')) ports.add(80);
  for (const a of o.allow ?? []) if (!validPattern(a)) throw new TypeError('egress allow-list entries must be domains or *.domain patterns');
  const positive = (v: number | undefined, d: number, name: string) => {
    const n = v ?? d;
    if (!Number.isInteger(n) || n <= 0) throw new TypeError(`egress ${name} must be a positive integer`);
    return n;
  };
  const loop = o.testAllowLoopback;
  const allowance = compileAllowance([
    ...(loop === true ? ['127.0.0.0/8', '::1/128'] : Array.isArray(loop) ? loop : []),
    ...(o.trustedAddresses ?? []),
  ]);
  return {
    policy: { schemes, ports, allow: compileDomains(o.allow ?? []), allowance },
    maxBytes: positive(o.maxBytes, 1024 * 1024, 'maxBytes'),
    timeoutMs: positive(o.timeoutMs, 5000, 'timeoutMs'),
    connectTimeoutMs: positive(o.connectTimeoutMs, 3000, 'connectTimeoutMs'),
    maxRedirects: Math.min(Math.max(0, Math.trunc(o.maxRedirects ?? HARD_MAX_REDIRECTS)), HARD_MAX_REDIRECTS),
    contentTypes: o.contentTypes ?? ['text/*', 'application/json'],
    onOversize: o.onOversize ?? 'truncate',
    userAgent: o.userAgent ?? 'palisade-egress/0.1',
    ...(o.ca !== undefined && { ca: o.ca }),
  };
}
