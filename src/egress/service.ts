import { ConfigError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback.js';
import { createEgressClient, type EgressClient } from './client.js';

export interface ServiceEgress {
  /** e.g. `https://idp.example.com/.well-known/jwks.json` or `https://vault.internal:8200`. */
  readonly url: string;
  /** CIDRs the service may resolve to although private (an internal service). */
  readonly trustedAddresses?: readonly string[];
  /** Extra trust anchors (PEM) for the service's TLS certificate. */
  readonly ca?: string;
  readonly contentTypes: readonly string[];
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** Where in the config the URL came from, for error messages. */
  readonly where: string;
}

/**
 * An egress client for one operator-configured service (JWKS, Vault): its allow-list
 * holds only that host, its ports only that port, and internal addresses are reachable
 * only when the operator listed them. Plain http is accepted only for a loopback service.
 */
export function serviceEgress(s: ServiceEgress): EgressClient {
  let u: URL;
  try { u = new URL(s.url); } catch { throw new ConfigError(`${s.where}: not a URL`); }
  const loopbackHost = isLoopbackHost(u.hostname) && u.hostname !== 'localhost';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopbackHost)) throw new ConfigError(`${s.where}: must be an https URL`);
  const port = u.port ? Number(u.port) : undefined;
  try {
    return createEgressClient({
      allow: [u.hostname.replace(/^\[|\]$/g, '')],
      schemes: [u.protocol === 'http:' ? 'http' : 'https'],
      ...(port !== undefined && { ports: [port] }),
      contentTypes: s.contentTypes,
      maxBytes: s.maxBytes ?? 256 * 1024,
      onOversize: 'deny',
      timeoutMs: s.timeoutMs ?? 5000,
      maxRedirects: 0,
      ...(s.trustedAddresses?.length && { trustedAddresses: s.trustedAddresses }),
      ...(s.ca !== undefined && { ca: s.ca }),
    });
  } catch (err) {
    throw new ConfigError(`${s.where}: ${(err as Error).message}`);
  }
}
