import { countrySpecs, isValidIBAN } from 'ibantools';
import { boundaryAt, boundaryBefore, isDigit, isUpper } from '../chars.js';
import type { Finding } from '../types.js';

/**
 * IBAN starting at `start` (two capital letters, then the check digits), electronic
 * (`DE89370400440532013000`) or print form (groups of four separated by one space).
 * Exactly the country's length is consumed; mod-97 and the BBAN format are checked by ibantools.
 */
export function ibanAt(text: string, start: number): Finding | undefined {
  const shape = ibanShape(text, start);
  return shape?.valid ? { type: 'iban', start, end: shape.end } : undefined;
}

/**
 * Where an IBAN-shaped run starting at `start` ends, and whether it verifies. A run with
 * the right shape that fails mod-97 is skipped whole, so no card or phone is read out of it.
 */
export function ibanShape(text: string, start: number): { end: number; valid: boolean } | undefined {
  if (!boundaryBefore(text, start)) return undefined;
  const spec = countrySpecs[text.slice(start, start + 2)];
  const len = spec?.chars;
  if (!len || !spec.bban_regexp) return undefined;
  let j = start;
  let got = '';
  while (got.length < len && j < text.length) {
    const c = text.charCodeAt(j);
    if (isUpper(c) || isDigit(c)) { got += text[j]; j++; continue; }
    // print form: one space after every fourth character, followed by more of the IBAN
    if (c === 32 && got.length % 4 === 0 && got.length > 0 && j + 1 < text.length && text.charCodeAt(j + 1) !== 32) { j++; continue; }
    break;
  }
  if (got.length !== len || !boundaryAt(text, j)) return undefined;
  return { end: j, valid: isValidIBAN(got) };
}
