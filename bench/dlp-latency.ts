/** Added latency of the redact stage on a 64 KiB tool result, through the real pipeline (medians). */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineTool } from '../src/core/define.js';
import type { Principal } from '../src/core/principal.js';
import { dlpRedactor } from '../src/dlp/redactor.js';
import { createPalisade } from '../src/palisade.js';
import { prng, email, phone } from '../test/dlp/corpus.js';

const principal: Principal = { id: 'agent:bench', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['bench.read'] };

/** Order rows (an email and a phone each, a token in one note) until the JSON is 64 KiB. */
function result64k() {
  const r = prng(64);
  const rows: Record<string, unknown>[] = [];
  while (JSON.stringify({ rows }).length < 64 * 1024) {
    rows.push({ orderId: `ord_${r.chars('abcdefghijklmnopqrstuvwxyz0123456789', 12)}`, createdAt: '2025-08-25T10:00:00Z', status: 'paid', amount: { cents: r.int(500, 50000), currency: 'EUR' }, email: email(r), phone: phone(r).replace(/[ .-]/g, ''), note: 'leave at the door' });
  }
  return { rows };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Median call time with and without DLP (same tool, same run, calls interleaved), and the redact stage alone. */
export async function latency(n = Number(process.env['BENCH_N'] ?? 400)): Promise<Record<string, number>> {
  const body = result64k();
  const tool = defineTool({ name: 'bench.big', description: 'a 64 KiB result', effect: 'read', scope: 'bench.read', input: { q: z.string().optional() }, handler: async () => body });
  const bare = await createPalisade({ tools: [tool], env: {}, redactor: { redact: (value) => ({ value, pii: { count: 0, byType: {} } }) } });
  const dlp = await createPalisade({ tools: [tool], env: {}, redactor: dlpRedactor() });
  const once = async (p: typeof bare) => { const t = performance.now(); await p.call(principal, 'bench.big', {}); return performance.now() - t; };
  for (let k = 0; k < 50; k++) { await once(bare); await once(dlp); }
  // interleaved, the order swapped every other pair: load drift and GC debt hit both sides alike; medians, not means
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < n; k++) {
    if (k % 2 === 0) { a.push(await once(bare)); b.push(await once(dlp)); } else { b.push(await once(dlp)); a.push(await once(bare)); }
  }
  const bareUs = median(a) * 1000;
  const dlpUs = median(b) * 1000;
  const red = dlpRedactor();
  const inv = { obligations: [], principal } as never;
  const stage: number[] = [];
  for (let k = 0; k < n; k++) { const t0 = performance.now(); red.redact({ structuredContent: body, content: [] }, inv); stage.push(performance.now() - t0); }
  const stageUs = median(stage) * 1000;
  console.log(`64 KiB result (medians of ${n} interleaved calls): call ${bareUs.toFixed(0)} µs without DLP, ${dlpUs.toFixed(0)} µs with (+${(dlpUs - bareUs).toFixed(0)} µs, ${(((dlpUs - bareUs) / bareUs) * 100).toFixed(1)}%); redact stage alone ${stageUs.toFixed(0)} µs`);
  await bare.close();
  await dlp.close();
  return {
    result64kBytes: JSON.stringify(body).length,
    call64kUsWithoutDlp: Math.round(bareUs), call64kUsWithDlp: Math.round(dlpUs),
    addedLatency64kUs: Math.round(dlpUs - bareUs), addedLatency64kPct: Number((((dlpUs - bareUs) / bareUs) * 100).toFixed(1)),
    redactStage64kUs: Math.round(stageUs),
  };
}
