import type { MetricName } from './metric-names.ts';
import { COARSE, FINE } from './metric-resolution.ts';

/** Fine slots per coarse slot (30: ten seconds into five minutes). */
const FINE_PER_COARSE = COARSE.seconds / FINE.seconds;

/**
 * How a coarse slot sums up the fine slots it covers: the mean, except for restarts, a count that
 * only grows, whose maximum keeps a restart from being averaged away.
 */
export function aggregationOf(metric: MetricName): 'mean' | 'max' {
  return metric === 'restarts' ? 'max' : 'mean';
}

/**
 * The coarse value of the five minutes that fine slot `slot` of `fine` (a fine chunk) falls in,
 * from the values recorded in those five minutes; NaN when there are none. Coarse slots never
 * straddle fine chunks: an hour is twelve of them.
 */
export function downsampleWindow(metric: MetricName, fine: Float64Array, slot: number): number {
  const first = slot - (slot % FINE_PER_COARSE);
  const mean = aggregationOf(metric) === 'mean';
  let count = 0;
  let total = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = first; i < first + FINE_PER_COARSE; i++) {
    const value = fine[i]!;
    if (Number.isNaN(value)) continue;
    count++;
    total += value;
    max = Math.max(max, value);
  }
  if (count === 0) return Number.NaN;
  return mean ? total / count : max;
}
