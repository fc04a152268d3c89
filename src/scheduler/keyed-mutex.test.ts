import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedMutex } from './keyed-mutex.ts';

test('tasks with one key run one at a time, in order; other keys run alongside', async () => {
  const mutex = new KeyedMutex<number>();
  const events: string[] = [];
  const task = (key: number, name: string, ms: number) =>
    mutex.run(key, async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      return name;
    });
  const results = await Promise.all([task(1, 'a', 30), task(1, 'b', 1), task(2, 'c', 5)]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.ok(events.indexOf('end a') < events.indexOf('start b'));
  assert.ok(events.indexOf('start c') < events.indexOf('end a'));
});

test('a failing task does not block the next one', async () => {
  const mutex = new KeyedMutex<string>();
  await assert.rejects(
    mutex.run('k', async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await mutex.run('k', async () => 'ok'), 'ok');
  await mutex.idle();
});
