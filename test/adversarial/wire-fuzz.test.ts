import { fork, type ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../src/core/codes.js';
import { wireRequest, type WireRequest } from './wire-fuzz.js';

// Wire fuzzing over HTTPS against a running server in its own process (wire-server.ts):
// fast-check JSON-RPC messages, valid and broken, with tokens, session ids and headers
// that are right, foreign, missing or garbage. Zero 5xx, zero crashes, sessions cleaned
// up, memory stable. `npm test` runs a small sample; `npm run fuzz` (FUZZ_FULL=1) runs
// 20,000 messages and compares RSS after the first 1,000 with RSS at the end.
const FULL = process.env['FUZZ_FULL'] === '1';
const TOTAL = Number(process.env['FUZZ_N'] ?? (FULL ? 20_000 : 250));
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const CONCURRENCY = Number(process.env['FUZZ_CONCURRENCY'] ?? 8);
const SESSION_IDLE_MS = 1500;
const KNOWN = new Set<string>(ALL_CODES);

let child: ChildProcess;
let exited: { code: number | null; signal: string | null } | undefined;
let url = '';
let dispatcher: Agent;

function ask<T>(msg: object, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} from the server`)), 20_000);
    const on = (m: { type: string }) => { if (m.type === type) { clearTimeout(t); child.off('message', on); resolve(m as T); } };
    child.on('message', on);
    child.send(msg);
  });
}
const stats = (gc = false) => ask<{ rss: number; heapUsed: number; sessions: number }>({ type: 'stats', gc }, 'stats');
const mint = async (n: number, sub?: string) => (await ask<{ tokens: string[] }>({ type: 'mint', n, ...(sub && { sub }) }, 'tokens')).tokens;

interface Outcome { status: number; code?: string; label: string }

async function send(method: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const r = await request(url, { method: method as 'POST', headers, ...(body && { body }), dispatcher, headersTimeout: 15_000, bodyTimeout: 15_000 });
  // An SSE stream (a GET on a live session) stays open by design: read what is there and hang up.
  if (String(r.headers['content-type'] ?? '').includes('text/event-stream') && method === 'GET') {
    r.body.destroy();
    return { status: r.statusCode, text: '', headers: r.headers };
  }
  return { status: r.statusCode, text: await r.body.text(), headers: r.headers };
}

const INIT = (n: number) => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: n, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '0' } } }));
const BASE = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** Opens a session with a fresh token; returns its id and the token bound to it. */
async function openSession(token: string): Promise<{ id: string; token: string } | undefined> {
  const r = await send('POST', { ...BASE, authorization: `Bearer ${token}` }, INIT(1));
  const id = r.headers['mcp-session-id'];
  if (r.status !== 200 || typeof id !== 'string') return undefined;
  await send('POST', { ...BASE, authorization: `Bearer ${token}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }, Buffer.from('{"jsonrpc":"2.0","method":"notifications/initialized"}'));
  return { id, token };
}

beforeAll(async () => {
  child = fork(new URL('./wire-server.ts', import.meta.url).pathname, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.once('exit', (code, signal) => { exited = { code, signal }; });
  const ready = await new Promise<{ url: string; ca: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('fuzz server did not start')), 25_000);
    child.once('message', (m: { type: string; url: string; ca: string }) => { if (m.type === 'ready') { clearTimeout(t); resolve(m); } });
  });
  url = ready.url;
  // undici takes the SNI name from a Host header; the fuzzer forges Host on purpose, so trust the
  // test CA alone and skip the name check (the server is ours, on loopback).
  dispatcher = new Agent({ connect: { ca: ready.ca, servername: 'localhost', checkServerIdentity: () => undefined }, connections: CONCURRENCY * 2 });
}, 30_000);

afterAll(async () => {
  await dispatcher?.close();
  child?.kill();
});

