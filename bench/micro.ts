/**
 * Micro-benchmarks for two call-path costs outside the in-process bench (which runs
 * with a memory store and no logger):
 *   log     one `logRecorder` line per call, to stderr (pipe it: `2> >(cat >/dev/null)`);
 *           LOG_SYNC=1 uses the old synchronous destination;
 *   sqlite  setIfAbsent + incr on the embedded SQLite store (a file in a temp folder).
 *   node --import tsx bench/micro.ts log|sqlite
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { logRecorder } from '../src/audit/log-recorder.js';
import type { CallRecord } from '../src/core/record.js';
import { createLogger } from '../src/log.js';
import { createSqliteStore } from '../src/state/sqlite.js';

const N = 20_000;

async function log(): Promise<string> {
  const sync = process.env['LOG_SYNC'] === '1';
  const logger = sync ? createLogger('info', pino.destination({ fd: 2, sync: true })) : createLogger('info');
  const rec = logRecorder(logger);
  const r = {
    kind: 'call', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', at: Date.now(), decidedBy: 'handler', transport: 'http',
    principal: { id: 'agent:bench-1', type: 'agent', tenant: 'acme', region: 'eu-west', grants: [] },
    toolName: 'bench.rows', outcome: { kind: 'ok', result: { content: [] }, replayed: false }, trail: [], durationMs: 0.3, pii: { count: 50, byType: {} },
  } as unknown as CallRecord;
  // One call per event-loop turn, as on a server.
  let i = 0;
  let onPath = 0;
  const c0 = process.cpuUsage();
  await new Promise<void>((done) => {
    const step = () => {
      const s = performance.now();
      void rec.record(r);
      onPath += performance.now() - s;
      if (++i < N) setImmediate(step); else done();
    };
    step();
  });
  const cpu = process.cpuUsage(c0);
  await new Promise((res) => logger.flush(res));
  return `log (${sync ? 'sync' : 'batched'}): µs per line on the call path ${(1000 * onPath / N).toFixed(1)}, process CPU ${((cpu.user + cpu.system) / N).toFixed(1)}`;
}

async function sqlite(): Promise<string> {
  const s = createSqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'pal-micro-')), 'state.db') });
  for (let i = 0; i < 2000; i++) { await s.setIfAbsent(`w${i}`, 'v', 60_000); await s.incr('c', 1, 60_000); }
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) { await s.setIfAbsent(`k${i}`, 'v', 60_000); await s.incr(`c${i % 100}`, 1, 60_000); }
  const cpu = process.cpuUsage(c0);
  await s.close();
  return `sqlite: CPU µs per setIfAbsent + incr ${((cpu.user + cpu.system) / N).toFixed(1)}`;
}

const which = process.argv[2];
const line = which === 'log' ? await log() : which === 'sqlite' ? await sqlite() : 'usage: bench/micro.ts log|sqlite';
process.stdout.write(`${line}\n`);
