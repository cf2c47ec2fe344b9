/**
 * DLP throughput and added latency (not a test): `node --import tsx bench/dlp.ts`
 * MB/s of the scanner on 1 MiB of mixed JSON results and prose (wall clock and CPU
 * time: this host is shared), a peer-style regex scanner on the same text in the same
 * run, and the added latency of the redact stage on a 64 KiB result. Figures are merged
 * into bench/results.json under "dlp" (other keys are kept).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { renderer } from '../src/dlp/modes.js';
import { DEFAULT_PROFILE, planFor } from '../src/dlp/profile.js';
import { scanText } from '../src/dlp/scan.js';
import { newCount, redactStructured } from '../src/dlp/structured.js';
import { redactText } from '../src/dlp/text.js';
import { dense, realistic } from './dlp-corpus.js';
import { latency } from './dlp-latency.js';

const MiB = 1 << 20;

/** MB/s by wall clock and by this process's CPU time, over at least `minMs`. */
function rate(label: string, bytes: number, fn: () => unknown, minMs = 1500): { wall: number; cpu: number } {
  for (let k = 0; k < 3; k++) fn();
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let dt = 0;
  while (dt < minMs) { fn(); n++; dt = performance.now() - t0; }
  const c = process.cpuUsage(c0);
  const wall = (bytes * n) / MiB / (dt / 1000);
  const cpu = (bytes * n) / MiB / ((c.user + c.system) / 1e6);
  console.log(`${label.padEnd(50)} ${wall.toFixed(0).padStart(5)} MB/s wall ${cpu.toFixed(0).padStart(5)} MB/s cpu`);
  return { wall: Math.round(wall), cpu: Math.round(cpu) };
}

/** What peers do: one regex per type over the whole text, no validators. */
const PEER = [
  /[\w.%+-]+@[\w.-]+\.[A-Za-z]{2,}/g, /\+?\d[\d ().-]{7,}\d/g, /\b(?:\d[ -]?){13,19}\b/g, /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
  /\b\d{3}-\d{2}-\d{4}\b/g, /\b(?:\d{1,3}\.){3}\d{1,3}\b/g, /eyJ[\w-]+\.[\w-]+\.[\w-]*/g, /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/g, /\bgithub_pat_\w{82}\b/g, /\bxox[baprse]-[\w-]{10,}/g, /\b[sr]k_(?:live|test)_[A-Za-z0-9]{24,}/g, /\bnpm_[A-Za-z0-9]{36}\b/g, /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
];
const peerScan = (text: string) => { let k = 0; for (const re of PEER) for (const _ of text.matchAll(re)) k++; return k; };

async function main() {
  const text = realistic(MiB);
  const hard = dense(MiB);
  const plan = planFor(DEFAULT_PROFILE, [{ kind: 'redact', field: 'email', mode: 'mask' }]);
  const findings = scanText(text).length;
  console.log(`Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)} on this host; 1 MiB mixed JSON+prose, ${findings} findings`);
  const scan = rate('scanText, mixed JSON+prose', text.length, () => scanText(text));
  const redact = rate('redactText (default profile + email mask)', text.length, () => redactText(text, plan.modes, renderer()));
  const parts = text.split('\n').filter((l) => l.startsWith('{"rows"') && l.endsWith('}')).map((l) => JSON.parse(l) as unknown);
  const structured = rate('redactStructured (JSON results, key hints)', JSON.stringify(parts).length, () => redactStructured(parts, plan, renderer(), newCount()));
  const denseScan = rate('scanText, dense test corpus (a value per ~400 B)', hard.length, () => scanText(hard));
  const peer = rate('peer-style: 14 regexes, no validators', text.length, () => peerScan(text));
  const lat = await latency();
  const dlp = {
    node: process.version, at: new Date().toISOString(), command: 'node --import tsx bench/dlp.ts', loadAverage: Number(loadavg()[0]!.toFixed(1)),
    corpusBytes: text.length, findings, targetMBs: 200,
    scanMBs: scan.wall, scanCpuMBs: scan.cpu, redactTextMBs: redact.wall, redactTextCpuMBs: redact.cpu,
    redactStructuredMBs: structured.wall, redactStructuredCpuMBs: structured.cpu,
    denseScanMBs: denseScan.wall, denseScanCpuMBs: denseScan.cpu, peerRegexMBs: peer.wall, peerRegexCpuMBs: peer.cpu, ...lat,
  };
  const file = new URL('./results.json', import.meta.url);
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...all, dlp }, null, 2)}\n`);
  console.log('written to bench/results.json under "dlp"');
}

await main();