describe(`wire fuzz over HTTPS (${TOTAL} requests, seed ${SEED})`, () => {
  it('answers every request below 500, never crashes, cleans up sessions, keeps memory flat', async () => {
    const own: { id: string; token: string }[] = [];
    const foreign = await openSession((await mint(1, 'agent:other'))[0]!);
    expect(foreign).toBeDefined();
    let fresh = await mint(64);
    const nextFresh = async () => { if (fresh.length === 0) fresh = await mint(64); return fresh.pop()!; };
    const refill = async () => { while (own.length < 4) { const s = await openSession(await nextFresh()); if (s) own.push(s); else break; } };
    await refill();
    expect(own.length).toBeGreaterThan(0);

    const fives: Outcome[] = [];
    const unknownCodes: Outcome[] = [];
    const statuses = new Map<number, number>();
    let resets = 0;
    const codes = new Map<string, number>();
    let sent = 0;
    let rssAt1000 = 0;
    // Generated in chunks as the run goes: 20,000 requests at once would hold gigabytes of huge bodies.
    const CHUNK = 200;
    let chunk: WireRequest[] = [];
    let chunkNo = -1;
    const requestAt = (i: number): WireRequest => {
      const k = Math.floor(i / CHUNK);
      if (k !== chunkNo) { chunk = fc.sample(wireRequest, { numRuns: CHUNK, seed: SEED + k }); chunkNo = k; }
      return chunk[i % CHUNK]!;
    };

    const fill = async (w: WireRequest): Promise<Record<string, string> | undefined> => {
      const h = { ...w.headers };
      const s = own[sent % own.length] ?? own[0];
      switch (w.session) {
        case 'own': if (s) h['mcp-session-id'] = s.id; break;
        case 'foreign': h['mcp-session-id'] = foreign!.id; break;
        case 'random': h['mcp-session-id'] = crypto.randomUUID(); break;
        case 'long': h['mcp-session-id'] = 'a'.repeat(200); break;
        case 'bad-chars': h['mcp-session-id'] = 'abc def'; break;
        case 'none': break;
      }
      switch (w.token) {
        case 'bound': if (s) h['authorization'] = `Bearer ${s.token}`; break;
        case 'fresh': h['authorization'] = `Bearer ${await nextFresh()}`; break;
        case 'foreign': h['authorization'] = `Bearer ${foreign!.token}`; break;
        case 'garbage': h['authorization'] = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'; break;
        case 'huge': h['authorization'] = `Bearer ${'A'.repeat(20_000)}`; break;
        case 'basic': h['authorization'] = 'Basic YWRtaW46YWRtaW4='; break;
        case 'empty-bearer': h['authorization'] = 'Bearer '; break;
        case 'none': break;
      }
      return h;
    };

    const worker = async () => {
      for (;;) {
        const i = sent++;
        if (i >= TOTAL) return;
        const w = requestAt(i);
        const headers = await fill(w);
        try {
          if (process.env['FUZZ_TRACE']) process.stderr.write(`> ${i} ${Date.now() % 100000} ${w.label}\n`);
          const r = await send(w.method, headers!, w.body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status >= 500) fives.push({ status: r.status, label: w.label });
          if (r.status >= 400 && r.text.startsWith('{')) {
            const code = (JSON.parse(r.text) as { error?: { data?: { code?: string } } }).error?.data?.code;
            if (process.env['FUZZ_DEBUG']) codes.set(`${r.status} ${code}`, (codes.get(`${r.status} ${code}`) ?? 0) + 1);
            if (code !== undefined && !KNOWN.has(code)) unknownCodes.push({ status: r.status, code, label: w.label });
          }
          // A pool session gone (ended by a DELETE, or swept while idle): stop using it.
          if (w.session === 'own' && ((w.method === 'DELETE' && r.status === 200) || (w.token === 'bound' && r.status === 404))) {
            const k = own.findIndex((x) => x.id === headers!['mcp-session-id']);
            if (k >= 0) own.splice(k, 1);
          }
        } catch (err) {
          // The server may hang up on a body it refuses to read (over the cap mid-stream): not a 5xx.
          resets++;
          if (process.env['FUZZ_DEBUG']) process.stderr.write(`${(err as Error).name} ${(err as { code?: string }).code} ${(err as Error).message.slice(0, 80)} | ${w.label}\n`);
        }
        if (own.length < 2) await refill();
        if (i === 999) rssAt1000 = (await stats(true)).rss;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    if (FULL || process.env['FUZZ_DEBUG']) process.stderr.write(`wire fuzz: statuses ${JSON.stringify(Object.fromEntries(statuses))}, resets ${resets}, own sessions ${own.length}, codes ${JSON.stringify(Object.fromEntries(codes))}\n`);
    expect(exited).toBeUndefined();
    expect(fives).toEqual([]);
    expect(unknownCodes).toEqual([]);
    // Most requests must get an answer (a reset is only for refused bodies), or the fuzz tested nothing.
    expect(resets).toBeLessThan(TOTAL * 0.1);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);

    const after = await stats(true);
    expect(after.sessions).toBeLessThanOrEqual(300);
    if (FULL && rssAt1000 > 0) expect(after.rss).toBeLessThanOrEqual(rssAt1000 * 1.1);
    // Sessions left open by the fuzz close once idle: nothing leaks.
    await new Promise((r) => setTimeout(r, SESSION_IDLE_MS * 2 + 1000));
    expect((await stats()).sessions).toBe(0);
    expect(exited).toBeUndefined();
    if (FULL) process.stderr.write(`wire fuzz: ${TOTAL} requests, seed ${SEED}, statuses ${JSON.stringify(Object.fromEntries(statuses))}, resets ${resets}, RSS ${(rssAt1000 / 2 ** 20).toFixed(1)} -> ${(after.rss / 2 ** 20).toFixed(1)} MiB\n`);
  }, FULL ? 900_000 : 60_000);
});
