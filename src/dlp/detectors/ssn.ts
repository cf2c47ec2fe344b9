/** Numbers the SSA voided or that are widely published as examples (never issued to a person). */
const KNOWN_INVALID = new Set(['078051120', '219099999', '123456789', '457555462']);

/**
 * US Social Security Number rules: area 001-899 except 666, group 01-99, serial 0001-9999,
 * and not one of the famous specimen numbers.
 */
export function validSsn(area: string, group: string, serial: string): boolean {
  if (area.length !== 3 || group.length !== 2 || serial.length !== 4) return false;
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !KNOWN_INVALID.has(area + group + serial);
}

const CONTEXT = /(?<![a-z])(?:ssn|social.?security|ss#)/;

/** True when the lower-cased text before a number names it as an SSN. */
export function ssnContext(before: string): boolean {
  return CONTEXT.test(before);
}
