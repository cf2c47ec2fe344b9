import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { diffLock, loadLockKey, readLock, signLock, writeLock } from '../gateway/lock.js';
import { lockFileFor } from '../gateway/open.js';
import { createRuntime } from '../runtime.js';
import { UsageError } from './main.js';

const USAGE = 'usage: palisade catalog lock | diff | approve TOOL [--config FILE]';

/**
 * `palisade catalog lock | diff | approve TOOL`: gateway mode's pinned, signed
 * upstream tool definitions. `lock` pins every live definition that passes the
 * poisoning scan; `diff` prints drift (exit 1 when there is any); `approve` pins
 * one tool's current definition and releases its quarantine fleet-wide.
 */
export async function catalog(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  const [verb, tool, ...extra] = positionals;
  if (!verb || !['lock', 'diff', 'approve'].includes(verb) || extra.length || (verb === 'approve') !== (tool !== undefined)) throw new UsageError(USAGE);
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  if (Object.keys(loaded.config.upstreams).length === 0) throw new UsageError('no upstreams are configured (upstreams: in palisade.yaml)');
  const file = lockFileFor(loaded);
  const key = loadLockKey(loaded.dataDir);
  const runtime = await createRuntime(loaded, { gatewayRecheckMs: 0 });
  try {
    const defs = await runtime.gateway!.live();
    const live = Object.fromEntries(defs.map((d) => [d.qualified, d.digest]));
    const check = readLock(file, key.publicPem);
    if (verb === 'lock') {
      const poisoned = defs.filter((d) => d.findings.length && !values.force);
      for (const d of poisoned) process.stdout.write(`NOT PINNED ${d.qualified}: ${d.findings.map((f) => `${f.rule} in ${f.where}`).join('; ')} (review, then: palisade catalog approve ${d.qualified})\n`);
      const pins = Object.fromEntries(defs.filter((d) => !poisoned.includes(d)).map((d) => [d.qualified, d.digest]));
      writeLock(file, signLock(pins, key));
      process.stdout.write(`pinned ${Object.keys(pins).length} upstream tool definitions in ${file}\n`);
      for (const name of Object.keys(pins)) if (runtime.palisade.switches.current().quarantine.has(name)) await runtime.palisade.switches.setQuarantined(name, false);
      return 0;
    }
    if (!check.ok) { process.stdout.write(`FAIL ${file}: ${check.reason}\n`); return 1; }
    if (verb === 'diff') {
      const d = diffLock(live, check.lock);
      for (const n of d.changed) process.stdout.write(`CHANGED ${n} (quarantined until approved)\n`);
      for (const n of d.added) process.stdout.write(`NEW     ${n} (not pinned)\n`);
      for (const n of d.removed) process.stdout.write(`GONE    ${n}\n`);
      for (const p of defs.filter((x) => x.findings.length && check.lock?.tools[x.qualified] !== x.digest)) {
        process.stdout.write(`SCAN    ${p.qualified}: ${p.findings.map((f) => `${f.rule} in ${f.where}`).join('; ')}\n`);
      }
      const drift = d.changed.length + d.added.length + d.removed.length;
      process.stdout.write(drift ? `${drift} definition(s) differ from ${file}\n` : `no drift: ${Object.keys(live).length} definitions match ${file}\n`);
      return drift ? 1 : 0;
    }
    if (live[tool!] === undefined) throw new UsageError(`${tool} is not an upstream tool offered now (see palisade catalog diff)`);
    const pins = { ...(check.lock?.tools ?? {}), [tool!]: live[tool!]! };
    writeLock(file, signLock(pins, key));
    await runtime.palisade.switches.setQuarantined(tool!, false);
    process.stdout.write(`approved ${tool}: its current definition is pinned and it is released (store: ${runtime.store.kind})\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
