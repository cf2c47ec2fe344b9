/**
 * Summarises a V8 .cpuprofile: self and inclusive (total) time per function and per
 * file. Inclusive time walks each sampled node up to the root and counts a function
 * (or file) once per sample however often it recurs on the stack.
 *
 *   node --import tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--top 40] [--filter text] [--calls N] [--under FUNCTION] [--owner PATH]
 * With --calls, a third column gives µs per call.
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const file = process.argv[2]!;
const top = Number(process.argv[process.argv.indexOf('--top') + 1] ?? 40) || 40;
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0));
const short = (url: string) => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/https-perf\//, '');
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const fileKey = (n: Node) => short(n.callFrame.url) || `(${n.callFrame.functionName})`;
const tally = () => ({ self: new Map<string, number>(), total: new Map<string, number>() });
const fn = tally();
const fl = tally();
let all = 0;
// --under NAME: only samples with a frame of that function name on their stack.
const under = process.argv.includes('--under') ? process.argv[process.argv.indexOf('--under') + 1]! : undefined;
const isUnder = (id: number) => {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)!.callFrame.functionName === under) return true;
  return false;
};
if (under) for (const id of [...self.keys()]) if (!isUnder(id)) self.delete(id);
for (const [id, us] of self) {
  all += us;
  const n = byId.get(id)!;
  fn.self.set(fnKey(n), (fn.self.get(fnKey(n)) ?? 0) + us);
  fl.self.set(fileKey(n), (fl.self.get(fileKey(n)) ?? 0) + us);
  const seenF = new Set<string>();
  const seenL = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const c = byId.get(cur)!;
    if (c.callFrame.functionName === '(root)') break;
    const k = fnKey(c); if (!seenF.has(k)) { seenF.add(k); fn.total.set(k, (fn.total.get(k) ?? 0) + us); }
    const f = fileKey(c); if (!seenL.has(f)) { seenL.add(f); fl.total.set(f, (fl.total.get(f) ?? 0) + us); }
  }
}
const busy = all - [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
const filter = process.argv.includes('--filter') ? process.argv[process.argv.indexOf('--filter') + 1]! : '';
const calls = process.argv.includes('--calls') ? Number(process.argv[process.argv.indexOf('--calls') + 1]) : 0;
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n== ${title} (ms, % of non-idle ${(busy / 1000).toFixed(0)} ms${calls ? `, µs/call over ${calls} calls` : ''})`);
  for (const [k, us] of [...m].filter(([k]) => k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(1).padStart(9)} ${((100 * us) / busy).toFixed(1).padStart(5)}%${calls ? (us / calls).toFixed(1).padStart(8) : ''}  ${k}`);
  }
};
show('self by function', fn.self);
show('inclusive by function', fn.total);
show('self by file', fl.self);
show('inclusive by file', fl.total);

// Owner view: each sample's time goes to the nearest frame on its stack whose file contains
// --owner (default "src/"): what each of our functions costs with the library and native
// calls it makes itself, but without our functions it calls.
const ownerPart = process.argv.includes('--owner') ? process.argv[process.argv.indexOf('--owner') + 1]! : 'src/';
const byFile = process.argv.includes('--owner-by-file');
const owned = new Map<string, number>();
for (const [id, us] of self) {
  let key = '(no owner)';
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const c = byId.get(cur)!;
    // --owner file: the nearest frame of any loaded file (ours or a package), not Node's own.
    if (ownerPart === 'file' ? c.callFrame.url.startsWith('file://') : c.callFrame.url.includes(ownerPart)) { key = byFile ? fileKey(c) : fnKey(c); break; }
  }
  owned.set(key, (owned.get(key) ?? 0) + us);
}
show(`by nearest "${ownerPart}" frame`, owned);
