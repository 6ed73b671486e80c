/** Latency statistics the way the issues state goals: nearest-rank percentiles, in ms. */

/** Nearest-rank percentile (p in 0..100) of `values`; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export type Summary = { count: number; p50: number; p95: number; max: number; mean: number };

export function summarize(values: readonly number[]): Summary {
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? Math.max(...values) : Number.NaN,
    mean,
  };
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function mib(kib: number | undefined): string {
  if (kib === undefined || !Number.isFinite(kib)) return '–';
  return `${(kib / 1024).toFixed(0)} MiB`;
}

/** Runs `tasks` with at most `concurrency` at a time, in order of start. */
export async function runPool<T>({ count, concurrency, task }: { count: number; concurrency: number; task: (index: number) => Promise<T> }): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * 90 % interval of the median of `ratios` (one per round pair), resampling the pairs; a fixed
 * seed, so a rerun over the same figures prints the same interval.
 */
export function bootstrapMedianInterval(ratios: readonly number[], draws = 2000): [number, number] {
  let seed = 0x9e3779b9;
  const next = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const medians: number[] = [];
  for (let d = 0; d < draws; d++) medians.push(percentile(Array.from(ratios, () => ratios[Math.floor(next() * ratios.length)]!), 50));
  return [percentile(medians, 5), percentile(medians, 95)];
}
