import { isIP } from 'node:net';
import { normalizeDomain } from '../state/switches.js';
import { DENIED_NAMES, DENIED_SUFFIXES } from './ranges.js';

/**
 * The host of a parsed URL in the one form every list compares in: lower case,
 * IDNA (punycode, already done by the WHATWG parser), no trailing dots, IPv6
 * without brackets. `literal` is set when the host is an IP address.
 */
export interface NormalHost {
  readonly name: string;
  readonly literal: boolean;
}

export function normalHost(url: URL): NormalHost {
  let h = url.hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) return { name: h.slice(1, -1), literal: true };
  while (h.endsWith('.')) h = h.slice(0, -1);
  return { name: h, literal: isIP(h) !== 0 };
}

/** Why a name is refused before any lookup (metadata and special-use names), or undefined. */
export function deniedName(name: string): string | undefined {
  if (DENIED_NAMES.includes(name)) return 'a metadata or special-use host name';
  if (DENIED_SUFFIXES.some((s) => name.endsWith(s))) return 'a special-use domain';
  // A single-label name is completed by the resolver's search domains: it names
  // an internal host, never a public one.
  if (!name.includes('.')) return 'a single-label host name';
  return undefined;
}

/** A compiled domain list: exact names and `*.suffix` patterns. */
export interface DomainList {
  readonly exact: ReadonlySet<string>;
  /** Suffixes with their leading dot: `*.example.com` -> `.example.com`. */
  readonly suffixes: readonly string[];
}

/** Normalizes (case, trailing dot, IDNA) and splits a list of domains and `*.suffix` patterns. */
export function compileDomains(entries: Iterable<string>): DomainList {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    if (e.startsWith('*.')) suffixes.push(`.${normalizeDomain(e.slice(2))}`);
    else if (e) exact.add(normalizeDomain(e));
  }
  return { exact, suffixes };
}

/** Allow-list semantics: `a.com` matches only a.com; `*.a.com` matches names under a.com, not a.com itself. */
export function allowListed(list: DomainList, name: string): boolean {
  return list.exact.has(name) || list.suffixes.some((s) => name.endsWith(s));
}

/**
 * Block-list semantics are broader, because it is an emergency brake:
 * blocking `a.com` also blocks every name under it; `*.a.com` blocks only the names under it.
 */
export function blockListed(list: DomainList, name: string): boolean {
  if (list.suffixes.some((s) => name.endsWith(s))) return true;
  for (let d = name; ; ) {
    if (list.exact.has(d)) return true;
    const i = d.indexOf('.');
    if (i < 0) return false;
    d = d.slice(i + 1);
  }
}

/** True when an entry is a usable allow-list pattern (a domain, `*.domain`, or an IP literal). */
export function validPattern(entry: string): boolean {
  const e = entry.trim();
  const body = e.startsWith('*.') ? e.slice(2) : e;
  if (!body || body.includes('*') || /[\s/@:?#[\]\\]/.test(body)) return isIP(body) !== 0;
  try { return new URL(`https://${body}/`).hostname.length > 0; } catch { return false; }
}
