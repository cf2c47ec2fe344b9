/**
 * Value masks the reference tools apply themselves (orders.export's `mask` argument).
 * Policy `redact` obligations and the default DLP profile are applied by the redact
 * stage: see `dlpRedactor` (src/dlp/redactor.ts).
 */

/** `jane.doe@example.com` -> `j***@example.com`; anything else keeps its last two characters. */
export function maskValue(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 2, 12))}${value.slice(-2)}`;
}

/** Keeps the last four characters. */
export function partialValue(value: string): string {
  return value.length <= 4 ? '****' : `${'*'.repeat(Math.min(value.length - 4, 12))}${value.slice(-4)}`;
}
