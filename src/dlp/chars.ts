/** Character classes shared by the detectors; all ASCII, tested by code unit (no regex on the hot path). */

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const isLower = (c: number): boolean => c >= 97 && c <= 122;
export const isAlpha = (c: number): boolean => isUpper(c) || isLower(c);
export const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
export const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** Letters, digits and `_`: a value glued to one of these is part of a longer word. */
export const isWord = (c: number): boolean => isAlnum(c) || c === 95;
/** base64url alphabet (JWT segments). */
export const isB64Url = (c: number): boolean => isAlnum(c) || c === 45 || c === 95;
/** base64 alphabet without padding (AWS secrets). */
export const isB64 = (c: number): boolean => isAlnum(c) || c === 43 || c === 47;

/** `text[i]` is a word boundary on the left: start of text or a non-word character. */
export function boundaryBefore(text: string, i: number): boolean {
  return i <= 0 || !isWord(text.charCodeAt(i - 1));
}

/** `text[i]` (the character after a value) does not continue it as a word. */
export function boundaryAt(text: string, i: number): boolean {
  return i >= text.length || !isWord(text.charCodeAt(i));
}

/** End of the run of characters accepted by `ok`, starting at `from`, capped at `max` characters. */
export function runEnd(text: string, from: number, ok: (c: number) => boolean, max = Infinity): number {
  const stop = Math.min(text.length, from + max);
  let j = from;
  while (j < stop && ok(text.charCodeAt(j))) j++;
  return j;
}

/** Lower-cased text just before `i` (context keywords such as "phone:" or "SSN"). */
export function contextBefore(text: string, i: number, span = 32): string {
  return text.slice(Math.max(0, i - span), i).toLowerCase();
}
