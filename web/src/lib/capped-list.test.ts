import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CappedList } from './capped-list.ts';

const items = <T>(list: CappedList<T>) => Array.from({ length: list.length }, (_, index) => list.at(index));

test('CappedList keeps the newest items and counts those dropped', () => {
  const list = new CappedList<number>(3);
  assert.deepEqual(items(list), []);
  assert.equal(list.last(), undefined);
  for (const n of [1, 2]) list.push(n);
  assert.deepEqual(items(list), [1, 2]);
  assert.equal(list.dropped, 0);
  for (const n of [3, 4, 5, 6, 7]) list.push(n);
  assert.deepEqual(items(list), [5, 6, 7]);
  assert.equal(list.dropped, 4);
  assert.equal(list.last(), 7);
});

test('CappedList.replaceLast changes the newest item, wherever the ring starts', () => {
  const list = new CappedList<string>(2);
  for (const item of ['a', 'b', 'c']) list.push(item);
  list.replaceLast('C');
  assert.deepEqual(items(list), ['b', 'C']);
  assert.throws(() => new CappedList<string>(1).replaceLast('x'), RangeError);
});

test('CappedList refuses a bad capacity and indexes outside it', () => {
  assert.throws(() => new CappedList(0), /positive integer/);
  assert.throws(() => new CappedList(1.5), /positive integer/);
  const list = new CappedList<number>(2);
  list.push(1);
  assert.throws(() => list.at(1), /outside the list \(1 items\)/);
  assert.throws(() => list.at(-1), RangeError);
});
