import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePeers, type Peers } from '../helpers/peers.js';
import { freePort } from '../helpers/ports.js';
import { EVERYTHING } from './helpers.js';

// Transparency: the official conformance suite (0.1.16, under a registry Node 22) against
// @modelcontextprotocol/server-everything over Streamable HTTP, once directly and once
// through `palisade serve --http` fronting it in gateway mode (auth off, loopback). Every
// check the suite passes directly must pass through Palisade, scenario by scenario; each
// difference is listed here with its reason. Palisade forwards the upstream's tools,
// prompts, resources (every URI: this is the transparent configuration) and log messages.
const BIN = new URL('../../bin/palisade.js', import.meta.url).pathname;

/** Checks the suite counts differently through Palisade, by design. */
const DIFFERENCES: Record<string, string> = {
  'server-sse-multiple-streams':
    'Palisade answers a call that streams nothing with plain JSON (issue 14: SSE only for calls that stream), so the suite records "SSE streams functional" as INFO; the concurrent-streams check itself passes.',
};

interface Tally { passed: number; failed: number }
type Report = Map<string, Tally>;

let peers: Peers;
const children: ChildProcess[] = [];
let direct: Report;
let gateway: Report;
let gatewayOut = '';


function start(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<void> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    const t = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${seen.slice(-500)}`)), 30_000);
    const on = (d: Buffer) => { seen += d.toString(); if (seen.includes(ready)) { clearTimeout(t); resolve(); } };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
  });
}

/** Runs the whole suite against `url`; per scenario, the checks passed and failed. */
function suite(url: string): Promise<{ report: Report; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(peers.node22, [peers.conformance, 'server', '--url', url, '--suite', 'all'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 200_000);
    p.once('close', () => {
      clearTimeout(t);
      out = out.replace(/\x1b\[[0-9;]*m/g, '');
      const report: Report = new Map();
      for (const m of out.matchAll(/^[✓✗] ([a-z0-9-]+): (\d+) passed, (\d+) failed/gm)) report.set(m[1]!, { passed: Number(m[2]), failed: Number(m[3]) });
      resolve({ report, out });
    });
  });
}

beforeAll(async () => {
  peers = ensurePeers();
  const upPort = await freePort();
  const gwPort = await freePort();
  await start(process.execPath, [EVERYTHING, 'streamableHttp'], { PATH: process.env['PATH'] ?? '', PORT: String(upPort) }, 'listening on port');
  const dir = mkdtempSync(join(tmpdir(), 'pal-gwconf-'));
  writeFileSync(join(dir, 'b.yaml'), 'transport: { mtls: false }\n');
  writeFileSync(join(dir, 'palisade.yaml'), `server: { reference_tools: false, data_dir: ./data, http: { port: ${gwPort}, insecure_http: true } }
auth: { mode: none }
baseline: ./b.yaml
stdio:
  principal: { id: "dev:conformance", tenant: dev, region: eu-west, grants: [ev.read, ev.prompts, ev.resources] }
upstreams:
  ev:
    url: http://127.0.0.1:${upPort}/mcp
    allow_addresses: [127.0.0.1/32]
    tools:
      echo: { effect: read, scope: ev.read }
      get-sum: { effect: read, scope: ev.read }
      get-tiny-image: { effect: read, scope: ev.read }
    prompts: {}
    resources: { uris: ["*"] }
`);
  await start(process.execPath, [BIN, 'serve', '--http', '--config', join(dir, 'palisade.yaml')], { ...process.env, REDIS_URL: '', DATABASE_URL: '' }, 'serving MCP at');
  // One after the other: each run opens many sessions, and the upstream serves both.
  direct = (await suite(`http://127.0.0.1:${upPort}/mcp`)).report;
  const g = await suite(`http://127.0.0.1:${gwPort}/mcp`);
  gateway = g.report;
  gatewayOut = g.out;
}, 500_000);
afterAll(() => { for (const c of children) c.kill('SIGTERM'); });

describe('conformance 0.1.16: server-everything directly vs behind the Palisade gateway', () => {
  it('the suite ran every scenario both ways', () => {
    expect(direct.size).toBeGreaterThanOrEqual(30);
    expect([...gateway.keys()].sort()).toEqual([...direct.keys()].sort());
  });

  it('every scenario that passes directly passes through the gateway', () => {
    const passingDirect = [...direct].filter(([, t]) => t.passed > 0 && t.failed === 0).map(([s]) => s);
    // What the issue measured here: 12 scenarios including logging, resources list/subscribe, prompts list.
    expect(passingDirect).toEqual(expect.arrayContaining(['server-initialize', 'logging-set-level', 'ping', 'tools-list', 'resources-list', 'resources-subscribe', 'resources-unsubscribe', 'prompts-list']));
    const regressed = passingDirect.filter((s) => !(gateway.get(s)!.passed > 0 && gateway.get(s)!.failed === 0));
    expect(regressed, gatewayOut).toEqual([]);
  });

  it('check by check, the gateway passes at least what passes directly, except the listed differences', () => {
    const fewer = [...direct].filter(([s, t]) => gateway.get(s)!.passed < t.passed).map(([s]) => s);
    expect(fewer.sort()).toEqual(Object.keys(DIFFERENCES).sort());
    const more = [...direct].filter(([s, t]) => gateway.get(s)!.failed > t.failed).map(([s]) => s);
    expect(more).toEqual([]);
  });
});
