import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportBundle, ExportError, verifyBundle } from '../audit/bundle.js';
import { describeRecord, followChains } from '../audit/follow.js';
import { publicKeyFrom } from '../audit/keys.js';
import { verifyPath, type ChainReport } from '../audit/verify.js';
import { loadConfig } from '../config/load.js';
import { EXIT, UsageError } from './main.js';

const USAGE = 'usage: palisade audit verify [DIR|FILE] [--bundle FILE] [--key PEM] | export --trace ID [--out FILE] | tail [--all] [--from-start]';

/** `palisade audit verify | export | tail` over `<data dir>/audit` (or `--dir`). */
export async function audit(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' }, dir: { type: 'string' }, bundle: { type: 'string' }, key: { type: 'string' },
      trace: { type: 'string' }, out: { type: 'string' }, all: { type: 'boolean' }, 'from-start': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const loaded = () => loadConfig(values.config !== undefined ? { file: values.config } : {});
  const root = () => values.dir ?? join(loaded().dataDir, 'audit');
  const anchors = values.key ? [publicKeyFrom(readFileSync(values.key, 'utf8'))] : undefined;
  switch (verb) {
    case 'verify': {
      if (positionals.length > 1) throw new UsageError(USAGE);
      if (values.bundle) {
        let bundle: unknown;
        try { bundle = JSON.parse(readFileSync(values.bundle, 'utf8')); } catch { throw new UsageError('--bundle: not a readable JSON file'); }
        return print(verifyBundle(bundle, { ...(anchors && { anchors }) }));
      }
      const cfg = positionals[0] === undefined || values.config ? loaded().config.audit : undefined;
      const maxUnsignedMs = ((cfg?.checkpoint_seconds ?? 5) + 2) * 1000;
      return print(verifyPath(positionals[0] ?? root(), { maxUnsignedMs, ...(anchors && { anchors }) }));
    }
    case 'export': {
      if (!values.trace || positionals.length) throw new UsageError('usage: palisade audit export --trace ID [--out FILE]');
      try {
        const text = `${JSON.stringify(exportBundle(root(), values.trace), null, 1)}\n`;
        if (values.out) writeFileSync(values.out, text, { mode: 0o600 }); else process.stdout.write(text);
        return EXIT.OK;
      } catch (err) {
        if (!(err instanceof ExportError)) throw err;
        process.stderr.write(`palisade audit export: ${err.message}\n`);
        return EXIT.CHECK_FAILED;
      }
    }
    case 'tail': {
      const stop = followChains(root(), (r) => {
        if (values.all || r.kind === 'call' || r.kind === 'edge' || r.kind === 'intent') process.stdout.write(`${describeRecord(r)}\n`);
      }, { fromStart: values['from-start'] ?? false });
      process.stderr.write(`following ${root()} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const end = () => { stop(); resolve(); };
        process.once('SIGINT', end);
        process.once('SIGTERM', end);
      });
      return EXIT.OK;
    }
    default:
      throw new UsageError(USAGE);
  }
}

function print(reports: ChainReport[]): number {
  for (const r of reports) {
    const name = r.instance ?? r.target;
    if (r.ok) process.stdout.write(`ok ${name}: ${r.records} records, ${r.signed} signed, key ${r.keyIds.join(' -> ')}\n`);
    else process.stdout.write(`FAIL ${name}: seq ${r.problem!.seq}: ${r.problem!.reason}: ${r.problem!.detail}${r.problem!.where ? ` [${r.problem!.where}]` : ''}\n`);
    for (const n of r.notices) process.stdout.write(`  note: ${n}\n`);
  }
  return reports.every((r) => r.ok) ? EXIT.OK : EXIT.CHECK_FAILED;
}
