import type { LoadedConfig } from '../config/load.js';
import { egressFindings, type Finding } from '../egress/config.js';
import { limitsFindings } from '../limits/doctor.js';
import type { CertificateInfo } from '../transport/certs.js';
import { fixHint } from './doctor-hints.js';

export type { Finding };

/** What doctor looked up outside the configuration (files, environment), so the checks stay pure. */
export interface DoctorFacts {
  readonly production: boolean;
  /** The serving certificate: where it is, and what it is (undefined: missing or unreadable). */
  readonly cert: { readonly file: string; readonly info: CertificateInfo | undefined; readonly development: boolean } | undefined;
}

const REQUIRED_CLAIMS = ['aud', 'iss', 'sub', 'exp', 'jti'] as const;
const pass = (check: string, reason: string): Finding => ({ check, ok: true, reason });
const fail = (check: string, reason: string): Finding => ({ check, ok: false, reason });

/** The operate checklist of the seed's Play 2 (plus egress), judged on the loaded configuration. */
export function doctorFindings(loaded: LoadedConfig, facts: DoctorFacts): Finding[] {
  const { config, baseline } = loaded;
  const b = baseline.transport;
  const a = baseline.auth;
  const out: Finding[] = [];
  const plain = config.server.http.insecure_http;

  out.push(plain
    ? fail('tls.min_version', 'server.http.insecure_http serves plain HTTP')
    : pass('tls.min_version', `TLS ${b.tls_min_version} or newer (baseline transport.tls_min_version)`));

  const ca = config.server.tls.client_ca_file;
  if (!b.mtls) out.push(fail('tls.mtls', 'baseline transport.mtls is false: clients are not authenticated by certificate'));
  else if (!ca) out.push(fail('tls.mtls', loaded.development
    ? 'baseline asks for mTLS but the development default has no client CA: serving without mTLS'
    : 'baseline asks for mTLS but server.tls.client_ca_file is not set (start is refused)'));
  else out.push(pass('tls.mtls', 'client certificates required and verified against server.tls.client_ca_file'));

  if (plain) {
    out.push(fail('tls.certificate', 'no certificate: plain HTTP'));
  } else if (!facts.cert) {
    out.push(fail('tls.certificate', 'server.tls.cert_file is not set and a non-loopback bind has no development certificate'));
  } else if (!facts.cert.info) {
    out.push(fail('tls.certificate', facts.cert.development
      ? `development certificate ${facts.cert.file} not created yet (the first \`palisade serve\` creates it)`
      : `${facts.cert.file} is missing or not a PEM certificate`));
  } else {
    const i = facts.cert.info;
    const days = Math.floor(i.daysLeft);
    const kind = i.selfSigned ? (facts.cert.development ? 'self-signed development certificate' : 'self-signed certificate') : 'certificate';
    if (i.daysLeft <= 0) out.push(fail('tls.certificate', `${kind} expired on ${i.notAfter.toISOString().slice(0, 10)}`));
    else if (i.daysLeft < 14) out.push(fail('tls.certificate', `${kind} expires in ${days} days`));
    else if (i.selfSigned && facts.production) out.push(fail('tls.certificate', `${kind} in production`));
    else out.push(pass('tls.certificate', `${kind}, expires in ${days} days (${i.notAfter.toISOString().slice(0, 10)})`));
    const period = Math.round(i.validityDays);
    out.push(i.validityDays <= b.cert_rotation_days + 1
      ? pass('tls.cert_rotation', `validity ${period} days <= cert_rotation_days ${b.cert_rotation_days}`)
      : fail('tls.cert_rotation', `validity ${period} days is longer than cert_rotation_days ${b.cert_rotation_days}`));
  }

  out.push(a.max_ttl_seconds <= 600
    ? pass('auth.token_ttl', `token lifetime at most ${a.max_ttl_seconds} s`)
    : fail('auth.token_ttl', `max_ttl_seconds ${a.max_ttl_seconds} is above 600 (10 minutes)`));
  out.push(a.replay_window_minutes * 60 >= a.max_ttl_seconds
    ? pass('auth.replay_window', `jti kept ${a.replay_window_minutes} min >= token lifetime; replay mode ${config.auth.replay}`)
    : fail('auth.replay_window', `replay window ${a.replay_window_minutes} min is shorter than the token lifetime ${a.max_ttl_seconds} s`));
  const missing = REQUIRED_CLAIMS.filter((c) => !a.claims.includes(c));
  out.push(missing.length === 0
    ? pass('auth.required_claims', `${a.claims.join(', ')} required`)
    : fail('auth.required_claims', `baseline auth.claims lacks ${missing.join(', ')}`));

  if (config.auth.mode === 'none') out.push(fail('auth.mode', 'auth.mode none: no authentication (development, loopback only)'));
  else if (config.auth.issuers.length === 0) out.push(loaded.development && !facts.production
    ? pass('auth.mode', 'JWT from the development issuer only (no issuers configured)')
    : fail('auth.mode', `auth.mode jwt but no auth.issuers configured${facts.production ? ' (start is refused in production)' : ''}`));
  else out.push(pass('auth.mode', `JWT from ${config.auth.issuers.length} configured issuer(s)`));
  const weak = config.auth.algorithms.filter((x) => /^(none|HS\d+)$/i.test(x));
  out.push(weak.length === 0 && config.auth.hs_secret === undefined
    ? pass('auth.algorithms', `asymmetric only (${config.auth.algorithms.join(', ')})`)
    : fail('auth.algorithms', 'symmetric or none algorithms are enabled'));

  const provider = config.secrets.provider;
  if (provider === 'env' && facts.production) out.push(fail('secrets.provider', `env secrets in production${baseline.secrets.forbid_env_for_prod ? ' (forbid_env_for_prod: start is refused)' : ''}`));
  else out.push(pass('secrets.provider', `${provider}${facts.production ? '' : ' (not production)'}`));

  out.push(...egressFindings(config.egress, { production: facts.production }));
  out.push(...limitsFindings(loaded, { production: facts.production }));
  return out;
}

/** `PASS <check>: <reason>` / `FAIL <check>: <reason>` followed by `  fix: <how>`. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => (f.ok ? `PASS ${f.check}: ${f.reason}` : `FAIL ${f.check}: ${f.reason}\n  fix: ${fixHint(f.check)}`)).join('\n');
}
