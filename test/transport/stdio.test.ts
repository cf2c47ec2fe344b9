import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, textOf, uuid } from '../helpers/fixtures.js';

const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;
const open: Client[] = [];
afterEach(async () => { while (open.length) await open.pop()!.close(); });

async function connect(env: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), 'pal-stdio-'))) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'serve', '--stdio'],
    env: { PATH: process.env['PATH'] ?? '', PALISADE_DATA_DIR: dataDir, PALISADE_LOG_LEVEL: 'warn', ...env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'stdio-test', version: '0' });
  await client.connect(transport);
  open.push(client);
  return { client, dataDir };
}

describe('palisade serve --stdio through the SDK client', () => {
  it('lists the reference tools the development principal may call', async () => {
    const { client } = await connect();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['orders.export', 'orders.get', 'flag.set', 'flag.get']));
  });

  it('denies a write without idemKey, then answers a replay as idempotent', async () => {
    const { client } = await connect();
    const noKey = await client.callTool({ name: 'flag.set', arguments: { name: 'checkout_v2', env: 'staging', rolloutPct: 20 } });
    expect(codeOf(noKey)).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const key = uuid();
    const args = { name: 'checkout_v2', env: 'staging', rolloutPct: 20, idemKey: key };
    const first = await client.callTool({ name: 'flag.set', arguments: args });
    expect(first.isError).toBeFalsy();
    const again = await client.callTool({ name: 'flag.set', arguments: args });
    expect(textOf(again)).toMatch(/^OK \(idempotent\)/);
  });

  it('keeps idempotency records across a restart of the server', async () => {
    const { client, dataDir } = await connect();
    const args = { name: 'restart_flag', env: 'dev', rolloutPct: 3, idemKey: uuid() };
    expect((await client.callTool({ name: 'flag.set', arguments: args })).isError).toBeFalsy();
    await client.close();
    open.pop();
    const second = await connect({}, dataDir);
    const again = await second.client.callTool({ name: 'flag.set', arguments: args });
    expect(textOf(again)).toMatch(/^OK \(idempotent\)/);
  });

  it('MCP_READ_ONLY=1 turns every write off', async () => {
    const { client } = await connect({ MCP_READ_ONLY: '1' });
    const r = await client.callTool({ name: 'flag.set', arguments: { name: 'x', env: 'dev', rolloutPct: 1, idemKey: uuid() } });
    expect(codeOf(r)).toBe('READ_ONLY');
  });

  it('survives hostile input and keeps serving', async () => {
    const { client } = await connect();
    const hostile = [
      { name: 'flag.set', arguments: JSON.parse('{"__proto__":{"admin":true},"name":"a","env":"dev","rolloutPct":1}') },
      { name: 'orders.export', arguments: { from: "2025-08-25' OR 1=1 --", to: '2025-08-31' } },
      { name: 'orders.get', arguments: { orderId: 'x'.repeat(100_000) } },
      { name: '../../etc/passwd', arguments: {} },
    ];
    for (const h of hostile) {
      const r = await client.callTool(h);
      expect(r.isError).toBe(true);
      expect(['UNKNOWN_FIELD', 'INVALID_PARAMS', 'NOT_FOUND']).toContain(codeOf(r));
    }
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });
});
