/**
 * Runs `work` on every item, at most `limit` at a time, and resolves to the results in the items'
 * order. After the first failure, or once `signal` aborts, no further item starts; the ones running
 * are awaited (so no request outlives the call) and the first error, or the signal's reason, is thrown.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function lane(): Promise<void> {
    while (next < items.length && failure === undefined && !signal.aborted) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  signal.throwIfAborted();
  return results;
}
