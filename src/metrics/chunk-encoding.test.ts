import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeChunk, emptyChunk, encodeChunk } from './chunk-encoding.ts';

const chunk = (...values: number[]) => Float64Array.from(values);

test('chunks round-trip, gaps included, trailing gaps left out of the text', () => {
  const cases: Array<{ values: Float64Array; text: string }> = [
    { values: emptyChunk(4), text: '' },
    { values: chunk(1, Number.NaN, Number.NaN, Number.NaN), text: 'AAAAAAAA8D8=' },
    { values: chunk(Number.NaN, 0.25, Number.NaN, Number.NaN), text: 'AAAAAAAA+H8AAAAAAADQPw==' },
  ];
  for (const { values, text } of cases) {
    assert.equal(encodeChunk(values), text);
    assert.deepEqual(decodeChunk(text, 4), values);
  }
});

test('values are exact: memory in bytes and fractions of a core survive', () => {
  const values = chunk(123_456_789_012, 0.123, -1e-9, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(decodeChunk(encodeChunk(values), 4), values);
});

test('text that is not whole slots, or too many, is refused', () => {
  for (const text of ['AAAA', encodeChunk(chunk(1, 2, 3, 4, 5))]) {
    assert.throws(() => decodeChunk(text, 4), /at most 4 8-byte slots/);
  }
});
