/**
 * The egress address table: every destination range Palisade refuses, as data.
 *
 * Sources (retrieved for this table; re-check when the registries change):
 * - IANA IPv4 Special-Purpose Address Registry,
 *   https://www.iana.org/assignments/iana-ipv4-special-registry/ (rows whose
 *   "Globally Reachable" is False or N/A)
 * - IANA IPv6 Special-Purpose Address Registry,
 *   https://www.iana.org/assignments/iana-ipv6-special-registry/ (same rule)
 * - IANA IPv4 Multicast Address Space Registry (224.0.0.0/4, RFC 5771)
 * - IANA IPv6 Address Space (only 2000::/3 is allocated as global unicast, RFC 4291)
 * - Issue 4 of this project, which adds 192.88.99.0/24, all of 192.0.0.0/24,
 *   multicast and the whole Teredo /32 on top of the registries.
 *
 * Deliberately stricter than the registries in three places, each because the
 * registry's "globally reachable" exceptions are never a legitimate target for
 * a tool's web fetch: 192.0.0.0/24 and 2001::/23 are denied whole, and every
 * IPv6 address outside 2000::/3 is denied unless it is one of the IPv4-carrying
 * forms below, which are judged by the IPv4 address inside them.
 *
 * `embedded` rows are not denied by themselves: the IPv4 address they carry is
 * extracted (see address.ts) and judged against the IPv4 rows. `deny` rows are
 * refused whatever they carry.
 */
export interface RangeRow {
  readonly cidr: string;
  readonly name: string;
  /** The RFC or registry that defines the range. */
  readonly ref: string;
  readonly action: 'deny' | 'embedded';
}

/** IPv4 ranges refused outright. */
export const IPV4_DENIED: readonly RangeRow[] = [
  { cidr: '0.0.0.0/8', name: 'this network', ref: 'RFC 791, IANA IPv4 special', action: 'deny' },
  { cidr: '10.0.0.0/8', name: 'private-use', ref: 'RFC 1918', action: 'deny' },
  { cidr: '100.64.0.0/10', name: 'shared address space (CGNAT)', ref: 'RFC 6598', action: 'deny' },
  { cidr: '127.0.0.0/8', name: 'loopback', ref: 'RFC 1122', action: 'deny' },
  { cidr: '169.254.0.0/16', name: 'link local (cloud metadata)', ref: 'RFC 3927', action: 'deny' },
  { cidr: '172.16.0.0/12', name: 'private-use', ref: 'RFC 1918', action: 'deny' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments', ref: 'RFC 6890', action: 'deny' },
  { cidr: '192.0.2.0/24', name: 'documentation (TEST-NET-1)', ref: 'RFC 5737', action: 'deny' },
  { cidr: '192.88.99.0/24', name: '6to4 relay anycast (deprecated)', ref: 'RFC 7526', action: 'deny' },
  { cidr: '192.168.0.0/16', name: 'private-use', ref: 'RFC 1918', action: 'deny' },
  { cidr: '198.18.0.0/15', name: 'benchmarking', ref: 'RFC 2544', action: 'deny' },
  { cidr: '198.51.100.0/24', name: 'documentation (TEST-NET-2)', ref: 'RFC 5737', action: 'deny' },
  { cidr: '203.0.113.0/24', name: 'documentation (TEST-NET-3)', ref: 'RFC 5737', action: 'deny' },
  { cidr: '224.0.0.0/4', name: 'multicast', ref: 'RFC 5771', action: 'deny' },
  { cidr: '240.0.0.0/4', name: 'reserved', ref: 'RFC 1112', action: 'deny' },
  { cidr: '255.255.255.255/32', name: 'limited broadcast', ref: 'RFC 919', action: 'deny' },
];

/**
 * IPv6 ranges. Order matters only for the name reported: the first matching
 * row wins, so the specific rows come before the catch-all at the end.
 */
export const IPV6_TABLE: readonly RangeRow[] = [
  { cidr: '::/128', name: 'unspecified', ref: 'RFC 4291', action: 'deny' },
  { cidr: '::1/128', name: 'loopback', ref: 'RFC 4291', action: 'deny' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped', ref: 'RFC 4291', action: 'embedded' },
  { cidr: '::ffff:0:0:0/96', name: 'IPv4-translated (SIIT)', ref: 'RFC 6145', action: 'embedded' },
  // IPv4-compatible addresses are deprecated and have no legitimate destination;
  // refused whole, whatever IPv4 they carry (ipaddr.js calls them "unicast").
  { cidr: '::/96', name: 'IPv4-compatible (deprecated)', ref: 'RFC 4291 2.5.5.1', action: 'deny' },
  { cidr: '64:ff9b::/96', name: 'NAT64 well-known prefix', ref: 'RFC 6052', action: 'embedded' },
  // Local-use NAT64: the operator chooses where the IPv4 sits inside the /48, so
  // it cannot be judged by what it carries; IANA marks it not globally reachable.
  { cidr: '64:ff9b:1::/48', name: 'NAT64 local-use prefix', ref: 'RFC 8215', action: 'deny' },
  { cidr: '100::/64', name: 'discard-only', ref: 'RFC 6666', action: 'deny' },
  { cidr: '100:0:0:1::/64', name: 'dummy IPv6 prefix', ref: 'RFC 9780', action: 'deny' },
  { cidr: '2001::/32', name: 'Teredo', ref: 'RFC 4380', action: 'deny' },
  { cidr: '2001::/23', name: 'IETF protocol assignments', ref: 'RFC 2928', action: 'deny' },
  { cidr: '2001:db8::/32', name: 'documentation', ref: 'RFC 3849', action: 'deny' },
  { cidr: '2002::/16', name: '6to4', ref: 'RFC 3056', action: 'embedded' },
  { cidr: '3fff::/20', name: 'documentation', ref: 'RFC 9637', action: 'deny' },
  { cidr: '5f00::/16', name: 'SRv6 SIDs', ref: 'RFC 9602', action: 'deny' },
  { cidr: 'fc00::/7', name: 'unique local', ref: 'RFC 4193', action: 'deny' },
  { cidr: 'fe80::/10', name: 'link local', ref: 'RFC 4291', action: 'deny' },
  { cidr: 'fec0::/10', name: 'site local (deprecated)', ref: 'RFC 3879', action: 'deny' },
  { cidr: 'ff00::/8', name: 'multicast', ref: 'RFC 4291', action: 'deny' },
];

/** Only this IPv6 block is allocated as global unicast; anything else not matched above is refused. */
export const IPV6_GLOBAL_UNICAST = '2000::/3';

/**
 * Host names refused by name, before any lookup: cloud metadata services and
 * special-use names (RFC 6761, RFC 8375, ICANN's `.internal`) that never name
 * a public destination. A suffix entry (leading dot) covers every name under it.
 */
export const DENIED_NAMES: readonly string[] = [
  'localhost',
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
  'kubernetes.default',
  'kubernetes.default.svc',
];

export const DENIED_SUFFIXES: readonly string[] = [
  '.localhost',
  '.local',
  '.internal',
  '.localdomain',
  '.home.arpa',
  '.in-addr.arpa',
  '.ip6.arpa',
  '.svc.cluster.local',
];
