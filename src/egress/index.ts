/**
 * SSRF-safe egress: resolve, check, pin, re-check redirects, cap time and bytes.
 * Every outbound HTTP request of Palisade goes through `createEgressClient`.
 */
export { createEgressClient, type EgressClient } from './client.js';
export { dnsResolver, DnsTimeoutError, type DnsResolverOptions } from './dns.js';
export { egressFindings, egressOptionsFromConfig, type EgressConfig, type Finding } from './config.js';
export { egressFacts, type EgressFacts } from './facts.js';
export { judgeAddress, embeddedV4, type AddressVerdict } from './address.js';
export { normalHost, deniedName } from './names.js';
export { IPV4_DENIED, IPV6_TABLE, DENIED_NAMES, DENIED_SUFFIXES } from './ranges.js';
export type {
  EgressCode, EgressOptions, EgressRequest, EgressResponse, EgressResult, Resolver, ResolvedAddress, CheckedTarget,
} from './types.js';
