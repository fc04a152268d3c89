import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CleanupRegistry } from './cleanup-registry.ts';

/** A registry whose reports and releases are recorded, in order. */
function recorded(): {
  registry: CleanupRegistry;
  log: string[];
  hold: (label: string) => () => Promise<void>;
} {
  const log: string[] = [];
  const registry = new CleanupRegistry((message) => log.push(`report: ${message.split('\n')[0]}`));
  const hold = (label: string) =>
    registry.defer(label, async () => {
      log.push(`release ${label}`);
    });
  return { registry, log, hold };
}

test('cleanUp releases every resource, newest first', async () => {
  const { registry, log, hold } = recorded();
  hold('data directory');
  hold('database');
  hold('server');
  assert.equal(registry.size, 3);
  await registry.cleanUp();
  assert.deepEqual(log, ['release server', 'release database', 'release data directory']);
  assert.equal(registry.size, 0);
});

test('cleanUp(keep) leaves the first `keep` resources held', async () => {
  const { registry, log, hold } = recorded();
  hold('outer');
  hold('inner 1');
  hold('inner 2');
  await registry.cleanUp(1);
  assert.deepEqual(log, ['release inner 2', 'release inner 1']);
  assert.equal(registry.size, 1);
});

test('a resource released early is released once and no longer held', async () => {
  const { registry, log, hold } = recorded();
  hold('server');
  const release = hold('runner');
  hold('scratch');
  await release();
  await release();
  assert.deepEqual(log, ['release runner']);
  await registry.cleanUp();
  assert.deepEqual(log, ['release runner', 'release scratch', 'release server']);
});

test('a failed release is reported and the others are still released', async () => {
  const { registry, log, hold } = recorded();
  hold('data directory');
  registry.defer('server', async () => {
    throw new Error('server would not stop');
  });
  hold('runner');
  await registry.cleanUp();
  assert.deepEqual(log, [
    'release runner',
    'report: cleanup of server failed: Error: server would not stop',
    'release data directory',
  ]);
});

test('concurrent cleanUp calls run one after the other and release nothing twice', async () => {
  const log: string[] = [];
  const registry = new CleanupRegistry(() => {});
  for (const label of ['a', 'b', 'c']) {
    registry.defer(label, async () => {
      log.push(`start ${label}`);
      await new Promise((done) => setTimeout(done, 5));
      log.push(`end ${label}`);
    });
  }
  await Promise.all([registry.cleanUp(1), registry.cleanUp(), registry.cleanUp()]);
  assert.deepEqual(log, ['start c', 'end c', 'start b', 'end b', 'start a', 'end a']);
});

test('releasingAfter releases what the body registered, after a success or a failure', async () => {
  const { registry, log, hold } = recorded();
  hold('postgres');
  const value = await registry.releasingAfter(async () => {
    hold('run 1 server');
    return 7;
  });
  assert.equal(value, 7);
  await assert.rejects(
    registry.releasingAfter(async () => {
      hold('run 2 server');
      throw new Error('run 2 failed');
    }),
    /run 2 failed/,
  );
  assert.deepEqual(log, ['release run 1 server', 'release run 2 server']);
  assert.equal(registry.size, 1);
});

test('nothing is interrupted before a signal', () => {
  assert.equal(new CleanupRegistry(() => {}).interrupted, false);
});
