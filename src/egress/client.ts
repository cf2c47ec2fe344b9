import type { Agent } from 'undici';
import { DenyError, FaultError } from '../core/errors.js';
import { contentTypeAllowed, parseContentType, readCapped } from './body.js';
import { pinnedAgent } from './connect.js';
import { dnsResolver } from './dns.js';
import { compileDomains, type DomainList } from './names.js';
import { checkUrl, resolveTarget } from './policy.js';
import { compileOptions } from './options.js';
import { refuse, type CheckedTarget, type Checked, type EgressOptions, type EgressRequest, type EgressResponse, type EgressResult, type Resolver } from './types.js';
import { describeFault } from './faults.js';

/** The one outbound HTTP client of Palisade. */
export interface EgressClient {
  /** Fetches a URL under every egress rule. Always resolves; a refusal or failure is a result with a code. */
  fetch(url: string, request?: EgressRequest): Promise<EgressResult>;
  /** Like `fetch`, but throws `DenyError` (SSRF_BLOCKED, EGRESS_DENIED, PAYLOAD_TOO_LARGE) or `FaultError` (UPSTREAM_ERROR). */
  fetchOrThrow(url: string, request?: EgressRequest): Promise<EgressResponse>;
  /** Applies the URL and address rules (resolving the name) without connecting: a preflight. */
  check(url: string, signal?: AbortSignal): Promise<Checked<{ target: CheckedTarget }>>;
  /** The URL rules alone (scheme, port, userinfo, allow and live block lists), no name resolution. */
  checkUrl(url: string): Checked<{ url: URL }>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DROPPED_HEADERS = /^(host|connection|keep-alive|proxy-.*|te|trailer|transfer-encoding|upgrade|content-length|accept-encoding)$/i;

/**
 * Builds the SSRF-safe egress client: resolve, check every address, pin the
 * connection to a checked one, re-check each redirect hop, cap time and bytes.
 *
 * @example
 * const egress = createEgressClient({ allow: ['*.vendor.example'], blocked: () => switches.current().egressBlock });
 * const r = await egress.fetch('https://api.vendor.example/v1/status');
 * if (!r.ok) console.log(r.code); // SSRF_BLOCKED | EGRESS_DENIED | PAYLOAD_TOO_LARGE | UPSTREAM_ERROR
 */
export function createEgressClient(options: EgressOptions = {}): EgressClient {
  const cfg = compileOptions(options);
  // c-ares, not getaddrinfo: a slow DNS answer must not hold a thread-pool thread (see dns.ts).
  const resolver: Resolver = options.resolver ?? dnsResolver({ ...(options.dnsTimeoutMs !== undefined && { timeoutMs: options.dnsTimeoutMs }) });
  const blockedSource = options.blocked ?? (() => []);
  let lastBlocked: { src: unknown; list: DomainList } | undefined;
  // Re-compiled only when the switchboard hands out a new set (it does on every change).
  const blockedNow = (): DomainList => {
    const src = blockedSource();
    if (lastBlocked?.src !== src || !(src instanceof Set)) lastBlocked = { src, list: compileDomains(src) };
    return lastBlocked.list;
  };

  async function check(raw: string, signal: AbortSignal, base?: URL): Promise<Checked<{ target: CheckedTarget }>> {
    const u = checkUrl(raw, cfg.policy, blockedNow(), base);
    if (!u.ok) return u;
    return resolveTarget(u, cfg.policy, resolver, signal);
  }

  async function run(raw: string, req: EgressRequest, signal: AbortSignal, hopRef: { hop: number }): Promise<EgressResult> {
    let method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return { ...refuse('EGRESS_DENIED', 'only GET and HEAD are allowed for egress'), hop: 0 };
    let headers = cleanHeaders(req.headers);
    let current = raw;
    let base: URL | undefined;
    for (;;) {
      const c = await check(current, signal, base);
      if (!c.ok) return { ...c, hop: hopRef.hop };
      const { target } = c;
      if (base && base.origin !== target.url.origin) headers = {};
      const agent = pinnedAgent(target, cfg);
      try {
        const res = await agent.request({
          origin: target.url.origin,
          path: `${target.url.pathname}${target.url.search}`,
          method,
          headers: { 'user-agent': cfg.userAgent, accept: '*/*', ...headers, 'accept-encoding': 'identity' },
          signal,
        });
        const location = header(res.headers, 'location');
        if (REDIRECTS.has(res.statusCode) && location !== undefined) {
          discard(res.body);
          if (hopRef.hop >= cfg.maxRedirects) return { ...refuse('EGRESS_DENIED', `more than ${cfg.maxRedirects} redirects`), hop: hopRef.hop };
          hopRef.hop++;
          if (res.statusCode === 303 && method !== 'HEAD') method = 'GET';
          base = target.url;
          current = location;
          continue;
        }
        return await finish(target, res, method, hopRef.hop);
      } finally {
        void agent.destroy().catch(() => undefined);
      }
    }
  }

  async function finish(target: CheckedTarget, res: Awaited<ReturnType<Agent['request']>>, method: string, hop: number): Promise<EgressResult> {
    const { type, charset } = parseContentType(header(res.headers, 'content-type'));
    const bodyless = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    if (!(bodyless && type === '') && !contentTypeAllowed(type, cfg.contentTypes)) {
      discard(res.body);
      return { ...refuse('EGRESS_DENIED', 'the response content type is not on the egress allow-list'), hop };
    }
    const declared = Number(header(res.headers, 'content-length') ?? NaN);
    if (cfg.onOversize === 'deny' && declared > cfg.maxBytes) {
      discard(res.body);
      return { ...refuse('PAYLOAD_TOO_LARGE', `the response is larger than ${cfg.maxBytes} bytes`), hop };
    }
    const read = await readCapped(res.body, cfg.maxBytes, cfg.onOversize);
    if (!read.ok) return { ...refuse('PAYLOAD_TOO_LARGE', `the response is larger than ${cfg.maxBytes} bytes`), hop };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
    return {
      ok: true,
      response: {
        url: target.url.href, status: res.statusCode, contentType: type, charset, headers,
        body: read.body, bytes: read.body.byteLength, truncated: read.truncated, redirects: hop, address: target.address,
      },
    };
  }

  async function fetchUrl(raw: string, req: EgressRequest = {}): Promise<EgressResult> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new DeadlineError()), cfg.timeoutMs);
    timer.unref?.();
    const onAbort = () => ac.abort(req.signal?.reason);
    if (req.signal?.aborted) onAbort(); else req.signal?.addEventListener('abort', onAbort, { once: true });
    const hopRef = { hop: 0 };
    try {
      return await run(raw, req, ac.signal, hopRef);
    } catch (err) {
      return { ...refuse('UPSTREAM_ERROR', describeFault(err, ac.signal, cfg.timeoutMs)), hop: hopRef.hop };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    fetch: fetchUrl,
    checkUrl: (raw) => checkUrl(raw, cfg.policy, blockedNow()),
    async fetchOrThrow(url, request) {
      const r = await fetchUrl(url, request);
      if (r.ok) return r.response;
      if (r.code === 'UPSTREAM_ERROR') throw new FaultError(r.code, r.message);
      throw new DenyError(r.code, r.message);
    },
    async check(url, signal) {
      try { return await check(url, signal ?? new AbortController().signal); } catch { return refuse('UPSTREAM_ERROR', 'the check was aborted'); }
    },
  };
}

/** Marks the total deadline as the abort reason, so that it reads as such. */
export class DeadlineError extends Error {
  constructor() { super('egress deadline exceeded'); this.name = 'DeadlineError'; }
}

/** Drops a body we will not read; the abort error undici raises for it is expected. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cleanHeaders(h: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (!DROPPED_HEADERS.test(k) && typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}
