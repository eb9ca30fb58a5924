/** One benchmark figure. Times in milliseconds; `ratio` is ours / reference (p95). */
export interface BenchResult {
  name: string;
  p50_ms: number;
  p95_ms: number;
  samples: number;
  ref_p50_ms?: number;
  ref_p95_ms?: number;
  ratio?: number;
  /** The target, in words: "p95 ≤ 5 ms, ratio ≤ 1.5". */
  target?: string;
  /** Whether this run met the target; benchmarks report, they do not fail the build. */
  met?: boolean;
  [extra: string]: unknown;
}

export interface BenchOptions {
  patients: number;
  json: boolean;
  /** Scratch folder for this run's databases. */
  workDir: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Timing {
  p50: number;
  p95: number;
  samples: number;
}

/** Times `fn` over `iterations` calls (after `warmup` untimed ones). `fn` gets the call's index. */
export async function time(fn: (i: number) => unknown, iterations: number, warmup = Math.min(50, iterations)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), samples: samples.length };
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Builds a result with its reference and ratio filled in. */
export function compare(name: string, ours: Timing, reference: Timing | undefined, target: string, isMet: (r: BenchResult) => boolean): BenchResult {
  const result: BenchResult = { name, p50_ms: round(ours.p50), p95_ms: round(ours.p95), samples: ours.samples, target };
  if (reference) {
    result.ref_p50_ms = round(reference.p50);
    result.ref_p95_ms = round(reference.p95);
    result.ratio = round(ours.p95 / reference.p95, 2);
  }
  result.met = isMet(result);
  return result;
}
