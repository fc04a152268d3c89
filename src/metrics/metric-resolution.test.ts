import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COARSE, FINE, lastExpiredChunkStart, resolutionForRange, slotOf } from './metric-resolution.ts';

// 2026-03-01T00:00:00Z: a multiple of a day, so of both chunk spans.
const day = Date.parse('2026-03-01T00:00:00Z') / 1000;

test('moments fall in the chunk and slot their resolution says', () => {
  const cases = [
    { resolution: FINE, t: day, expected: { chunkStart: day, slot: 0 } },
    { resolution: FINE, t: day + 9, expected: { chunkStart: day, slot: 0 } },
    { resolution: FINE, t: day + 10, expected: { chunkStart: day, slot: 1 } },
    { resolution: FINE, t: day + 3599, expected: { chunkStart: day, slot: 359 } },
    { resolution: FINE, t: day + 3600, expected: { chunkStart: day + 3600, slot: 0 } },
    { resolution: COARSE, t: day + 3600, expected: { chunkStart: day, slot: 12 } },
    { resolution: COARSE, t: day + 86_399, expected: { chunkStart: day, slot: 287 } },
    { resolution: COARSE, t: day - 1, expected: { chunkStart: day - 86_400, slot: 287 } },
  ];
  for (const { resolution, t, expected } of cases) {
    assert.deepEqual(slotOf(resolution, t), expected, `${resolution.seconds} s at ${t - day}`);
  }
});

test('fine resolution for up to a day of what fine data still covers, coarse otherwise', () => {
  const now = day + 7 * 86_400;
  const cases = [
    { from: now - 3600, to: now, expected: FINE },
    { from: now - 86_400, to: now, expected: FINE },
    { from: now - 86_401, to: now, expected: COARSE },
    { from: now - 2 * 86_400, to: now - 86_400 - 3600, expected: COARSE },
    { from: now - 30 * 86_400, to: now, expected: COARSE },
  ];
  for (const { from, to, expected } of cases) {
    assert.equal(resolutionForRange(from, to, now), expected, `${now - from}…${now - to} s ago`);
  }
});

test('a chunk expires once its last slot is older than what is kept', () => {
  const now = day + 2 * 86_400 + 1800;
  const last = lastExpiredChunkStart(FINE, now, 86_400);
  // The chunk starting then ends exactly 24 h ago; the next one still holds younger values.
  assert.equal(last + 3600, now - 86_400);
  assert.equal(lastExpiredChunkStart(COARSE, now, 30 * 86_400) + 86_400, now - 30 * 86_400);
});
