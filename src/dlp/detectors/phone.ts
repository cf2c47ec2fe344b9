import metadataJson from 'libphonenumber-js/metadata.max.json';
import type { CountryCode } from 'libphonenumber-js';

/**
 * Phone validation on libphonenumber's complete ("max") metadata, with each country's
 * number-type patterns (fixed line, mobile, toll free, ...) compiled once. Same answer
 * as libphonenumber-js `isValid()` for international numbers (a test holds them
 * together) at a fraction of the cost: the library builds its regexes per call, about
 * 20 µs a number here, which alone would cap a phone-dense result near 20 MB/s.
 */
type Raw = readonly unknown[];
const META = metadataJson as unknown as {
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, Raw>;
  nonGeographic?: Record<string, Raw>;
};

const compiled = new Map<string, RegExp | null>();

/** `^(?:type1|type2|...)$` for one numbering plan, or null when it has no patterns. */
function planRegex(key: string, plan: Raw | undefined): RegExp | null {
  let re = compiled.get(key);
  if (re !== undefined) return re;
  const types = plan?.[11];
  const parts = Array.isArray(types) ? types.filter(Array.isArray).map((t) => String((t as unknown[])[0])) : [];
  if (parts.length === 0 && typeof plan?.[2] === 'string') parts.push(plan[2]);
  re = parts.length ? new RegExp(`^(?:${parts.join('|')})$`) : null;
  compiled.set(key, re);
  return re;
}

const planCache = new Map<string, [string, Raw | undefined][]>();
/** The same plans by calling code as a number (1 to 999): no slice and string hash per candidate. */
const plansByCode: ([string, Raw | undefined][] | undefined)[] = new Array(1000);

function plansFor(callingCode: string): [string, Raw | undefined][] {
  let plans = planCache.get(callingCode);
  if (!plans) { plans = computePlans(callingCode); planCache.set(callingCode, plans); }
  return plans;
}

function computePlans(callingCode: string): [string, Raw | undefined][] {
  const countries = META.country_calling_codes[callingCode];
  if (!countries) return META.nonGeographic?.[callingCode] ? [[`001+${callingCode}`, META.nonGeographic[callingCode]]] : [];
  return countries.map((c) => (c === '001' ? [`001+${callingCode}`, META.nonGeographic?.[callingCode]] : [c, META.countries[c]]));
}

const prefixes = new Map<string, RegExp | null>();

/** The plan's national prefix for parsing (index 7) and its transform rule (index 8), as libphonenumber applies them. */
function stripNationalPrefix(key: string, plan: Raw | undefined, national: string): string | undefined {
  let re = prefixes.get(key);
  if (re === undefined) {
    const p = typeof plan?.[7] === 'string' ? plan[7] : typeof plan?.[5] === 'string' ? plan[5] : undefined;
    re = p ? new RegExp(`^(?:${p})`) : null;
    prefixes.set(key, re);
  }
  const m = re?.exec(national);
  if (!m || m[0].length === 0 && m.length < 2) return undefined;
  const rule = typeof plan?.[8] === 'string' ? plan[8] : undefined;
  const rest = national.slice(m[0].length);
  if (rule && m[1] !== undefined) return rule.replace(/\$(\d)/g, (_, g: string) => m[Number(g)] ?? '') + rest;
  return rest;
}

const generals = new Map<string, RegExp | null>();

function generalRegex(key: string, plan: Raw | undefined): RegExp | null {
  let re = generals.get(key);
  if (re === undefined) {
    re = typeof plan?.[2] === 'string' ? new RegExp(`^(?:${plan[2]})$`) : null;
    generals.set(key, re);
  }
  return re;
}

/**
 * The national number libphonenumber would keep: the main plan's national prefix is
 * stripped unless that turns a number matching the general pattern into one that does
 * not, or leaves it shorter than any possible length.
 */
function nationalOf(key: string, plan: Raw | undefined, national: string): string {
  const stripped = stripNationalPrefix(key, plan, national);
  if (stripped === undefined || stripped === national) return national;
  const general = generalRegex(key, plan);
  if (general && general.test(national) && !general.test(stripped)) return national;
  const lengths = Array.isArray(plan?.[3]) ? (plan[3] as number[]) : [];
  if (lengths.length && stripped.length < Math.min(...lengths)) return national;
  return stripped;
}

