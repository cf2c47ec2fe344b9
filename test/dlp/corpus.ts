/**
 * A labelled DLP corpus generated from a seeded PRNG: positives of every detector type
 * (valid by construction: Luhn, mod-97, token checksums, libphonenumber metadata)
 * embedded in JSON and prose, and hard negatives that look like them but are not.
 */
import { composeIBAN, countrySpecs, isValidIBAN } from 'ibantools';
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { luhn } from '../../src/dlp/detectors/card.js';
import { tokenChecksum } from '../../src/dlp/detectors/checksum.js';
import type { DetectorType } from '../../src/dlp/types.js';

export interface Sample { doc: string; type?: DetectorType; value?: string }

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  return { next, int, pick, chars };
}
export type Rng = ReturnType<typeof prng>;

export const DIGITS = '0123456789';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const B62 = DIGITS + UPPER + LOWER;
const B64URL = B62 + '-_';
const HEX = '0123456789abcdef';

// ---------- positives ----------
const NETWORKS: [string, number[], number[]][] = [
  ['4', [16, 13, 19], [4]], ['51', [16], [4]], ['55', [16], [4]], ['2221', [16], [4]], ['2720', [16], [4]],
  ['34', [15], [4, 6, 5]], ['37', [15], [4, 6, 5]], ['6011', [16], [4]], ['65', [16], [4]],
  ['3528', [16], [4]], ['3589', [16], [4]], ['36', [14], [4, 6, 4]], ['300', [14], [4, 6, 4]], ['62', [16, 19], [4]],
];

/** Completes `body` with the digit that makes it pass Luhn. */
export function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d;
  throw new Error('unreachable');
}

function group(digits: string, sizes: number[], sep: string): string {
  if (!sep) return digits;
  const out: string[] = [];
  let at = 0;
  let k = 0;
  while (at < digits.length) { const s = sizes[Math.min(k++, sizes.length - 1)]!; out.push(digits.slice(at, at + s)); at += s; }
  return out.join(sep);
}

export function card(r: Rng, valid = true): string {
  const [prefix, lengths, sizes] = r.pick(NETWORKS);
  const len = r.pick(lengths);
  let digits = withLuhn(prefix + r.chars(DIGITS, len - prefix.length - 1));
  if (!valid) digits = digits.slice(0, -1) + String((Number(digits.at(-1)) + r.int(1, 9)) % 10);
  return group(digits, sizes, r.pick(['', ' ', '-']));
}

const IBAN_COUNTRIES = ['DE', 'GB', 'FR', 'ES', 'IT', 'NL', 'AT', 'CH', 'BE', 'PL', 'SE', 'DK', 'IE', 'PT', 'FI', 'NO'];
function bban(r: Rng, re: string): string {
  let out = '';
  for (const m of re.matchAll(/\[([^\]]+)\]\{(\d+)\}/g)) {
    const set = m[1] === '0-9' ? DIGITS : m[1] === 'A-Z' ? UPPER : DIGITS + UPPER;
    out += r.chars(set, Number(m[2]));
  }
  return out;
}
export function iban(r: Rng, valid = true): string {
  for (;;) {
    const cc = r.pick(IBAN_COUNTRIES);
    const e = composeIBAN({ countryCode: cc, bban: bban(r, countrySpecs[cc]!.bban_regexp!) });
    if (!e || !isValidIBAN(e)) continue;
    let v = e;
    if (!valid) v = e.slice(0, 2) + String((Number(e.slice(2, 4)) + r.int(1, 50)) % 100).padStart(2, '0') + e.slice(4);
    if (!valid && isValidIBAN(v)) continue;
    return r.next() < 0.5 ? v : v.replace(/(.{4})(?!$)/g, '$1 ');
  }
}

export function email(r: Rng): string {
  const local = r.chars(LOWER, r.int(1, 8)) + r.pick(['', '.', '_', '+', '-']) + r.chars(LOWER + DIGITS, r.int(1, 8));
  return `${r.pick([local, local, local.toUpperCase()])}@${r.chars(LOWER, r.int(2, 10))}.${r.pick(['com', 'org', 'io', 'co.uk', 'de', 'example', 'net', 'fr'])}`;
}

