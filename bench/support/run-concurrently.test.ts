import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runConcurrently } from './run-concurrently.ts';

test('every index runs once, in order of start, with at most `concurrency` in flight', async () => {
  const started: number[] = [];
  let inFlight = 0;
  let most = 0;
  const durations = await runConcurrently(10, 3, async (index) => {
    started.push(index);
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((done) => setTimeout(done, 2 + (index % 3)));
    inFlight--;
  });
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(most, 3);
  assert.equal(durations.length, 10);
  for (const duration of durations) assert.ok(Number.isFinite(duration) && duration >= 0);
});

test('fewer tasks than the concurrency start only as many workers as tasks', async () => {
  const seen: number[] = [];
  const durations = await runConcurrently(2, 8, async (index) => {
    seen.push(index);
  });
  assert.deepEqual(seen, [0, 1]);
  assert.equal(durations.length, 2);
});

test('no tasks gives no durations', async () => {
  assert.deepEqual(await runConcurrently(0, 4, async () => assert.fail('no task runs')), []);
});

test('a failing task rejects the whole run', async () => {
  await assert.rejects(
    runConcurrently(5, 2, async (index) => {
      if (index === 3) throw new Error('task 3 failed');
    }),
    /task 3 failed/,
  );
});
