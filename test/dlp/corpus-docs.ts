/** Embeds generated values in realistic JSON results and prose; builds the hard negatives. */
import type { DetectorType } from '../../src/dlp/types.js';
import * as g from './corpus.js';
import { B62, DIGITS, LOWER, UPPER, type Rng } from './corpus.js';

export interface Label { type: DetectorType; value: string }
export interface Doc { doc: string; labels: Label[] }

const HEX = '0123456789abcdef';
const uuid = (r: Rng) => `${r.chars(HEX, 8)}-${r.chars(HEX, 4)}-4${r.chars(HEX, 3)}-${r.pick(['8', '9', 'a', 'b'])}${r.chars(HEX, 3)}-${r.chars(HEX, 12)}`;
const iso = (r: Rng) => `20${r.int(10, 29)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00Z`;

function bareSecret(r: Rng): string { return g.awsSecret(r); }

/** Values that look like the real thing and are not. */
export const HARD_NEGATIVES: ((r: Rng) => string)[] = [
  (r) => g.card(r, false),
  (r) => g.card(r, false),
  (r) => `ORD-20${r.int(10, 29)}-${r.chars(DIGITS, 6)}`,
  (r) => `order #${r.chars(DIGITS, 12)}`,
  (r) => `INV${r.chars(DIGITS, 10)}`,
  (r) => String(r.int(1.5e9, 1.9e9)),
  (r) => String(r.int(1.5e12, 1.9e12)),
  (r) => iso(r),
  (r) => `${iso(r).slice(0, 10)} ${String(r.int(0, 23)).padStart(2, '0')}:15:00 +0000`,
  (r) => uuid(r),
  (r) => `${r.int(0, 20)}.${r.int(0, 40)}.${r.int(0, 200)}`,
  (r) => `v${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
  (r) => `version ${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
  (r) => `${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
  (r) => `10.0.${r.int(10000, 22000)}.${r.int(1, 999)}`,
  (r) => r.chars(HEX, 40),
  (r) => `commit ${r.chars(HEX, 7)}`,
  (r) => g.checksummed(r, `gh${r.pick(['p', 'o', 'u', 's', 'r'])}_`, false),
  (r) => g.checksummed(r, 'npm_', false),
  (r) => `gh${r.pick(['p', 'o'])}_${r.chars(B62, 30)}`,
  (r) => `+0 ${r.chars(DIGITS, 3)} ${r.chars(DIGITS, 3)} ${r.chars(DIGITS, 4)}`,
  (r) => `+999 ${r.chars(DIGITS, 4)} ${r.chars(DIGITS, 4)}`,
  (r) => `+44 ${r.chars(DIGITS, 2)}`,
  (r) => `ref ${r.pick(['2', '4', '6', '8'])}${r.chars(DIGITS, 9)}`,
  (r) => `SKU ${r.chars(DIGITS, 4)}-${r.chars(DIGITS, 3)}-${r.chars(DIGITS, 3)}`,
  (r) => `${r.pick(['000', '666', '9' + r.chars(DIGITS, 2)])}-${r.chars('123456789', 2)}-${r.chars('123456789', 4)}`,
  (r) => `${r.chars('12345678', 3)}-00-${r.chars('123456789', 4)}`,
  (r) => `${r.chars('12345678', 3)}-${r.chars('123456789', 2)}-0000`,
  (r) => r.pick(['078-05-1120', '123-45-6789', '219-09-9999']),
  (r) => r.chars('12345678', 9),
  (r) => g.iban(r, false),
  (r) => `eyJ${r.chars(B62, 20)}.eyJ${r.chars(B62, 30)}.${r.chars(B62, 43)}`,
  (r) => `eyJhbGciOiJIUzI1NiJ9.eyJ${r.chars(B62, 20)}`,
  (r) => `AKIA${r.chars(UPPER, 15)}`,
  (r) => `AKIA${r.chars(LOWER, 16)}`,
  (r) => `aws_secret_access_key = ${r.chars(HEX, 40)}`,
  bareSecret,
  (r) => `${r.chars(LOWER, 5)}@localhost`,
  (r) => `@${r.chars(LOWER, 8)}`,
  (r) => `icon@${r.int(2, 3)}x.png`,
  (r) => `npm i ${r.chars(LOWER, 6)}@${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
  (r) => `${r.int(256, 999)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`,
  (r) => `${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`,
  (r) => Array.from({ length: 6 }, () => r.chars('0123456789ABCDEF', 2)).join(':'),
  (r) => `sk_live_${r.chars(B62, 10)}`,
  (r) => `xoxb-${r.chars(LOWER, 6)}-${r.chars(LOWER, 4)}`,
  (r) => `-----BEGIN ${r.pick(['PUBLIC KEY', 'CERTIFICATE'])}-----\n${r.chars(B62, 64)}\n-----END ${r.pick(['PUBLIC KEY', 'CERTIFICATE'])}-----`,
  (r) => `${r.chars(DIGITS, 10)}.${r.chars(DIGITS, 2)}`,
];

const FILLER_NEGATIVES = HARD_NEGATIVES.filter((f) => f !== bareSecret);

const POSITIVES: [DetectorType, (r: Rng) => string, string[]][] = [
  ['email', g.email, ['email', 'contact', 'note']],
  ['phone', g.phone, ['phone', 'mobile', 'note']],
  ['card', (r) => g.card(r), ['card', 'pan', 'note']],
  ['iban', (r) => g.iban(r), ['iban', 'account', 'note']],
  ['ssn', g.ssn, ['ssn', 'tax_id', 'note']],
  ['ip', (r) => (r.next() < 0.5 ? g.ipv4(r) : g.ipv6(r)), ['ip', 'client_ip', 'remote']],
  ['jwt', g.jwt, ['token', 'authorization', 'note']],
  ['aws_access_key', g.awsKeyId, ['access_key_id', 'key', 'note']],
  ['github_token', g.githubToken, ['token', 'pat', 'note']],
  ['slack_token', g.slackToken, ['token', 'bot_token', 'note']],
  ['stripe_key', g.stripeKey, ['stripe', 'api_key', 'note']],
  ['npm_token', g.npmToken, ['npm', 'auth', 'note']],
  ['private_key', g.privateKey, ['key', 'pem', 'note']],
];

const WORDS = ['the', 'order', 'was', 'shipped', 'refund', 'pending', 'customer', 'asked', 'about', 'status', 'team', 'review', 'invoice', 'today', 'please', 'check', 'update'];
function filler(r: Rng, hard: boolean): string {
  const parts: string[] = [];
  for (let k = r.int(4, 10); k > 0; k--) {
    const x = r.next();
    // (a bare 40-character base64 string is left out of filler: next to a key id it *is* the secret)
    if (hard && x < 0.15) parts.push(r.pick(FILLER_NEGATIVES)(r));
    else if (x < 0.3) parts.push(`${r.int(1, 999)}.${String(r.int(0, 99)).padStart(2, '0')} EUR`);
    else parts.push(r.pick(WORDS));
  }
  return parts.join(' ');
}

function jsonDoc(r: Rng, key: string, value: string, hard: boolean): { doc: string; value: string } {
  const obj = {
    id: `ord_${r.chars(B62, 12)}`, created_at: iso(r), amount_cents: r.int(100, 999999), currency: r.pick(['EUR', 'USD']),
    [key]: value, items: [{ sku: `SKU-${r.chars(DIGITS, 5)}`, qty: r.int(1, 9) }], comment: filler(r, hard),
  };
  const doc = JSON.stringify(obj, null, r.next() < 0.5 ? 0 : 2);
  return { doc, value: JSON.stringify(value).slice(1, -1) };
}

function proseDoc(r: Rng, type: DetectorType, value: string, hard: boolean): string {
  const lead = type === 'aws_secret' ? '' : r.pick(['Details:', 'As requested,', 'FYI', 'Found in the ticket:', 'Value']);
  return `${filler(r, hard)}. ${lead} ${value} ${r.pick(['.', ',', ' ', '\n'])}${filler(r, hard)}.`;
}

/** One document per positive, labelled; some AWS secrets travel next to their key id. */
export function positives(r: Rng, perType: number): Doc[] {
  const out: Doc[] = [];
  for (const [type, make, keys] of POSITIVES) {
    for (let k = 0; k < perType; k++) {
      const value = make(r);
      if (r.next() < 0.5) { const j = jsonDoc(r, r.pick(keys), value, k % 2 === 0); out.push({ doc: j.doc, labels: [{ type, value: j.value }] }); }
      else out.push({ doc: proseDoc(r, type, value, k % 2 === 0), labels: [{ type, value }] });
    }
  }
  for (let k = 0; k < perType; k++) {
    const secret = g.awsSecret(r);
    const form = k % 4;
    if (form === 0) out.push({ doc: `[default]\naws_secret_access_key = ${secret}\nregion = eu-west-1`, labels: [{ type: 'aws_secret', value: secret }] });
    else if (form === 1) out.push({ doc: JSON.stringify({ Credentials: { SecretAccessKey: secret, Expiration: iso(r) } }), labels: [{ type: 'aws_secret', value: secret }] });
    else if (form === 2) out.push({ doc: `export AWS_SECRET_ACCESS_KEY=${secret}`, labels: [{ type: 'aws_secret', value: secret }] });
    else {
      const id = g.awsKeyId(r);
      out.push({ doc: JSON.stringify({ AccessKeyId: id, SecretAccessKey: secret }), labels: [{ type: 'aws_access_key', value: id }, { type: 'aws_secret', value: secret }] });
    }
  }
  return out;
}

/** Documents holding only hard negatives (one to three each). */
export function negatives(r: Rng, count: number): Doc[] {
  const out: Doc[] = [];
  for (let k = 0; k < count; k++) {
    const vals = Array.from({ length: r.int(1, 3) }, () => HARD_NEGATIVES[(k + r.int(0, 1000)) % HARD_NEGATIVES.length]!(r));
    const doc = r.next() < 0.5 ? JSON.stringify({ id: uuid(r), values: vals, note: filler(r, true) }) : `${filler(r, true)} ${vals.join(' and ')} ${filler(r, true)}`;
    out.push({ doc, labels: [] });
  }
  return out;
}