const PHONE_COUNTRIES: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'AU', 'ES', 'IT', 'NL', 'MX', 'ZA', 'SG', 'CH', 'SE'];
export function phone(r: Rng): string {
  for (;;) {
    const ex = getExampleNumber(r.pick(PHONE_COUNTRIES), examples)!;
    const n = ex.number.slice(0, -3) + r.chars(DIGITS, 3);
    const p = parsePhoneNumberFromString(n);
    if (!p?.isValid()) continue;
    const intl = p.formatInternational();
    return r.pick([p.number, intl, intl.replace(/ /g, '-'), intl.replace(/ /g, '.')]);
  }
}

export function ssn(r: Rng): string {
  for (;;) {
    const area = r.int(1, 899);
    if (area === 666) continue;
    const v = `${String(area).padStart(3, '0')}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
    if (v !== '078-05-1120' && v !== '123-45-6789' && v !== '219-09-9999') return v;
  }
}

export function ipv4(r: Rng): string {
  return [r.int(1, 223), r.int(0, 255), r.int(0, 255), r.int(1, 254)].join('.');
}
export function ipv6(r: Rng): string {
  const groups = Array.from({ length: 8 }, () => r.chars(HEX, r.int(1, 4)).replace(/^0+(?=.)/, ''));
  const form = r.int(0, 2);
  if (form === 0) return groups.join(':');
  if (form === 1) return `${groups.slice(0, 3).join(':')}::${groups.slice(6).join(':')}`;
  return `::ffff:${ipv4(r)}`;
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');
export function jwt(r: Rng): string {
  const header = b64url(JSON.stringify({ alg: r.pick(['HS256', 'RS256', 'ES256', 'EdDSA']), typ: 'JWT', ...(r.next() < 0.5 && { kid: r.chars(B62, 8) }) }));
  const payload = b64url(JSON.stringify({ sub: r.chars(B62, 10), iat: r.int(1.6e9, 1.8e9), scope: 'orders.read' }));
  return `${header}.${payload}.${r.chars(B64URL, r.pick([43, 86, 342]))}`;
}

export const awsKeyId = (r: Rng) => r.pick(['AKIA', 'ASIA']) + r.chars(UPPER + '234567', 16);
export function awsSecret(r: Rng): string {
  for (;;) { const s = r.chars(B62 + '+/', 40); if (/[A-Z]/.test(s) && /[a-z]/.test(s)) return s; }
}
export function checksummed(r: Rng, prefix: string, valid = true): string {
  const body = r.chars(B62, 30);
  let sum = tokenChecksum(body);
  if (!valid) { const k = r.int(0, 5); sum = sum.slice(0, k) + (sum[k] === 'a' ? 'b' : 'a') + sum.slice(k + 1); }
  return prefix + body + sum;
}
export const githubToken = (r: Rng) => r.next() < 0.8
  ? checksummed(r, `gh${r.pick(['p', 'o', 'u', 's', 'r'])}_`)
  : `github_pat_${r.chars(B62, 22)}_${r.chars(B62, 59)}`;
export const npmToken = (r: Rng) => checksummed(r, 'npm_');
export const slackToken = (r: Rng) => r.pick([
  () => `xoxb-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(B62, 24)}`,
  () => `xoxp-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 32)}`,
  () => `xapp-1-A${r.chars(UPPER + DIGITS, 10)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 64)}`,
])();
export const stripeKey = (r: Rng) => `${r.pick(['sk_live_', 'rk_live_', 'sk_test_'])}${r.chars(B62, r.pick([24, 99]))}`;
export function privateKey(r: Rng): string {
  const label = r.pick(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
  const body = Array.from({ length: r.int(3, 12) }, () => r.chars(B62 + '+/', 64)).join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
}
