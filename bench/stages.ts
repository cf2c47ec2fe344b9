/**
 * Per-stage costs of one call, in process: from Core v2's onStage observer.
 * Plus the edge's token check (authenticate), which runs before the pipeline on
 * every HTTP request of a session.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchPalisade } from './lib/palisade.js';
import { quantile, round } from './lib/stats.js';
import { READ, benchPrincipal, writeArgs } from './lib/tools.js';

export type StageResult = Record<string, { medianUs: number; p99Us: number; n: number }>;

export async function runStages(opts: { n: number }): Promise<{ source: 'onStage'; read: StageResult; write: StageResult; auth: StageResult }> {
  const events: { stage: string; durationMs: number }[] = [];
  const palisade = await benchPalisade({ onStage: (e: { stage: string; durationMs: number }) => { events.push({ stage: e.stage, durationMs: e.durationMs }); } });
  const principal = benchPrincipal();
  await palisade.call(principal, READ.name, READ.args);
  if (events.length === 0) throw new Error('createPalisade did not report stages through onStage');
  const measure = async (call: (i: number) => Promise<unknown>): Promise<StageResult> => {
    for (let i = 0; i < 200; i++) await call(i);
    events.length = 0;
    const totals: number[] = [];
    for (let i = 0; i < opts.n; i++) {
      const t0 = performance.now();
      await call(i);
      totals.push(performance.now() - t0);
    }
    const by = new Map<string, number[]>();
    for (const e of events) (by.get(e.stage) ?? by.set(e.stage, []).get(e.stage)!).push(e.durationMs * 1000);
    const out: StageResult = {};
    for (const [stage, us] of by) out[stage] = { medianUs: round(quantile(us, 0.5)), p99Us: round(quantile(us, 0.99)), n: us.length };
    out['(whole call)'] = { medianUs: round(quantile(totals, 0.5) * 1000), p99Us: round(quantile(totals, 0.99) * 1000), n: totals.length };
    return out;
  };
  const read = await measure(() => palisade.call(principal, READ.name, READ.args));
  const write = await measure((i) => palisade.call(principal, 'bench.write', writeArgs(i)));
  await palisade.close();
  return { source: 'onStage', read, write, auth: await authCost(opts.n) };
}

/** The edge's authenticate() per request: the same token on the same session, as a client sends it. */
async function authCost(n: number): Promise<StageResult> {
  const auth = await import('../src/auth/index.js');
  const { loadConfig } = await import('../src/config/load.js');
  const { createMemoryStore } = await import('../src/state/memory.js');
  const { secretsFromConfig } = await import('../src/secrets/index.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'pal-bench-auth-'));
  const loaded = loadConfig({ env: { PALISADE_DATA_DIR: dataDir } });
  const issuer = await auth.loadOrCreateDevIssuer(dataDir);
  const resource = 'https://127.0.0.1:8443/mcp';
  const a = await auth.authenticatorFromConfig(loaded, { store: createMemoryStore(), secrets: secretsFromConfig(loaded, {}), resource, scopesSupported: [] });
  const header = `Bearer ${await issuer.mint({ sub: 'agent:bench', tenant: 'acme', region: 'eu-west', scopes: ['bench.read'], ttlSeconds: 600, audience: resource })}`;
  const us: number[] = [];
  for (let i = 0; i < n + 200; i++) {
    const t0 = performance.now();
    const r = await a.authenticate(header, { sessionId: 'bench-session' });
    if (i >= 200) us.push((performance.now() - t0) * 1000);
    if (!r.ok) throw new Error(`bench token refused: ${r.code}`);
  }
  // What the edge does instead on a session whose token it already verified (http-token-cache.ts).
  const { cacheToken, cachedVerdict } = await import('../src/transport/http-token-cache.js');
  const { authInfoFor } = await import('../src/transport/http-auth.js');
  const first = await a.authenticate(header, { sessionId: 'bench-session' });
  if (!first.ok) throw new Error('bench token refused');
  const cached = cacheToken(header, first, authInfoFor(first, resource));
  const hit: number[] = [];
  for (let i = 0; i < n + 200; i++) {
    const t0 = performance.now();
    if (!cachedVerdict(cached, header, Date.now())) throw new Error('cache miss');
    if (i >= 200) hit.push((performance.now() - t0) * 1000);
  }
  return {
    'auth: full verification (EdDSA + jti check)': { medianUs: round(quantile(us, 0.5)), p99Us: round(quantile(us, 0.99)), n },
    'auth: verdict cached on the session': { medianUs: round(quantile(hit, 0.5)), p99Us: round(quantile(hit, 0.99)), n },
  };
}
