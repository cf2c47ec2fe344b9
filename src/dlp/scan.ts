import { ALNUM, CT, DIGIT, UPPER, WORD } from './chars.js';
import { awsKeyIdAt, awsSecretIn, awsSecretsByName } from './detectors/aws.js';
import { emailAt } from './detectors/email.js';
import { ibanShape } from './detectors/iban.js';
import { ipv6At } from './detectors/ip.js';
import { jwtAt } from './detectors/jwt.js';
import { numericAt, type NumericHints } from './detectors/numeric.js';
import { pemAt } from './detectors/pem.js';
import { slackAt, underscoreTokenAt } from './detectors/tokens.js';
import type { DetectorType, Finding } from './types.js';

export interface ScanOptions {
  /** Detector types to report; default all. */
  readonly types?: ReadonlySet<DetectorType>;
  /** Context the caller knows (the JSON key said `phone` / `ssn`; the country for national numbers). */
  readonly hints?: NumericHints;
}

// The prefilter, in two parts. Literal prefixes (eyJ, AKIA, -----BEGIN, xox...) are found
// by native indexOf passes. Everything else starts at a digit, `@`, `_` or `:`: a sticky
// regex skips runs of other characters natively, and JS looks only at those four.
const DIG = 1, AT = 2, UNDERSCORE = 3, COLON = 5;
const TRIGGER = new Uint8Array(128);
for (let c = 48; c <= 57; c++) TRIGGER[c] = DIG;
TRIGGER[64] = AT; TRIGGER[95] = UNDERSCORE; TRIGGER[58] = COLON;
const SKIP = /[^0-9@_:]+/y;
const T = CT; // local binding: the hot loop reads the table without a module indirection
const NO_HINTS: NumericHints = {};

/**
 * Every validated sensitive value in `text`, in order, without overlaps.
 * Characters that cannot start a candidate are skipped natively; each candidate goes
 * to its detector's validator (Luhn, mod-97, checksum, phone metadata, ...).
 *
 * @example scanText('card 4111 1111 1111 1111') // [{ type: 'card', start: 5, end: 24 }]
 */
export function scanText(text: string, options: ScanOptions = {}): Finding[] {
  const out: Finding[] = [];
  const hints = options.hints ?? NO_HINTS;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? TRIGGER[c]! : 0;
    if (k === 0) {
      SKIP.lastIndex = i;
      i = SKIP.test(text) ? SKIP.lastIndex : i + 1;
      continue;
    }
    let f: Finding | undefined;
    if (k === DIG) {
      const p = i > 0 ? text.charCodeAt(i - 1) : 32;
      if (p < 128 && (T[p]! & WORD) !== 0) {
        // digits glued to a word: an IBAN ("DE89...") or part of an identifier / hash, skipped whole
        const shape = (T[p]! & UPPER) !== 0 && i >= 2 && (T[text.charCodeAt(i - 2)]! & UPPER) !== 0 ? ibanShape(text, i - 2) : undefined;
        if (!shape?.valid) {
          if (shape) { i = shape.end; continue; }
          i++;
          while (i < n) { const d = text.charCodeAt(i); if (d >= 128 || (T[d]! & ALNUM) === 0) break; i++; }
          continue;
        }
        f = { type: 'iban', start: i - 2, end: shape.end };
      } else {
        // a short number that ends there (JSON amounts, counts, ids) is nothing: skip it inline
        let j = i + 1;
        while (j < n && (T[text.charCodeAt(j)]! & DIGIT) !== 0 && text.charCodeAt(j) < 128) j++;
        const next = j < n ? text.charCodeAt(j) : 0;
        if (j - i < 7 && next !== 32 && next !== 45 && next !== 46 && next !== 40 && next !== 41 && !(i > 0 && (text.charCodeAt(i - 1) === 43 || text.charCodeAt(i - 1) === 40))) { i = j; continue; }
        i = numericAt(text, i, hints, out);
        continue;
      }
    } else if (k === AT) f = emailAt(text, i);
    else if (k === UNDERSCORE) f = underscoreTokenAt(text, i);
    else f = ipv6At(text, i);
    if (f) { out.push(f); i = Math.max(f.end, i + 1); } else i++;
  }
  if (n >= 20) literalPasses(text, out); // the shortest prefixed value (an AWS key id) has 20 characters
  return settle(out, options.types);
}

/** Detectors that start with a fixed prefix, each found by a native search. */
function literalPasses(text: string, out: Finding[]): void {
  for (let p = text.indexOf('eyJ'); p >= 0; p = text.indexOf('eyJ', p + 3)) {
    const f = jwtAt(text, p);
    if (f) { out.push(f); p = f.end - 3; }
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
  for (let p = text.indexOf('-----BEGIN '); p >= 0; p = text.indexOf('-----BEGIN ', p + 11)) {
    const f = pemAt(text, p);
    if (f) { out.push(f); p = f.end - 11; }
  }
  for (const prefix of ['xox', 'xapp-']) {
    for (let p = text.indexOf(prefix); p >= 0; p = text.indexOf(prefix, p + 3)) {
      const f = slackAt(text, p + 4);
      if (f) { out.push(f); p = f.end - 3; }
    }
  }
  if (text.length >= 40) awsSecretsByName(text, out);
}

/** Sorted by start; of two overlapping findings the longer wins; types filtered. */
function settle(found: Finding[], types: ReadonlySet<DetectorType> | undefined): Finding[] {
  let list = types ? found.filter((f) => types.has(f.type)) : found;
  let ordered = true;
  for (let k = 1; k < list.length && ordered; k++) ordered = list[k]!.start >= list[k - 1]!.end;
  if (ordered) return list;
  list = [...list].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of list) {
    const last = out[out.length - 1];
    if (!last || f.start >= last.end) out.push(f);
    else if (f.end - f.start > last.end - last.start) out[out.length - 1] = f;
  }
  return out;
}
