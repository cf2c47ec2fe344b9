import { ALNUM, CT, HEXL, UPPER, WORD } from './chars.js';
import { awsKeyIdAt, awsSecretIn, awsSecretsByName } from './detectors/aws.js';
import { emailAt } from './detectors/email.js';
import { ibanShape } from './detectors/iban.js';
import { ipv6At } from './detectors/ip.js';
import { jwtAt } from './detectors/jwt.js';
import { numericAt, type NumericHints } from './detectors/numeric.js';
import { pemAt } from './detectors/pem.js';
import { slackAt, underscoreTokenAt } from './detectors/tokens.js';
import type { DetectorType, Finding } from './types.js';
import { codeUnits, SHORT, shortUnits } from './units.js';

export interface ScanOptions {
  /** Detector types to report; default all. */
  readonly types?: ReadonlySet<DetectorType>;
  /** Context the caller knows (the JSON key said `phone` / `ssn`; the country for national numbers). */
  readonly hints?: NumericHints;
}

// The prefilter, in two parts. Everything but prefixed tokens starts at a digit, `@`, `_`
// or `:`; the text is copied once into a typed array (a native memcpy) and one loop over
// its code units stops only at those four: reading a typed array costs a fraction of
// `charCodeAt`, and a regex skip pays a call per stop. Literal prefixes (eyJ, AKIA,
// -----BEGIN, xox...) are found by native indexOf passes on their rarest characters.
const DIG = 1, AT = 2, UNDERSCORE = 3, COLON = 5;
const TRIGGER = new Uint8Array(128);
for (let c = 48; c <= 57; c++) TRIGGER[c] = DIG;
TRIGGER[64] = AT; TRIGGER[95] = UNDERSCORE; TRIGGER[58] = COLON;
const T = CT; // local binding: the hot loop reads the table without a module indirection
const NO_HINTS: NumericHints = {};
/** What a clean text returns (most texts): no array per scan. */
const NONE: readonly Finding[] = Object.freeze([]);
/** The findings of the scan under way, reused (a scan is synchronous); `settle` hands out a copy. */
const found: Finding[] = [];

/**
 * Every validated sensitive value in `text`, in order, without overlaps.
 * Characters that cannot start a candidate cost one typed-array read each; each
 * candidate goes to its detector's validator (Luhn, mod-97, checksum, phone metadata, ...).
 *
 * @example scanText('card 4111 1111 1111 1111') // [{ type: 'card', start: 5, end: 24 }]
 */
export function scanText(text: string, options: ScanOptions = {}): readonly Finding[] {
  const n = text.length;
  if (n < 3) return NONE; // nothing shorter is a value
  const out = found;
  // emptied by pop: `length = 0` is a runtime call and drops the backing store, which the next push allocates again
  while (out.length !== 0) out.pop();
  // A value under a key that names an AWS secret: the key is the context the text lacks.
  if (options.hints?.awsSecret && n >= 40 && n <= 48) { const f = awsSecretIn(text, 0, 8); if (f) out.push(f); }
  if (n < SHORT) return scanShort(text, n, options, out);
  candidates(text, codeUnits(text), n, options.hints ?? NO_HINTS, out);
  literalPasses(text, out);
  return settle(out, options.types);
}

/**
 * Short texts (most strings of a structured result): copied in JS while noting whether
 * any trigger or literal lead occurs, so a clean string costs one look per character.
 */
function scanShort(text: string, n: number, options: ScanOptions, out: Finding[]): readonly Finding[] {
  const units = shortUnits(n);
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    units[i] = c;
    if (c < 128) seen |= MARK[c]!;
  }
  if ((seen & TRIGGERED) !== 0) candidates(text, units, n, options.hints ?? NO_HINTS, out);
  // the shortest prefixed value (an AWS key id) has 20 characters
  if (n >= 20 && (seen & LEADS) !== 0 && mayHoldLiteral(units, n)) literalPasses(text, out);
  return settle(out, options.types);
}