/** True when `digits` (no `+`, no separators) is a valid international number. */
export function validInternational(digits: string): boolean {
  if (digits.length < 7 || digits.length > 17 || digits.charCodeAt(0) === 48) return false; // no calling code starts with 0
  let code = 0;
  for (let l = 1; l <= 3; l++) {
    const d = digits.charCodeAt(l - 1) - 48;
    if (!(d >= 0 && d <= 9)) return false;
    code = code * 10 + d;
    const plans = (plansByCode[code] ??= plansFor(String(code)));
    if (plans.length === 0) continue;
    const national = nationalOf(plans[0]![0], plans[0]![1], digits.slice(l));
    for (const [key, plan] of plans) if (planRegex(key, plan)?.test(national)) return true;
  }
  return false;
}

/** True when `digits` is a valid national number of `country` (with or without its trunk prefix). */
export function validNational(digits: string, country: CountryCode): boolean {
  const plan = META.countries[country];
  return planRegex(country, plan)?.test(nationalOf(country, plan, digits)) ?? false;
}

/**
 * Length-only check (libphonenumber's "possible"): a `+` number whose national part has
 * a length some plan of its calling code allows. Used only where a key already says
 * "phone", so synthetic or unassigned numbers in a phone field still count.
 */
export function possibleInternational(candidate: string): boolean {
  if (!candidate.startsWith('+')) return false;
  const digits = candidate.replace(/\D/g, '');
  for (let l = 1; l <= 3; l++) {
    const n = digits.length - l;
    for (const [, plan] of plansFor(digits.slice(0, l))) {
      if (Array.isArray(plan?.[3]) && (plan[3] as number[]).includes(n)) return true;
    }
  }
  return false;
}

/** Assigned calling codes (1 to 3 digits, none with a leading zero) as a table: no slice or property lookup per candidate. */
const CALLING_CODES = new Uint8Array(1000);
for (const code of [...Object.keys(META.country_calling_codes), ...Object.keys(META.nonGeographic ?? {})]) CALLING_CODES[Number(code)] = 1;

/** True when the digits at `i` (just after a `+`) begin with an assigned country calling code. */
export function hasCallingCode(text: string, i: number): boolean {
  let code = 0;
  for (let l = 0; l < 3; l++) {
    const d = text.charCodeAt(i + l) - 48;
    if (!(d >= 0 && d <= 9) || (l === 0 && d === 0)) return false;
    code = code * 10 + d;
    if (CALLING_CODES[code] === 1) return true;
  }
  return false;
}


/** `raw` is digits only after an optional leading `+`. */
function onlyDigits(raw: string, from: number): boolean {
  if (raw.length <= from) return false;
  for (let k = from; k < raw.length; k++) { const d = raw.charCodeAt(k) - 48; if (!(d >= 0 && d <= 9)) return false; }
  return true;
}

/** Validates a candidate as written: `+` numbers on their own, national ones under `defaultCountry`. */
export function validPhone(candidate: string, defaultCountry?: CountryCode): boolean {
  // "(0)" is the trunk prefix some write inside an international number: +49 (0)30 ...
  const plus = candidate.startsWith('+');
  const raw = plus ? candidate.replace('(0)', '') : candidate;
  const digits = onlyDigits(raw, plus ? 1 : 0) ? raw.slice(plus ? 1 : 0) : raw.replace(/\D/g, '');
  if (plus) return validInternational(digits);
  return defaultCountry !== undefined && validNational(digits, defaultCountry);
}

// at the start of a word (customer_phone, "Tel:", cellphone), never inside one (hotel, xdfax)
const CONTEXT = /(?<![a-z])(?:phone|tel|mobile|cell|fax|call|whatsapp|sms|contact)/i;

/** True when the text before a number says it is a phone number (any case). */
export function phoneContext(before: string): boolean {
  return CONTEXT.test(before);
}
