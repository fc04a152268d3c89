/** A cumulative histogram bucket: how many observations were at most `le`. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The `q`-quantile (0…1) of a cumulative histogram, as Prometheus' `histogram_quantile` estimates
 * it: find the bucket the rank falls in and interpolate linearly within it, the lowest bucket
 * starting at 0. A rank in the `+Inf` bucket answers the highest finite bound. NaN when there are
 * no observations or no `+Inf` bucket (the total is unknown).
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted.at(-1)!.le !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Counts read from separate series can disagree by a few; cumulative counts never decrease.
  let highest = 0;
  const counts = sorted.map((bucket) => {
    highest = Math.max(highest, bucket.count);
    return highest;
  });
  const total = counts.at(-1)!;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  const index = counts.findIndex((count) => count >= rank);
  if (index === sorted.length - 1) return sorted[index - 1]!.le;
  const upper = sorted[index]!.le;
  if (index === 0 && upper <= 0) return upper;
  const lower = index === 0 ? 0 : sorted[index - 1]!.le;
  const before = index === 0 ? 0 : counts[index - 1]!;
  const inBucket = counts[index]! - before;
  return lower + (upper - lower) * ((rank - before) / inBucket);
}
