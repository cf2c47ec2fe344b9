/** Added latency of the redact stage on a 64 KiB tool result, through the real pipeline. */
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

export async function latency(n = Number(process.env['BENCH_N'] ?? 400)): Promise<Record<string, number>> {
  const body = result64k();
  const tool = defineTool({ name: 'bench.big', description: 'a 64 KiB result', effect: 'read', scope: 'bench.read', input: { q: z.string().optional() }, handler: async () => body });
  const bare = await createPalisade({ tools: [tool], env: {}, redactor: { redact: (value) => ({ value, pii: { count: 0, byType: {} } }) } });
  const dlp = await createPalisade({ tools: [tool], env: {}, redactor: dlpRedactor() });
  const once = async (p: typeof bare) => { const t = performance.now(); await p.call(principal, 'bench.big', {}); return performance.now() - t; };
  for (let k = 0; k < 50; k++) { await once(bare); await once(dlp); }
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) { a += await once(bare); b += await once(dlp); } // interleaved: load drift hits both
  const bareUs = (a / n) * 1000;
  const dlpUs = (b / n) * 1000;
  const red = dlpRedactor();
  const inv = { obligations: [], principal } as never;
  const t0 = performance.now();
  for (let k = 0; k < n; k++) red.redact({ structuredContent: body, content: [] }, inv);
  const stageUs = ((performance.now() - t0) / n) * 1000;
  console.log(`64 KiB result: call ${bareUs.toFixed(0)} µs without DLP, ${dlpUs.toFixed(0)} µs with (+${(dlpUs - bareUs).toFixed(0)} µs, ${(((dlpUs - bareUs) / bareUs) * 100).toFixed(1)}%); redact stage alone ${stageUs.toFixed(0)} µs`);
  await bare.close();
  await dlp.close();
  return {
    result64kBytes: JSON.stringify(body).length,
    call64kUsWithoutDlp: Math.round(bareUs), call64kUsWithDlp: Math.round(dlpUs),
    addedLatency64kUs: Math.round(dlpUs - bareUs), addedLatency64kPct: Number((((dlpUs - bareUs) / bareUs) * 100).toFixed(1)),
    redactStage64kUs: Math.round(stageUs),
  };
}
