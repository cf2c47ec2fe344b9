import type { CountryCode } from 'libphonenumber-js';
import { contextBefore, isDigit, isWord } from '../chars.js';
import type { Finding } from '../types.js';
import { cardNetwork } from './card.js';
import { validIPv4 } from './ip.js';
import { hasCallingCode, phoneContext, possibleInternational, validPhone } from './phone.js';
import { ssnContext, validSsn } from './ssn.js';

/** What the caller knows about where the text came from (e.g. the JSON key `phone`). */
export interface NumericHints {
  readonly phone?: boolean;
  readonly ssn?: boolean;
  /** The key names an AWS secret access key (`SecretAccessKey`, `aws_secret`): the whole value may be one. */
  readonly awsSecret?: boolean;
  readonly defaultCountry?: CountryCode;
}

const MAX = 24;
const gs = new Int32Array(MAX);
const ge = new Int32Array(MAX);
/** Separator before group k: 1 space, 2 dash, 3 dot, 4 parenthesis forms. */
const sep = new Uint8Array(MAX);
const SPACE = 1, DASH = 2, DOT = 3, PAREN = 4;

/**
 * A run of digit groups joined by single separators (space, dash, dot, parentheses),
 * starting at `i` (a digit at a word boundary). Tries, per starting group: IPv4,
 * dashed SSN, card, phone, SSN by context. Returns where scanning resumes.
 */
export function numericAt(text: string, i: number, hints: NumericHints, out: Finding[]): number {
  let n = 0;
  let j = i;
  let digits = 0;
  for (;;) {
    const s = j;
    while (j < text.length && isDigit(text.charCodeAt(j))) j++;
    gs[n] = s; ge[n] = j; digits += j - s; n++;
    if (n === MAX) break;
    const c = text.charCodeAt(j);
    let kind = c === 32 ? SPACE : c === 45 ? DASH : c === 46 ? DOT : c === 40 || c === 41 ? PAREN : 0;
    if (!kind) break;
    let k = j + 1;
    let c2 = text.charCodeAt(k);
    if (!isDigit(c2) && ((c === 41 && c2 === 32) || (c === 32 && c2 === 40))) { kind = PAREN; c2 = text.charCodeAt(++k); }
    if (!isDigit(c2)) break;
    sep[n] = kind;
    j = k;
  }
  const end = ge[n - 1]!;
  // a last group glued to letters ("25T10", "123abc") belongs to a word, not to a number
  const usable = end < text.length && isWord(text.charCodeAt(end)) ? n - 1 : n;
  if (usable <= 0 || (digits < 7 && n < 3)) return end;
  let k = 0;
  while (k < usable) {
    const m = tryAt(text, k, n, usable, digits, hints, out);
    k = m >= 0 ? m + 1 : k + 1;
  }
  return end;
}

const len = (g: number): number => ge[g]! - gs[g]!;

function push(out: Finding[], type: Finding['type'], start: number, end: number): void {
  out.push({ type, start, end });
}

/** Tries each detector whose shape fits at group `k`; returns the last group consumed or -1. */
function tryAt(text: string, k: number, n: number, usable: number, digits: number, hints: NumericHints, out: Finding[]): number {
  const start = gs[k]!;
  // IPv4: exactly four dotted groups, not part of a longer dotted run (versions like 1.2.3.4.5)
  if (k + 3 < usable && sep[k + 1] === DOT && sep[k + 2] === DOT && sep[k + 3] === DOT
    && (k === 0 ? text.charCodeAt(start - 1) !== 46 : sep[k] !== DOT) && (k + 4 === n || sep[k + 4] !== DOT)
    && len(k) <= 3 && len(k + 1) <= 3 && len(k + 2) <= 3 && len(k + 3) <= 3) {
    const before = contextBefore(text, start, 16);
    if (!before.includes('version') && !before.includes('release') && validIPv4(text.slice(start, ge[k + 3]))) {
      push(out, 'ip', start, ge[k + 3]!);
      return k + 3;
    }
  }
  const ssn3 = k + 2 < usable && len(k) === 3 && len(k + 1) === 2 && len(k + 2) === 4;
  // SSN, dashed: 3-2-4 and not inside a longer dashed run
  if (ssn3 && sep[k + 1] === DASH && sep[k + 2] === DASH
    && (k === 0 ? text.charCodeAt(start - 1) !== 45 : sep[k] !== DASH) && (k + 3 === n || sep[k + 3] !== DASH)
    && validSsn(text.slice(start, ge[k]), text.slice(gs[k + 1]!, ge[k + 1]), text.slice(gs[k + 2]!, ge[k + 2]))) {
    push(out, 'ssn', start, ge[k + 2]!);
    return k + 2;
  }
  if (digits >= 13 && (k === 0 || sep[k] !== DOT)) {
    const m = card(text, k, n, usable, out);
    if (m >= 0) return m;
  }
  if (k === 0 && digits >= 7) {
    const m = phone(text, usable, hints, out);
    if (m >= 0) return m;
  }
  // SSN without dashes only where a key or the text says "SSN"
  const nine = len(k) === 9;
  const spaced = ssn3 && sep[k + 1] === SPACE && sep[k + 2] === SPACE;
  if ((nine || spaced) && (hints.ssn || ssnContext(contextBefore(text, start, 24)))) {
    const e = nine ? k : k + 2;
    const d = nine ? text.slice(start, ge[k]) : text.slice(start, ge[k]) + text.slice(gs[k + 1]!, ge[k + 1]) + text.slice(gs[k + 2]!, ge[k + 2]);
    if (validSsn(d.slice(0, 3), d.slice(3, 5), d.slice(5, 9))) { push(out, 'ssn', start, ge[e]!); return e; }
  }
  return -1;
}

