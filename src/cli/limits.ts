import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createLimiter } from '../limits/limiter.js';
import { formatUsage, readUsage } from '../limits/usage.js';
import { DEV_PRINCIPAL, openStore } from '../runtime.js';
import { UsageError } from './main.js';

const NAME = /^[^\s\u0000-\u001f]{1,256}$/;

/**
 * `palisade limits show [--principal P] [--tenant T] [--json]`: current use from the
 * configured state store (the one the servers share). A principal's counters live
 * under its tenant: `--tenant`, else the configured stdio principal's tenant.
 */
export async function limits(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, principal: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'show') throw new UsageError('usage: palisade limits show [--principal P] [--tenant T] [--json]');
  for (const v of [values.principal, values.tenant]) if (v !== undefined && !NAME.test(v)) throw new UsageError('--principal and --tenant take a name without spaces or control characters');
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  const tenant = values.tenant ?? loaded.config.stdio.principal?.tenant ?? DEV_PRINCIPAL.tenant;
  const principal = values.principal ?? (values.tenant === undefined ? (loaded.config.stdio.principal?.id ?? DEV_PRINCIPAL.id) : undefined);
  const store = await openStore(loaded);
  try {
    const limiter = createLimiter({ store, entries: loaded.limits, tools: loaded.config.tools });
    const reports = await readUsage(limiter, { tenant, ...(principal !== undefined && { principal }) });
    if (values.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else if (reports.length === 0) process.stdout.write(`no limits apply to ${principal !== undefined ? `principal ${principal} (tenant ${tenant})` : `tenant ${tenant}`}\n`);
    else process.stdout.write(`${reports.map(formatUsage).join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
