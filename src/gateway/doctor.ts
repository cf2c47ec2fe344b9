import type { LoadedConfig } from '../config/load.js';
import type { Finding } from '../egress/config.js';
import { createRuntime } from '../runtime.js';

/**
 * Gateway lines of `palisade doctor`: each upstream's state (it is listed, with
 * how many sessions), the catalog lock's validity and drift (the seed's daily
 * "diff the tool catalog"), and tools blocked for a poisoned definition.
 */
export async function upstreamFindings(loaded: LoadedConfig): Promise<Finding[]> {
  if (Object.keys(loaded.config.upstreams).length === 0) return [];
  const out: Finding[] = [];
  let runtime;
  try {
    runtime = await createRuntime(loaded, { gatewayRecheckMs: 0 });
  } catch (err) {
    return [{ check: 'upstreams', ok: false, reason: `the gateway could not start: ${(err as Error).message.slice(0, 200)}`, }];
  }
  try {
    const gw = runtime.gateway!;
    const listed = new Set(runtime.palisade.catalog.list().map((t) => t.name.split('.', 1)[0]));
    for (const s of gw.status()) {
      const ok = listed.has(s.name) && s.state !== 'circuit-open';
      out.push({ check: `upstream.${s.name}`, ok, reason: ok ? `${s.state}, ${s.sessions} session(s)` : `not answering (${s.state}); its tools are unavailable` });
    }
    const st = gw.state();
    if (st.lockProblem) out.push({ check: 'catalog.lock', ok: false, reason: `${st.lockProblem}; run palisade catalog lock after review` });
    const d = st.drift;
    const n = d.changed.length + d.added.length + d.removed.length;
    out.push({ check: 'catalog.drift', ok: n === 0, reason: n === 0 ? 'upstream definitions match the signed lock' : `${d.changed.length} changed, ${d.added.length} new, ${d.removed.length} gone: see palisade catalog diff` });
    const blocked = [...st.blocked.entries()];
    if (blocked.length) out.push({ check: 'catalog.blocked', ok: false, reason: `${blocked.length} tool(s) quarantined: ${blocked.map(([t, why]) => `${t} (${why})`).join('; ').slice(0, 300)}` });
  } finally {
    await runtime.close();
  }
  return out;
}
