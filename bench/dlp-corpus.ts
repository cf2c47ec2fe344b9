/**
 * Bench inputs for bench/dlp.ts, generated from a seeded PRNG:
 * - `realistic`: tool results as agents see them: JSON order records (ids, timestamps,
 *   amounts, a customer email and phone each) and prose (tickets, docs) with a few
 *   sensitive values per KiB of prose;
 * - `dense`: the test corpus (every document holds a sensitive value or a hard negative).
 */
import { negatives, positives } from '../test/dlp/corpus-docs.js';
import { card, checksummed, email, iban, phone, prng, type Rng } from '../test/dlp/corpus.js';

const WORDS = 'the a to of and in for is on that with as it at by from this be are was or an will can not your please order ticket customer refund shipped delivery invoice account update review team service support request issue status payment release deploy build config error retry timeout'.split(' ');

function sentence(r: Rng): string {
  const n = r.int(6, 18);
  const w = Array.from({ length: n }, () => r.pick(WORDS));
  w[0] = w[0]![0]!.toUpperCase() + w[0]!.slice(1);
  if (r.next() < 0.2) w.splice(r.int(1, n - 1), 0, `#${r.int(1000, 99999)}`);
  if (r.next() < 0.1) w.splice(r.int(1, n - 1), 0, `v${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}`);
  return `${w.join(' ')}.`;
}

function record(r: Rng, k: number) {
  const day = String(r.int(1, 28)).padStart(2, '0');
  return {
    orderId: `ord_${r.chars('abcdefghijklmnopqrstuvwxyz0123456789', 12)}`, region: r.pick(['eu-west', 'us-east']),
    createdAt: `2025-08-${day}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00Z`,
    status: r.pick(['paid', 'shipped', 'refunded', 'pending']), amount: { cents: r.int(500, 50000), currency: r.pick(['EUR', 'USD']) },
    email: email(r), phone: phone(r).replace(/[ .-]/g, ''), items: [{ sku: `SKU-${r.int(10000, 99999)}`, qty: r.int(1, 5) }], seq: k,
  };
}

function paragraph(r: Rng): string {
  const parts = Array.from({ length: r.int(3, 8) }, () => sentence(r));
  const x = r.next();
  if (x < 0.15) parts.splice(1, 0, `Contact ${email(r)} about it.`);
  else if (x < 0.2) parts.splice(1, 0, `Refund to ${iban(r)}.`);
  else if (x < 0.23) parts.splice(1, 0, `Card on file ${card(r)}.`);
  else if (x < 0.25) parts.splice(1, 0, `Leaked token ${checksummed(r, 'ghp_')} was revoked.`);
  else if (x < 0.3) parts.splice(1, 0, `Call ${phone(r)} after 10:00.`);
  return parts.join(' ');
}

/** About `bytes` characters: half JSON results (pages of 20 records), half prose. */
export function realistic(bytes: number, seed = 7): string {
  const r = prng(seed);
  const out: string[] = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const s = k % 2 === 0
      ? JSON.stringify({ rows: Array.from({ length: 20 }, (_, i) => record(r, k * 20 + i)), nextCursor: r.chars('abcdef0123456789', 16) }, null, k % 4 === 0 ? 2 : 0)
      : Array.from({ length: 12 }, () => paragraph(r)).join('\n\n');
    out.push(s);
    size += s.length + 1;
  }
  return out.join('\n').slice(0, bytes);
}

/** The labelled test corpus, repeated to `bytes`. */
export function dense(bytes: number, seed = 7): string {
  const r = prng(seed);
  const docs = [...positives(r, 40), ...negatives(r, 600)].sort(() => r.next() - 0.5).map((d) => d.doc);
  let out = '';
  for (let k = 0; out.length < bytes; k++) out += `${docs[k % docs.length]}\n`;
  return out.slice(0, bytes);
}
