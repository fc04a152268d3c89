import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inParallel } from './in-parallel.ts';

const never = new AbortController().signal;

test('keeps the order and never runs more than the limit at once', async () => {
  let running = 0;
  let most = 0;
  const results = await inParallel([5, 1, 4, 2, 3], 2, never, async (n) => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    return n * 10;
  });
  assert.deepEqual(results, [50, 10, 40, 20, 30]);
  assert.equal(most, 2);
});

test('after a failure no further item starts, and the first error is thrown', async () => {
  const started: number[] = [];
  await assert.rejects(
    inParallel([1, 2, 3, 4, 5], 1, never, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('two failed');
    }),
    /two failed/,
  );
  assert.deepEqual(started, [1, 2]);
});

test('an aborted signal stops starting items and throws its reason', async () => {
  const controller = new AbortController();
  const started: number[] = [];
  await assert.rejects(
    inParallel([1, 2, 3], 1, controller.signal, async (n) => {
      started.push(n);
      controller.abort(new Error('stop now'));
    }),
    /stop now/,
  );
  assert.deepEqual(started, [1]);
  assert.deepEqual(await inParallel([], 4, never, async () => 1), []);
});