/** The trigger loop over `b` (the code units of `text`); detectors validate on `text`. */
function candidates(text: string, b: Uint16Array, n: number, hints: NumericHints, out: Finding[]): void {
  let i = 0;
  while (i < n) {
    let c = b[i]!;
    while (c >= 128 || TRIGGER[c] === 0) {
      // two units a turn: prose between triggers runs long
      if (i + 2 < n) {
        const d = b[i + 1]!;
        if (d < 128 && TRIGGER[d] !== 0) { c = d; i++; break; }
        i += 2;
      } else if (++i === n) return;
      c = b[i]!;
    }
    const k = TRIGGER[c]!;
    let f: Finding | undefined;
    if (k === DIG) {
      const p = i > 0 ? b[i - 1]! : 32;
      if (p < 128 && (T[p]! & WORD) !== 0) {
        // digits glued to a word: an IBAN ("DE89...") or part of an identifier / hash, skipped whole
        const q = i >= 2 ? b[i - 2]! : 0;
        const shape = (T[p]! & UPPER) !== 0 && q < 128 && (T[q]! & UPPER) !== 0 ? ibanShape(text, i - 2) : undefined;
        if (!shape?.valid) {
          if (shape) { i = shape.end; continue; }
          i++;
          while (i < n) { const d = b[i]!; if (d >= 128 || (T[d]! & ALNUM) === 0) break; i++; }
          continue;
        }
        f = { type: 'iban', start: i - 2, end: shape.end };
      } else {
        // a short number that ends there (JSON amounts, counts, ids) is nothing: skip it inline
        let j = i + 1;
        while (j < n && b[j]! - 48 >>> 0 < 10) j++;
        const next = j < n ? b[j]! : 0;
        if (j - i < 7 && next !== 32 && next !== 45 && next !== 46 && next !== 40 && next !== 41 && p !== 43 && p !== 40) { i = j; continue; }
        // an ISO date (yyyy-mm-dd, alone or before `T`): 8 digits by dashes fit no numeric type
        // (national phones need 9+ digits or a phone-named key, SSNs 9, cards 13, IPv4 dots)
        if (j - i === 4 && next === 45 && p !== 43 && p !== 40 && hints.phone !== true && hints.ssn !== true) {
          const e = isoDateEnd(b, j, n);
          if (e > 0) { i = e; continue; }
        }
        i = numericAt(text, i, hints, out);
        continue;
      }
    } else if (k === AT) f = emailAt(text, i, b);
    else if (k === UNDERSCORE) f = underscoreTokenAt(text, i);
    else if (i > 0 && i + 1 < n && isV6Edge(b[i - 1]!) && isV6Edge(b[i + 1]!)) f = ipv6At(text, i); // JSON `":` and `: ` cost nothing
    if (f) { out.push(f); i = f.end > i ? f.end : i + 1; } else i++;
  }
}

/** Where a `-mm-dd` at `j` ends when nothing numeric continues it (end, `T`, quote, letter...); else 0. */
function isoDateEnd(b: Uint16Array, j: number, n: number): number {
  if (j + 5 >= n || b[j + 3] !== 45) return 0;
  if (b[j + 1]! - 48 >>> 0 >= 10 || b[j + 2]! - 48 >>> 0 >= 10 || b[j + 4]! - 48 >>> 0 >= 10 || b[j + 5]! - 48 >>> 0 >= 10) return 0;
  const e = j + 6;
  if (e === n) return e;
  const c = b[e]!;
  return c - 48 >>> 0 < 10 || c === 45 || c === 46 || c === 32 || c === 40 || c === 41 || c === 43 || c === 47 ? 0 : e;
}

/** A hex digit or `:` (the only characters IPv6 has on both sides of a colon). */
const isV6Edge = (c: number): boolean => c === 58 || (c < 128 && (T[c]! & HEXL) !== 0);

// Leads of the literal prefixes, for short texts: one look at the code units already
// copied costs less than a native search per prefix. A superset: literalPasses decides.
const J = 74, I = 73, N = 78, X = 120, TL = 116, TU = 84;
const LEAD = new Uint8Array(128);
for (const c of [J, I, N, X, TL, TU]) LEAD[c] = 1;
/** What a short text's copy loop notes: a trigger (the candidate loop has work) or a literal lead. */
const TRIGGERED = 1, LEADS = 2;
const MARK = new Uint8Array(128);
for (let c = 0; c < 128; c++) MARK[c] = (TRIGGER[c] !== 0 ? TRIGGERED : 0) | (LEAD[c] !== 0 ? LEADS : 0);

