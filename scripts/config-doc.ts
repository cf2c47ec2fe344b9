/**
 * Generates docs/config.md, the reference of every palisade.yaml (and
 * security.baseline.yaml) key, from the zod schemas: z.toJSONSchema gives the
 * keys, types, defaults and bounds; descriptions come from the schema
 * (`.describe()` / `.meta({ description })`) or, failing that, from
 * scripts/config-descriptions.ts. test/scripts/config-doc.test.ts regenerates
 * and compares, so the reference cannot drift from the schema.
 *
 *   node --import tsx scripts/config-doc.ts          # rewrite docs/config.md
 *   node --import tsx scripts/config-doc.ts --check  # exit 1 when it is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BaselineSchema } from '../src/config/baseline.js';
import { ConfigSchema } from '../src/config/schema.js';
import { BASELINE_DESCRIPTIONS, DESCRIPTIONS } from './config-descriptions.js';

type Json = Record<string, unknown>;
/** One documented key. */
export interface Row { readonly path: string; readonly type: string; readonly default: string; readonly description: string }

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'config.md');

/** Every key of a zod object schema, depth first, in declaration order. */
export function rowsOf(schema: z.ZodType, prefix: string, descriptions: Readonly<Record<string, string>> = DESCRIPTIONS): Row[] {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline', cycles: 'ref' }) as Json;
  const defs = { ...(root['$defs'] as Json | undefined), ...(root['definitions'] as Json | undefined) };
  const rows: Row[] = [];
  const deref = (s: Json): Json => {
    const ref = s['$ref'];
    if (typeof ref === 'string') {
      const name = ref.split('/').pop()!;
      const target = defs[name] as Json | undefined;
      return target ? { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) } : s;
    }
    return s;
  };
  const walk = (raw: Json, path: string, depth: number) => {
    const s = deref(raw);
    if (depth > 8) return;
    // A union of objects (e.g. `auth: none | { static } | { client_credentials }`) documents every variant's keys.
    const members = objectParts(s, deref).flatMap((obj) => {
      const required = new Set((obj['required'] as string[] | undefined) ?? []);
      return Object.entries((obj['properties'] ?? {}) as Record<string, Json>).map(([k, v]) => [k, v, required.has(k)] as const);
    });
    for (const [key, child0, isRequired] of members) {
      const child = deref(child0);
      const p = path ? `${path}.${key}` : key;
      const described = (typeof child['description'] === 'string' ? child['description'] : undefined) ?? descriptions[p] ?? '';
      rows.push({ path: p, type: typeOf(child, deref) + (isRequired && !('default' in child) ? ' (required)' : ''), default: defaultOf(child), description: described });
      walk(child, p, depth + 1);
      const items = child['items'] as Json | undefined;
      if (items) walk(items, `${p}[]`, depth + 1);
      const ap = child['additionalProperties'];
      if (ap && typeof ap === 'object') walk(ap as Json, `${p}.<name>`, depth + 1);
    }
  };
  walk(root, prefix, 0);
  return rows;
}

/** The object members of a schema: itself, or every object of an anyOf/oneOf/allOf (such as `T | undefined`). */
function objectParts(s: Json, deref: (s: Json) => Json): Json[] {
  if (s['properties']) return [s];
  const out: Json[] = [];
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    const list = s[k] as Json[] | undefined;
    for (const x of list ?? []) out.push(...objectParts(deref(x), deref));
  }
  return out;
}

function typeOf(s: Json, deref: (s: Json) => Json): string {
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' \\| ');
  if ('const' in s) return JSON.stringify(s['const']);
  for (const k of ['anyOf', 'oneOf']) {
    const list = s[k] as Json[] | undefined;
    if (list) return [...new Set(list.map((x) => typeOf(deref(x), deref)))].join(' \\| ');
  }
  const t = s['type'];
  const bounds: string[] = [];
  if (typeof s['minimum'] === 'number') bounds.push(`>= ${s['minimum']}`);
  if (typeof s['exclusiveMinimum'] === 'number') bounds.push(`> ${s['exclusiveMinimum']}`);
  if (typeof s['maximum'] === 'number' && (s['maximum'] as number) < Number.MAX_SAFE_INTEGER) bounds.push(`<= ${s['maximum']}`);
  if (typeof s['maxLength'] === 'number') bounds.push(`up to ${s['maxLength']} chars`);
  if (typeof s['pattern'] === 'string') bounds.push(`matching \`${String(s['pattern'])}\``);
  if (typeof s['format'] === 'string') bounds.push(String(s['format']));
  let base: string;
  if (t === 'array') base = `list of ${s['items'] ? typeOf(deref(s['items'] as Json), deref) : 'any'}`;
  else if (t === 'object') base = s['properties'] ? 'object' : 'map';
  else if (typeof t === 'string') base = t;
  else if (Array.isArray(t)) base = t.join(' \\| ');
  else base = 'any';
  return bounds.length ? `${base} (${bounds.join(', ')})` : base;
}

