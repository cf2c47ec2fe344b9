import { parse as parseCel } from '@marcbachmann/cel-js';
import { celContext, factFor, TOOL_KEYS, type PolicyInput } from './facts.js';

/** A condition problem found while compiling; `path` is relative to the conditions object. */
export class ConditionError extends Error {
  constructor(readonly path: readonly (string | number)[], message: string) {
    super(message);
    this.name = 'ConditionError';
  }
}

/** One compiled condition: its key (for explain) and its test. */
export interface Condition {
  readonly key: string;
  readonly expected: unknown;
  /** Depends only on the tool (TOOL_KEYS): settled once per tool. */
  readonly toolOnly: boolean;
  readonly test: (input: PolicyInput) => boolean;
  /** The fact the test read, for explain. */
  readonly actual: (input: PolicyInput) => unknown;
}

type Matcher = (value: unknown) => boolean;
const OPERATORS = new Set(['in', 'gt', 'gte', 'lt', 'lte', 'glob', 'not', 'exists', 'eq']);

/** A scalar test that also accepts a list fact when any element passes. */
const lift = (p: Matcher): Matcher => (v) => (Array.isArray(v) ? v.some(p) : p(v));

/** `*` matches any run of characters (including none); everything else is literal. */
export function globMatcher(pattern: string): Matcher {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
  return lift((v) => typeof v === 'string' && re.test(v));
}

function scalar(expected: string | number | boolean): Matcher {
  if (typeof expected === 'string' && expected.includes('*')) return globMatcher(expected);
  return lift((v) => v === expected);
}

/** Compiles a condition value: scalar (equality or glob), list (membership), or operator object. */
export function compileMatcher(value: unknown, path: (string | number)[]): Matcher {
  if (value === null) return (v) => v === undefined || v === null;
  if (typeof value === 'string' || typeof value === 'boolean') return scalar(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConditionError(path, 'must be a finite number');
    return scalar(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ConditionError(path, 'an empty list matches nothing');
    const ms = value.map((v, i) => {
      if (v !== null && typeof v === 'object') throw new ConditionError([...path, i], 'list members must be scalars');
      return compileMatcher(v, [...path, i]);
    });
    return (v) => ms.some((m) => m(v));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) throw new ConditionError(path, 'an empty operator object');
    const ms = entries.map(([op, arg]) => operator(op, arg, [...path, op]));
    return ms.length === 1 ? ms[0]! : (v) => ms.every((m) => m(v));
  }
  throw new ConditionError(path, 'unsupported value');
}

function operator(op: string, arg: unknown, path: (string | number)[]): Matcher {
  if (!OPERATORS.has(op)) throw new ConditionError(path, `unknown operator "${op}" (in, gt, gte, lt, lte, glob, not, exists, eq)`);
  switch (op) {
    case 'in':
      if (!Array.isArray(arg)) throw new ConditionError(path, 'in takes a list');
      return compileMatcher(arg, path);
    case 'gt': case 'gte': case 'lt': case 'lte': {
      if (typeof arg !== 'number' || !Number.isFinite(arg)) throw new ConditionError(path, `${op} takes a number`);
      const n = arg;
      const cmp = op === 'gt' ? (x: number) => x > n : op === 'gte' ? (x: number) => x >= n : op === 'lt' ? (x: number) => x < n : (x: number) => x <= n;
      return lift((v) => typeof v === 'number' && cmp(v));
    }
    case 'glob':
      if (typeof arg !== 'string') throw new ConditionError(path, 'glob takes a string');
      return globMatcher(arg);
    case 'eq':
      if (typeof arg !== 'string' && typeof arg !== 'number' && typeof arg !== 'boolean') throw new ConditionError(path, 'eq takes a scalar');
      return lift((v) => v === arg);
    case 'exists':
      if (typeof arg !== 'boolean') throw new ConditionError(path, 'exists takes true or false');
      return (v) => (v !== undefined && v !== null) === arg;
    default: {
      const inner = compileMatcher(arg, path);
      return (v) => !inner(v);
    }
  }
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `time: { after: '08:00', before: '18:00', days: [mon, tue] }`, UTC; after > before wraps midnight. */
function timeCondition(value: unknown, path: (string | number)[]): (now: number) => boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConditionError(path, 'time takes { after?, before?, days? }');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!['after', 'before', 'days'].includes(k)) throw new ConditionError([...path, k], `unknown time key "${k}"`);
  const minutes = (k: 'after' | 'before'): number | undefined => {
    if (v[k] === undefined) return undefined;
    const m = typeof v[k] === 'string' ? HHMM.exec(v[k]) : null;
    if (!m) throw new ConditionError([...path, k], 'must be HH:MM (UTC)');
    return Number(m[1]) * 60 + Number(m[2]);
  };
  const after = minutes('after');
  const before = minutes('before');
  let days: Set<number> | undefined;
  if (v['days'] !== undefined) {
    if (!Array.isArray(v['days']) || v['days'].length === 0) throw new ConditionError([...path, 'days'], 'days takes a list of mon..sun');
    days = new Set(v['days'].map((d, i) => {
      const n = typeof d === 'string' ? DAYS.indexOf(d.toLowerCase().slice(0, 3)) : -1;
      if (n < 0 || (d as string).length > 9) throw new ConditionError([...path, 'days', i], 'must be a day name (mon..sun)');
      return n;
    }));
  }
  return (now) => {
    const d = new Date(now);
    if (days && !days.has(d.getUTCDay())) return false;
    const m = d.getUTCHours() * 60 + d.getUTCMinutes();
    if (after !== undefined && before !== undefined && after > before) return m >= after || m < before;
    return (after === undefined || m >= after) && (before === undefined || m < before);
  };
}

const celContexts = new WeakMap<PolicyInput, Record<string, unknown>>();

/**
 * `cel: <expression>`, parsed once. Only a boolean `true` matches. An evaluation
 * error (e.g. a missing key; use `has(args.x)`) counts as `onError`: true in the
 * `when` of a deny or approval rule, false elsewhere, so errors fail closed.
 */
function celCondition(value: unknown, path: (string | number)[], onError: boolean): (i: PolicyInput) => boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) throw new ConditionError(path, 'cel takes a non-empty expression');
  let fn: (ctx: Record<string, unknown>) => unknown;
  try {
    fn = parseCel(value) as unknown as (ctx: Record<string, unknown>) => unknown;
  } catch (err) {
    throw new ConditionError(path, `CEL: ${(err as Error).message.split('\n')[0]}`);
  }
  return (i) => {
    let ctx = celContexts.get(i);
    if (!ctx) { ctx = celContext(i); celContexts.set(i, ctx); }
    try { return fn(ctx) === true; } catch { return onError; }
  };
}

/** Compiles a `when` or `unless` object: every key must hold. */
export function compileConditions(obj: Record<string, unknown>, celOnError: boolean): Condition[] {
  return Object.entries(obj).map(([key, expected]): Condition => {
    if (key === 'time') {
      const t = timeCondition(expected, [key]);
      return { key, expected, toolOnly: false, test: (i) => t(i.now), actual: (i) => new Date(i.now).toISOString() };
    }
    if (key === 'cel') {
      const c = celCondition(expected, [key], celOnError);
      return { key, expected, toolOnly: false, test: c, actual: () => '(expression)' };
    }
    const fact = factFor(key);
    if (!fact) throw new ConditionError([key], `unknown condition key "${key}"`);
    const m = compileMatcher(expected, [key]);
    return { key, expected, toolOnly: TOOL_KEYS.has(key), test: (i) => m(fact(i)), actual: fact };
  });
}
