/**
 * Seconds to wait before each retry of a failed webhook delivery: the second attempt 10 s after the
 * first, then 30 s, 2 min, 10 min and 1 h. Six attempts in all, spread over about 1 h 13 min, so a
 * receiver that is down for a deploy or a restart still gets the event.
 */
export const DEFAULT_BACKOFF_SECONDS: readonly number[] = [10, 30, 120, 600, 3600];

/** What happens to a delivery after an attempt. */
export type DeliveryOutcome =
  | { status: 'delivered' }
  | { status: 'pending'; retryInSeconds: number }
  | { status: 'failed' };

/**
 * Decides a delivery's fate after its `attempts`-th attempt (counting from 1). A 2xx answer
 * delivers it; otherwise it is retried after `backoff[attempts - 1]` seconds, and fails for good
 * once the schedule is exhausted (`backoff.length + 1` attempts).
 */
export function deliveryOutcome(
  attempts: number,
  succeeded: boolean,
  backoff: readonly number[] = DEFAULT_BACKOFF_SECONDS,
): DeliveryOutcome {
  if (succeeded) return { status: 'delivered' };
  const wait = backoff[attempts - 1];
  return wait === undefined ? { status: 'failed' } : { status: 'pending', retryInSeconds: wait };
}

/** The number of attempts a delivery gets before it fails. */
export function maxAttempts(backoff: readonly number[] = DEFAULT_BACKOFF_SECONDS): number {
  return backoff.length + 1;
}
