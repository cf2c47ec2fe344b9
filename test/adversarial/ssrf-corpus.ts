/**
 * SSRF bypass corpus: each case is a URL an attacker could hand a fetch tool,
 * the answers the (injected) resolver gives for the names involved, and the
 * exact code Palisade's egress client must answer with. Data only: the runner
 * is ssrf-corpus.test.ts, and bench/ssrf-compare.ts runs the same cases
 * through request-filtering-agent.
 *
 * Conventions:
 * - `PUBLIC` stands in for a public address. It is a loopback canary that the
 *   test harness alone allows (test-only allowance), so that no case can ever
 *   send traffic off the machine even if a rule were broken.
 * - `redirects` makes the case URL a loopback redirector (`redirector.test`)
 *   that answers hop k with `Location: redirects[k]`; `{next}` is the
 *   redirector's own next hop.
 * - `dns` holds what the resolver answers. For names Palisade refuses by name
 *   it is the realistic answer (what the other filter is given).
 */
export type SsrfCode = 'SSRF_BLOCKED' | 'EGRESS_DENIED';

export interface SsrfCase {
  readonly id: string;
  readonly category: 'ipv4-notation' | 'ipv4-range' | 'ipv6' | 'name' | 'dns' | 'userinfo' | 'scheme-port' | 'lists' | 'redirect';
  readonly url: string;
  readonly expect: SsrfCode;
  readonly dns?: Readonly<Record<string, readonly string[]>>;
  readonly redirects?: readonly string[];
  readonly allow?: readonly string[];
  readonly block?: readonly string[];
  /** Default: both http and https, so that the address rules are what is tested. */
  readonly schemes?: readonly ('http' | 'https')[];
}

/** The stand-in "public" address (a loopback canary allowed only by the test harness). */
export const PUBLIC = '127.0.0.9';
/** Where the redirector listens (also allowed only by the harness). */
export const REDIRECTOR = '127.0.0.8';

const S = 'SSRF_BLOCKED' as const;
const E = 'EGRESS_DENIED' as const;

const v4 = (id: string, url: string, category: SsrfCase['category'] = 'ipv4-notation'): SsrfCase => ({ id, category, url, expect: S });
const v6 = (id: string, url: string, expect: SsrfCode = S): SsrfCase => ({ id, category: 'ipv6', url, expect });
const name = (id: string, url: string, dns: Record<string, string[]>): SsrfCase => ({ id, category: 'name', url, expect: S, dns });
const viaDns = (id: string, url: string, dns: Record<string, string[]>): SsrfCase => ({ id, category: 'dns', url, expect: S, dns });
const redirect = (id: string, expect: SsrfCode, redirects: string[], extra: Partial<SsrfCase> = {}): SsrfCase =>
  ({ id, category: 'redirect', url: '(redirector)', expect, redirects, ...extra });

