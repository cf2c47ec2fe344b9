import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/cli/help.js';
import { loadConfig } from '../../src/config/load.js';
import { excerpt } from '../../src/config/excerpt.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const COMMANDS = ['serve', 'demo', 'token', 'doctor', 'kill', 'init', 'catalog', 'audit', 'limits'];
function run(args: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-help-'));
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, PALISADE_DATA_DIR: dataDir }, timeout: 20_000 });
}

describe('CLI habits (issue 9, item 8)', () => {
  it('every command answers --help on stdout with exit 0, without acting', () => {
    expect(Object.keys(HELP).sort()).toEqual([...COMMANDS].sort());
    for (const c of COMMANDS) {
      const r = run([c, '--help']);
      expect(r.status, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`^usage: palisade ${c}`));
      expect(r.stderr, c).toBe('');
    }
    // Help after other arguments, and -h, too; `kill read-only on --help` must not flip anything.
    const k = run(['kill', 'read-only', 'on', '--help']);
    expect(k.status).toBe(0);
    expect(k.stdout).not.toContain('changed:');
    expect(run(['serve', '-h']).status).toBe(0);
    expect(run(['help', 'kill']).stdout).toBe(HELP['kill']);
  });

  it('--version prints the package version', () => {
    for (const args of [['--version'], ['-V'], ['version'], ['serve', '--version']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
    expect(run(['--help']).stdout).toContain('--version');
  });

  it('a YAML syntax error shows the offending line with a caret under the column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-yaml-'));
    const file = join(dir, 'palisade.yaml');
    writeFileSync(file, 'server:\n  name: x\nauth:\n  mode: jwt\negress: [https, http\nkillswitch: {}\n');
    const r = run(['serve', '--stdio', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: not valid YAML at line 6, column 1:`);
    expect(r.stderr).toContain('  5 | egress: [https, http\n  6 | killswitch: {}\n    | ^\n');
    expect(() => loadConfig({ file })).toThrow(/line 6, column 1/);
  });

  it('the excerpt cuts long lines and replaces control characters; a bad JSON file names the file', () => {
    const long = `${'a'.repeat(300)}\u0007`;
    const e = excerpt(`ok\n${long}`, 2, 500);
    expect(e).toContain('...');
    expect(e).not.toContain('\u0007');
    expect(e.split('\n').at(-1)).toMatch(/^\s+\| {161}\^$/);
    expect(excerpt('a', 99, 1)).toBe('');
    const dir = mkdtempSync(join(tmpdir(), 'pal-json-'));
    const limits = join(dir, 'limits.json');
    writeFileSync(limits, '{"a": 1,\n "b": }');
    writeFileSync(join(dir, 'p.yaml'), 'limits: limits.json\n');
    expect(() => loadConfig({ file: join(dir, 'p.yaml') })).toThrow(/limits\.json: not valid JSON/);
  });
});
