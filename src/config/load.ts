import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { excerpt, lineColOf } from './excerpt.js';
import { BaselineSchema, type Baseline } from './baseline.js';
import { LimitsFileSchema, type LimitsEntry } from './limits.js';
import { ConfigSchema, type PalisadeConfig } from './schema.js';

/** The configuration with every referenced file loaded and every path resolved. */
export interface LoadedConfig {
  readonly config: PalisadeConfig;
  /** The palisade.yaml used, or undefined for the embedded development default. */
  readonly file: string | undefined;
  readonly dataDir: string;
  readonly baseline: Baseline;
  readonly baselineFile: string;
  readonly limits: readonly LimitsEntry[];
  readonly policyFile: string;
  /** True when no config file was given: development defaults are in force. */
  readonly development: boolean;
}

/** Where the seed's files ship inside the package. */
export const SEED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'seed');

export interface LoadOptions {
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Loads palisade.yaml (or the embedded default); a bad file throws ConfigError naming file, path and reason. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const given = options.file ?? env['PALISADE_CONFIG'];
  const file = given ? resolve(cwd, given) : undefined;
  const raw = file ? readStructured(file) : {};
  const config = validate(ConfigSchema, raw ?? {}, file ?? '(embedded default)');
  const base = file ? dirname(file) : cwd;
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  const baselineFile = config.baseline ? rel(config.baseline) : resolve(SEED_DIR, 'security.baseline.yaml');
  const baseline = validate(BaselineSchema, readStructured(baselineFile) ?? {}, baselineFile);
  const limitsFile = config.limits ? rel(config.limits) : resolve(SEED_DIR, 'limits.json');
  const limitsRaw = validate(LimitsFileSchema, readStructured(limitsFile), limitsFile);
  const policyFile = config.policy ? rel(config.policy) : resolve(SEED_DIR, 'policy.yaml');
  if (!existsSync(policyFile)) throw new ConfigError(`${file ?? '(embedded default)'}: policy: file ${policyFile} does not exist`);

  const dataDir = env['PALISADE_DATA_DIR']
    ? resolve(cwd, env['PALISADE_DATA_DIR'])
    : config.server.data_dir ? rel(config.server.data_dir) : resolve(cwd, '.palisade');

  return {
    config,
    file,
    dataDir,
    baseline,
    baselineFile,
    limits: Array.isArray(limitsRaw) ? limitsRaw : [limitsRaw],
    policyFile,
    development: file === undefined,
  };
}

/** Reads a YAML or JSON file; a missing or unparsable file is a ConfigError. */
export function readStructured(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const json = file.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${file}: not valid ${json ? 'JSON' : 'YAML'}${parseErrorDetail(text, err, json)}`);
  }
}

/** ` at line L, column C: reason` plus the offending line with a caret under the column. */
function parseErrorDetail(text: string, err: unknown, json: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  let pos: { line: number; col: number } | undefined;
  if (!json) {
    const lp = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    if (lp) pos = { line: lp.line, col: lp.col };
  } else {
    // Node 20: "... in JSON at position N"; newer Nodes also say "(line L column C)".
    const m = /line (\d+) column (\d+)/.exec(message) ?? undefined;
    const p = /at position (\d+)/.exec(message);
    if (m) pos = { line: Number(m[1]), col: Number(m[2]) };
    else if (p) pos = lineColOf(text, Number(p[1]));
  }
  // The parser's first sentence, without its own (cut-off) excerpt and without echoing JSON text.
  const reason = json ? 'unexpected token or end of input' : message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (!pos) return `: ${reason}`;
  const shown = excerpt(text, pos.line, pos.col);
  return ` at line ${pos.line}, column ${pos.col}: ${reason}${shown ? `\n${shown}` : ''}`;
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.length ? issue.path.join('.') : '(top level)';
  throw new ConfigError(`${file}: ${path}: ${issue.message}`);
}
