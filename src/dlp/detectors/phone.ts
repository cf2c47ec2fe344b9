import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

// at the start of a word (customer_phone, "Tel:", cellphone), never inside one (hotel, xdfax)
const CONTEXT = /(?<![a-z])(?:phone|tel|mobile|cell|fax|call|whatsapp|sms|contact)/;

/** True when the lower-cased text before a number says it is a phone number. */
export function phoneContext(before: string): boolean {
  return CONTEXT.test(before);
}

/**
 * Full validation with libphonenumber's complete metadata (country code, national
 * length and number ranges): `+` numbers on their own, national numbers only under
 * `defaultCountry` (used when the context already said "phone").
 */
export function validPhone(candidate: string, defaultCountry?: CountryCode): boolean {
  try {
    const p = candidate.startsWith('+') ? parsePhoneNumberFromString(candidate) : defaultCountry ? parsePhoneNumberFromString(candidate, defaultCountry) : undefined;
    return p !== undefined && p.isValid();
  } catch {
    return false;
  }
}
