/**
 * The scanner reads a text's UTF-16 code units from a typed array, not through
 * `charCodeAt`: in a hot loop a typed-array read costs a fraction of a string access.
 * One copy per text, into a buffer reused across scans (a scan is synchronous) for
 * texts up to 1 Mi characters; longer ones get their own.
 */
const SCRATCH_MAX = 1 << 20;
/** Below this length a JS copy beats the call into Buffer#write (structured results are mostly short strings). */
export const SHORT = 128;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let scratch = Buffer.allocUnsafeSlow(1 << 17);
let scratchUnits = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1);

/**
 * The code units of `text` in a typed array (UTF-16LE, one native copy; exact for every
 * string). Texts up to 1 Mi characters share one buffer: valid until the next call.
 */
export function codeUnits(text: string): Uint16Array {
  const n = text.length;
  if (n > SCRATCH_MAX || !LITTLE_ENDIAN) return ownCopy(text);
  if (scratchUnits.length < n) {
    scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX, Math.max(n, scratchUnits.length * 2)) * 2);
    scratchUnits = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length >> 1);
  }
  scratch.write(text, 0, 'utf16le');
  return scratchUnits;
}

/** The shared buffer, at least `n` long, for a caller that copies a short text itself (`n` < SHORT: always). */
export function shortUnits(n: number): Uint16Array {
  return scratchUnits.length >= n ? scratchUnits : new Uint16Array(n);
}

function ownCopy(text: string): Uint16Array {
  if (!LITTLE_ENDIAN) { // Buffer's utf16le is little-endian whatever the platform
    const units = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    return units;
  }
  const buf = Buffer.allocUnsafeSlow(text.length * 2);
  buf.write(text, 0, 'utf16le');
  return new Uint16Array(buf.buffer, buf.byteOffset, text.length);
}
