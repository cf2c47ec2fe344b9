import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpServer } from '../../src/transport/mcp.js';
import { idInEdges, PalisadeStdioTransport } from '../../src/transport/stdio.js';
import { initializeLine, WIRE_CORPUS } from '../adversarial/wire-corpus.js';
import { alice, fixturePalisade } from '../helpers/fixtures.js';

interface Answer { id: number | string | null; result?: unknown; error?: { code: number; message: string; data?: { code?: string } } }

/** A Palisade MCP server on a stdio transport over in-memory pipes; `send` writes raw bytes, `next` reads one answer line. */
async function stdioPeer(maxLineBytes?: number) {
  const { palisade } = await fixturePalisade();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const server = createMcpServer(palisade, { principal: () => alice, transport: 'stdio', sessionId: 's' });
  await server.connect(new PalisadeStdioTransport({ stdin, stdout, ...(maxLineBytes !== undefined && { maxLineBytes }) }));
  let pending = '';
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  stdout.on('data', (c: Buffer) => {
    pending += c.toString('utf8');
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line); else lines.push(line);
    }
  });
  const next = (): Promise<{ raw: string; answer: Answer }> =>
    new Promise((resolve) => {
      const take = (l: string) => resolve({ raw: l, answer: JSON.parse(l) as Answer });
      const l = lines.shift();
      if (l !== undefined) take(l); else waiters.push(take);
    });
  const send = (s: string | Buffer) => { stdin.write(s); };
  const close = async () => { await server.close(); stdin.destroy(); stdout.destroy(); };
  peers.push(close);
  return { send, next, close };
}

const peers: (() => Promise<void>)[] = [];
afterEach(async () => { while (peers.length) await peers.pop()!(); });

async function initialized(max?: number) {
  const p = await stdioPeer(max);
  p.send(`${initializeLine(0)}\n`);
  expect((await p.next()).answer.result).toBeDefined();
  p.send('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
  return p;
}

describe('stdio: oversized lines (issue 8 item 5)', () => {
  it('answers a line over the cap with PAYLOAD_TOO_LARGE and keeps serving', async () => {
    const p = await initialized(64 * 1024);
    // The SDK client writes the id last; the big line arrives in many chunks.
    const big = `{"method":"tools/call","params":{"name":"demo.echo","arguments":{"message":"${'x'.repeat(200 * 1024)}"}},"jsonrpc":"2.0","id":41}\n`;
    for (let i = 0; i < big.length; i += 16 * 1024) p.send(big.slice(i, i + 16 * 1024));
    const { answer, raw } = await p.next();
    expect(answer.id).toBe(41);
    expect(answer.error?.data?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(raw).not.toContain('xxxx');
    p.send('{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"demo.echo","arguments":{"message":"hi"}}}\n');
    const after = (await p.next()).answer;
    expect(after.id).toBe(42);
    expect((after.result as { structuredContent: { echoed: string } }).structuredContent.echoed).toBe('hi');
  });

  it('answers an 11 MiB line under the default cap (the SDK transport exited silently on it)', async () => {
    const p = await initialized();
    const big = Buffer.alloc(11 * 1024 * 1024, 0x61);
    big.write('{"jsonrpc":"2.0","id":"big","method":"ping","params":{"_meta":{"a":"', 0);
    p.send(big);
    p.send('"}}}\n');
    const { answer } = await p.next();
    expect([answer.id, answer.error?.code, answer.error?.data?.code]).toEqual(['big', -32600, 'PAYLOAD_TOO_LARGE']);
    p.send('{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
    expect((await p.next()).answer).toMatchObject({ id: 2, result: {} });
  });

  it('a line just under the cap is served', async () => {
    const p = await initialized(64 * 1024);
    const line = `{"jsonrpc":"2.0","id":3,"method":"ping","params":{"_meta":{"pad":"${'p'.repeat(60 * 1024)}"}}}`;
    p.send(`${line}\n`);
    expect((await p.next()).answer).toMatchObject({ id: 3, result: {} });
  });

  it('refuses a cap below 1 KiB at construction', () => {
    expect(() => new PalisadeStdioTransport({ maxLineBytes: 10 })).toThrow(TypeError);
  });

  it('reads the id of an oversized request only from its first or last key', () => {
    expect(idInEdges('{"jsonrpc":"2.0","id":7,"method"', '')).toBe(7);
    expect(idInEdges('{"id":"a-1","method"', '')).toBe('a-1');
    expect(idInEdges('{"method":"x","params":{', '"z"},"jsonrpc":"2.0","id":9}')).toBe(9);
    // A nested id is not the request's.
    expect(idInEdges('{"method":"x","params":{"id":5,', '"q":{"id":3}}}')).toBeNull();
    expect(idInEdges('{"method":"x"', 'xx"}}')).toBeNull();
  });
});

describe('stdio: wire errors carry a registry code and never echo input (issue 8 item 6)', () => {
  it.each(WIRE_CORPUS.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const p = c.fresh ? await stdioPeer() : await initialized();
    p.send(`${c.send}\n`);
    const { answer, raw } = await p.next();
    expect(answer.id).toEqual(c.answerId);
    expect([answer.error?.code, answer.error?.data?.code]).toEqual([c.expect.rpc, c.expect.code]);
    expect(answer.error!.message.length).toBeLessThanOrEqual(120);
    if (c.secret) expect(raw).not.toContain(c.secret.slice(0, 50));
    // Still serving.
    p.send('{"jsonrpc":"2.0","id":"after","method":"ping"}\n');
    expect((await p.next()).answer).toMatchObject({ id: 'after', result: {} });
  });

  it('names the field of a bad param, not its value', async () => {
    const p = await initialized();
    p.send('{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":12345}}\n');
    expect((await p.next()).answer.error?.message).toBe('Invalid params: params.cursor');
  });

  it('never repeats a caller string in any error answer (property)', async () => {
    const p = await initialized();
    let n = 100;
    await fc.assert(fc.asyncProperty(
      fc.string({ minLength: 12, maxLength: 60 }).filter((s) => /^[\x21-\x7e]+$/.test(s) && !s.includes('"') && !s.includes('\\')),
      fc.constantFrom('method', 'cursor', 'version', 'name'),
      async (s, where) => {
        const id = n++;
        const m = where === 'method' ? { method: s }
          : where === 'cursor' ? { method: 'tools/list', params: { cursor: { [s]: s } } }
            : where === 'version' ? { method: 'initialize', params: { protocolVersion: s, capabilities: {}, clientInfo: { name: s, version: s } } }
              : { method: 'tools/call', params: { name: [s] } };
        p.send(`${JSON.stringify({ jsonrpc: '2.0', id, ...m })}\n`);
        const { answer, raw } = await p.next();
        expect(answer.id).toBe(id);
        expect(answer.error?.data?.code).toMatch(/^[A-Z_]+$/);
        expect(raw.replace(`"id":${id}`, '')).not.toContain(s);
      },
    ), { numRuns: 60 });
  });
});
