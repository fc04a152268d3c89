import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import type { LogChunk, LogRequest } from '../environment-operations.ts';
import { environmentLogs, type LogOpenOptions, type LogReader } from './environment-logs.ts';
import type { EnvironmentPod } from './environment-pod.ts';
import type { LogSource } from './log-sources.ts';

const podOf = (name: string, web: 'running' | 'creating' | 'restarted' = 'running'): EnvironmentPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'web' }] },
  status: {
    containerStatuses: [
      web === 'creating'
        ? { name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }
        : {
            name: 'web',
            containerID: `c://${name}-${web}`,
            restartCount: web === 'restarted' ? 1 : 0,
            state: { running: {} },
            ...(web === 'restarted' ? { lastState: { terminated: { exitCode: 1 } } } : {}),
          },
    ],
  },
});

/**
 * A cluster in memory: `pods` is what a list returns; each opened log yields one line naming its
 * pod, then (when following) waits until its signal is aborted.
 */
function fakeReader(pods: EnvironmentPod[], failures: Record<string, GantryError> = {}) {
  const opened: Array<{ source: LogSource; options: LogOpenOptions }> = [];
  const events = new EventTarget();
  const reader: LogReader & { pods: EnvironmentPod[] } = {
    pods,
    listPods: async () => reader.pods,
    open: async (source, options) => {
      const failure = failures[`${source.pod}/${source.container}`];
      if (failure) throw failure;
      opened.push({ source, options });
      events.dispatchEvent(new Event('opened'));
      return (async function* () {
        yield {
          source: `${source.pod}/${source.container}`,
          text: `2026-01-01T00:00:00Z hello from ${source.pod}\n`,
        };
        if (options.follow && !options.signal.aborted) await once(options.signal, 'abort');
      })();
    },
  };
  return { reader, opened, events };
}

const request = (fields: Partial<LogRequest> = {}): LogRequest => ({
  follow: false,
  signal: new AbortController().signal,
  ...fields,
});

async function collect(chunks: AsyncIterable<LogChunk>): Promise<LogChunk[]> {
  const all: LogChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

test('the whole environment merged, each chunk tagged with its source; tail and since reach every log', async () => {
  const { reader, opened } = fakeReader([podOf('web-b'), podOf('web-a'), podOf('web-c', 'creating')]);
  const chunks = await collect(
    environmentLogs(reader, request({ tailLines: 10, since: '2026-01-01T00:00:00.5Z' }), 'shop'),
  );
  assert.deepEqual(chunks.map(({ source }) => source).sort(), ['web-a/web', 'web-b/web']);
  for (const { options } of opened) {
    assert.equal(options.tailLines, 10);
    assert.equal(options.sinceTime, '2026-01-01T00:00:00.5Z');
    assert.equal(options.follow, false);
  }
});

test('an unknown container is not_found, when the stream is first read', async () => {
  const { reader } = fakeReader([podOf('web-a')]);
  await assert.rejects(
    collect(environmentLogs(reader, request({ container: 'db' }), 'shop')),
    (error: unknown) => error instanceof GantryError && error.code === 'not_found',
  );
});

test('a named container that has not started has no log; nor a previous one that never restarted', async () => {
  const { reader } = fakeReader([podOf('web-a', 'creating')]);
  await assert.rejects(
    collect(environmentLogs(reader, request({ pod: 'web-a', container: 'web' }), 'shop')),
    (error: unknown) =>
      error instanceof GantryError && error.code === 'conflict' && /has not started/.test(error.message),
  );
  const running = fakeReader([podOf('web-a')]).reader;
  await assert.rejects(
    collect(environmentLogs(running, request({ pod: 'web-a', container: 'web', previous: true }), 'shop')),
    (error: unknown) =>
      error instanceof GantryError &&
      error.code === 'not_found' &&
      /no previous instance/.test(error.message),
  );
});

test('the previous logs of the containers that restarted', async () => {
  const { reader, opened } = fakeReader([podOf('web-a'), podOf('web-b', 'restarted')]);
  const chunks = await collect(environmentLogs(reader, request({ previous: true }), 'shop'));
  assert.deepEqual(
    chunks.map(({ source }) => source),
    ['web-b/web'],
  );
  assert.equal(opened[0]?.options.previous, true);
});

test('merged, a log that cannot be read yet is left out; a cluster that cannot be reached fails the stream', async () => {
  const notStarted = new GantryError('conflict', 'container web is waiting to start');
  const { reader } = fakeReader([podOf('web-a'), podOf('web-b')], { 'web-b/web': notStarted });
  const chunks = await collect(environmentLogs(reader, request(), 'shop'));
  assert.deepEqual(
    chunks.map(({ source }) => source),
    ['web-a/web'],
  );
  const down = new GantryError('unavailable', 'cannot reach the Kubernetes API at https://127.0.0.1:1');
  const failing = fakeReader([podOf('web-a')], { 'web-a/web': down }).reader;
  await assert.rejects(collect(environmentLogs(failing, request(), 'shop')), /cannot reach/);
});

test('following, pods that appear later and restarted containers join without a tail; aborting ends it quietly', async () => {
  const { reader, opened, events } = fakeReader([podOf('web-a')]);
  const stop = new AbortController();
  const seen: string[] = [];
  const reading = (async () => {
    for await (const chunk of environmentLogs(
      reader,
      request({ follow: true, tailLines: 0, signal: stop.signal }),
      'shop',
      5,
    )) {
      seen.push(chunk.source);
    }
  })();
  while (opened.length < 1) await once(events, 'opened');
  reader.pods = [podOf('web-a'), podOf('web-b')];
  while (opened.length < 2) await once(events, 'opened');
  reader.pods = [podOf('web-a', 'restarted'), podOf('web-b')];
  while (opened.length < 3) await once(events, 'opened');
  assert.deepEqual(
    opened.map(({ source, options }) => [source.pod, source.instance, options.tailLines]),
    [
      ['web-a', 'c://web-a-running', 0],
      ['web-b', 'c://web-b-running', undefined],
      ['web-a', 'c://web-a-restarted', undefined],
    ],
  );
  stop.abort();
  await reading;
  assert.ok(opened.every(({ options }) => options.signal.aborted));
  assert.deepEqual(seen.sort(), ['web-a/web', 'web-a/web', 'web-b/web']);
});

test('following a named pod ends once the pod is gone', async () => {
  const { reader, opened, events } = fakeReader([podOf('web-a')]);
  const reading = collect(environmentLogs(reader, request({ pod: 'web-a', follow: true }), 'shop', 5));
  while (opened.length < 1) await once(events, 'opened');
  reader.pods = [];
  const chunks = await reading;
  assert.deepEqual(
    chunks.map(({ source }) => source),
    ['web-a/web'],
  );
});

test('a consumer that stops early aborts every log it opened', async () => {
  const { reader, opened } = fakeReader([podOf('web-a'), podOf('web-b')]);
  for await (const _ of environmentLogs(reader, request({ follow: true }), 'shop', 5)) break;
  assert.equal(opened.length, 2);
  assert.ok(opened.every(({ options }) => options.signal.aborted));
});

test('since must be an RFC 3339 instant, tailLines 0 or more', async () => {
  const { reader } = fakeReader([podOf('web-a')]);
  for (const bad of [{ since: 'yesterday' }, { tailLines: -1 }, { tailLines: 1.5 }]) {
    await assert.rejects(
      collect(environmentLogs(reader, request(bad), 'shop')),
      (error: unknown) => error instanceof GantryError && error.code === 'validation_failed',
    );
  }
});
