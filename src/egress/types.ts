import type { Code } from '../core/codes.js';

/** One address a resolver returns, as `dns.lookup({ all: true })` does. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its A and AAAA records. Injected in tests; never called for IP literals. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of `createEgressClient`, checked once when the client is built. */
export interface EgressOptions {
  /** Vendor allow-list: exact names and `*.suffix`. Empty or absent: any public destination (development only). */
  readonly allow?: readonly string[];
  /** Default `['https']`. Add `'http'` only where plain HTTP is intended. */
  readonly schemes?: readonly ('https' | 'http')[];
  /** Ports besides 443 (https) and 80 (http). */
  readonly ports?: readonly number[];
  /** Response body cap in bytes, enforced while streaming. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Total deadline of one fetch, redirects included. Default 5000. */
  readonly timeoutMs?: number;
  /** TCP + TLS handshake deadline per hop. Default 3000. */
  readonly connectTimeoutMs?: number;
  /** Redirects followed by hand, each re-checked. Default 3; values above 3 are clamped to 3. */
  readonly maxRedirects?: number;
  /** Response content types allowed: `type/subtype` or `type/*`. Default `text/*`, `application/json`. */
  readonly contentTypes?: readonly string[];
  /** Past `maxBytes`: `deny` answers PAYLOAD_TOO_LARGE, `truncate` keeps the first `maxBytes` bytes. Default `truncate`. */
  readonly onOversize?: 'deny' | 'truncate';
  /** The live block list (e.g. `() => switchboard.current().egressBlock`), read on every request and every hop. */
  readonly blocked?: () => Iterable<string>;
  /** Default: `dnsResolver()` (c-ares `dns.Resolver`, A + AAAA, its own deadline), never `dns.lookup`. */
  readonly resolver?: Resolver;
  /** Deadline of the default resolver's lookup of one name. Default 2000 ms. */
  readonly dnsTimeoutMs?: number;
  /**
   * **Tests and demos only.** Addresses allowed despite the denied ranges:
   * `true` allows 127.0.0.0/8 and ::1; a list allows exactly those CIDRs.
   * Never set it from production configuration: it reopens the loopback SSRF hole.
   */
  readonly testAllowLoopback?: boolean | readonly string[];
  /**
   * Operator-configured internal services (a Vault, an internal identity provider):
   * CIDRs this client may reach although they lie in denied ranges. Give each such
   * client its own allow-list naming only that service, so no other name can use it.
   */
  readonly trustedAddresses?: readonly string[];
  /** Extra trust anchors (PEM) for TLS, e.g. an internal CA. Replaces Node's default CA list when set. */
  readonly ca?: string | readonly string[];
  readonly userAgent?: string;
}

/** One request. Only GET and HEAD exist: egress reads, it never writes. */
export interface EgressRequest {
  readonly method?: 'GET' | 'HEAD';
  /** Extra request headers; dropped when a redirect leaves the origin. Hop-by-hop and Host headers are ignored. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface EgressResponse {
  /** The final URL, after redirects. */
  readonly url: string;
  readonly status: number;
  /** The media type without parameters, lower case ('' when absent). */
  readonly contentType: string;
  /** The `charset` parameter of Content-Type, if any. */
  readonly charset: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Bytes kept in `body`. */
  readonly bytes: number;
  /** True when the body was cut at `maxBytes` (truncate mode). */
  readonly truncated: boolean;
  readonly redirects: number;
  /** The checked address the last hop connected to. */
  readonly address: string;
}

export type EgressCode = Extract<Code, 'SSRF_BLOCKED' | 'EGRESS_DENIED' | 'PAYLOAD_TOO_LARGE' | 'UPSTREAM_ERROR'>;

/** Every fetch ends in one of these; no URL input makes the client throw. */
export type EgressResult =
  | { readonly ok: true; readonly response: EgressResponse }
  | { readonly ok: false; readonly code: EgressCode; readonly message: string; readonly hop: number };

/** A destination that passed every rule: the URL and the one address the connection will use. */
export interface CheckedTarget {
  readonly url: URL;
  readonly host: string;
  readonly address: string;
  readonly family: 4 | 6;
}

export type Refusal = { readonly ok: false; readonly code: EgressCode; readonly message: string };
export type Checked<T> = ({ readonly ok: true } & T) | Refusal;

export function refuse(code: EgressCode, message: string): Refusal {
  return { ok: false, code, message };
}
