import { parseArgs } from 'node:util';
import { loadConfig, readStructured, validate } from '../config/load.js';
import { explain, formatExplanation } from '../policy/explain.js';
import { compileEgressAllow } from '../policy/input.js';
import { UsageError } from './main.js';
import { caseInput, CaseSchema, CasesListSchema, CasesObjectSchema, runCases } from './policy-cases.js';
import { compileForCli, referenceCatalog } from './policy-catalog.js';

/** `palisade policy test POLICY CASES` | `palisade policy explain --tool T ...` */
export async function policy(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'test') return policyTest(rest);
  if (sub === 'explain') return policyExplain(rest);
  throw new UsageError('usage: palisade policy test POLICY CASES | policy explain --tool T [--policy FILE] [options]');
}

/**
 * Like `opa test`: PASS/FAIL per case, exit 1 when any case fails, 2 when the policy
 * or the cases file is unusable (the error names file, line and path).
 */
async function policyTest(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
  const [policyFile, casesFile, ...extra] = positionals;
  if (!policyFile || !casesFile || extra.length) throw new UsageError('usage: palisade policy test POLICY CASES');
  const catalog = referenceCatalog();
  try {
    const compiled = compileForCli(policyFile, catalog.tools);
    const raw = readStructured(casesFile);
    const { cases, egress_allow: allow } = Array.isArray(raw)
      ? { cases: validate(CasesListSchema, raw, casesFile), egress_allow: [] }
      : validate(CasesObjectSchema, raw, casesFile);
    const results = runCases(compiled, cases, catalog.tools, allow);
    for (const r of results) {
      process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}\n`);
      for (const p of r.problems) process.stdout.write(`     ${p}\n`);
    }
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(`${results.length - failed}/${results.length} passed (policy ${compiled.version.slice(0, 12)})\n`);
    return failed ? 1 : 0;
  } finally {
    catalog.close();
  }
}

const BAD_KEY = new Set(['__proto__', 'constructor', 'prototype']);

/** `--arg a.b=v`: v is JSON when it parses as JSON (numbers, booleans, quoted strings), else text. */
export function parseArgPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError('--arg takes key=value');
    const path = pair.slice(0, eq).split('.');
    if (path.some((k) => k === '' || BAD_KEY.has(k))) throw new UsageError('--arg: bad key');
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try { value = JSON.parse(raw); } catch { /* text */ }
    let node = out;
    for (const k of path.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return out;
}

/** Every rule considered for one invocation, and why it matched or not. */
async function policyExplain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      policy: { type: 'string' }, config: { type: 'string' }, tool: { type: 'string' },
      effect: { type: 'string' }, data: { type: 'string', multiple: true },
      'principal-id': { type: 'string' }, 'principal-type': { type: 'string' }, tenant: { type: 'string' },
      region: { type: 'string' }, grant: { type: 'string', multiple: true }, arg: { type: 'string', multiple: true },
      tainted: { type: 'boolean' }, env: { type: 'string' }, time: { type: 'string' },
      'egress-allow': { type: 'string', multiple: true }, 'contains-secret': { type: 'boolean' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (positionals.length || !values.tool) throw new UsageError('usage: palisade policy explain --tool T [--policy FILE] [--arg k=v ...] [--tainted]');
  const loaded = values.config !== undefined || values.policy === undefined ? loadConfig(values.config !== undefined ? { file: values.config } : {}) : undefined;
  const policyFile = values.policy ?? loaded!.policyFile;
  const catalog = referenceCatalog();
  try {
    const compiled = compileForCli(policyFile, catalog.tools);
    const c = validate(CaseSchema, {
      tool: values.tool,
      ...(values.effect !== undefined && { effect: values.effect }),
      ...(values.data && { data: values.data }),
      principal: {
        ...(values['principal-id'] !== undefined && { id: values['principal-id'] }),
        ...(values['principal-type'] !== undefined && { type: values['principal-type'] }),
        ...(values.tenant !== undefined && { tenant: values.tenant }),
        ...(values.region !== undefined && { region: values.region }),
        grants: values.grant ?? [],
      },
      args: parseArgPairs(values.arg ?? []),
      session: { tainted: values.tainted ?? false },
      env: values.env ?? process.env['NODE_ENV'] ?? 'development',
      ...(values.time !== undefined && { time: values.time }),
      ...(values['contains-secret'] !== undefined && { contains_secret: values['contains-secret'] }),
      expect: { decision: 'allow' },
    }, 'explain options');
    const allow = compileEgressAllow(values['egress-allow'] ?? loaded?.config.egress.allow ?? []);
    const lines = formatExplanation(explain(compiled, caseInput(c, catalog.tools, allow)));
    process.stdout.write(`policy ${compiled.file}\n${lines.join('\n')}\n`);
    return 0;
  } finally {
    catalog.close();
  }
}
