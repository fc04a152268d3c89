/**
 * Lags (milliseconds) counted in buckets rather than kept one by one: a client following 20 MB/s of
 * log lines sees ~100,000 lines a second, too many samples to store for 30 s × 10 clients.
 * Values are rounded to microseconds; below 128 µs each microsecond has its bucket, above it every
 * power of two is split into 64 buckets, so a percentile is within 1/64 (1.6 %) of the true value.
 * The count, sum, minimum and maximum are exact.
 */

const SUB_BUCKETS = 64;
/** Values below this many microseconds are counted exactly. */
const EXACT_BELOW = 2 * SUB_BUCKETS;
/** Larger values (35 minutes) share the last bucket, which reads as the exact maximum. */
const LARGEST_MICROS = 2 ** 31 - 1;
const BUCKETS = bucketOf(LARGEST_MICROS) + 1;

/** A histogram as plain data (for IPC between processes): non-empty buckets as [index, count]. */
export interface LagHistogramData {
  buckets: [number, number][];
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
  negative: number;
}

/** Nearest-rank percentiles and the exact maximum of a set of lags, in milliseconds (`NaN` when empty). */
export interface LagSummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export class LagHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sumMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = Number.NEGATIVE_INFINITY;
  #negative = 0;

  /**
   * Counts one lag. A negative lag (a timestamp later than its receipt: clocks apart) is counted
   * as 0 and in {@link negative}, so a reader can tell.
   */
  record(ms: number): void {
    if (ms < 0) {
      this.#negative += 1;
      ms = 0;
    }
    this.#counts[bucketOf(Math.min(LARGEST_MICROS, Math.round(ms * 1000)))]! += 1;
    this.#count += 1;
    this.#sumMs += ms;
    if (ms < this.#minMs) this.#minMs = ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  get count(): number {
    return this.#count;
  }

  /** How many lags were negative (recorded as 0). */
  get negative(): number {
    return this.#negative;
  }

  get maxMs(): number {
    return this.#count === 0 ? Number.NaN : this.#maxMs;
  }

  get minMs(): number {
    return this.#count === 0 ? Number.NaN : this.#minMs;
  }

  get meanMs(): number {
    return this.#count === 0 ? Number.NaN : this.#sumMs / this.#count;
  }

  /**
   * The nearest-rank percentile (the value at rank ceil(p/100 × n), as `latency-summary.ts`
   * takes it): the middle of its bucket, kept within the exact minimum and maximum.
   */
  percentileMs(p: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.min(this.#count, Math.max(1, Math.ceil((p / 100) * this.#count)));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.#counts[index]!;
      if (seen >= rank) {
        if (index === BUCKETS - 1) return this.#maxMs;
        const middle = bucketMiddleMicros(index) / 1000;
        return Math.min(this.#maxMs, Math.max(this.#minMs, middle));
      }
    }
    return this.#maxMs;
  }

  summary(): LagSummary {
    return { n: this.#count, p50: this.percentileMs(50), p99: this.percentileMs(99), max: this.maxMs };
  }

  /** Adds every lag of `other` to this one. */
  merge(other: LagHistogram | LagHistogramData): void {
    const data = other instanceof LagHistogram ? other.toData() : other;
    for (const [index, count] of data.buckets) this.#counts[index]! += count;
    this.#count += data.count;
    this.#sumMs += data.sumMs;
    this.#negative += data.negative;
    if (data.count > 0) {
      this.#minMs = Math.min(this.#minMs, data.minMs);
      this.#maxMs = Math.max(this.#maxMs, data.maxMs);
    }
  }

  toData(): LagHistogramData {
    const buckets: [number, number][] = [];
    for (let index = 0; index < BUCKETS; index++) {
      const count = this.#counts[index]!;
      if (count > 0) buckets.push([index, count]);
    }
    return {
      buckets,
      count: this.#count,
      sumMs: this.#sumMs,
      minMs: this.#minMs,
      maxMs: this.#maxMs,
      negative: this.#negative,
    };
  }

  static fromData(data: LagHistogramData): LagHistogram {
    const histogram = new LagHistogram();
    histogram.merge(data);
    return histogram;
  }
}

/** The bucket of a whole number of microseconds from 0 to {@link LARGEST_MICROS}. */
function bucketOf(micros: number): number {
  if (micros < EXACT_BELOW) return micros;
  const magnitude = 31 - Math.clz32(micros);
  const shift = magnitude - 6;
  return EXACT_BELOW + (magnitude - 7) * SUB_BUCKETS + ((micros >>> shift) - SUB_BUCKETS);
}

/** The middle of the microseconds a bucket holds. */
function bucketMiddleMicros(index: number): number {
  if (index < EXACT_BELOW) return index;
  const k = index - EXACT_BELOW;
  const shift = 1 + Math.floor(k / SUB_BUCKETS);
  const lower = ((k % SUB_BUCKETS) + SUB_BUCKETS) * 2 ** shift;
  return lower + (2 ** shift - 1) / 2;
}
