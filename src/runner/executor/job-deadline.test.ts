import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { raceAbort, startDeadline } from './job-deadline.ts';

test('the timeout aborts with reason timeout', async () => {
  const deadline = startDeadline(new AbortController().signal, 10);
  await once(deadline.signal, 'abort');
  assert.equal(deadline.reason(), 'timeout');
  deadline.dispose();
});

test('cancel aborts with reason canceled and wins over a later timeout', async () => {
  const cancel = new AbortController();
  const deadline = startDeadline(cancel.signal, 20);
  cancel.abort();
  assert.equal(deadline.signal.aborted, true);
  assert.equal(deadline.reason(), 'canceled');
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(deadline.reason(), 'canceled');
  deadline.dispose();
});

test('an already canceled signal aborts at once', () => {
  const deadline = startDeadline(AbortSignal.abort(), 60_000);
  assert.equal(deadline.reason(), 'canceled');
  deadline.dispose();
});

test('dispose stops the timer', async () => {
  const deadline = startDeadline(new AbortController().signal, 10);
  deadline.dispose();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(deadline.signal.aborted, false);
});

test('raceAbort rejects on abort and passes results through otherwise', async () => {
  const controller = new AbortController();
  const never = new Promise<void>(() => {});
  const raced = raceAbort(never, controller.signal);
  controller.abort();
  await assert.rejects(raced, { name: 'AbortError' });
  assert.equal(await raceAbort(Promise.resolve(5), new AbortController().signal), 5);
  await assert.rejects(raceAbort(Promise.reject(new Error('boom')), new AbortController().signal), /boom/);
  await assert.rejects(raceAbort(Promise.resolve(1), AbortSignal.abort()), { name: 'AbortError' });
});
