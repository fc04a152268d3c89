import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../events/event-bus.ts';
import type {
  HookEventColumn,
  ProjectHookRepository,
  ProjectHookRow,
} from '../store/repositories/project-hook-repository.ts';
import type { HookPayloads } from './hook-payloads.ts';
import { HOOK_TRIGGERS, ProjectHookEvents } from './project-hook-events.ts';

const hook = (
  id: number,
  projectId: number,
  flags: Partial<Record<HookEventColumn, number>>,
): ProjectHookRow => ({
  id,
  project_id: projectId,
  url: `http://127.0.0.1/${id}`,
  secret_encrypted: null,
  pipeline_events: 0,
  job_events: 0,
  deployment_events: 0,
  release_events: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  ...flags,
});

function setup(hooks: ProjectHookRow[], payloads: Partial<Record<keyof HookPayloads, unknown>> = {}) {
  const bus = new EventBus();
  const queued: Array<{ hook: number; event: string; payload: object }> = [];
  const errors: unknown[] = [];
  const repository = {
    listSubscribed: async (projectId: number, column: HookEventColumn) =>
      hooks.filter((h) => h.project_id === projectId && h[column] === 1),
  } as unknown as ProjectHookRepository;
  const builder = {
    pipeline: async (id: number, status: string) => ({ kind: 'pipeline', id, status }),
    job: async (id: number, status: string) => {
      // Later events may be built faster; their deliveries must still queue in order.
      await new Promise((resolve) => setTimeout(resolve, id === 1 ? 30 : 0));
      return { kind: 'build', id, status };
    },
    deployment: async (id: number) => (id === 0 ? undefined : { kind: 'deployment', id }),
    release: async (event: { id: number; action: string }) => ({ kind: 'release', ...event }),
    ...payloads,
  } as unknown as HookPayloads;
  const events = new ProjectHookEvents({
    bus,
    hooks: repository,
    payloads: builder,
    outbox: {
      enqueueForHook: async (h, event, payload) => {
        queued.push({ hook: h.id, event, payload });
        return queued.length;
      },
    },
    onError: (error) => errors.push(error),
  });
  events.start();
  return { bus, queued, errors, events };
}

test('each event goes to every hook of its project that wants that kind, and to no other', async () => {
  const { bus, queued, events } = setup([
    hook(1, 10, { pipeline_events: 1, job_events: 1 }),
    hook(2, 10, { pipeline_events: 1 }),
    hook(3, 10, { deployment_events: 1, release_events: 1 }),
    hook(4, 11, { pipeline_events: 1, job_events: 1, deployment_events: 1, release_events: 1 }),
  ]);
  bus.publish('pipeline', { id: 5, projectId: 10, status: 'running' });
  bus.publish('job', { id: 6, pipelineId: 5, projectId: 10, name: 'build', status: 'success' });
  bus.publish('deployment', { id: 7, projectId: 10, environmentId: 1, status: 'success', action: 'start' });
  bus.publish('release', { id: 8, projectId: 10, tagName: 'v1', action: 'create' });
  await events.stop();
  assert.deepEqual(
    queued.map((q) => [q.hook, q.event]),
    [
      [1, 'pipeline'],
      [2, 'pipeline'],
      [1, 'job'],
      [3, 'deployment'],
      [3, 'release'],
    ],
  );
  assert.deepEqual(queued[0]!.payload, { kind: 'pipeline', id: 5, status: 'running' });
});

test("one project's events are queued in the order they were published", async () => {
  const { bus, queued, events } = setup([hook(1, 10, { job_events: 1 })]);
  bus.publish('job', { id: 1, pipelineId: 5, projectId: 10, name: 'a', status: 'running' });
  bus.publish('job', { id: 2, pipelineId: 5, projectId: 10, name: 'a', status: 'success' });
  await events.stop();
  assert.deepEqual(
    queued.map((q) => (q.payload as { id: number }).id),
    [1, 2],
  );
});

test('vanished subjects and deleted pipelines send nothing; failures reach onError, not the bus', async () => {
  const { bus, queued, errors, events } = setup([hook(1, 10, { pipeline_events: 1, deployment_events: 1 })], {
    pipeline: async () => {
      throw new Error('database down');
    },
  });
  bus.publish('pipeline', { id: 5, projectId: 10, status: 'deleted' });
  bus.publish('deployment', { id: 0, projectId: 10, environmentId: 1, status: 'success', action: 'start' });
  assert.doesNotThrow(() => bus.publish('pipeline', { id: 6, projectId: 10, status: 'running' }));
  bus.publish('deployment', { id: 9, projectId: 10, environmentId: 1, status: 'success', action: 'start' });
  await events.stop();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /database down/);
  assert.deepEqual(
    queued.map((q) => [q.event, (q.payload as { id: number }).id]),
    [['deployment', 9]],
    'a failure does not stop later events',
  );
});

test('after stop, events are no longer received', async () => {
  const { bus, queued, events } = setup([hook(1, 10, { pipeline_events: 1 })]);
  await events.stop();
  bus.publish('pipeline', { id: 5, projectId: 10, status: 'running' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(queued, []);
});

test('GitLab trigger names map to event names and flag columns', () => {
  assert.deepEqual(
    Object.entries(HOOK_TRIGGERS).map(([trigger, { event, column }]) => [trigger, event, column]),
    [
      ['pipeline_events', 'pipeline', 'pipeline_events'],
      ['job_events', 'job', 'job_events'],
      ['deployment_events', 'deployment', 'deployment_events'],
      ['releases_events', 'release', 'release_events'],
    ],
  );
});
