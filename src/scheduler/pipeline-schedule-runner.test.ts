import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { FakeScheduleClock } from '../../test/support/fake-schedule-clock.ts';
import { MemoryScheduleStore } from '../../test/support/memory-schedule-store.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import type { PipelineScheduleRow } from '../store/repositories/pipeline-schedule-repository.ts';
import { createPipelineScheduleRunner } from './pipeline-schedule-runner.ts';
import type { SchedulePipelineRequest } from './schedule-pipeline-creator.ts';
import { encryptScheduleVariables } from './schedule-variables.ts';

function setup(start: string, options: { failFor?: number[]; maxSleepMs?: number } = {}) {
  const clock = new FakeScheduleClock(start);
  const store = new MemoryScheduleStore<PipelineScheduleRow>({
    project_id: 7,
    description: 'nightly',
    ref: 'refs/heads/main',
    cron: '0 2 * * *',
    cron_timezone: 'UTC',
    active: 1,
    owner_id: 3,
    variables_encrypted: null,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
  });
  const calls: SchedulePipelineRequest[] = [];
  const errors: Array<{ error: unknown; scheduleId: number | null }> = [];
  const secrets = new SecretBox(randomBytes(32));
  const runner = createPipelineScheduleRunner({
    schedules: store,
    secrets,
    clock,
    pipelines: {
      async createPipeline(input) {
        calls.push(input);
        if (options.failFor?.includes(input.scheduleId))
          throw new Error(`no pipeline for ${input.scheduleId}`);
        return { id: calls.length };
      },
    },
    onError: (error, scheduleId) => errors.push({ error, scheduleId }),
    maxSleepMs: options.maxSleepMs ?? 2 * 24 * 3600 * 1000,
  });
  return { clock, store, calls, errors, runner, secrets };
}

test('on start, a schedule missed many times while stopped runs once and moves to its next time', async () => {
  const { store, calls, runner, clock } = setup('2025-06-10T12:00:00.000Z');
  // Due every hour since three days ago: 72 missed ticks.
  store.add({ id: 1, cron: '0 * * * *', next_run_at: '2025-06-07T12:00:00.000Z' });
  await runner.start();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0], {
    projectId: 7,
    ref: 'main',
    refType: 'branch',
    source: 'schedule',
    userId: 3,
    scheduleId: 1,
    variables: [],
  });
  assert.equal(store.rows[0]!.next_run_at, '2025-06-10T13:00:00.000Z');
  assert.deepEqual(clock.pending(), ['2025-06-10T13:00:00.000Z']);
  await runner.stop();
});

test('sleeps until the earliest next run, runs it, and re-arms for the following one', async () => {
  const { store, calls, runner, clock } = setup('2025-06-10T12:00:00.000Z');
  store.add({ id: 1, cron: '30 14 * * *', next_run_at: '2025-06-10T14:30:00.000Z' });
  store.add({ id: 2, cron: '0 13 * * *', next_run_at: '2025-06-10T13:00:00.000Z' });
  store.add({ id: 3, cron: '0 12 * * *', next_run_at: '2025-06-10T12:05:00.000Z', active: 0 });
  await runner.start();
  assert.equal(calls.length, 0);
  assert.deepEqual(clock.pending(), ['2025-06-10T13:00:00.000Z']);

  clock.set('2025-06-10T13:00:00.000Z');
  await runner.idle();
  assert.deepEqual(
    calls.map((c) => c.scheduleId),
    [2],
  );
  assert.equal(store.rows[1]!.next_run_at, '2025-06-11T13:00:00.000Z');
  assert.deepEqual(clock.pending(), ['2025-06-10T14:30:00.000Z']);

  clock.set('2025-06-10T14:30:00.000Z');
  await runner.idle();
  assert.deepEqual(
    calls.map((c) => c.scheduleId),
    [2, 1],
  );
  assert.deepEqual(clock.pending(), ['2025-06-11T13:00:00.000Z']);
  await runner.stop();
});

