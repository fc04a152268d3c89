import { performance } from 'node:perf_hooks';

/**
 * Runs `task(i)` for i in 0..count-1, in order of i, with at most `concurrency` in flight; returns
 * each call's duration in ms, by index. The first failure rejects (calls already started go on).
 */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<number[]> {
  const durations = new Array<number>(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const started = performance.now();
      await task(index);
      durations[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return durations;
}