/**
 * Cards: the whole run of groups joined by one separator (space or dash), grouped as
 * cards are printed (4-4-4-4[-1..4], 4-6-5, 4-6-4), never a slice of a longer run; or
 * one group of 13-19 digits.
 */
function card(t: string, from: number, n: number, upto: number, out: Finding[]): number {
  const kind = from + 1 < upto ? sep[from + 1]! : 0;
  if ((kind === SPACE || kind === DASH) && (from === 0 || sep[from] !== kind || len(from - 1) !== 4)) {
    let m = from + 1;
    while (m + 1 < upto && sep[m + 1] === kind) m++;
    // the run must end the number: not followed by the same separator, nor by ".digits"
    if (!(m + 1 < n && (sep[m + 1] === kind || sep[m + 1] === DOT)) && printedGrouping(from, m)) {
      let d = '';
      for (let g = from; g <= m; g++) d += t.slice(gs[g]!, ge[g]);
      if (cardNetwork(d)) { push(out, 'card', gs[from]!, ge[m]!); return m; }
    }
  }
  const l = len(from);
  if (l >= 13 && l <= 19 && !(from + 1 < n && sep[from + 1] === DOT) && cardNetwork(t.slice(gs[from]!, ge[from]))) {
    push(out, 'card', gs[from]!, ge[from]!);
    return from;
  }
  return -1;
}

function printedGrouping(from: number, to: number): boolean {
  const count = to - from + 1;
  if (count === 3) return len(from) === 4 && len(from + 1) === 6 && (len(to) === 5 || len(to) === 4);
  for (let g = from; g < to; g++) if (len(g) !== 4) return false;
  return count >= 4 && count <= 5 && len(to) >= 1 && len(to) <= 4;
}

function lastTotal(usable: number): number {
  let t = 0;
  for (let m = 0; m < usable; m++) t += len(m);
  return t;
}

function contextWindow(text: string, i: number): string {
  return text.slice(Math.max(0, i - 32), i);
}

/** Phones start the run: after `+` (any country), or under phone context (national, default country). */
function phone(text: string, usable: number, hints: NumericHints, out: Finding[]): number {
  let ps = gs[0]!;
  if (text.charCodeAt(ps - 1) === 40) ps--;
  const plus = text.charCodeAt(ps - 1) === 43;
  if (plus) ps--;
  if (plus && !hasCallingCode(text, gs[0]!)) return -1;
  // national numbers (no `+`) need 9+ digits (area code included) and context: dates and ids never reach the parser
  if (!plus && !hints.phone && (lastTotal(usable) < 9 || !phoneContext(contextWindow(text, ps)))) return -1;
  let total = 0;
  let tries = 0;
  const cands: number[] = [];
  for (let m = 0; m < usable; m++) {
    total += len(m);
    if (total > 17) break;
    if (total >= 7) cands.push(m);
  }
  if (cands.length === 0) return -1;
  for (let c = cands.length - 1; c >= 0 && tries < 3; c--, tries++) {
    const m = cands[c]!;
    const cand = text.slice(ps, ge[m]);
    if (validPhone(cand, hints.defaultCountry ?? 'US') || (hints.phone && possibleInternational(cand))) { push(out, 'phone', ps, ge[m]!); return m; }
  }
  return -1;
}