function defaultOf(s: Json): string {
  if (!('default' in s)) return '';
  const d = s['default'];
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && Object.keys(d).length === 0) return '';
  return `\`${JSON.stringify(d)}\``;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/\\\\\|/g, '\\|');

function table(rows: readonly Row[]): string {
  const out = ['| key | type | default | description |', '| --- | --- | --- | --- |'];
  for (const r of rows) out.push(`| \`${r.path}\` | ${r.type.replace(/(?<!\\)\|/g, '\\|')} | ${r.default ? cell(r.default) : ''} | ${cell(r.description)} |`);
  return out.join('\n');
}

/** The whole of docs/config.md. */
export function renderConfigDoc(): string {
  const rows = rowsOf(ConfigSchema, '');
  // Top-level objects get a section each; top-level scalars (file paths) share one.
  const isSection = (name: string) => rows.some((r) => r.path.startsWith(`${name}.`) || r.path.startsWith(`${name}[`));
  const sections = [...new Set(rows.map((r) => r.path.split(/[.[]/)[0]!))].filter(isSection);
  const scalars = rows.filter((r) => !r.path.includes('.') && !r.path.includes('[') && !isSection(r.path));
  const parts = [
    '# Configuration reference',
    '',
    '<!-- Generated by scripts/config-doc.ts from src/config/schema.ts and src/config/baseline.ts. Do not edit by hand:',
    '     run `npm run docs:config`. test/scripts/config-doc.test.ts fails when this file is stale. -->',
    '',
    'Palisade reads `palisade.yaml` (`--config FILE` or `PALISADE_CONFIG`); without one it runs on an embedded',
    'development default. Every key below is optional unless marked *required*; unknown keys are refused, so a',
    'typo cannot silently turn a control off. Relative paths are resolved against the folder of the file.',
    'Starting points: `palisade init` (development) and `palisade init --prod`, or `examples/`.',
    '',
    ...(scalars.length ? ['## Top-level keys', '', table(scalars), ''] : []),
    ...sections.flatMap((s) => [`## \`${s}\``, '', table(rows.filter((r) => r.path === s || r.path.startsWith(`${s}.`) || r.path.startsWith(`${s}[`))), '']),
    '# security.baseline.yaml',
    '',
    'The security baseline (`baseline:` in palisade.yaml; default: the seed\'s `seed/security.baseline.yaml`, which',
    'asks for mTLS). Its keys:',
    '',
    table(rowsOf(BaselineSchema, '', BASELINE_DESCRIPTIONS)),
    '',
    '# Environment',
    '',
    '| variable | meaning |',
    '| --- | --- |',
    '| `PALISADE_CONFIG` | the palisade.yaml to load (like `--config`) |',
    '| `PALISADE_DATA_DIR` | data directory (default `./.palisade`, or `server.data_dir`); takes precedence over `server.data_dir` |',
    '| `REDIS_URL` | selects the Redis state backend unless `state.backend` says otherwise |',
    '| `DATABASE_URL` | PostgreSQL for `data.backend: postgres` |',
    '| `MCP_READ_ONLY` | `1` or `true`: read-only mode that cannot be switched off at run time |',
    '| `NODE_ENV` | `production` turns on the production rules (no development issuer, no env secrets when the baseline forbids them) |',
    '| `PALISADE_LOG_LEVEL` | pino level (default `info`); logs go to stderr |',
    '',
  ];
  return parts.join('\n');
}

/** Keys the reference cannot describe yet: the test lists them so a new key gets its sentence. */
export function undocumentedKeys(): string[] {
  return [...rowsOf(ConfigSchema, ''), ...rowsOf(BaselineSchema, '', BASELINE_DESCRIPTIONS)].filter((r) => !r.description).map((r) => r.path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderConfigDoc();
  if (process.argv.includes('--check')) {
    const same = readFileSync(OUT, 'utf8') === text;
    process.stderr.write(same ? 'docs/config.md is up to date\n' : 'docs/config.md is stale: run npm run docs:config\n');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(OUT, text);
    const missing = undocumentedKeys();
    process.stderr.write(`wrote ${OUT}${missing.length ? `; keys without a description: ${missing.join(', ')}` : ''}\n`);
  }
}

/** Table entries for keys the schema no longer has: the test asks for them to be removed. */
export function staleDescriptions(): string[] {
  const live = new Set(rowsOf(ConfigSchema, '').map((r) => r.path));
  const liveBaseline = new Set(rowsOf(BaselineSchema, '', BASELINE_DESCRIPTIONS).map((r) => r.path));
  return [...Object.keys(DESCRIPTIONS).filter((k) => !live.has(k)), ...Object.keys(BASELINE_DESCRIPTIONS).filter((k) => !liveBaseline.has(k))];
}
