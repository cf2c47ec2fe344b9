import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { validPhone } from '../../src/dlp/detectors/phone.js';
import { scanText } from '../../src/dlp/scan.js';
import { phone, prng } from './corpus.js';

describe('phone validator (compiled libphonenumber metadata)', () => {
  it('agrees with libphonenumber-js isValid() on generated and random international numbers', () => {
    const r = prng(5);
    const disagree: string[] = [];
    for (let k = 0; k < 4000; k++) {
      const s = k % 2 ? phone(r) : `+${r.chars('0123456789', r.int(7, 15))}`;
      if (validPhone(s) !== Boolean(parsePhoneNumberFromString(s)?.isValid())) disagree.push(s);
    }
    expect(disagree.map((s) => `${s} ${validPhone(s)}`)).toEqual([]);
  });

  it('reads national numbers only under phone context, in the default country', () => {
    expect(scanText('order 4155552671 shipped')).toEqual([]);
    expect(scanText('phone: (415) 555-2671').map((f) => f.type)).toEqual(['phone']);
    expect(scanText('4155552671', { hints: { phone: true } }).map((f) => f.type)).toEqual(['phone']);
    expect(scanText('020 7946 0958', { hints: { phone: true, defaultCountry: 'GB' } }).map((f) => f.type)).toEqual(['phone']);
    expect(scanText('hotel 4155552671')).toEqual([]); // "tel" inside a word is no context
  });
});
