import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeScheduleClock } from '../../test/support/fake-schedule-clock.ts';
import { MemoryScheduleStore } from '../../test/support/memory-schedule-store.ts';
import { type CronScheduleRow, DueScheduleRunner } from './due-schedule-runner.ts';

// The timing (sleeping until the earliest run, wake, retries) is DueRunLoop's, tested with it;
// the pipeline and rebuild schedule runners' tests cover this class through what they run.

type Row = CronScheduleRow & { active: number };

function setup(options: { failFor?: number[]; stopAfterFirst?: boolean } = {}) {
  const clock = new FakeScheduleClock('2025-06-10T12:00:00.000Z');
  const store = new MemoryScheduleStore<Row>({ cron: '0 2 * * *', cron_timezone: 'UTC', active: 1 });
  const ran: number[] = [];
  const errors: Array<{ message: string; scheduleId: number | null }> = [];
  const runner: DueScheduleRunner<Row> = new DueScheduleRunner<Row>({
    schedules: store,
    clock,
    run: async (schedule) => {
      ran.push(schedule.id);
      if (options.stopAfterFirst) void runner.stop();
      if (options.failFor?.includes(schedule.id)) throw new Error(`run ${schedule.id} failed`);
    },
    onError: (error, scheduleId) => errors.push({ message: (error as Error).message, scheduleId }),
  });
  return { clock, store, ran, errors, runner };
}

test('each due schedule moves to its next cron time, then runs once, earliest first', async () => {
  const { store, ran, runner, clock } = setup();
  store.add({ id: 1, next_run_at: '2025-06-10T02:00:00.000Z' });
  store.add({ id: 2, cron: '0 * * * *', next_run_at: '2025-06-01T00:00:00.000Z' });
  store.add({ id: 3, next_run_at: '2025-06-10T13:30:00.000Z' });
  await runner.start();
  assert.deepEqual(ran, [2, 1]);
  assert.deepEqual(
    store.rows.map((row) => row.next_run_at),
    ['2025-06-11T02:00:00.000Z', '2025-06-10T13:00:00.000Z', '2025-06-10T13:30:00.000Z'],
  );
  assert.deepEqual(clock.pending(), ['2025-06-10T13:00:00.000Z']);
  await runner.stop();
});

test('a run claimed elsewhere is skipped; a failed run is reported and the others go on', async () => {
  const { store, ran, errors, runner } = setup({ failFor: [2] });
  store.add({ id: 1, next_run_at: '2025-06-10T02:00:00.000Z' });
  store.add({ id: 2, next_run_at: '2025-06-10T02:00:00.000Z' });
  store.add({ id: 3, next_run_at: '2025-06-10T02:00:00.000Z' });
  const advance = store.advance.bind(store);
  store.advance = async (id, from, to) => {
    if (id === 1) store.rows[0]!.next_run_at = '2025-06-11T02:00:00.000Z'; // another server got there first
    return advance(id, from, to);
  };
  await runner.start();
  assert.deepEqual(ran, [2, 3]);
  assert.deepEqual(errors, [{ message: 'run 2 failed', scheduleId: 2 }]);
  await runner.stop();
});

test('a time zone this Node does not know is reported and stops the schedule after one run', async () => {
  const { store, ran, errors, runner } = setup();
  store.add({ id: 1, cron_timezone: 'Mars/Olympus_Mons', next_run_at: '2025-06-10T02:00:00.000Z' });
  await runner.start();
  assert.deepEqual(ran, [1]);
  assert.deepEqual(
    errors.map((error) => error.scheduleId),
    [1],
  );
  assert.equal(store.rows[0]!.next_run_at, null);
  await runner.stop();
});

test('nothing more is claimed once the runner is being stopped', async () => {
  const { store, ran, runner } = setup({ stopAfterFirst: true });
  store.add({ id: 1, next_run_at: '2025-06-10T02:00:00.000Z' });
  store.add({ id: 2, next_run_at: '2025-06-10T02:00:00.000Z' });
  await runner.start();
  assert.deepEqual(ran, [1]);
  assert.equal(store.rows[1]!.next_run_at, '2025-06-10T02:00:00.000Z');
});

test("after a slow run the next schedule's next time is after the time now, not after the look's", async () => {
  const { store, ran, runner, clock } = setup();
  store.add({ id: 1, next_run_at: '2025-06-10T11:00:00.000Z' });
  store.add({ id: 2, cron: '0 * * * *', next_run_at: '2025-06-10T12:00:00.000Z' });
  const slow = store.advance.bind(store);
  store.advance = async (id, from, to) => {
    const claimed = await slow(id, from, to);
    if (id === 1) clock.set('2025-06-10T14:30:00.000Z'); // the first run takes two and a half hours
    return claimed;
  };
  await runner.start();
  assert.deepEqual(ran, [1, 2]);
  assert.equal(store.rows[1]!.next_run_at, '2025-06-10T15:00:00.000Z', 'not 13:00, already past');
  await runner.stop();
});
