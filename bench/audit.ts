/**
 * Audit log costs (not a test): `node --import tsx bench/audit.ts` (BENCH_N=records, default 100000).
 * - cost per call: the audit recorder's work for one realistic call record (fields, HMAC,
 *   redaction, canonical JSON, SHA-256, buffered write with batched fsync, a signed checkpoint
 *   every 100), flushes included, measured over whole batches;
 * - append rate: prepared records through the chain writer, checkpoint every 1,000 and every 100;
 * - verify rate: `palisade audit verify`'s check of the written chain (reference RFC 8785, Ed25519).
 * Results merge into bench/results.json under "audit".
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { signerFrom } from '../src/audit/keys.js';
import { auditRecorder } from '../src/audit/recorder.js';
import type { CallFields } from '../src/audit/types.js';
import { verifyPath } from '../src/audit/verify.js';
import { openAuditLog, type FsyncPolicy } from '../src/audit/writer.js';
import type { CallRecord } from '../src/core/record.js';
import { placeholderTool } from '../src/core/tool.js';

const N = Number(process.env['BENCH_N'] ?? 100_000);
const BATCH = 200; // calls completing per event-loop turn before the writer flushes
const signer = signerFrom(generateKeyPairSync('ed25519').privateKey);
const tick = () => new Promise<void>((r) => setImmediate(r));

function callRecord(i: number): CallRecord {
  const tool = { ...placeholderTool('orders.get'), placeholder: undefined };
  const principal = { id: 'agent:dev', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['orders.read'] };
  const invocation = {
    traceId: (i.toString(16) + '0'.repeat(32)).slice(0, 32), principal, tool, input: { orderId: `A-${i}` }, args: { orderId: `A-${i}` },
    session: { id: 's', tainted: false }, meta: {}, transport: 'http', startedAt: Date.now(), obligations: [], signal: new AbortController().signal,
  };
  return {
    kind: 'call', traceId: invocation.traceId, at: Date.now(), principal, toolName: 'orders.get', invocation,
    outcome: { kind: 'ok', replayed: false, result: { content: [{ type: 'text', text: '{"id":"A-1","total":12.5}' }], structuredContent: { id: `A-${i}`, total: 12.5, status: 'shipped' } } },
    decidedBy: 'handler', trail: [{ stage: 'policy', allow: true, durationMs: 0.01, notes: { matched: ['orders-read'] } }], durationMs: 0.4, pii: { count: 0, byType: {} },
  } as unknown as CallRecord;
}

async function perCallCost(fsync: FsyncPolicy): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const log = openAuditLog({ dir: join(dir, 'b'), instance: 'b', signer, checkpointEvery: 100, fsync });
  const rec = auditRecorder(log, { hmacKey: Buffer.alloc(32, 1) });
  const records = Array.from({ length: BATCH }, (_, i) => callRecord(i));
  for (let i = 0; i < 2000; i += BATCH) { for (const r of records) rec.record(r); await tick(); }
  let busy = 0;
  for (let done = 0; done < N; done += BATCH) {
    const t0 = performance.now();
    for (const r of records) rec.record(r);
    log.flush(); // the flush the writer would do at the end of this turn, timed with the calls
    busy += performance.now() - t0;
    await tick();
  }
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return (busy * 1000) / N;
}

async function appendRate(every: number): Promise<{ rate: number; dir: string; records: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const log = openAuditLog({ dir: join(dir, 'b'), instance: 'b', signer, checkpointEvery: every, fsync: 'batch' });
  const fields: CallFields = {
    kind: 'call', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', actor: { id: 'agent:dev', type: 'agent' }, tenant: 'acme',
    tool: 'orders.get', argsHmac: 'a'.repeat(64), args: { orderId: 'A-1' }, decision: 'allow', stage: 'handler', result: 'b'.repeat(64), pii: 0, durationMs: 0.4,
  };
  const t0 = performance.now();
  for (let i = 0; i < N; i++) log.append(fields);
  log.flush();
  const ms = performance.now() - t0;
  await log.close();
  return { rate: N / (ms / 1000), dir, records: N };
}

const cost = { batch: await perCallCost('batch'), never: await perCallCost('never') };
const a1000 = await appendRate(1000);
const a100 = await appendRate(100);
const v0 = performance.now();
const [report] = verifyPath(join(a100.dir, 'b'));
const verifyMs = performance.now() - v0;
if (!report?.ok) throw new Error('bench chain does not verify');
const verifyRate = report.records / (verifyMs / 1000);
for (const d of [a1000.dir, a100.dir]) rmSync(d, { recursive: true, force: true });

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const audit = {
  command: 'node --import tsx bench/audit.ts',
  n: N,
  cost_per_call_us: { fsync_batch: round(cost.batch, 2), fsync_never: round(cost.never, 2) },
  append_records_per_s: { checkpoint_every_1000: Math.round(a1000.rate), checkpoint_every_100: Math.round(a100.rate) },
  verify_records_per_s: Math.round(verifyRate),
  load_average: (await import('node:os')).loadavg().map((l) => round(l, 2)),
  at: new Date().toISOString(),
};
console.log(`audit cost per call (recorder + flush, fsync batch) ${audit.cost_per_call_us.fsync_batch} µs; fsync never ${audit.cost_per_call_us.fsync_never} µs`);
console.log(`append ${audit.append_records_per_s.checkpoint_every_1000} records/s (checkpoint every 1,000), ${audit.append_records_per_s.checkpoint_every_100} records/s (every 100)`);
console.log(`verify ${audit.verify_records_per_s} records/s (${report.records} records)`);
const file = new URL('./results.json', import.meta.url).pathname;
const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {};
writeFileSync(file, `${JSON.stringify({ ...all, audit }, null, 2)}\n`);