test('wake() after a schedule change re-arms for the new earliest run', async () => {
  const { store, calls, runner, clock } = setup('2025-06-10T12:00:00.000Z');
  store.add({ id: 1, next_run_at: '2025-06-11T02:00:00.000Z' });
  await runner.start();
  assert.deepEqual(clock.pending(), ['2025-06-11T02:00:00.000Z']);
  store.add({ id: 2, cron: '15 12 * * *', next_run_at: '2025-06-10T12:15:00.000Z' });
  runner.wake();
  await runner.idle();
  assert.deepEqual(clock.pending(), ['2025-06-10T12:15:00.000Z']);
  clock.set('2025-06-10T12:15:00.000Z');
  await runner.idle();
  assert.deepEqual(
    calls.map((c) => c.scheduleId),
    [2],
  );
  await runner.stop();
});

test('it sleeps at most the maximum and looks again', async () => {
  const { store, runner, clock, calls } = setup('2025-06-10T12:00:00.000Z', { maxSleepMs: 3600_000 });
  await runner.start();
  assert.deepEqual(clock.pending(), ['2025-06-10T13:00:00.000Z']);
  store.add({ id: 1, cron: '30 14 * * *', next_run_at: '2025-06-10T14:30:00.000Z' });
  clock.set('2025-06-10T13:00:00.000Z');
  await runner.idle();
  assert.deepEqual(clock.pending(), ['2025-06-10T14:00:00.000Z']);
  clock.set('2025-06-10T14:00:00.000Z');
  await runner.idle();
  assert.deepEqual(clock.pending(), ['2025-06-10T14:30:00.000Z']);
  clock.set('2025-06-10T14:30:00.000Z');
  await runner.idle();
  assert.equal(calls.length, 1);
  await runner.stop();
  assert.deepEqual(clock.pending(), []);
});

test('a failing pipeline is reported, its schedule still moves on, and others still run', async () => {
  const { store, calls, errors, runner } = setup('2025-06-10T12:00:00.000Z', { failFor: [1] });
  store.add({ id: 1, next_run_at: '2025-06-10T02:00:00.000Z' });
  store.add({ id: 2, next_run_at: '2025-06-10T02:00:00.000Z' });
  await runner.start();
  assert.deepEqual(
    calls.map((c) => c.scheduleId),
    [1, 2],
  );
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.scheduleId, 1);
  assert.deepEqual(
    store.rows.map((r) => r.next_run_at),
    ['2025-06-11T02:00:00.000Z', '2025-06-11T02:00:00.000Z'],
  );
  await runner.stop();
});

test('a run another server already claimed is not run again', async () => {
  const { store, calls, runner } = setup('2025-06-10T12:00:00.000Z');
  store.add({ id: 1, next_run_at: '2025-06-10T02:00:00.000Z' });
  const original = store.advance.bind(store);
  store.advance = async (id, from, to) => {
    store.rows[0]!.next_run_at = '2025-06-11T02:00:00.000Z'; // the other server got there first
    return original(id, from, to);
  };
  await runner.start();
  assert.equal(calls.length, 0);
  await runner.stop();
});

test('schedule variables are decrypted for the pipeline; the time zone decides the next run', async () => {
  const { store, calls, runner, secrets } = setup('2025-06-10T12:00:00.000Z');
  const variables = [
    { key: 'TARGET', value: 'nightly', variable_type: 'env_var' as const },
    { key: 'CONFIG', value: 'a: 1\n', variable_type: 'file' as const },
  ];
  store.add({
    id: 4,
    cron: '0 2 * * *',
    cron_timezone: 'Asia/Tokyo',
    next_run_at: '2025-06-09T17:00:00.000Z',
    variables_encrypted: encryptScheduleVariables(secrets, 7, 4, variables),
  });
  await runner.start();
  assert.deepEqual(calls[0]?.variables, variables);
  // 02:00 in Tokyo (UTC+9) is 17:00 UTC the day before.
  assert.equal(store.rows[0]!.next_run_at, '2025-06-10T17:00:00.000Z');
  await runner.stop();
});

test('a failing store is reported and retried later', async () => {
  const { store, errors, runner, clock } = setup('2025-06-10T12:00:00.000Z');
  store.listDue = async () => {
    throw new Error('database down');
  };
  await runner.start();
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.scheduleId, null);
  assert.deepEqual(clock.pending(), ['2025-06-10T12:01:00.000Z']);
  await runner.stop();
});
