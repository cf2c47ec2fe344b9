/**
 * Policy evaluation cost (not a test): p50/p99 per evaluation with 10 and 100
 * rules, on realistic rule mixes. `node --import tsx bench/policy.ts`.
 * Writes its figures under "policy" in bench/results.json (other keys kept).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BUILTIN_RULES } from '../src/policy/builtin.js';
import { compilePolicy } from '../src/policy/compile.js';
import { buildPolicyInput, compileEgressAllow } from '../src/policy/input.js';
import { parsePolicy } from '../src/policy/load.js';
import type { PolicyInput } from '../src/policy/facts.js';

const N = Number(process.env['BENCH_N'] ?? 200_000);
const SEED = readFileSync(new URL('../seed/policy.yaml', import.meta.url), 'utf8');

/** The seed's three rules plus `n - 3` rules of the kinds operators write. */
function rules(n: number): string {
  const kinds = [
    (i: number) => `- { rule: r${i}, when: { tool: "svc${i}.*", principal.type: agent }, decision: deny }`,
    (i: number) => `- { rule: r${i}, when: { tool: flag.set, args.env: prod, args.rolloutPct: { gt: ${i} } }, unless: { principal.grants: "release${i}" }, decision: require_approval, mode: dry-run }`,
    (i: number) => `- { rule: r${i}, when: { tool: "orders.*", tenant: [t${i}, u${i}] }, decision: deny }`,
    (i: number) => `- { rule: r${i}, when: { data.contains_pii: true, subject.region: "US", principal.id: "user:${i}" }, redact: [{ field: phone${i}, mode: hash }] }`,
    (i: number) => `- { rule: r${i}, when: { session.tainted: true, egress.domain: "*.bad${i}.example" }, decision: deny }`,
  ];
  const out = [SEED];
  for (let i = 3; i < n; i++) out.push(kinds[i % kinds.length]!(i));
  return out.join('\n');
}

const TOOLS = {
  export: { name: 'orders.export', effect: 'read' as const, data: ['pii'] },
  flag: { name: 'flag.set', effect: 'write' as const },
  fetch: { name: 'web.fetchSafe', effect: 'read' as const },
};

function inputs(): PolicyInput[] {
  const allow = compileEgressAllow(['api.vendor.example']);
  const principal = { id: 'agent:bench', type: 'agent', tenant: 'acme', region: 'eu-west', grants: ['orders.read', 'flags.write:prod'] };
  const base = { principal, tainted: false, env: 'production', now: Date.now(), egressAllow: allow };
  // The runtime passes its Tool objects: one per tool, reused for every call.
  return [
    buildPolicyInput({ ...base, tool: TOOLS.export, args: { from: '2025-08-25', to: '2025-08-31' } }),
    buildPolicyInput({ ...base, tool: TOOLS.flag, args: { name: 'x', env: 'prod', rolloutPct: 50 } }),
    buildPolicyInput({ ...base, tool: TOOLS.fetch, args: { url: 'https://api.vendor.example/a' } }),
  ];
}

/** ns per iteration of a fixed closure loop: compares this machine's speed with others'. */
function calibrate(): number {
  const fns = [(x: number) => x > 1, (x: number) => x < 5, (x: number) => x === 3];
  let s = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < 5e6; i++) { const o = { a: [i] }; for (const f of fns) if (f(i & 7)) s++; s += o.a.length; }
  const c = process.cpuUsage(c0);
  return s < 0 ? 0 : Number(((c.user + c.system) / 5e3).toFixed(1));
}

interface Round { p50_us: number; p99_us: number; mean_us: number; cpu_mean_us: number }

/** One round: wall time per evaluation over batches of 4 (timer overhead), and CPU time. */
function round(policy: ReturnType<typeof compilePolicy>, ins: PolicyInput[], n: number): Round {
  const B = 4;
  const samples = new Float64Array(Math.floor(n / B));
  let sink = 0;
  const c0 = process.cpuUsage();
  for (let s = 0; s < samples.length; s++) {
    const t0 = performance.now();
    for (let j = 0; j < B; j++) sink += policy.evaluate(ins[(s * B + j) % ins.length]!).matched.length;
    samples[s] = ((performance.now() - t0) * 1000) / B;
  }
  const cpu = process.cpuUsage(c0);
  if (sink < 0) console.log(sink);
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(3));
  return {
    p50_us: q(0.5), p99_us: q(0.99),
    mean_us: Number((sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(3)),
    cpu_mean_us: Number(((cpu.user + cpu.system) / (samples.length * B)).toFixed(3)),
  };
}

const ROUNDS = 5;

/**
 * ROUNDS rounds of N/ROUNDS evaluations. On a shared host the scheduler preempts us
 * mid-batch, which lands in the tail: the least disturbed round (lowest p99) is
 * reported beside the median round, and every round is kept.
 */
function measure(n: number) {
  const policy = compilePolicy(parsePolicy(rules(n), `bench-${n}.yaml`), { builtins: BUILTIN_RULES });
  const ins = inputs();
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += policy.evaluate(ins[i % ins.length]!).matched.length; // warm-up (JIT)
  if (sink < 0) console.log(sink);
  const rounds = Array.from({ length: ROUNDS }, () => round(policy, ins, Math.floor(N / ROUNDS)));
  const byP99 = [...rounds].sort((a, b) => a.p99_us - b.p99_us);
  return { rules: policy.rules.length, best_round: byP99[0]!, median_round: byP99[Math.floor(ROUNDS / 2)]!, rounds };
}

const calibration = calibrate();
const load = loadavg()[0]!.toFixed(1);
const r10 = measure(10);
const r100 = measure(100);
console.log(`policy evaluate, ${N} evaluations (batches of 4), Node ${process.version}, load average ${load} on ${cpus().length} CPUs, calibration loop ${calibration} ns/iter (an idle laptop: ~4)`);
for (const r of [r10, r100]) {
  for (const [label, x] of [['least disturbed round', r.best_round], ['median round', r.median_round]] as const) {
    console.log(`  ${String(r.rules).padStart(3)} rules, ${label.padEnd(21)}: wall p50 ${x.p50_us} µs, p99 ${x.p99_us} µs, mean ${x.mean_us} µs; CPU time mean ${x.cpu_mean_us} µs`);
  }
}

const file = new URL('./results.json', import.meta.url);
const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {};
all['policy'] = {
  command: 'node --import tsx bench/policy.ts',
  node: process.version,
  evaluations: N,
  note: 'wall-clock p50/p99 per evaluation over batches of 4 (timer overhead), 5 rounds; cpu_mean_us from process.cpuUsage; rule counts include the 2 built-in taint rules. On a shared, oversubscribed host the tail carries scheduler preemption: see load_average and calibration_ns (ns per iteration of a fixed loop; ~4 on an idle laptop)',
  load_average: Number(load),
  cpus: cpus().length,
  calibration_ns: calibration,
  rules_10: r10,
  rules_100: r100,
  measured_at: new Date().toISOString(),
};
writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
