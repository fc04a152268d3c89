/** The longest a source that keeps failing waits between two tries. */
export const MAX_BACKOFF_MS = 5 * 60 * 1000;

/** When one source of an environment's metrics (its target, its app's endpoint) is next sampled. */
export interface Cadence {
  /** Milliseconds since the epoch, on a multiple of the interval; -Infinity: at once. */
  dueMs: number;
  /** Samples that failed in a row. */
  failures: number;
}

/** A source not sampled yet, or whose settings changed: due at once. */
export const FRESH_CADENCE: Cadence = { dueMs: Number.NEGATIVE_INFINITY, failures: 0 };

/**
 * The cadence after a sample that started at `startMs`: a success is due again one interval after
 * the interval it started in (a late start does not shift the series off its multiples); the n-th
 * failure in a row waits 2^(n-1) intervals, up to {@link MAX_BACKOFF_MS} (at least one interval),
 * so a source that never answers costs a try every 5 minutes while the others keep theirs.
 */
export function nextCadence(ok: boolean, previous: Cadence, startMs: number, periodMs: number): Cadence {
  const failures = ok ? 0 : previous.failures + 1;
  const maxSteps = Math.max(1, Math.floor(MAX_BACKOFF_MS / periodMs));
  const steps = failures === 0 ? 1 : Math.min(2 ** Math.min(failures - 1, 30), maxSteps);
  return { dueMs: Math.floor(startMs / periodMs) * periodMs + steps * periodMs, failures };
}
