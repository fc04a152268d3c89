/** Why a job's work was stopped early. */
export type StopReason = 'canceled' | 'timeout';

/** One abort signal for a stretch of a job's work: the job's cancel signal or its timeout, whichever comes first. */
export interface JobDeadline {
  /** Aborted on cancel or when the time is up. */
  readonly signal: AbortSignal;
  /** Why `signal` was aborted, or null while it has not been. */
  reason(): StopReason | null;
  /** Stops the timer (the cancel signal is no longer followed either). */
  dispose(): void;
}

/**
 * Starts a deadline of `timeoutMs` that also ends when `cancel` aborts. Cancel wins when both
 * happen, since it was the user's decision.
 */
export function startDeadline(cancel: AbortSignal, timeoutMs: number): JobDeadline {
  const controller = new AbortController();
  let why: StopReason | null = null;
  const stop = (reason: StopReason): void => {
    if (why !== null) return;
    why = reason;
    controller.abort(reason);
  };
  const onCancel = (): void => stop('canceled');
  const timer = setTimeout(() => stop('timeout'), Math.max(0, timeoutMs));
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    reason: () => why,
    dispose: () => {
      clearTimeout(timer);
      cancel.removeEventListener('abort', onCancel);
    },
  };
}

/**
 * Resolves or rejects with `work`, or rejects with an `AbortError` as soon as `signal` aborts,
 * for work that cannot itself be interrupted (the agent's artifact downloads).
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}
