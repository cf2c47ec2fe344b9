import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { PalisadeStdioTransport } from '../../src/transport/stdio.js';
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
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['orders.export', 'orders.get', 'flag.set', 'flag.get', 'web.fetchSafe']));
    for (const t of tools) expect(t.inputSchema['additionalProperties']).toBe(false);
    // Declared output schemas: the SDK client validates every structured result against them.
    for (const n of ['orders.export', 'orders.get', 'flag.set', 'flag.get']) expect(tools.find((t) => t.name === n)?.outputSchema).toBeDefined();
    const r = await client.callTool({ name: 'orders.export', arguments: { from: '2025-08-25', to: '2025-08-31', limit: 5 } });
    expect((r.structuredContent as { rows: unknown[] }).rows).toHaveLength(5);
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

describe('raw stdio framing', () => {
  it('junk lines, batches and non-object arguments get protocol errors, never a crash; stdout carries only JSON-RPC', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-raw-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--stdio'], { env: { ...process.env, PALISADE_DATA_DIR: dataDir, PALISADE_LOG_LEVEL: 'info' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const lines = [
      'garbage',
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}',
      '[1,2,3]',
      '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"flag.set","arguments":[1]}}',
      `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"orders.get","arguments":{"orderId":"${'A'.repeat(5000)}"}}}`,
      '{"jsonrpc":"2.0","id":4,"method":"tools/list"}',
    ];
    child.stdin.write(lines.join('\n') + '\n');
    await expect.poll(() => out.includes('"id":4'), { timeout: 15_000 }).toBe(true);
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    const msgs = out.trim().split('\n').map((l) => JSON.parse(l) as { id?: number; error?: { code: number }; result?: { isError?: boolean; structuredContent?: { code?: string } } });
    expect(msgs.every((m) => (m as { jsonrpc?: string }).jsonrpc === '2.0')).toBe(true);
    expect(msgs.find((m) => m.id === 2)?.error?.code).toBe(-32602);
    expect(msgs.find((m) => m.id === 3)?.result?.isError).toBe(true);
    expect(msgs.find((m) => m.id === 4)?.result).toBeDefined();
    expect(child.exitCode).toBe(0);
  });

  it('a line over 10 MiB is answered PAYLOAD_TOO_LARGE and the server keeps serving (issue 8 item 5: it exited 0 silently)', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-big-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--stdio'], { env: { ...process.env, PALISADE_DATA_DIR: dataDir, PALISADE_LOG_LEVEL: 'warn' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stdin.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}\n');
    child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    child.stdin.write(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"orders.get","arguments":{"orderId":"${'A'.repeat(11 * 1024 * 1024)}"}}}\n`);
    child.stdin.write('{"jsonrpc":"2.0","id":3,"method":"tools/list"}\n');
    await expect.poll(() => out.includes('"id":3'), { timeout: 20_000 }).toBe(true);
    const msgs = out.trim().split('\n').map((l) => JSON.parse(l) as { id?: number; error?: { code: number; data?: { code?: string } }; result?: unknown });
    expect(msgs.find((m) => m.id === 2)?.error?.data?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(msgs.find((m) => m.id === 3)?.result).toBeDefined();
    expect(child.exitCode).toBeNull();
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
  });

  it('a 100 kB argument does not stall the server: the next request is answered at once (the audit scrubber was quadratic on it)', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-stall-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--stdio'], { env: { ...process.env, PALISADE_DATA_DIR: dataDir, PALISADE_LOG_LEVEL: 'warn' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await expect.poll(() => out.includes('"id":1'), { timeout: 30_000 }).toBe(true);
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'orders.get', arguments: { orderId: 'x'.repeat(100_000) } } });
    await expect.poll(() => out.includes('"id":2'), { timeout: 15_000 }).toBe(true);
    // The audit record of id 2 is built on the next turn of the loop; before the fix that
    // turn ran an email pattern over the whole 100 kB string for minutes.
    await new Promise((r) => setTimeout(r, 500));
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'nope', arguments: {} } });
    await expect.poll(() => out.includes('"id":3'), { timeout: 15_000 }).toBe(true);
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    expect(child.exitCode).toBe(0);
  });

  it('a client that closes our stdout does not crash the server with an unhandled EPIPE', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = mkdtempSync(join(tmpdir(), 'pal-epipe-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--stdio'], { env: { ...process.env, PALISADE_DATA_DIR: dataDir, PALISADE_LOG_LEVEL: 'warn' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    await expect.poll(() => err.includes('serving'), { timeout: 30_000 }).toBe(true);
    child.stdout.destroy();
    child.stdin.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}\n');
    child.stdin.write('{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(err).not.toMatch(/EPIPE|Unhandled|uncaught/i);
    expect(code).toBe(0);
  });
});

describe('PalisadeStdioTransport on a failing stdout', () => {
  it('reports EPIPE once, closes, and rejects later sends instead of throwing', async () => {
    const stdin = new PassThrough();
    const stdout = new Writable({ write(_c, _e, cb) { const e = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }); cb(e); } });
    const t = new PalisadeStdioTransport({ stdin, stdout });
    const errors: Error[] = [];
    let closed = 0;
    t.onerror = (e) => { errors.push(e); };
    t.onclose = () => { closed++; };
    await t.start();
    await t.send({ jsonrpc: '2.0', id: 1, result: {} }).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['EPIPE']);
    expect(closed).toBe(1);
    await expect(t.send({ jsonrpc: '2.0', id: 2, result: {} })).rejects.toThrow(/closed/);
  });
});
