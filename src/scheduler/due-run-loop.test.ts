import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeScheduleClock } from '../../test/support/fake-schedule-clock.ts';
import { DueRunLoop } from './due-run-loop.ts';

/** A loop over a list of run times: each look runs (and drops) the times due. */
function setup(times: string[], options: { maxSleepMs?: number } = {}) {
  const clock = new FakeScheduleClock('2025-06-10T12:00:00.000Z');
  const ran: string[] = [];
  const errors: unknown[] = [];
  const state = { times: [...times], fail: false };
  const loop = new DueRunLoop({
    clock,
    runDue: async (now) => {
      if (state.fail) throw new Error('database down');
      for (const at of state.times.filter((time) => Date.parse(time) <= now.getTime())) ran.push(at);
      state.times = state.times.filter((time) => Date.parse(time) > now.getTime());
    },
    earliest: async () => [...state.times].sort()[0] ?? null,
    onError: (error) => errors.push(error),
    maxSleepMs: options.maxSleepMs ?? 24 * 3600 * 1000,
  });
  return { clock, ran, errors, state, loop };
}

test('start runs what is due, then sleeps until the earliest next run', async () => {
  const { clock, ran, loop } = setup(['2025-06-10T11:00:00.000Z', '2025-06-10T13:00:00.000Z']);
  await loop.start();
  assert.deepEqual(ran, ['2025-06-10T11:00:00.000Z']);
  assert.deepEqual(clock.pending(), ['2025-06-10T13:00:00.000Z']);
  clock.set('2025-06-10T13:00:00.000Z');
  await loop.idle();
  assert.deepEqual(ran, ['2025-06-10T11:00:00.000Z', '2025-06-10T13:00:00.000Z']);
  await loop.stop();
  assert.deepEqual(clock.pending(), []);
});

test('with nothing to run it sleeps the maximum; wake() re-arms for a new earliest run', async () => {
  const { clock, state, loop } = setup([], { maxSleepMs: 3600_000 });
  await loop.start();
  assert.deepEqual(clock.pending(), ['2025-06-10T13:00:00.000Z']);
  state.times.push('2025-06-10T12:10:00.000Z');
  loop.wake();
  await loop.idle();
  assert.deepEqual(clock.pending(), ['2025-06-10T12:10:00.000Z']);
  await loop.stop();
});

test('a failed look is reported and tried again a minute later', async () => {
  const { clock, errors, state, ran, loop } = setup(['2025-06-10T11:00:00.000Z']);
  state.fail = true;
  await loop.start();
  assert.equal(errors.length, 1);
  assert.deepEqual(clock.pending(), ['2025-06-10T12:01:00.000Z']);
  state.fail = false;
  clock.set('2025-06-10T12:01:00.000Z');
  await loop.idle();
  assert.deepEqual(ran, ['2025-06-10T11:00:00.000Z']);
  await loop.stop();
});

test('a stopped loop ignores wake()', async () => {
  const { clock, ran, loop } = setup(['2025-06-10T11:00:00.000Z']);
  loop.wake();
  await loop.idle();
  assert.deepEqual(ran, []);
  assert.deepEqual(clock.pending(), []);
});
