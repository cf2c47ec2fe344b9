/** The side-by-side tables: printed by `npm run bench` and written into BENCHMARKS.md between markers. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { HttpResult } from '../http.js';
import type { InProcessResult } from '../inprocess.js';
import type { StageResult } from '../stages.js';

export interface SideBySide {
  machine: Record<string, unknown>;
  command: string;
  at: string;
  settings: Record<string, unknown>;
  inProcess?: InProcessResult;
  https?: HttpResult;
  stages?: { source: string; read: StageResult; write: StageResult; auth: StageResult };
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const ok = (pass: boolean) => (pass ? 'met' : '**not met**');

export function tables(r: SideBySide): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`Measured ${r.at} on ${m['nproc']} cores (${m['cpu']}), ${m['memGiB']} GiB, Node ${m['node']} ${m['platform']}, load average at start ${m['loadavg']}.`);
  out.push(`Command: \`${r.command}\` (${Object.entries(r.settings).map(([k, v]) => `${k}=${String(v)}`).join(', ')}). Medians over rounds; ratio = Palisade / bare.`, '');
  if (r.inProcess) {
    out.push('### In process (InMemoryTransport, one client, sequential calls)', '');
    out.push('| call | bare calls/s | Palisade calls/s | ratio | bare p50 / p99 ms | Palisade p50 / p99 ms | CPU µs/call bare / Palisade | CPU ratio | target >= 0.8x (CPU ratio) |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const [op, v] of Object.entries(r.inProcess)) {
      const label = op === 'read' ? 'read, 50 rows' : 'write (Palisade: idempotency)';
      out.push(`| ${label} | ${f0(v.bare.cps)} | ${f0(v.palisade.cps)} | ${f2(v.ratio)} | ${f2(v.bare.p50)} / ${f2(v.bare.p99)} | ${f2(v.palisade.p50)} / ${f2(v.palisade.p99)} | ${f0(v.bare.cpuUsPerCall)} / ${f0(v.palisade.cpuUsPerCall)} | ${f2(v.cpuRatio)} | ${ok(v.cpuRatio >= 0.8)} |`);
    }
    out.push('');
  }
  if (r.https) {
    out.push('### HTTPS on loopback (read, 50 rows; SDK clients in a separate process, one session each)', '');
    out.push('Palisade: bearer JWT (EdDSA, jti bound to the session) and the full pipeline. Bare SDK: no authentication; "JSON" = session mode with `enableJsonResponse` (its fastest, the baseline), "SSE" = session mode with SSE answers (SDK default), "stateless" = a server and transport per request.', '');
    out.push('Server CPU µs/call: the serving process\'s CPU time (user + system) per call, warm-up included; unlike calls/s it does not move with other load on the machine. CPU ratio = bare JSON / Palisade (what throughput ratio a CPU-bound server would see).', '');
    out.push('| clients | Palisade calls/s | bare JSON calls/s | ratio (>= 0.95) | Palisade p50 / p99 ms | bare JSON p50 / p99 ms | p99 added ms | server CPU µs/call Palisade / bare JSON | CPU ratio | bare SSE calls/s (CPU µs) | bare stateless calls/s (CPU µs) |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [n, v] of Object.entries(r.https)) {
      const errs = v.palisade.errors + v['bare-json'].errors + v['bare-sse'].errors + v['bare-stateless'].errors;
      out.push(`| ${n} | ${f0(v.palisade.cps)} | ${f0(v['bare-json'].cps)} | ${f2(v.ratio)} ${v.ratio >= 0.95 ? '' : '(not met)'} | ${f2(v.palisade.p50)} / ${f2(v.palisade.p99)} | ${f2(v['bare-json'].p50)} / ${f2(v['bare-json'].p99)} | ${f2(v.p99AddedMs)}${n === '1' ? (v.p99AddedMs <= 1 ? ' (<= 1: met)' : ' (target <= 1: not met)') : ''} | ${f0(v.palisade.cpuUsPerCall)} / ${f0(v['bare-json'].cpuUsPerCall)} | ${f2(v.cpuRatio)} | ${f0(v['bare-sse'].cps)} (${f0(v['bare-sse'].cpuUsPerCall)}) | ${f0(v['bare-stateless'].cps)} (${f0(v['bare-stateless'].cpuUsPerCall)})${errs ? ` (${errs} errors)` : ''} |`);
    }
    out.push('');
  }
  if (r.stages) {
    out.push(`### Per stage (in process, from Core v2's onStage observer), µs`, '');
    out.push('| stage | read median | read p99 | write median | write p99 |');
    out.push('| --- | ---: | ---: | ---: | ---: |');
    const names = [...new Set([...Object.keys(r.stages.read), ...Object.keys(r.stages.write)])];
    for (const s of names) {
      const a = r.stages.read[s];
      const b = r.stages.write[s];
      out.push(`| ${s} | ${a ? f2(a.medianUs) : '-'} | ${a ? f2(a.p99Us) : '-'} | ${b ? f2(b.medianUs) : '-'} | ${b ? f2(b.p99Us) : '-'} |`);
    }
    for (const [s, v] of Object.entries(r.stages.auth)) out.push(`| ${s} (HTTP edge, every request) | ${f2(v.medianUs)} | ${f2(v.p99Us)} | | |`);
    out.push('');
  }
  return out.join('\n');
}

/** Other benchmark scripts' keys in results.json, flattened to one line each. */
export function othersTable(results: Record<string, unknown>, own: readonly string[]): string {
  const rows: string[] = [];
  const flat = (prefix: string, v: unknown, depth: number) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 3) for (const [k, x] of Object.entries(v)) flat(`${prefix}.${k}`, x, depth + 1);
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') rows.push(`| ${prefix} | ${typeof v === 'number' ? f2(v) : v} |`);
  };
  for (const [k, v] of Object.entries(results)) if (!own.includes(k)) flat(k, v, 0);
  if (rows.length === 0) return '';
  return ['### Other benchmarks (their own keys in bench/results.json)', '', '| key | value |', '| --- | --- |', ...rows.slice(0, 80), ''].join('\n');
}

const BEGIN = '<!-- bench:begin (generated by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** Replaces the generated section of BENCHMARKS.md, keeping everything written by hand around it. */
export function writeBenchmarksMd(file: string, generated: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n## Latest run\n\n${BEGIN}\n${END}\n`;
  const i = text.indexOf(BEGIN);
  const j = text.indexOf(END);
  const next = i >= 0 && j > i ? `${text.slice(0, i + BEGIN.length)}\n${generated}\n${text.slice(j)}` : `${text}\n${BEGIN}\n${generated}\n${END}\n`;
  writeFileSync(file, next);
}
