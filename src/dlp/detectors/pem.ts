import type { Finding } from '../types.js';

const isBody = (c: number) => c === 92 || c === 61 || c === 43 || c === 47 || c === 32 || c === 9 || c === 10 || c === 13
  || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); // base64, whitespace, JSON's "\n"

/**
 * A PEM private key block at `i` ("-----BEGIN ... PRIVATE KEY-----"): RSA, EC, DSA,
 * OPENSSH, ENCRYPTED or PKCS#8. Runs to the matching END line, or, when the block is
 * cut off, to the end of its base64 body so no key material is left behind.
 */
export function pemAt(text: string, i: number): Finding | undefined {
  if (!text.startsWith('-----BEGIN ', i)) return undefined;
  const close = text.indexOf('-----', i + 11);
  if (close < 0 || close - i > 64) return undefined;
  const label = text.slice(i + 11, close);
  if (!label.endsWith('PRIVATE KEY')) return undefined;
  const bodyStart = close + 5;
  const endTag = text.indexOf(`-----END ${label}-----`, bodyStart);
  if (endTag >= 0 && endTag - bodyStart < 65536) return { type: 'private_key', start: i, end: endTag + label.length + 14 };
  let j = bodyStart;
  while (j < text.length && isBody(text.charCodeAt(j))) j++;
  return { type: 'private_key', start: i, end: j };
}
