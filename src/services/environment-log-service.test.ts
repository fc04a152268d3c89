import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentRow, environmentRow } from '../../test/support/store-rows.ts';
import type { Actor } from '../domain/actor.ts';
import type { EnvironmentOperations, LogChunk, LogRequest } from '../targets/environment-operations.ts';
import {
  EnvironmentLogService,
  type LogQuery,
  type LogSink,
  MAX_QUEUED_BYTES,
} from './environment-log-service.ts';
import type { AuthorizedEnvironment } from './environment-operations-access.ts';
import { LogFanout } from './log-fanout.ts';

const ACTOR: Actor = { userId: 1, username: 'ann', isAdmin: false, scopes: ['api'] };
const line = (second: number, text: string) =>
  `2026-11-29T10:00:${String(second).padStart(2, '0')}.000000000Z ${text}`;

/**
 * Operations whose history is a fixed list of lines and whose live feed the test pushes to:
 * the target's side of the service, faked to test what the service adds (ordering, dedupe,
 * filtering, dropping for slow clients). Real targets are tested in test/operations/.
 */
function fakeOperations(history: string[]) {
  const live: LogChunk[] = [];
  let wake: (() => void) | undefined;
  let followers = 0;
  const requests: LogRequest[] = [];
  const operations: EnvironmentOperations = {
    containers: async () => [
      { pod: 'web-1', container: 'web', state: 'running', restarts: 0, hasPrevious: false },
    ],
    logs(request) {
      requests.push(request);
      if (!request.follow) {
        return (async function* () {
          if (history.length > 0) yield { source: 'web-1/web', text: `${history.join('\n')}\n` };
        })();
      }
      followers++;
      return (async function* () {
        request.signal.addEventListener('abort', () => wake?.());
        for (;;) {
          while (live.length > 0) yield live.shift()!;
          if (request.signal.aborted) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      })();
    },
    exec: () => Promise.reject(new Error('not used')),
    sample: async () => [],
    close: async () => {},
  };
  return {
    operations,
    requests,
    push(...lines: string[]) {
      live.push({ source: 'web-1/web', text: `${lines.join('\n')}\n` });
      wake?.();
    },
    get followers() {
      return followers;
    },
  };
}

function serviceFor(operations: EnvironmentOperations, recheckMs?: number) {
  const environment = environmentRow();
  const authorized = {
    environment,
    current: {
      environment,
      deployment: deploymentRow({ id: 7 }),
      snapshot: { kind: 'podman' },
      target: { id: 3 },
    },
  } as unknown as AuthorizedEnvironment;
  return new EnvironmentLogService({
    ...(recheckMs !== undefined && { recheckMs }),
    access: {
      authorize: async () => authorized,
      check: async () => authorized,
      open: async () => operations,
    },
    fanout: new LogFanout(() => {}),
  });
}

/** A sink recording events; `queuedBytes` is what the test says the client has not taken. */
function recordingSink() {
  const events: { event: string; data: unknown }[] = [];
  const closers: (() => void)[] = [];
  let closed = false;
  const sink: LogSink & { queued: number; close(): void } = {
    queued: 0,
    get closed() {
      return closed;
    },
    send: (event, data) => events.push({ event, data }),
    get queuedBytes() {
      return sink.queued;
    },
    drained: async () => {},
    onClose: (listener) => closers.push(listener),
    close() {
      closed = true;
      for (const close of closers) close();
    },
  };
  const lines = () =>
    events.flatMap((e) => (e.event === 'logs' ? (e.data as { lines: string[] }).lines : [`<${e.event}>`]));
  return { sink, events, lines };
}

const query = (values: Partial<LogQuery>): LogQuery => ({
  tailLines: 100,
  previous: false,
  follow: false,
  filter: '',
  ...values,
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(check(), 'condition not reached');
};

describe('EnvironmentLogService', () => {
  it('refuses an unknown pod or container before streaming, naming what there is', async () => {
    const service = serviceFor(fakeOperations([]).operations);
    await assert.rejects(
      service.open(ACTOR, '1', 5, query({ container: 'db' }), async () => ACTOR),
      /no container db; its containers: web/,
    );
    await assert.rejects(
      service.open(ACTOR, '1', 5, query({ pod: 'web-9' }), async () => ACTOR),
      /no pod web-9; its pods: web-1/,
    );
  });

  it('sends the history and ends when not following', async () => {
    const fake = fakeOperations([line(1, 'one'), line(2, 'two')]);
    const { sink, lines } = recordingSink();
    await (await serviceFor(fake.operations).open(ACTOR, '1', 5, query({}), async () => ACTOR))(sink);
    assert.deepEqual(lines(), [line(1, 'one'), line(2, 'two'), '<end>']);
    assert.equal(fake.followers, 0);
  });

  it('follows after the history without repeating what the history showed', async () => {
    const fake = fakeOperations([line(1, 'one'), line(2, 'two')]);
    const { sink, lines } = recordingSink();
    const streaming = (
      await serviceFor(fake.operations).open(ACTOR, '1', 5, query({ follow: true }), async () => ACTOR)
    )(sink);
    await until(() => fake.followers === 1);
    // The live feed starts before the history is read, so it may repeat its end.
    fake.push(line(2, 'two'), line(3, 'three'));
    await until(() => lines().includes(line(3, 'three')));
    fake.push(line(4, 'four'));
    await until(() => lines().includes(line(4, 'four')));
    sink.close();
    await streaming;
    assert.deepEqual(lines(), [line(1, 'one'), line(2, 'two'), line(3, 'three'), line(4, 'four')]);
    const follow = fake.requests.find((r) => r.follow);
    assert.equal(follow?.tailLines, 0);
  });

  it('leaves out live lines while the client is behind, then says how many', async () => {
    const fake = fakeOperations([]);
    const { sink, events, lines } = recordingSink();
    const streaming = (
      await serviceFor(fake.operations).open(
        ACTOR,
        '1',
        5,
        query({ follow: true, tailLines: 0 }),
        async () => ACTOR,
      )
    )(sink);
    await until(() => fake.followers === 1);
    fake.push(line(1, 'seen'));
    await until(() => lines().length === 1);
    sink.queued = MAX_QUEUED_BYTES + 1;
    fake.push(line(2, 'dropped'), line(3, 'dropped too'));
    fake.push(line(4, 'dropped three'));
    await new Promise((resolve) => setImmediate(resolve));
    sink.queued = 0;
    fake.push(line(5, 'after'));
    await until(() => lines().includes(line(5, 'after')));
    sink.close();
    await streaming;
    assert.deepEqual(lines(), [line(1, 'seen'), '<skipped>', line(5, 'after')]);
    assert.deepEqual(events.find((e) => e.event === 'skipped')?.data, { lines: 3 });
  });

  it('filters history and live lines, ignoring case', async () => {
    const fake = fakeOperations([line(1, 'GET /'), line(2, 'Error: boom')]);
    const { sink, lines } = recordingSink();
    const streaming = (
      await serviceFor(fake.operations).open(
        ACTOR,
        '1',
        5,
        query({ follow: true, filter: 'error' }),
        async () => ACTOR,
      )
    )(sink);
    await until(() => fake.followers === 1);
    fake.push(line(3, 'ok'), line(4, 'another ERROR'));
    await until(() => lines().includes(line(4, 'another ERROR')));
    sink.close();
    await streaming;
    assert.deepEqual(lines(), [line(2, 'Error: boom'), line(4, 'another ERROR')]);
  });

  it('shares one live feed between clients following the same logs', async () => {
    const fake = fakeOperations([]);
    const service = serviceFor(fake.operations);
    const [a, b] = [recordingSink(), recordingSink()];
    const follow = query({ follow: true, tailLines: 0 });
    const streaming = [
      (await service.open(ACTOR, '1', 5, follow, async () => ACTOR))(a.sink),
      (await service.open(ACTOR, '1', 5, follow, async () => ACTOR))(b.sink),
    ];
    await until(() => fake.followers === 1);
    fake.push(line(1, 'to both'));
    await until(() => a.lines().length === 1 && b.lines().length === 1);
    assert.equal(fake.followers, 1);
    a.sink.close();
    b.sink.close();
    await Promise.all(streaming);
  });

  it('ends a followed log with an error once its reader may no longer read it', async () => {
    const fake = fakeOperations([]);
    const { sink, events } = recordingSink();
    let allowed = true;
    const open = await serviceFor(fake.operations, 20).open(
      ACTOR,
      '1',
      5,
      query({ follow: true }),
      async () => {
        if (!allowed) throw new Error('token revoked');
        return ACTOR;
      },
    );
    const streaming = open(sink);
    await until(() => fake.followers === 1);
    allowed = false;
    await streaming;
    assert.deepEqual(events.at(-1), {
      event: 'error',
      data: { message: 'access to these logs was revoked' },
    });
  });

  it('refuses a seventeenth stream of one user until one ends', async () => {
    const service = serviceFor(fakeOperations([]).operations);
    const opened = [];
    for (let i = 0; i < 16; i++) opened.push(await service.open(ACTOR, '1', 5, query({}), async () => ACTOR));
    await assert.rejects(
      service.open(ACTOR, '1', 5, query({}), async () => ACTOR),
      /at most 16 log streams/,
    );
    await opened[0]!(recordingSink().sink);
    await service.open(ACTOR, '1', 5, query({}), async () => ACTOR);
  });

  it('skips live lines that arrive far behind the quickest, and says how many', async () => {
    const fake = fakeOperations([]);
    const { sink, events, lines } = recordingSink();
    const streaming = (
      await serviceFor(fake.operations).open(
        ACTOR,
        '1',
        5,
        query({ follow: true, tailLines: 0 }),
        async () => ACTOR,
      )
    )(sink);
    await until(() => fake.followers === 1);
    const ago = (ms: number) => `${new Date(Date.now() - ms).toISOString()} `;
    fake.push(`${ago(100)}fresh`);
    await until(() => lines().length === 1);
    // The feed fell ten seconds behind (a producer faster than the target can be read).
    fake.push(`${ago(10_000)}late one`, `${ago(9_900)}late two`);
    fake.push(`${ago(50)}fresh again`);
    await until(() => lines().length === 3);
    sink.close();
    await streaming;
    assert.deepEqual(
      lines().map((line) => line.replace(/^\S+Z /, '')),
      ['fresh', '<skipped>', 'fresh again'],
    );
    assert.deepEqual(events.find((e) => e.event === 'skipped')?.data, { lines: 2 });
  });
});
