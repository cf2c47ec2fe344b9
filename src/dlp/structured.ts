import type { NumericHints } from './detectors/numeric.js';
import { type Renderer } from './modes.js';
import type { Plan } from './profile.js';
import { scanText, type ScanOptions } from './scan.js';
import { applyFindings } from './text.js';
import { DETECTOR_TYPES, type DetectorType, type PiiCount, type RedactMode } from './types.js';

/** Marks a property or element that a `drop` removed. */
export const DROPPED: unique symbol = Symbol('dropped');
const MAX_DEPTH = 64;

/** A fresh counter. */
export function newCount(): PiiCount {
  return { count: 0, byType: {} };
}

function add(counts: PiiCount, type: string): void {
  counts.count++;
  counts.byType[type] = (counts.byType[type] ?? 0) + 1;
}

const PHONE_KEY = /phone|mobile|^tel|tel$|fax|msisdn|cell/i;
const SSN_KEY = /ssn|social.?security/i;
/** The same names `awsSecretsByName` accepts in free text: "secret" with "aws" or "access". */
const AWS_SECRET_KEY = /^(?=.*secret)(?=.*(?:aws|access)).{6,64}$/i;

const hintCache = new Map<string, NumericHints>();
const optionCache = new WeakMap<Plan, Map<string, ScanOptions>>();
let lastPlan: Plan | undefined;
let lastByKey: Map<string, ScanOptions> | undefined;

/** What a property name says about its value (`phone`, `ssn`): national numbers count there. Cached per key and country. */
function hintsFor(key: string | undefined, plan: Plan): NumericHints {
  const id = `${plan.defaultCountry}:${key ?? ''}`;
  let h = hintCache.get(id);
  if (h) return h;
  h = key === undefined ? { defaultCountry: plan.defaultCountry } : { phone: PHONE_KEY.test(key), ssn: SSN_KEY.test(key), awsSecret: AWS_SECRET_KEY.test(key), defaultCountry: plan.defaultCountry };
  if (hintCache.size < 4096) hintCache.set(id, h);
  return h;
}

/** Scan options per plan and key, built once (a result walks the same keys thousands of times). */
function scanOptions(plan: Plan, key: string | undefined): ScanOptions {
  let byKey = plan === lastPlan ? lastByKey : optionCache.get(plan);
  if (!byKey) { byKey = new Map(); optionCache.set(plan, byKey); }
  lastPlan = plan; lastByKey = byKey; // one call walks thousands of strings under the same plan
  const k = key ?? '';
  let o = byKey.get(k);
  if (!o) {
    const types = typesOf(plan);
    const hints = hintsFor(key, plan);
    o = types ? { types, hints } : { hints };
    if (byKey.size < 4096) byKey.set(k, o);
  }
  return o;
}

/** The scan's type filter: none when the plan detects every type (no filtering pass). */
function typesOf(plan: Plan): Plan['types'] | undefined {
  return plan.types.size === DETECTOR_TYPES.length ? undefined : plan.types;
}

/**
 * Walks a JSON value: every string is scanned (with its key as context), integers long
 * enough to be a card, SSN or phone too; properties named by an obligation are rewritten
 * whole. Returns the same reference when nothing changed; `DROPPED` when `drop` removed it.
 */
export function redactStructured(value: unknown, plan: Plan, r: Renderer, counts: PiiCount, key?: string, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, plan, r, counts, key);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) < 1e6) return value;
    const s = String(value);
    const out = redactString(s, plan, r, counts, key);
    return out === s ? value : out;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[redacted:depth]'; // fail closed: what is not scanned does not leave
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = redactStructured(value[i], plan, r, counts, key, depth + 1);
      if (v !== value[i]) { copy ??= value.slice(); copy[i] = v === DROPPED ? null : v; }
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  const named = plan.fields.size > 0;
  for (const k in obj) {
    // own keys only, as Object.keys; in a for-in loop V8 reads obj[k] from its enum cache
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    const v = obj[k];
    const mode = named ? plan.fields.get(k) : undefined;
    // the common leaves inline: a short string straight to the scanner, a small number skipped
    const next = mode !== undefined && v !== null && v !== undefined
      ? wholeField(k, v, mode, plan, r, counts)
      : typeof v === 'string' ? redactString(v, plan, r, counts, k)
        : typeof v === 'number' && v < 1e6 && v > -1e6 ? v
          : redactStructured(v, plan, r, counts, k, depth + 1);
    if (next === v) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    if (next === DROPPED) delete copy[k]; else copy[k] = next;
  }
  return copy ?? value;
}

function redactString(s: string, plan: Plan, r: Renderer, counts: PiiCount, key?: string): unknown {
  if (s.length < 3) return s; // a clean string costs the scanner one look per character: no pre-test pays for itself
  const findings = scanText(s, scanOptions(plan, key));
  if (findings.length === 0) return s;
  let rewrite = false;
  for (const f of findings) { add(counts, f.type); if (plan.modes[f.type] !== undefined) rewrite = true; }
  if (!rewrite) return s; // only counted types (email, phone, ip in the default profile): nothing to rewrite
  // a value that is entirely one dropped finding goes away with its property
  const only = findings.length === 1 && findings[0]!.start === 0 && findings[0]!.end === s.length ? findings[0]! : undefined;
  if (only && plan.modes[only.type] === 'drop') return DROPPED;
  return applyFindings(s, findings, plan.modes, r).text;
}

/** A property named by an obligation: counted once, under what it holds (or its own name). */
function wholeField(k: string, v: unknown, mode: RedactMode, plan: Plan, r: Renderer, counts: PiiCount): unknown {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  const found = scanText(text, scanOptions(plan, k))[0]?.type;
  const type: DetectorType | 'field' = found ?? (plan.types.has(k as DetectorType) ? (k as DetectorType) : 'field');
  add(counts, type);
  const out = r.render(text, type, mode);
  return out === undefined ? DROPPED : out;
}
