import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { sha256Hex } from '../core/canonical.js';
import { ConfigError } from '../core/errors.js';
import {
  PolicyListSchema, PolicyObjectSchema, type PolicyDefaults, type RuleSpec, type SourcedRule,
} from './schema.js';

/** A policy file, parsed and validated (not yet compiled). */
export interface PolicySource {
  readonly file: string;
  /** sha256 of the file's bytes: recorded with every decision. */
  readonly version: string;
  /** `list` is the seed's shape; `object` carries defaults and a mode. */
  readonly form: 'list' | 'object';
  readonly defaults: PolicyDefaults;
  readonly mode: 'enforce' | 'dry-run';
  /** Whether Palisade's built-in rules (session taint) apply. */
  readonly builtins: boolean;
  readonly rules: readonly SourcedRule[];
  /** Maps a path inside the document to its 1-based line (for compile errors). */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** A policy file problem: `file:line: path: reason`. */
export class PolicyError extends ConfigError {
  constructor(readonly file: string, readonly line: number | undefined, readonly path: string, reason: string) {
    super(`${file}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${reason}`);
    this.name = 'PolicyError';
  }
}

/** Seed shape (a list): no rule allows a write, so writes default to allow; the object form defaults them to deny. */
const LIST_DEFAULTS: PolicyDefaults = { read: 'allow', write: 'allow' };
const OBJECT_DEFAULTS: PolicyDefaults = { read: 'allow', write: 'deny' };

export function loadPolicyFile(file: string): PolicySource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyError(file, undefined, '', `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parsePolicy(text, file);
}

/** Parses policy YAML (or JSON, which is YAML) text; errors name file, line and path. */
export function parsePolicy(text: string, file: string): PolicySource {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new PolicyError(file, e.linePos?.[0]?.line, '', `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (path: readonly (string | number)[]) => lineIn(doc, lc, path);
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) throw new PolicyError(file, 1, '', 'the policy file is empty');
  const form = Array.isArray(raw) ? 'list' : 'object';
  const prefix: (string | number)[] = form === 'list' ? [] : ['rules'];
  const parsed = form === 'list'
    ? { rules: check(PolicyListSchema, raw, file, lineOf) }
    : check(PolicyObjectSchema, raw, file, lineOf);
  const seen = new Map<string, number>();
  const rules = parsed.rules.map((spec: RuleSpec, i: number): SourcedRule => {
    const at = [...prefix, i];
    if (seen.has(spec.rule)) throw new PolicyError(file, lineOf([...at, 'rule']), pathText(at), `duplicate rule name "${spec.rule}"`);
    seen.set(spec.rule, i);
    const line = lineOf(at);
    return { spec, source: 'file', path: pathText(at), at, ...(line !== undefined && { line }) };
  });
  const obj = form === 'object' ? (parsed as z.output<typeof PolicyObjectSchema>) : undefined;
  return {
    file,
    version: sha256Hex(text),
    form,
    defaults: obj?.default ?? (form === 'list' ? LIST_DEFAULTS : OBJECT_DEFAULTS),
    mode: obj?.mode ?? 'enforce',
    builtins: obj?.builtins ?? true,
    rules,
    lineOf,
  };
}

function check<S extends z.ZodType>(schema: S, value: unknown, file: string, lineOf: PolicySource['lineOf']): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  throw new PolicyError(file, lineOf(path), pathText(path), issue.message);
}

/** `rules[2].when.args.x` / `[2].redact[0].mode`. */
export function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The line of the deepest node on `path` that exists. */
function lineIn(doc: Document, lc: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}
