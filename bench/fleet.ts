// Palisade behind HAProxy (deploy/haproxy.cfg): calls/s with 1 vs 2 instances, the global rpm
// limit's error, kill-switch propagation. Needs haproxy and redis-server on PATH.
// Run: nice node --import tsx bench/fleet.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisStore } from '../src/state/redis.js';
import { createSwitchboard } from '../src/state/switches.js';
import { fleetClient, privateRedis, startFleet } from '../test/fleet/harness.js';
import { writeSection } from './results-file.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CLIENTS = 16;
const SCOPES = ['flags.read'];
const redis = await privateRedis(mkdtempSync(join(tmpdir(), 'bench-redis-')));
const isError = (r: unknown) => (r as { isError?: boolean }).isError === true;

async function throughput(instances: 1 | 2): Promise<number> {
  const fleet = await startFleet({ redisUrl: redis.url, limits: [], instances });
  const cs = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => fleetClient(fleet.url, await fleet.mint(`agent:b${i}`, 'acme', SCOPES))));
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(cs.map(async (c) => { while (performance.now() < end) { await c.client.callTool({ name: 'flag.get', arguments: { name: 'f', env: 'staging' } }); n++; } }));
  const rate = Math.round(n / ((performance.now() - t0) / 1000));
  for (const c of cs) await c.close();
  await fleet.close();
  return rate;
}

async function limitAndSwitch(): Promise<{ limit: number; allowed: number; calls: number; errorPct: number; killSwitchMs: number[] }> {
  const limit = 500;
  const fleet = await startFleet({ redisUrl: redis.url, limits: [{ tenant: 'rpm', limits: { rpm: limit } }] });
  const cs = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => fleetClient(fleet.url, await fleet.mint(`agent:l${i}`, 'rpm', SCOPES))));
  let allowed = 0;
  let calls = 0;
  await Promise.all(cs.map(async (c) => {
    for (let i = 0; i < 150; i++) {
      calls++;
      try {
        const r = await c.client.callTool({ name: 'flag.get', arguments: { name: 'f', env: 'staging' } });
        if (!(isError(r) && JSON.stringify(r).includes('RATE_LIMITED'))) allowed++;
      } catch { /* 429 at the edge */ }
    }
  }));
  // Kill switch: set through the store (palisade kill's path); time until both instances refuse.
  const probe = await fleetClient(fleet.url, await fleet.mint('agent:probe', 'acme', SCOPES));
  const store = createRedisStore({ url: redis.url, prefix: fleet.prefix });
  const board = await createSwitchboard(store, { readOnly: false, readOnlyForced: false, quarantine: [], egressBlock: [] });
  const killSwitchMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    await board.setQuarantined('flag.get', true);
    const seen = new Set<string>();
    while (seen.size < 2) {
      const k = probe.served.length;
      const r = await probe.client.callTool({ name: 'flag.get', arguments: { name: 'f', env: 'staging' } });
      if (JSON.stringify(r).includes('QUARANTINED')) seen.add(probe.served[k] ?? '?');
    }
    killSwitchMs.push(Math.round(performance.now() - t0));
    await board.setQuarantined('flag.get', false);
  }
  board.close();
  await store.close();
  for (const c of [...cs, probe]) await c.close();
  await fleet.close();
  return { limit, allowed, calls, errorPct: Math.round((Math.abs(allowed - limit) / limit) * 10000) / 100, killSwitchMs };
}

const one = await throughput(1);
const two = await throughput(2);
const lim = await limitAndSwitch();
redis.stop();
console.log(`through haproxy, ${CLIENTS} clients, flag.get: 1 instance ${one} calls/s, 2 instances ${two} calls/s`);
console.log(`global rpm ${lim.limit}: ${lim.allowed} allowed of ${lim.calls} calls (error ${lim.errorPct}%)`);
console.log(`kill switch in force on both instances after: ${lim.killSwitchMs.join(', ')} ms`);
writeSection('fleet', {
  callsPerSecondThroughHaproxy: { instances1: one, instances2: two, clients: CLIENTS, seconds: SECONDS },
  globalRpm: lim,
  command: 'nice node --import tsx bench/fleet.ts',
  note: '2-core host shared with other jobs (load average ~15 during the run): figures are lower bounds',
  at: new Date().toISOString(),
});
process.exit(0);
