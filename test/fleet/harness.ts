import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadOrCreateDevIssuer } from '../../src/auth/dev-issuer.js';
import { freePorts } from '../helpers/ports.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/palisade.js');

export const haveHaproxy = spawnSync('haproxy', ['-v']).status === 0;
export const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;

export { freePorts };

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A private redis-server on its own loopback port, with an fsync'd append-only file so a restart keeps its data. */
export async function privateRedis(dir: string) {
  const [port] = await freePorts(1) as [number];
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
    await waitFor(async () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG', 'redis-server');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    /** SIGKILL: no shutdown, as a crash. */
    async kill() { proc?.kill('SIGKILL'); await new Promise((r) => proc?.once('exit', r)); },
    stop() { proc?.kill('SIGKILL'); },
  };
}

export interface Fleet {
  readonly url: string;
  readonly redisUrl: string;
  readonly prefix: string;
  /** The reference data (SQLite, shared by the instances) where each applied write has a history row. */
  readonly dataDb: string;
  mint(sub: string, tenant: string, scopes: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Two `palisade serve --http` processes (plain HTTP on loopback, as in deploy/compose.yaml)
 * behind Debian's haproxy running deploy/haproxy.cfg unchanged, all sharing one Redis.
 */
export async function startFleet(o: { redisUrl: string; limits: unknown[]; instances?: 1 | 2 }): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'pal-fleet-'));
  const [lb, p1, p2] = await freePorts(3) as [number, number, number];
  const url = `http://127.0.0.1:${lb}/mcp`;
  const issuer = await loadOrCreateDevIssuer(join(dir, 'issuer'));
  writeFileSync(join(dir, 'issuer.jwk.json'), JSON.stringify(issuer.publicJwks.keys[0]));
  writeFileSync(join(dir, 'limits.json'), JSON.stringify(o.limits));
  const prefix = `fleet-${crypto.randomUUID()}:`;
  writeFileSync(join(dir, 'palisade.yaml'), [
    'server:',
    '  data_dir: ./data',
    `  http: { host: 127.0.0.1, insecure_http: true, public_url: "${url}" }`,
    `state: { backend: redis, redis_prefix: "${prefix}" }`,
    'limits: ./limits.json',
    'auth:',
    `  issuers: [{ issuer: "${issuer.issuer}", public_keys: [./issuer.jwk.json] }]`,
  ].join('\n'));
  const env = { PATH: process.env['PATH'] ?? '', REDIS_URL: o.redisUrl, PALISADE_LOG_LEVEL: 'error' };
  const procs: ChildProcess[] = [];
  const ports = o.instances === 1 ? [p1] : [p1, p2];
  for (const port of ports) {
    procs.push(spawn(process.execPath, [BIN, 'serve', '--http', '--config', join(dir, 'palisade.yaml'), '--port', String(port)], { env, stdio: process.env['FLEET_DEBUG'] ? 'inherit' : 'ignore' }));
  }
  const haproxy = spawn('haproxy', ['-db', '-f', join(ROOT, 'deploy/haproxy.cfg')], {
    env: { PATH: env.PATH, PALISADE_LB_PORT: String(lb), PALISADE_PORT_1: String(p1), PALISADE_PORT_2: String(ports.at(-1)), PALISADE_LB_SHOW_SERVER: '1' },
    stdio: process.env['FLEET_DEBUG'] ? 'inherit' : 'ignore',
  });
  if (process.env['FLEET_DEBUG']) {
    haproxy.on('exit', (code, sig) => console.error('haproxy exited', code, sig));
    haproxy.on('error', (e) => console.error('haproxy error', e));
  }
  const stopAll = async () => {
    for (const p of [haproxy, ...procs]) if (p.exitCode === null) p.kill('SIGKILL');
  };
  try {
    for (const port of ports) await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, `instance on ${port}`, 40_000);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${lb}/healthz`)).ok, 'haproxy');
    await sleep(1200); // one health-check round: both servers up in haproxy
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    url,
    redisUrl: o.redisUrl,
    prefix,
    dataDb: join(dir, 'data', 'data.db'),
    mint: (sub, tenant, scopes) => issuer.mint({ sub, tenant, region: 'eu-west', scopes, audience: url }),
    async close() {
      const exited = [haproxy, ...procs].map((p) => (p.exitCode !== null ? undefined : new Promise((r) => p.once('exit', r))));
      haproxy.kill('SIGTERM');
      for (const p of procs) p.kill('SIGTERM');
      const t = setTimeout(() => void stopAll(), 5000);
      await Promise.all(exited);
      clearTimeout(t);
    },
  };
}

/** An SDK client through the balancer; `served` collects which instance answered each request. */
export async function fleetClient(url: string, bearer: string) {
  const served: string[] = [];
  const statuses: number[] = [];
  const f: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    statuses.push(res.status);
    const who = res.headers.get('x-palisade-instance');
    if (who) served.push(who);
    return res;
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: f, requestInit: { headers: { Authorization: `Bearer ${bearer}` } } });
  const client = new Client({ name: 'fleet', version: '0' });
  await client.connect(transport);
  return { client, transport, served, statuses, close: () => client.close().catch(() => undefined) };
}