/** True when `b[0..n)` may hold eyJ, AKIA/ASIA, BEGIN, xo/xa, cret/CRET. */
function mayHoldLiteral(b: Uint16Array, n: number): boolean {
  for (let i = 2; i < n; i++) {
    const c = b[i]!;
    if (c >= 128 || LEAD[c] === 0) continue;
    const p = b[i - 1]!;
    const q = b[i - 2]!;
    if (c === J ? p === 121 && q === 101
      : c === I ? q === 65 && (p === 75 || p === 83)
      : c === N ? p === I && q === 71
      : c === X ? isSlackLead(b, i, n)
      : c === TL ? p === 101 && q === 114
      : p === 69 && q === 82) return true;
  }
  return (b[0] === X && isSlackLead(b, 0, n)) || (n > 1 && b[1] === X && isSlackLead(b, 1, n));
}

/** `x` at `i` starts "xox" or "xap" (Slack tokens): an `x` in "example.com" does not send the text to literalPasses. */
function isSlackLead(b: Uint16Array, i: number, n: number): boolean {
  if (i + 2 >= n) return false;
  const d = b[i + 1]!, e = b[i + 2]!;
  return (d === 111 && e === X) || (d === 97 && e === 112);
}

/** Detectors that start with a fixed prefix, each found by a native search. */
function literalPasses(text: string, out: Finding[]): void {
  // each search is for the prefix's rarest characters ("J", "BEGIN "): a common first
  // letter ("e", "-") makes the native search stop at every one of them
  for (let p = text.indexOf('J', 2); p >= 0; p = text.indexOf('J', p + 1)) {
    if (text.charCodeAt(p - 1) !== 121 || text.charCodeAt(p - 2) !== 101) continue; // "ey"
    const f = jwtAt(text, p - 2);
    if (f) { out.push(f); p = f.end + 1; }
  }
  for (const prefix of ['AKIA', 'ASIA']) {
    for (let p = text.indexOf(prefix); p >= 0; p = text.indexOf(prefix, p + 4)) {
      const f = awsKeyIdAt(text, p);
      if (!f) continue;
      out.push(f);
      // a secret access key travels with its key id: look a little either side
      const s = awsSecretIn(text, f.end, f.end + 96) ?? awsSecretIn(text, f.start - 136, f.start - 40);
      if (s) out.push(s);
    }
  }
  for (let p = text.indexOf('BEGIN ', 5); p >= 0; p = text.indexOf('BEGIN ', p + 6)) {
    if (!text.startsWith('-----', p - 5)) continue;
    const f = pemAt(text, p - 5);
    if (f) { out.push(f); p = f.end - 1; }
  }
  for (const prefix of ['xox', 'xapp-']) {
    for (let p = text.indexOf(prefix); p >= 0; p = text.indexOf(prefix, p + 3)) {
      const f = slackAt(text, p + 4);
      if (f) { out.push(f); p = f.end - 3; }
    }
  }
  if (text.length >= 40) awsSecretsByName(text, out);
}

/** Sorted by start; of two overlapping findings the longer wins; types filtered. A new array (or NONE). */
function settle(pending: Finding[], types: ReadonlySet<DetectorType> | undefined): readonly Finding[] {
  if (pending.length === 0) return NONE;
  let list = types ? pending.filter((f) => types.has(f.type)) : pending.slice();
  let ordered = true;
  for (let k = 1; k < list.length && ordered; k++) ordered = list[k]!.start >= list[k - 1]!.end;
  if (ordered) return list.length ? list : NONE;
  list = list.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of list) {
    const last = out[out.length - 1];
    if (!last || f.start >= last.end) out.push(f);
    else if (f.end - f.start > last.end - last.start) out[out.length - 1] = f;
  }
  return out;
}
