/** `retry:` of a job: how many more attempts, and for which failure reasons (`always` = any). */
export interface RetryPolicy {
  max: number;
  when: string[];
}

/**
 * Whether a failed attempt should run again. `attempt` counts earlier retries (0 for the first
 * run); GitLab caps `max` at 2. Cancellation is never retried.
 */
export function shouldRetry(policy: RetryPolicy, attempt: number, failureReason: string | null): boolean {
  if (attempt >= Math.min(policy.max, 2)) return false;
  if (policy.when.includes('always')) return true;
  return failureReason !== null && policy.when.includes(failureReason);
}
