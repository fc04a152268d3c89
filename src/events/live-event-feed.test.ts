import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from './event-bus.ts';
import { LiveEventFeed, type LiveEventSink, liveEventData, MAX_PENDING_EVENTS } from './live-event-feed.ts';

/** A sink that records what it is sent and reports a full buffer while `full` is set. */
class FakeSink implements LiveEventSink {
  readonly sent: Array<{ event: string; data: Record<string, unknown> }> = [];
  full = false;
  #drain: (() => void) | undefined;

  send(event: string, data: object): boolean {
    this.sent.push({ event, data: data as Record<string, unknown> });
    return !this.full;
  }

  drained(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drain = resolve;
    });
  }

  drain(): void {
    this.full = false;
    this.#drain?.();
  }
}

const job = (projectId: number, id: number) => ({
  id,
  pipelineId: 3,
  projectId,
  name: 'build',
  status: 'running',
});
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('every forwarded event has the API’s snake_case fields', () => {
  assert.deepEqual(liveEventData('job', job(1, 5)), {
    project_id: 1,
    id: 5,
    pipeline_id: 3,
    name: 'build',
    status: 'running',
  });
  assert.deepEqual(
    liveEventData('deployment', {
      id: 2,
      projectId: 1,
      environmentId: 4,
      status: 'success',
      action: 'start',
    }),
    { project_id: 1, id: 2, environment_id: 4, status: 'success', action: 'start' },
  );
  assert.deepEqual(liveEventData('release', { id: 2, projectId: 1, tagName: 'v1', action: 'create' }), {
    project_id: 1,
    id: 2,
    tag_name: 'v1',
    action: 'create',
  });
  assert.deepEqual(
    liveEventData('push', {
      id: 8,
      projectId: 1,
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: 'a'.repeat(40),
      userId: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    }),
    {
      project_id: 1,
      id: 8,
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: 'a'.repeat(40),
      user_id: null,
      created_at: '2026-01-01T00:00:00.000Z',
    },
  );
  assert.deepEqual(liveEventData('pipeline', { id: 3, projectId: 1, status: 'failed' }), {
    project_id: 1,
    id: 3,
    status: 'failed',
  });
});

test('sends events of readable projects only, in publish order, asking once per project', async () => {
  const bus = new EventBus();
  const sink = new FakeSink();
  const asked: number[] = [];
  const feed = new LiveEventFeed(bus, sink, {
    mayRead: async (projectId) => {
      asked.push(projectId);
      return projectId !== 2;
    },
    onError: assert.fail,
  });
  bus.publish('job', job(1, 10));
  bus.publish('job', job(2, 11));
  bus.publish('job', job(3, 12));
  bus.publish('job', job(1, 13));
  bus.publish('job', job(2, 14));
  await settle();
  assert.deepEqual(
    sink.sent.map((m) => m.data.id),
    [10, 12, 13],
  );
  assert.deepEqual(asked, [1, 2, 3]);
  // Known projects are sent within the publish, without waiting.
  bus.publish('job', job(3, 15));
  assert.equal(sink.sent.at(-1)?.data.id, 15);
  feed.close();
  bus.publish('job', job(1, 16));
  await settle();
  assert.equal(sink.sent.at(-1)?.data.id, 15);
});

test('a project filter keeps other projects out without asking about them', async () => {
  const bus = new EventBus();
  const sink = new FakeSink();
  const asked: number[] = [];
  new LiveEventFeed(bus, sink, {
    projectId: 7,
    mayRead: async (projectId) => {
      asked.push(projectId);
      return true;
    },
    onError: assert.fail,
  });
  bus.publish('pipeline', { id: 1, projectId: 8, status: 'running' });
  bus.publish('pipeline', { id: 2, projectId: 7, status: 'running' });
  await settle();
  assert.deepEqual(
    sink.sent.map((m) => [m.event, m.data.id]),
    [['pipeline', 2]],
  );
  assert.deepEqual(asked, [7]);
});

test('job-log events are not forwarded', async () => {
  const bus = new EventBus();
  const sink = new FakeSink();
  new LiveEventFeed(bus, sink, { mayRead: async () => true, onError: assert.fail });
  bus.publish('job-log', { jobId: 1, size: 10 });
  await settle();
  assert.deepEqual(sink.sent, []);
});

test('a client that stops draining loses events, then gets one resync once it drains', async () => {
  const bus = new EventBus();
  const sink = new FakeSink();
  new LiveEventFeed(bus, sink, { mayRead: async () => true, onError: assert.fail });
  bus.publish('job', job(1, 1));
  await settle();
  sink.full = true;
  bus.publish('job', job(1, 2));
  for (let id = 3; id < 3 + MAX_PENDING_EVENTS * 2; id++) bus.publish('job', job(1, id));
  await settle();
  assert.deepEqual(
    sink.sent.map((m) => m.data.id),
    [1, 2],
    'the event that filled the buffer is sent; nothing after it is kept',
  );
  sink.drain();
  await settle();
  assert.deepEqual(sink.sent.at(-1), { event: 'resync', data: { dropped: MAX_PENDING_EVENTS * 2 } });
  bus.publish('job', job(1, 9999));
  assert.equal(sink.sent.at(-1)?.data.id, 9999);
});

test('events waiting on a slow access check are bounded too', async () => {
  const bus = new EventBus();
  const sink = new FakeSink();
  let answer: (readable: boolean) => void = () => {};
  new LiveEventFeed(bus, sink, {
    mayRead: () =>
      new Promise((resolve) => {
        answer = resolve;
      }),
    onError: assert.fail,
  });
  // The first event waits on the check; the next MAX_PENDING_EVENTS queue behind it; 5 are dropped.
  for (let id = 0; id < MAX_PENDING_EVENTS + 6; id++) bus.publish('job', job(1, id));
  await settle();
  answer(true);
  await settle();
  assert.deepEqual(
    sink.sent.filter((m) => m.event === 'resync'),
    [{ event: 'resync', data: { dropped: 5 } }],
  );
  assert.equal(sink.sent.filter((m) => m.event === 'job').length, MAX_PENDING_EVENTS + 1);
});

test('a failing access check drops the event and is asked again next time', async () => {
  const bus = new EventBus();
  const sink = new FakeSink();
  const errors: unknown[] = [];
  let calls = 0;
  new LiveEventFeed(bus, sink, {
    mayRead: async () => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return true;
    },
    onError: (error) => errors.push(error),
  });
  bus.publish('job', job(1, 1));
  await settle();
  bus.publish('job', job(1, 2));
  await settle();
  assert.equal(errors.length, 1);
  assert.deepEqual(
    sink.sent.map((m) => m.data.id),
    [2],
  );
});
