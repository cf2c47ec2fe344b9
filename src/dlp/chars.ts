/**
 * Character classes shared by the detectors: one 128-entry table of bit flags, tested
 * by code unit. Hot loops use `CT` and the masks directly (no regex, no callbacks).
 */
export const DIGIT = 1, UPPER = 2, LOWER = 4, HEXL = 8, USCORE = 16, DASHC = 32, B64X = 64;
export const ALNUM = DIGIT | UPPER | LOWER;
export const WORD = ALNUM | USCORE;
export const B64URL = ALNUM | USCORE | DASHC;
export const B64 = ALNUM | B64X;

export const CT = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CT[c] = DIGIT | HEXL;
for (let c = 65; c <= 90; c++) CT[c] = UPPER | (c <= 70 ? HEXL : 0);
for (let c = 97; c <= 122; c++) CT[c] = LOWER | (c <= 102 ? HEXL : 0);
CT[95] = USCORE; CT[45] = DASHC; CT[43] = B64X; CT[47] = B64X;

/** True when code unit `c` has any flag of `mask`. */
export const has = (c: number, mask: number): boolean => c < 128 && (CT[c]! & mask) !== 0;
export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const isLower = (c: number): boolean => c >= 97 && c <= 122;
export const isAlnum = (c: number): boolean => has(c, ALNUM);
export const isHex = (c: number): boolean => has(c, HEXL);
/** Letters, digits and `_`: a value glued to one of these is part of a longer word. */
export const isWord = (c: number): boolean => has(c, WORD);

/** `text[i]` is a word boundary on the left: start of text or a non-word character. */
export function boundaryBefore(text: string, i: number): boolean {
  return i <= 0 || !has(text.charCodeAt(i - 1), WORD);
}

/** `text[i]` (the character after a value) does not continue it as a word. */
export function boundaryAt(text: string, i: number): boolean {
  return i >= text.length || !has(text.charCodeAt(i), WORD);
}

/** End of the run of characters with a flag in `mask`, starting at `from`, capped at `max` characters. */
export function runEnd(text: string, from: number, mask: number, max = 1 << 30): number {
  const stop = Math.min(text.length, from + max);
  let j = from;
  while (j < stop) {
    const c = text.charCodeAt(j);
    if (c >= 128 || (CT[c]! & mask) === 0) break;
    j++;
  }
  return j;
}

/** Lower-cased text just before `i` (context keywords such as "phone:" or "SSN"). */
export function contextBefore(text: string, i: number, span = 32): string {
  return text.slice(Math.max(0, i - span), i).toLowerCase();
}
