/**
 * How to fix each check of `palisade doctor`, printed under its FAIL line.
 * Keyed by check name; a test fails when a check can FAIL without a hint here.
 */
export const FIX_HINTS: Readonly<Record<string, string>> = {
  'tls.min_version': 'remove server.http.insecure_http and serve TLS (server.tls.cert_file and key_file), or terminate TLS 1.2+ in a proxy on the same host',
  'tls.mtls': 'set server.tls.client_ca_file to the PEM CA that issues your clients\' certificates (see examples/palisade.prod.yaml); only if clients cannot present certificates, set transport.mtls: false in your baseline file',
  'tls.certificate': 'set server.tls.cert_file and key_file to a certificate from your CA (renew it before it expires); in development, run `palisade serve` once to create the development certificate',
  'tls.cert_rotation': 'issue certificates valid no longer than the baseline\'s transport.cert_rotation_days; the server reloads cert_file/key_file when they change',
  'auth.token_ttl': 'set auth.max_ttl_seconds to 600 or less in your baseline file, and make the identity provider issue tokens that short',
  'auth.replay_window': 'raise auth.replay_window_minutes in your baseline file to at least the token lifetime (max_ttl_seconds / 60)',
  'auth.required_claims': 'list aud, iss, sub, exp and jti under auth.claims in your baseline file',
  'auth.mode': 'set auth.mode: jwt and add your identity provider under auth.issuers (issuer + jwks_uri); see examples/palisade.prod.yaml',
  'auth.algorithms': 'remove auth.hs_secret and any HS*/none entry from auth.algorithms; use EdDSA, ES256 or RS256 keys',
  'secrets.provider': 'set secrets.provider: vault (secrets.vault.address, token_file) or file; env secrets are refused in production',
  'egress.allow': 'list the domains tools may reach under egress.allow (exact names or *.example.com), never a whole top-level domain',
  'egress.schemes': 'set egress.schemes: [https]',
  'egress.max_redirects': 'set egress.max_redirects to 3 or less',
  upstreams: 'fix the upstreams: section (docs/config.md); each upstream needs exactly one of command and url',
  'upstream.*': 'check that the upstream is running and reachable (its command, or its url and allow_addresses), and its credentials in the secrets provider',
  'limits.fail_open': 'remove fail_open: true from the limits entries it names, so limited calls are denied while the state store is down',
  'limits.default': 'add a "*" entry to your limits file so principals without their own entry are limited too',
  'catalog.lock': 'review the upstream definitions (`palisade catalog diff`), then pin them with `palisade catalog lock`',
  'catalog.drift': 'run `palisade catalog diff`; approve a reviewed change with `palisade catalog approve TOOL`, or fix the upstream',
  'catalog.blocked': 'review each quarantined upstream tool, then `palisade catalog approve TOOL` (or leave it blocked)',
  'egress.caps': 'keep egress.max_bytes <= 16777216, egress.timeout_ms <= 60000 and connect_timeout_ms <= timeout_ms',
};

/** The hint for a failed check; a generic pointer when a new check has none yet. */
export function fixHint(check: string): string {
  // Per-upstream checks are named `upstream.<name>`: one hint for all of them.
  const key = check.startsWith('upstream.') ? 'upstream.*' : check;
  return FIX_HINTS[key] ?? 'see docs/config.md for the keys this check reads';
}
