import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../version.js';
import { BIN_PATH } from './hosts.js';
import { UsageError } from './main.js';

/** The starting files, shipped in the package: `init` writes exactly these, so docs and tests see the same text. */
export const EXAMPLES_DIR = resolve(PACKAGE_ROOT, 'examples');
const DEV_BASELINE = 'security.baseline.dev.yaml';
const PROD_LIMITS = 'limits.prod.json';

/**
 * `palisade init [--prod] [--out FILE] [--force]`: writes a commented starting
 * palisade.yaml (and, for development, the mTLS-off baseline it names) that loads
 * and starts as written. Never overwrites a file without --force.
 */
export async function init(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { prod: { type: 'boolean' }, out: { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const out = resolve(values.out ?? 'palisade.yaml');
  const files: { path: string; text: string }[] = [
    { path: out, text: readFileSync(join(EXAMPLES_DIR, values.prod ? 'palisade.prod.yaml' : 'palisade.dev.yaml'), 'utf8') },
  ];
  // The file a starting config names next to itself: the development baseline, or the production limits.
  const companion = values.prod ? PROD_LIMITS : DEV_BASELINE;
  files.push({ path: join(dirname(out), companion), text: readFileSync(join(EXAMPLES_DIR, companion), 'utf8') });
  for (const f of files) {
    if (!existsSync(f.path) || values.force) continue;
    // An identical companion file from an earlier init is fine to keep.
    if (f.path !== out && readFileSync(f.path, 'utf8') === f.text) continue;
    throw new UsageError(`${f.path} exists; nothing was written (use --force to overwrite, or --out FILE)`);
  }
  for (const f of files) writeFileSync(f.path, f.text, { flag: 'w' });
  const cli = `node ${BIN_PATH}`;
  process.stdout.write(`wrote ${files.map((f) => f.path).join(' and ')}\n`);
  process.stdout.write(values.prod
    ? `next: edit the example.com names and paths, then run\n  NODE_ENV=production ${cli} doctor --config ${out}\n`
    : `next:\n  ${cli} serve --config ${out}\n  ${cli} doctor --config ${out}\n`);
  return 0;
}
