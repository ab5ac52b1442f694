// Summary statistics: percentiles of one run, and median/min/max across runs.

/** Nearest-rank percentile (p in 0..1) of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function sortedCopy(values: Iterable<number>): Float64Array {
  return Float64Array.from(values).sort();
}

export function median(values: number[]): number {
  const sorted = sortedCopy(values);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One figure over several runs: the median, the range, and every run's value. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  if (runs.length === 0 || runs.some((value) => !Number.isFinite(value))) {
    throw new Error(`spread: a run produced no finite value (${runs.join(', ')})`);
  }
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}
