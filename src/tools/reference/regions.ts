import { DenyError } from '../../core/errors.js';
import type { Principal } from '../../core/principal.js';

export const TENANTS = ['acme', 'globex'] as const;
export const REGIONS = ['eu-west', 'us-east'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * The legal area each region's data belongs to. The seed's policy speaks of
 * `subject.region: "EU"`: this is the map from a store's region to that value.
 */
export const JURISDICTION: Readonly<Record<Region, 'EU' | 'US'>> = { 'eu-west': 'EU', 'us-east': 'US' };

export const isRegion = (r: string): r is Region => (REGIONS as readonly string[]).includes(r);

/** `eu-west` -> `EU`; a region without a store has none. */
export function jurisdictionOf(region: string): 'EU' | 'US' | undefined {
  return isRegion(region) ? JURISDICTION[region] : undefined;
}

/** The region whose subjects a call is about: the `region` argument, else the caller's own region. */
export function subjectRegionOf(args: Record<string, unknown>, principal: Principal): string {
  const r = args['region'];
  return typeof r === 'string' ? r : principal.region;
}

/**
 * Picks the one store a call may be served from, or denies (POLICY_DENY).
 * - The routed region (a policy `route` obligation, else the caller's region) names the store.
 * - The subjects' region must be that store's region: rows never come from, or go to, a
 *   store of another region, and routing a call to another region's store is refused.
 * - EU personal data never leaves the EU: a caller outside the EU is refused EU subjects,
 *   even when the call is routed to the EU store.
 * Messages name the rule, never the regions the caller sent.
 */
export function chooseRegion(routed: string, subject: string, principal: Principal): Region {
  if (!isRegion(routed)) throw new DenyError('POLICY_DENY', 'no data store serves the region this call is routed to');
  if (subject !== routed) {
    throw new DenyError('POLICY_DENY', 'data is served only by its own region\'s store; this call is routed to another region');
  }
  if (JURISDICTION[routed] === 'EU' && jurisdictionOf(principal.region) !== 'EU') {
    throw new DenyError('POLICY_DENY', 'EU personal data may not leave the EU: the caller is outside the EU region');
  }
  return routed;
}
