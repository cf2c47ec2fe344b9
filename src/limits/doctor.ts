import type { LoadedConfig } from '../config/load.js';
import type { Finding } from '../egress/config.js';

/**
 * The limits part of `palisade doctor`: every tool an operator let fail open (run unlimited
 * while the state store is down), and whether principals without an entry are limited at all.
 */
export function limitsFindings(loaded: LoadedConfig, facts: { production: boolean }): Finding[] {
  const out: Finding[] = [];
  const open = Object.entries(loaded.config.tools)
    .filter(([, v]) => v.fail_open === true)
    .map(([k]) => k);
  out.push(open.length === 0
    ? { check: 'limits.fail_open', ok: true, reason: 'every limited call is denied while the state store is unreachable (fail closed)' }
    : { check: 'limits.fail_open', ok: false, reason: `fail_open: true on ${open.join(', ')}: unlimited while the state store is unreachable (honoured on read tools only)` });
  const hasDefault = loaded.limits.some((e) => e.principal === '*' || e.tenant === '*');
  out.push(hasDefault
    ? { check: 'limits.default', ok: true, reason: 'a "*" entry limits every principal or tenant without its own entry' }
    : { check: 'limits.default', ok: !facts.production, reason: `no "*" entry: only the ${loaded.limits.length} named entr${loaded.limits.length === 1 ? 'y is' : 'ies are'} limited; other principals are not${facts.production ? ' (production)' : ''}` });
  return out;
}
