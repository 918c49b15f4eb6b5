/** Order statistics of a sample: medians and spreads, never means (a busy shared machine has long tails). */

export interface Spread {
  readonly median: number;
  /** 25th and 75th percentiles: the middle half of the sample. */
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Nearest-rank percentile of an ascending sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: median(sorted),
    p25: percentile(sorted, 25),
    p75: percentile(sorted, 75),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    n: sorted.length,
  };
}

/** Rounded for the JSON report: enough digits to compare, no float noise, and no -0 (JSON writes it as 0). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor + 0;
}

export function roundSpread(spread: Spread, digits = 3): Spread {
  return {
    median: round(spread.median, digits),
    p25: round(spread.p25, digits),
    p75: round(spread.p75, digits),
    min: round(spread.min, digits),
    max: round(spread.max, digits),
    n: spread.n,
  };
}
