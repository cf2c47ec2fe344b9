import { ALNUM, CT, UPPER, WORD } from './chars.js';
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

// The prefilter: one pass over the code units; only these characters can start a candidate.
const DIG = 1, AT = 2, UNDERSCORE = 3, DASH = 4, COLON = 5, J = 6, I = 7;
const TRIGGER = new Uint8Array(128);
for (let c = 48; c <= 57; c++) TRIGGER[c] = DIG;
TRIGGER[64] = AT; TRIGGER[95] = UNDERSCORE; TRIGGER[45] = DASH; TRIGGER[58] = COLON; TRIGGER[74] = J; TRIGGER[73] = I;
const T = CT; // local binding: the hot loop reads the table without a module indirection
const NO_HINTS: NumericHints = {};

/**
 * Every validated sensitive value in `text`, in order, without overlaps.
 * Characters that cannot start a candidate cost one table lookup; each candidate
 * goes to its detector's validator (Luhn, mod-97, checksum, libphonenumber, ...).
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
    if (k === 0) { i++; continue; }
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
        i = numericAt(text, i, hints, out);
        continue;
      }
    } else if (k === AT) f = emailAt(text, i);
    else if (k === UNDERSCORE) f = underscoreTokenAt(text, i);
    else if (k === DASH) f = text.charCodeAt(i + 1) === 45 ? pemAt(text, i) : i >= 4 ? slackAt(text, i) : undefined;
    else if (k === COLON) f = ipv6At(text, i);
    else if (k === J) { if (i >= 2 && text.charCodeAt(i - 1) === 121 && text.charCodeAt(i - 2) === 101) f = jwtAt(text, i - 2); }
    else if (i >= 2 && text.charCodeAt(i + 1) === 65 && text.charCodeAt(i - 2) === 65 && (text.charCodeAt(i - 1) === 75 || text.charCodeAt(i - 1) === 83)) {
      f = awsKeyIdAt(text, i - 2);
      // a secret access key travels with its key id: look a little either side
      const s = f && (awsSecretIn(text, f.end, f.end + 96) ?? awsSecretIn(text, f.start - 136, f.start - 40));
      if (s) out.push(s);
    }
    if (f) { out.push(f); i = Math.max(f.end, i + 1); } else i++;
  }
  if (n >= 40) awsSecretsByName(text, out);
  return settle(out, options.types);
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
