import { Resolver as AresResolver } from 'node:dns/promises';
import type { ResolvedAddress, Resolver } from './types.js';

/** Options of the default egress resolver. */
export interface DnsResolverOptions {
  /** Deadline of one name's A + AAAA lookup, retries included. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** Attempts per server before c-ares gives up (its own per-try timeout doubles each time). Default 2. */
  readonly tries?: number;
  /** DNS servers (`host` or `host:port`); default the system's (/etc/resolv.conf). Tests point this at a local server. */
  readonly servers?: readonly string[];
}

/** The lookup ran past its deadline. */
export class DnsTimeoutError extends Error {
  readonly code = 'ETIMEOUT';
  constructor() { super('DNS lookup timed out'); this.name = 'DnsTimeoutError'; }
}

/**
 * The egress client's default resolver: `dns.Resolver` (c-ares, asynchronous on
 * the event loop), never `dns.lookup`. `lookup` is `getaddrinfo` on libuv's
 * 4-thread pool, which token verification (WebCrypto), file I/O and zlib share:
 * four slow DNS answers would stall authentication for every caller. c-ares
 * holds no thread while it waits. Each lookup asks A and AAAA in parallel and
 * has its own deadline.
 *
 * c-ares asks DNS servers only: /etc/hosts and NSS are not consulted. An internal
 * name that exists only in /etc/hosts does not resolve for egress (list the
 * service's address instead; see `trustedAddresses`).
 *
 * @example
 * const egress = createEgressClient({ resolver: dnsResolver({ timeoutMs: 1500 }) });
 */
export function dnsResolver(options: DnsResolverOptions = {}): Resolver {
  const timeoutMs = options.timeoutMs ?? 2000;
  const tries = options.tries ?? 2;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('DNS timeoutMs must be a positive integer');
  if (!Number.isInteger(tries) || tries < 1 || tries > 5) throw new TypeError('DNS tries must be an integer 1..5');
  // c-ares doubles its timeout on each retry: first try + doubles fit inside the deadline.
  const perTry = Math.max(50, Math.floor(timeoutMs / (2 ** tries - 1)));
  const ares = new AresResolver({ timeout: perTry, tries });
  if (options.servers) ares.setServers([...options.servers]);
  return async (name) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DnsTimeoutError()), timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([both(ares, name), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function both(ares: AresResolver, name: string): Promise<readonly ResolvedAddress[]> {
  const [v4, v6] = await Promise.allSettled([ares.resolve4(name), ares.resolve6(name)]);
  const out: ResolvedAddress[] = [];
  if (v4.status === 'fulfilled') for (const a of v4.value) out.push({ address: a, family: 4 });
  if (v6.status === 'fulfilled') for (const a of v6.value) out.push({ address: a, family: 6 });
  if (out.length > 0) return out;
  // Neither family answered: report the IPv4 failure (ENOTFOUND, ETIMEOUT, ...), never the name.
  const reason = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined;
  const err = new Error('DNS lookup failed') as Error & { code?: string };
  err.code = (reason as { code?: string } | undefined)?.code ?? 'ENOTFOUND';
  throw err;
}
