import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/dlp/scan.js';

const found = (s: string) => scanText(s).map((f) => `${f.type}:${s.slice(f.start, f.end)}`);

// scanText reads code units from a copy (src/dlp/units.ts): a JS copy under 128 characters,
// a native one into a shared buffer up to 1 Mi, a buffer of its own beyond. Each must be exact.
describe('scan: the code-unit copy is exact at every size', () => {
  const card = '4111 1111 1111 1111';
  const pads = [0, 100, 5_000, (1 << 20) + 10];

  it.each(pads)('finds a value after %i characters of padding, and none in the padding', (pad) => {
    const text = `${'x '.repeat(pad >> 1)}mail jane@example.com card ${card}`;
    expect(found(text)).toEqual(['email:jane@example.com', `card:${card}`]);
  });

  it('characters beyond Latin-1 whose low byte is a digit or @ are not taken for them', () => {
    // U+0130, U+0661, U+0140: low bytes 0x30 "0", 0x61 "a", 0x40 "@"
    const odd = '\u0130\u0661\u0140'.repeat(8);
    expect(found(`${odd} ${odd}1234567890123\u0140example.com`)).toEqual([]);
    expect(found(`${odd} jane@example.com ${card} ${odd}`)).toEqual(['email:jane@example.com', `card:${card}`]);
    expect(found(`${odd.repeat(10)} jane@example.com`)).toEqual(['email:jane@example.com']);
  });

  it('a long scan followed by a short one does not read the long text left in the buffer', () => {
    scanText(`${'1'.repeat(300)} ${card} jane@example.com`);
    expect(found('abc 4111')).toEqual([]);
    expect(found('x@')).toEqual([]);
  });
});
