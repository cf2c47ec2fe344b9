import type { PalisadeConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { compileAllowance } from './address.js';
import { validPattern } from './names.js';
import type { EgressOptions } from './types.js';

export type EgressConfig = PalisadeConfig['egress'];

/**
 * Client options from the `egress:` section of palisade.yaml plus the live
 * block list. `allow_addresses` is the only way past the address rules, and it
 * opens exactly the CIDRs it names (`palisade demo` uses it for its loopback page).
 */
export function egressOptionsFromConfig(cfg: EgressConfig, deps: Pick<EgressOptions, 'blocked' | 'resolver'> = {}): EgressOptions {
  cfg.allow.forEach((a, i) => {
    if (!validPattern(a)) throw new ConfigError(`palisade.yaml: egress.allow[${i}]: not a domain, *.domain pattern or IP address`);
  });
  cfg.allow_addresses.forEach((c, i) => {
    try { compileAllowance([c]); } catch { throw new ConfigError(`palisade.yaml: egress.allow_addresses[${i}]: not a CIDR (e.g. 10.1.2.0/24)`); }
  });
  return {
    allow: cfg.allow,
    schemes: cfg.schemes,
    ports: cfg.ports,
    maxBytes: cfg.max_bytes,
    timeoutMs: cfg.timeout_ms,
    dnsTimeoutMs: cfg.dns_timeout_ms,
    connectTimeoutMs: cfg.connect_timeout_ms,
    maxRedirects: cfg.max_redirects,
    contentTypes: cfg.content_types,
    onOversize: cfg.on_oversize,
    ...(cfg.allow_addresses.length && { trustedAddresses: cfg.allow_addresses }),
    ...deps,
  };
}

/** One line of `palisade doctor`. */
export interface Finding {
  readonly check: string;
  readonly ok: boolean;
  readonly reason: string;
}

/**
 * The egress lines of the operate checklist. Pure: `palisade doctor` prints
 * them and exits 1 on any `ok: false`. In production an allow-list is required
 * (without one, the address rules alone decide: fine for development, too wide
 * for a server that holds credentials).
 */
export function egressFindings(cfg: EgressConfig, opts: { production: boolean }): Finding[] {
  const out: Finding[] = [];
  const allow = cfg.allow ?? [];
  if (allow.length === 0) {
    out.push(opts.production
      ? { check: 'egress.allow', ok: false, reason: 'production needs an egress allow-list (egress.allow); without one any public destination is reachable' }
      : { check: 'egress.allow', ok: true, reason: 'no allow-list (development): the address rules alone decide' });
  } else {
    const bad = allow.filter((a) => !validPattern(a));
    const broad = allow.filter((a) => a.trim() === '*' || /^\*\.[^.]+\.?$/.test(a.trim()));
    if (bad.length) out.push({ check: 'egress.allow', ok: false, reason: `${bad.length} allow-list entr${bad.length === 1 ? 'y is' : 'ies are'} not a domain or *.domain pattern` });
    else if (broad.length) out.push({ check: 'egress.allow', ok: false, reason: 'an allow-list entry covers a whole top-level domain or everything' });
    else out.push({ check: 'egress.allow', ok: true, reason: `${allow.length} allow-list entr${allow.length === 1 ? 'y' : 'ies'}` });
  }
  const http = cfg.schemes.includes('http');
  out.push({
    check: 'egress.schemes',
    ok: !(opts.production && http),
    reason: http ? (opts.production ? 'plain http egress is allowed in production' : 'plain http egress allowed (development)') : 'https only',
  });
  out.push({
    check: 'egress.max_redirects',
    ok: cfg.max_redirects <= 3,
    reason: cfg.max_redirects <= 3 ? `at most ${cfg.max_redirects} redirects` : `max_redirects ${cfg.max_redirects} is above 3; the client clamps it to 3`,
  });
  const caps = cfg.max_bytes <= 16 * 1024 * 1024 && cfg.timeout_ms <= 60_000 && cfg.connect_timeout_ms <= cfg.timeout_ms;
  out.push({
    check: 'egress.caps',
    ok: caps,
    reason: caps
      ? `responses capped at ${cfg.max_bytes} bytes, ${cfg.timeout_ms} ms`
      : 'egress caps too loose (max_bytes <= 16 MiB, timeout_ms <= 60000, connect_timeout_ms <= timeout_ms)',
  });
  return out;
}
