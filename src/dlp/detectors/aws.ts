import { B64, boundaryAt, boundaryBefore, has, isDigit, isLower, isUpper, isWord } from '../chars.js';

const isB64 = (c: number) => has(c, B64);
import type { Finding } from '../types.js';

/** AKIA (long-term) / ASIA (STS) access key id at `start`: the prefix plus 16 upper-case base32 characters. */
export function awsKeyIdAt(text: string, start: number): Finding | undefined {
  if (!boundaryBefore(text, start) || start + 20 > text.length) return undefined;
  for (let k = start + 4; k < start + 20; k++) {
    const c = text.charCodeAt(k);
    if (!isUpper(c) && !isDigit(c)) return undefined;
  }
  return boundaryAt(text, start + 20) ? { type: 'aws_access_key', start, end: start + 20 } : undefined;
}

/**
 * A 40-character base64 run between `from` and `to` with both letter cases (a
 * lower-case hex git SHA or an all-caps word never qualifies): the shape of an AWS
 * secret access key. Only called where context makes one likely.
 */
export function awsSecretIn(text: string, from: number, to: number): Finding | undefined {
  const stop = Math.min(text.length, to);
  for (let s = Math.max(0, from); s < stop; s++) {
    if (!isB64(text.charCodeAt(s)) || (s > 0 && isB64(text.charCodeAt(s - 1)))) continue;
    let e = s;
    let up = false;
    let low = false;
    while (e < text.length && e - s <= 40 && isB64(text.charCodeAt(e))) {
      const c = text.charCodeAt(e);
      up ||= isUpper(c);
      low ||= isLower(c);
      e++;
    }
    if (e - s === 40 && up && low && (e >= text.length || !isWord(text.charCodeAt(e)))) return { type: 'aws_secret', start: s, end: e };
    s = e;
  }
  return undefined;
}

/**
 * Secrets named by their key: `aws_secret_access_key = ...`, `"SecretAccessKey": "..."`,
 * `AWS_SECRET_ACCESS_KEY=...`. A separate pass over the few places "secret" occurs.
 */
export function awsSecretsByName(text: string, out: Finding[]): void {
  for (const [needle, lead] of [['cret', 101], ['CRET', 69]] as const) {
    // searched without its "e": a native search stops at every occurrence of the first letter
    for (let q = text.indexOf(needle, 1); q >= 0; q = text.indexOf(needle, q + 4)) {
      if (text.charCodeAt(q - 1) !== lead) continue;
      const p = q - 1;
      let s = p - 1;
      while (s > 0 && p - s < 24 && isWord(text.charCodeAt(s - 1))) s--;
      let e = p + 5;
      while (e < text.length && e - p < 24 && isWord(text.charCodeAt(e))) e++;
      const name = text.slice(s, e).toLowerCase();
      if (!name.includes('aws') && !name.includes('access')) continue;
      const f = awsSecretIn(text, e, e + 12);
      if (f) out.push(f);
    }
  }
}
