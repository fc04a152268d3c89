import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeScheduleClock } from '../../test/support/fake-schedule-clock.ts';
import { MemoryScheduleStore } from '../../test/support/memory-schedule-store.ts';
import type { RebuildScheduleRow } from '../store/repositories/rebuild-schedule-repository.ts';
import { createRebuildScheduleRunner } from './rebuild-schedule-runner.ts';

function setup(options: { failFor?: number[] } = {}) {
  const clock = new FakeScheduleClock('2025-06-10T12:00:00.000Z'); // a Tuesday
  const store = new MemoryScheduleStore<RebuildScheduleRow>({
    project_id: 7,
    description: 'weekly rebuild',
    environments: null,
    cron: '0 4 * * 1',
    cron_timezone: 'UTC',
    active: 1,
    owner_id: 3,
    last_run_at: null,
    last_run_status: null,
    last_run_error: null,
    last_pipeline_ids: null,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
  });
  const ran: number[] = [];
  const errors: Array<{ error: unknown; scheduleId: number | null }> = [];
  const runner = createRebuildScheduleRunner({
    schedules: store,
    clock,
    rebuilds: {
      async runSchedule(schedule) {
        ran.push(schedule.id);
        if (options.failFor?.includes(schedule.id)) throw new Error(`database gone for ${schedule.id}`);
      },
    },
    onError: (error, scheduleId) => errors.push({ error, scheduleId }),
    maxSleepMs: 2 * 24 * 3600 * 1000,
  });
  return { clock, store, ran, errors, runner };
}

test('a due schedule is claimed (moved to its next cron time) and run; a missed one runs once', async () => {
  const { store, ran, runner, clock } = setup();
  // Missed three Mondays while the server was down.
  store.add({ id: 1, next_run_at: '2025-05-19T04:00:00.000Z' });
  store.add({
    id: 2,
    cron: '0 3 * * *',
    cron_timezone: 'Europe/Berlin',
    next_run_at: '2025-06-11T01:00:00.000Z',
  });
  await runner.start();
  assert.deepEqual(ran, [1]);
  assert.equal(store.rows[0]!.next_run_at, '2025-06-16T04:00:00.000Z');
  assert.deepEqual(clock.pending(), ['2025-06-11T01:00:00.000Z']);

  clock.set('2025-06-11T01:00:00.000Z');
  await runner.idle();
  assert.deepEqual(ran, [1, 2]);
  // 03:00 in Berlin (summer time) is 01:00 UTC.
  assert.equal(store.rows[1]!.next_run_at, '2025-06-12T01:00:00.000Z');
  await runner.stop();
});

test('an inactive schedule never runs; a run another server claimed is not run again', async () => {
  const { store, ran, runner } = setup();
  store.add({ id: 1, next_run_at: '2025-06-10T04:00:00.000Z', active: 0 });
  store.add({ id: 2, next_run_at: '2025-06-10T04:00:00.000Z' });
  const original = store.advance.bind(store);
  store.advance = async (id, from, to) => {
    store.rows[1]!.next_run_at = '2025-06-16T04:00:00.000Z'; // the other server got there first
    return original(id, from, to);
  };
  await runner.start();
  assert.deepEqual(ran, []);
  await runner.stop();
});

test('a run that throws is reported with its schedule, and the others still run', async () => {
  const { store, ran, errors, runner } = setup({ failFor: [1] });
  store.add({ id: 1, next_run_at: '2025-06-10T04:00:00.000Z' });
  store.add({ id: 2, next_run_at: '2025-06-10T04:00:00.000Z' });
  await runner.start();
  assert.deepEqual(ran, [1, 2]);
  assert.deepEqual(
    errors.map((e) => e.scheduleId),
    [1],
  );
  assert.deepEqual(
    store.rows.map((r) => r.next_run_at),
    ['2025-06-16T04:00:00.000Z', '2025-06-16T04:00:00.000Z'],
  );
  await runner.stop();
});
