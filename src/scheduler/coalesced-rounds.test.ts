import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoalescedRounds } from './coalesced-rounds.ts';

test('requests during a round make exactly one more round, never an overlapping one', async () => {
  let active = 0;
  let maxActive = 0;
  let rounds = 0;
  let release: () => void = () => {};
  const rounds$ = new CoalescedRounds(
    async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      rounds++;
      if (rounds === 1) await new Promise<void>((resolve) => (release = resolve));
      active--;
    },
    (error) => assert.fail(String(error)),
  );
  rounds$.request();
  rounds$.request();
  rounds$.request();
  release();
  await rounds$.idle();
  assert.equal(rounds, 2);
  assert.equal(maxActive, 1);
});

test('a failing round is reported and later requests still run', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const rounds = new CoalescedRounds(
    async () => {
      calls++;
      if (calls === 1) throw new Error('database gone');
    },
    (error) => errors.push(error),
  );
  rounds.request();
  await rounds.idle();
  rounds.request();
  await rounds.idle();
  assert.equal(calls, 2);
  assert.equal(errors.length, 1);
});
