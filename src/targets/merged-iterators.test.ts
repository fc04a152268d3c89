import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MergedIterators } from './merged-iterators.ts';

/** A source of `count` values that records how many it was asked for and whether it was returned. */
function countingSource(name: string, count: number) {
  const record = { pulled: 0, returned: false };
  const iterable: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (record.pulled >= count) return { done: true, value: undefined };
        record.pulled += 1;
        return { done: false, value: `${name}${record.pulled}` };
      },
      return: async () => {
        record.returned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { iterable, record };
}

test('every value of every source, each source in order, ending once closed and drained', async () => {
  const merge = new MergedIterators<string>();
  merge.add(countingSource('a', 3).iterable);
  merge.add(countingSource('b', 2).iterable);
  merge.close();
  const values: string[] = [];
  for await (const value of merge) values.push(value);
  assert.deepEqual(
    values.filter((value) => value.startsWith('a')),
    ['a1', 'a2', 'a3'],
  );
  assert.deepEqual(
    values.filter((value) => value.startsWith('b')),
    ['b1', 'b2'],
  );
});

test('a source is asked for a value only after its previous one was taken', async () => {
  const merge = new MergedIterators<string>();
  const a = countingSource('a', 1000);
  const b = countingSource('b', 1000);
  merge.add(a.iterable);
  merge.add(b.iterable);
  const taken = { a: 0, b: 0 };
  for await (const value of merge) {
    taken[value[0] as 'a' | 'b'] += 1;
    // Let every pending read settle: none may have started a read beyond the one waiting here.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(a.record.pulled <= taken.a + 1, `a read ${a.record.pulled} with ${taken.a} taken`);
    assert.ok(b.record.pulled <= taken.b + 1, `b read ${b.record.pulled} with ${taken.b} taken`);
    if (taken.a + taken.b === 50) break;
  }
  assert.ok(a.record.returned && b.record.returned, 'both sources are returned when the consumer stops');
});

test('a source added while reading joins; without close the merge waits for more', async () => {
  const merge = new MergedIterators<string>();
  merge.add(countingSource('a', 1).iterable);
  const iterator = merge[Symbol.asyncIterator]();
  assert.deepEqual(await iterator.next(), { done: false, value: 'a1' });
  const waiting = iterator.next();
  const state = await Promise.race([
    waiting.then(() => 'settled'),
    new Promise((r) => setImmediate(r, 'pending')),
  ]);
  assert.equal(state, 'pending');
  merge.add(countingSource('b', 1).iterable);
  assert.deepEqual(await waiting, { done: false, value: 'b1' });
  merge.close();
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
});

test("a source's error ends the merge with it and returns the other sources", async () => {
  const merge = new MergedIterators<string>();
  const healthy = countingSource('a', 1000);
  merge.add(healthy.iterable);
  merge.add({
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new Error('connection reset')),
    }),
  });
  await assert.rejects(async () => {
    for await (const _ of merge) {
      // keep reading until the failing source's error arrives
    }
  }, /connection reset/);
  assert.equal(healthy.record.returned, true);
});
