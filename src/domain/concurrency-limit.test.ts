import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit.ts';

describe('ConcurrencyLimit', () => {
  it('refuses the slot over the limit per key, and gives it back once', () => {
    const limit = new ConcurrencyLimit(2, 'shells');
    const first = limit.acquire('ann');
    limit.acquire('ann');
    limit.acquire('bob');
    assert.throws(() => limit.acquire('ann'), /at most 2 shells at once per user/);
    first();
    first();
    const third = limit.acquire('ann');
    assert.throws(
      () => limit.acquire('ann'),
      (error: { code?: string }) => error.code === 'too_many_requests',
    );
    third();
  });
});
