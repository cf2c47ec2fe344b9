/** Small statistics for the benchmarks: medians over rounds, percentiles over samples. */

/** The q-quantile (0..1) of samples by nearest rank; NaN for none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** One measurement: throughput and client-observed latency (ms). */
export interface Sample {
  readonly calls: number;
  readonly cps: number;
  readonly p50: number;
  readonly p99: number;
}

/** Per-metric median over repeated rounds (each metric on its own: the rounds are independent). */
export function medianOf(rounds: readonly Sample[]): Sample & { rounds: number } {
  return {
    calls: median(rounds.map((r) => r.calls)),
    cps: median(rounds.map((r) => r.cps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    rounds: rounds.length,
  };
}

/** A sample from per-call latencies (ms) measured over wallMs. */
export function sampleOf(latencies: readonly number[], wallMs: number): Sample {
  return { calls: latencies.length, cps: (latencies.length * 1000) / wallMs, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
