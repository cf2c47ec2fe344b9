import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf, textOf, uuid } from '../helpers/fixtures.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? process.env['REDIS_URL'] ?? (process.env['CI'] === 'true' ? 'redis://127.0.0.1:6379' : undefined);
const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const clients: Client[] = [];
afterAll(async () => { for (const c of clients) await c.close(); });

describe.runIf(REDIS_URL !== undefined)('two instances sharing Redis (REDIS_URL selects the backend)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pal-fleet-'));
  const config = join(dir, 'palisade.yaml');
  writeFileSync(config, `server: { data_dir: ./data }\nstate: { redis_prefix: "fleet-${crypto.randomUUID()}:" }\n`);
  const env = { PATH: process.env['PATH'] ?? '', REDIS_URL: REDIS_URL!, PALISADE_LOG_LEVEL: 'warn' };

  async function instance() {
    const t = new StdioClientTransport({ command: process.execPath, args: [BIN, 'serve', '--stdio', '--config', config], env, stderr: 'ignore' });
    const c = new Client({ name: 'fleet', version: '0' });
    await c.connect(t);
    clients.push(c);
    return c;
  }

  it('an idempotency record written by one instance is replayed by the other', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const args = { name: 'fleet_flag', env: 'staging', rolloutPct: 30, idemKey: uuid() };
    expect(textOf(await a.callTool({ name: 'flag.set', arguments: args }))).toMatch(/^OK: /);
    expect(textOf(await b.callTool({ name: 'flag.set', arguments: args }))).toMatch(/^OK \(idempotent\)/);
  });

  it('palisade kill reaches every instance (quarantine, then release)', async () => {
    const [a, b] = clients;
    const kill = (...args: string[]) => spawnSync(process.execPath, [BIN, 'kill', ...args, '--config', config], { encoding: 'utf8', env });
    expect(kill('quarantine', 'add', 'orders.export').status).toBe(0);
    const call = (c: Client) => c.callTool({ name: 'orders.export', arguments: { from: '2025-08-25', to: '2025-08-31' } });
    await expect.poll(async () => [codeOf(await call(a!)), codeOf(await call(b!))], { timeout: 5000, interval: 100 }).toEqual(['QUARANTINED', 'QUARANTINED']);
    expect(kill('quarantine', 'remove', 'orders.export').status).toBe(0);
    await expect.poll(async () => [codeOf(await call(a!)), codeOf(await call(b!))], { timeout: 5000, interval: 100 }).toEqual([undefined, undefined]);
  });
});
