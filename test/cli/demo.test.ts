import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoConfigYaml } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { DEV_PRINCIPAL, createRuntime } from '../../src/runtime.js';
import { codeOf } from '../helpers/fixtures.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const quiet = { PALISADE_LOG_LEVEL: 'silent' };

/** What a server on this configuration answers for web.fetchSafe of each URL. */
async function codes(file: string | undefined, urls: string[]): Promise<(string | undefined)[]> {
  const env = { ...quiet, PALISADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'pal-demo-codes-')) };
  const runtime = await createRuntime(loadConfig({ env, ...(file && { file }) }), { env });
  try {
    const out: (string | undefined)[] = [];
    for (const url of urls) out.push(codeOf(await runtime.palisade.call(DEV_PRINCIPAL, 'web.fetchSafe', { url })));
    return out;
  } finally {
    await runtime.close();
  }
}

describe('palisade demo', () => {
  it('runs the seed smoke tests through a real stdio client on a configuration file it prints: all PASS, exit 0', () => {
    const r = spawnSync(process.execPath, [BIN, 'demo'], { encoding: 'utf8', timeout: 60_000 });
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('PASS'))).toHaveLength(7);
    expect(lines.some((l) => l.startsWith('FAIL'))).toBe(false);
    expect(r.stdout).toMatch(/^configuration \/\S+palisade\.yaml:\n/);
    expect(r.stdout).toContain('  allow_addresses: [127.0.0.1/32]');
    expect(r.status).toBe(0);
  });

  it('issue 9, item 6: the demo configuration is one a user can write, and its codes are the server\'s codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-demo-cfg-'));
    const file = join(dir, 'palisade.yaml');
    writeFileSync(file, demoConfigYaml(8080));
    const loaded = loadConfig({ file, env: {} });
    expect(loaded.config.egress).toMatchObject({ schemes: ['https', 'http'], ports: [8080], allow_addresses: ['127.0.0.1/32'] });
    const urls = ['http://169.254.169.254/latest/meta-data/', 'https://169.254.169.254/latest/meta-data/'];
    // The default server: http is not an allowed scheme, so the scheme rule answers first.
    expect(await codes(undefined, urls)).toEqual(['EGRESS_DENIED', 'SSRF_BLOCKED']);
    // The demo's configuration: http allowed, so the address rule answers; the demo's steps expect exactly these.
    expect(await codes(file, urls)).toEqual(['SSRF_BLOCKED', 'SSRF_BLOCKED']);
    // allow_addresses opens only what it names: another loopback address stays blocked.
    expect(await codes(file, ['http://127.0.0.2:8080/'])).toEqual(['SSRF_BLOCKED']);
  });

  it('takes no arguments (exit 2)', () => {
    expect(spawnSync(process.execPath, [BIN, 'demo', 'extra'], { encoding: 'utf8' }).status).toBe(2);
  });
});
