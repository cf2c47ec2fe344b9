import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { APPROVAL_ID, createApprovals } from '../policy/approvals.js';
import { DEV_PRINCIPAL, openStore } from '../runtime.js';
import { EXIT, UsageError } from './main.js';

/**
 * `palisade approve ID [--config FILE]`: approves a pending APPROVAL_REQUIRED call.
 * The approver is the configuration's `stdio.principal` (the operator's own
 * identity, e.g. a separate approver.yaml); it needs the `approvals.grant` grant and
 * may not approve its own request. Exit 0 approved, 1 refused (with its code), 2 usage.
 */
export async function approve(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string' } }, allowPositionals: true, strict: true });
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError('usage: palisade approve ID [--config FILE]');
  if (!APPROVAL_ID.test(id)) throw new UsageError('ID must be the approvalId of an APPROVAL_REQUIRED answer');
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  const approver = loaded.config.stdio.principal ?? DEV_PRINCIPAL;
  const store = await openStore(loaded);
  try {
    const r = await createApprovals(store).approve(id, approver);
    if (!r.ok) {
      process.stderr.write(`palisade approve: ${r.code}: ${r.message}\n`);
      return EXIT.CHECK_FAILED;
    }
    const rec = r.record;
    process.stdout.write(`approved ${rec.id}: ${rec.principalId} may call ${rec.tool} once with the same arguments `
      + `(rule ${rec.rule}), until ${new Date(rec.expiresAt).toISOString()}; approved by ${approver.id}\n`);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}