export const SSRF_CORPUS: readonly SsrfCase[] = [
  // IPv4 notations of loopback and the metadata address (the WHATWG parser normalizes them).
  v4('loopback-dotted', 'http://127.0.0.1/'),
  v4('loopback-decimal', 'http://2130706433/'),
  v4('loopback-hex', 'http://0x7f000001/'),
  v4('loopback-octal', 'http://0177.0.0.1/'),
  v4('loopback-octal-whole', 'http://017700000001/'),
  v4('loopback-hex-dotted', 'http://0x7f.0x0.0x0.0x1/'),
  v4('loopback-short-2', 'http://127.1/'),
  v4('loopback-short-3', 'http://127.0.1/'),
  v4('loopback-mixed', 'http://0x7f.1/'),
  v4('loopback-other', 'http://127.127.127.127:443/'),
  v4('loopback-trailing-dot', 'http://127.0.0.1./'),
  v4('loopback-fullwidth', 'http://１２７.０.０.１/'),
  v4('loopback-ideographic-stop', 'http://127。0。0。1/'),
  v4('loopback-percent', 'http://%31%32%37.0.0.1/'),
  v4('zero-short', 'http://0/'),
  v4('zero-dotted', 'http://0.0.0.0/'),
  v4('metadata-dotted', 'http://169.254.169.254/latest/meta-data/'),
  v4('metadata-decimal', 'http://2852039166/'),
  v4('metadata-hex', 'http://0xa9fea9fe/'),
  v4('metadata-octal', 'http://0251.0376.0251.0376/'),
  v4('metadata-short', 'http://169.254.43518/'),
  v4('metadata-mixed', 'http://0xa9.0376.43518/'),
  // Other denied IPv4 ranges.
  v4('alibaba-metadata-cgnat', 'http://100.100.100.200/', 'ipv4-range'),
  v4('private-10', 'http://10.0.0.1/', 'ipv4-range'),
  v4('private-172', 'https://172.16.0.1/', 'ipv4-range'),
  v4('private-192', 'http://192.168.1.1/', 'ipv4-range'),
  v4('benchmarking', 'http://198.18.0.1/', 'ipv4-range'),
  v4('multicast', 'http://224.0.0.1/', 'ipv4-range'),
  v4('broadcast', 'http://255.255.255.255/', 'ipv4-range'),
  v4('reserved-240', 'http://240.0.0.1/', 'ipv4-range'),
  v4('ietf-192-0-0', 'http://192.0.0.170/', 'ipv4-range'),
  v4('6to4-relay-anycast', 'http://192.88.99.1/', 'ipv4-range'),
  v4('test-net-3', 'http://203.0.113.5/', 'ipv4-range'),
  // IPv6 literals and IPv6 forms that carry an IPv4 address.
  v6('v6-unspecified', 'http://[::]/'),
  v6('v6-loopback', 'http://[::1]/'),
  v6('v6-loopback-long', 'http://[0:0:0:0:0:0:0:1]/'),
  v6('v6-mapped-dotted', 'http://[::ffff:127.0.0.1]/'),
  v6('v6-mapped-hex', 'http://[::ffff:7f00:1]/'),
  v6('v6-mapped-metadata', 'http://[::ffff:169.254.169.254]/'),
  v6('v6-compatible', 'http://[::127.0.0.1]/'),
  v6('v6-compatible-private', 'http://[::10.0.0.1]/'),
  v6('v6-translated', 'http://[::ffff:0:10.0.0.1]/'),
  v6('nat64-private', 'http://[64:ff9b::10.0.0.1]/'),
  v6('nat64-metadata-hex', 'http://[64:ff9b::a9fe:a9fe]/'),
  v6('nat64-local-use', 'http://[64:ff9b:1::a00:1]/'),
  v6('6to4-loopback', 'http://[2002:7f00:1::]/'),
  v6('6to4-private', 'http://[2002:c0a8:101::1]/'),
  v6('teredo', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'),
  v6('v6-link-local', 'http://[fe80::1]/'),
  v6('v6-link-local-zone', 'http://[fe80::1%25eth0]/', E),
  v6('v6-unique-local', 'http://[fd00::1]/'),
  v6('aws-imds-v6', 'http://[fd00:ec2::254]/'),
  v6('v6-multicast', 'http://[ff02::1]/'),
  v6('v6-documentation', 'http://[2001:db8::1]/'),
  v6('v6-discard', 'http://[100::1]/'),
  v6('v6-site-local', 'http://[fec0::1]/'),
  // Names refused by name, before any lookup.
  name('localhost', 'http://localhost/', { localhost: ['127.0.0.1'] }),
  name('localhost-sub', 'http://app.localhost/', { 'app.localhost': ['127.0.0.1'] }),
  name('gcp-metadata', 'http://metadata.google.internal/computeMetadata/v1/', { 'metadata.google.internal': ['169.254.169.254'] }),
  name('metadata-bare', 'http://metadata/', { metadata: ['169.254.169.254'] }),
  name('aws-instance-data', 'http://instance-data/latest/meta-data/', { 'instance-data': ['169.254.169.254'] }),
  name('metadata-upper-trailing-dot', 'http://METADATA.GOOGLE.INTERNAL./', { 'metadata.google.internal': ['169.254.169.254'] }),
  name('metadata-percent-dots', 'http://metadata%2Egoogle%2Einternal/', { 'metadata.google.internal': ['169.254.169.254'] }),
  name('metadata-ideographic-stop', 'http://metadata。google。internal/', { 'metadata.google.internal': ['169.254.169.254'] }),
  name('metadata-fullwidth-stop', 'http://metadata．google．internal/', { 'metadata.google.internal': ['169.254.169.254'] }),
  name('internal-tld', 'http://db.corp.internal/', { 'db.corp.internal': ['10.0.0.3'] }),
  name('kubernetes-api', 'http://kubernetes.default.svc/', { 'kubernetes.default.svc': ['10.96.0.1'] }),
  name('single-label-intranet', 'http://intranet/', { intranet: ['10.0.0.4'] }),
  // Names that resolve inside (through the injected resolver).
  viaDns('name-private', 'http://internal.test/', { 'internal.test': ['10.0.0.5'] }),
  viaDns('name-loopback', 'http://loop.test/', { 'loop.test': ['127.0.0.1'] }),
  viaDns('name-public-then-private', 'http://mixed.test/', { 'mixed.test': [PUBLIC, '127.0.0.1'] }),
  viaDns('name-private-then-public', 'http://mixed2.test/', { 'mixed2.test': ['10.1.1.1', PUBLIC] }),
  viaDns('name-v6-unique-local', 'http://v6.test/', { 'v6.test': ['fd12::1'] }),
  viaDns('name-v6-mapped-private', 'http://mapped.test/', { 'mapped.test': ['::ffff:10.0.0.1'] }),
  viaDns('name-v6-compatible', 'http://compat.test/', { 'compat.test': ['::7f00:1'] }),
  viaDns('name-nip-io', 'http://127.0.0.1.nip.io/', { '127.0.0.1.nip.io': ['127.0.0.1'] }),
  viaDns('name-metadata-address', 'http://meta.test/', { 'meta.test': ['169.254.169.254'] }),
  viaDns('name-upper-trailing-dot', 'http://LOOP.TEST./', { 'loop.test': ['127.0.0.1'] }),
  viaDns('name-zero', 'http://zero.test/', { 'zero.test': ['0.0.0.0'] }),
  // Credentials and delimiter tricks.
  { id: 'userinfo-allowed-prefix', category: 'userinfo', url: 'https://allowed.test@127.0.0.1/', expect: E, allow: ['allowed.test'] },
  { id: 'userinfo-credentials', category: 'userinfo', url: 'https://user:pass@public.test/', expect: E, dns: { 'public.test': [PUBLIC] } },
  { id: 'userinfo-encoded-at', category: 'userinfo', url: 'https://allowed.test%40127.0.0.1/', expect: E, allow: ['allowed.test'] },
  { id: 'fragment-at-trick', category: 'userinfo', url: 'https://127.0.0.1#@allowed.test/', expect: S, allow: ['allowed.test'] },
  // Schemes and ports.
  { id: 'scheme-file', category: 'scheme-port', url: 'file:///etc/passwd', expect: E },
  { id: 'scheme-gopher', category: 'scheme-port', url: 'gopher://127.0.0.1:6379/_FLUSHALL', expect: E },
  { id: 'scheme-ftp', category: 'scheme-port', url: 'ftp://public.test/', expect: E, dns: { 'public.test': [PUBLIC] } },
  { id: 'scheme-data', category: 'scheme-port', url: 'data:text/plain,hello', expect: E },
  { id: 'scheme-dict', category: 'scheme-port', url: 'dict://127.0.0.1:11211/stat', expect: E },
  { id: 'scheme-http-not-configured', category: 'scheme-port', url: 'http://public.test/', expect: E, schemes: ['https'], dns: { 'public.test': [PUBLIC] } },
  { id: 'port-redis', category: 'scheme-port', url: 'https://public.test:6379/', expect: E, dns: { 'public.test': [PUBLIC] } },
  { id: 'port-ssh', category: 'scheme-port', url: 'https://public.test:22/', expect: E, dns: { 'public.test': [PUBLIC] } },
  // Allow-list and block list (normalized: case, trailing dot, IDNA).
  { id: 'not-on-allow-list', category: 'lists', url: 'https://evil.test/', expect: E, allow: ['api.vendor.test'], dns: { 'evil.test': [PUBLIC] } },
  { id: 'allow-list-suffix-confusion', category: 'lists', url: 'https://api.vendor.test.evil.test/', expect: E, allow: ['api.vendor.test'], dns: { 'api.vendor.test.evil.test': [PUBLIC] } },
  { id: 'allow-list-lookalike', category: 'lists', url: 'https://evilvendor.test/', expect: E, allow: ['*.vendor.test'], dns: { 'evilvendor.test': [PUBLIC] } },
  { id: 'allow-list-wildcard-apex', category: 'lists', url: 'https://vendor.test/', expect: E, allow: ['*.vendor.test'], dns: { 'vendor.test': [PUBLIC] } },
  { id: 'allow-listed-but-private', category: 'lists', url: 'https://api.vendor.test/', expect: S, allow: ['api.vendor.test'], dns: { 'api.vendor.test': ['10.0.0.7'] } },
  { id: 'blocked-exact', category: 'lists', url: 'https://blocked.test/', expect: E, block: ['blocked.test'], dns: { 'blocked.test': [PUBLIC] } },
  { id: 'blocked-case-trailing-dot', category: 'lists', url: 'https://BLOCKED.TEST./', expect: E, block: ['blocked.test'], dns: { 'blocked.test': [PUBLIC] } },
  { id: 'blocked-subdomain', category: 'lists', url: 'https://a.b.blocked.test/', expect: E, block: ['blocked.test'], dns: { 'a.b.blocked.test': [PUBLIC] } },
  { id: 'blocked-idn-unicode', category: 'lists', url: 'https://BÜCHER.test/', expect: E, block: ['bücher.test'], dns: { 'xn--bcher-kva.test': [PUBLIC] } },
  { id: 'blocked-idn-punycode', category: 'lists', url: 'https://xn--bcher-kva.test/', expect: E, block: ['bücher.test'], dns: { 'xn--bcher-kva.test': [PUBLIC] } },
  // Redirect chains, each hop checked like the first.
  redirect('redirect-to-loopback', S, ['http://127.0.0.1/']),
  redirect('redirect-2-hops-to-metadata', S, ['{next}', 'http://169.254.169.254/latest/meta-data/']),
  redirect('redirect-to-private-name', S, ['http://internal.test/'], { dns: { 'internal.test': ['10.0.0.5'] } }),
  redirect('redirect-to-decimal-loopback', S, ['http://2130706433/']),
  redirect('redirect-to-mapped-v6', S, ['http://[::ffff:10.0.0.1]/']),
  redirect('redirect-protocol-relative', S, ['//169.254.169.254/']),
  redirect('redirect-to-file', E, ['file:///etc/passwd']),
  redirect('redirect-to-userinfo', E, ['http://user@public.test/'], { dns: { 'public.test': [PUBLIC] } }),
  redirect('redirect-to-blocked', E, ['http://blocked.test/'], { block: ['blocked.test'], dns: { 'blocked.test': [PUBLIC] } }),
  redirect('redirect-too-many', E, ['{next}', '{next}', '{next}', '{next}']),
];
