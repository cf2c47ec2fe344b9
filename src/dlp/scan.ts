import { isAlnum, isUpper, isWord, runEnd } from './chars.js';
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
const DIGIT = 1, AT = 2, UNDERSCORE = 3, DASH = 4, COLON = 5, J = 6, I = 7;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
CLASS[64] = AT; CLASS[95] = UNDERSCORE; CLASS[45] = DASH; CLASS[58] = COLON; CLASS[74] = J; CLASS[73] = I;
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
    const k = c < 128 ? CLASS[c] : 0;
    if (k === 0) { i++; continue; }
    let f: Finding | undefined;
    switch (k) {
      case DIGIT:
        if (i > 0 && isWord(text.charCodeAt(i - 1))) {
          // digits glued to a word: an IBAN ("DE89...") or part of an identifier / hash, skipped whole
          const shape = i >= 2 && isUpper(text.charCodeAt(i - 1)) && isUpper(text.charCodeAt(i - 2)) ? ibanShape(text, i - 2) : undefined;
          if (shape?.valid) f = { type: 'iban', start: i - 2, end: shape.end };
          else { i = shape ? shape.end : runEnd(text, i, isAlnum); continue; }
        } else {
          i = numericAt(text, i, hints, out);
          continue;
        }
        break;
      case AT: f = emailAt(text, i); break;
      case UNDERSCORE: f = underscoreTokenAt(text, i); break;
      case DASH: f = text.charCodeAt(i + 1) === 45 ? pemAt(text, i) : i >= 4 ? slackAt(text, i) : undefined; break;
      case COLON: f = ipv6At(text, i); break;
      case J:
        if (i >= 2 && text.charCodeAt(i - 1) === 121 && text.charCodeAt(i - 2) === 101) f = jwtAt(text, i - 2);
        break;
      case I:
        if (i >= 2 && text.charCodeAt(i + 1) === 65 && text.charCodeAt(i - 2) === 65 && (text.charCodeAt(i - 1) === 75 || text.charCodeAt(i - 1) === 83)) {
          f = awsKeyIdAt(text, i - 2);
          if (f) {
            // a secret access key travels with its key id: look a little either side
            const s = awsSecretIn(text, f.end, f.end + 96) ?? awsSecretIn(text, f.start - 136, f.start - 40);
            if (s) out.push(s);
          }
        }
        break;
    }
    if (f) { out.push(f); i = Math.max(f.end, i + 1); } else i++;
  }
  awsSecretsByName(text, out);
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
