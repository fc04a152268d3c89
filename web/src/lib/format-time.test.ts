import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, timeAgo, timeUntil } from './format-time.ts';

test('timeAgo picks the largest whole unit', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  const cases: [string, string][] = [
    ['2026-11-29T12:00:00Z', 'just now'],
    ['2026-11-29T11:59:18Z', '42 s ago'],
    ['2026-11-29T11:55:00Z', '5 min ago'],
    ['2026-11-29T09:00:00Z', '3 h ago'],
    ['2026-11-26T12:00:00Z', '3 d ago'],
    ['2026-09-29T12:00:00Z', '2 mo ago'],
    ['2024-11-29T12:00:00Z', '2 y ago'],
    ['2026-11-29T12:00:10Z', 'just now'],
  ];
  for (const [iso, expected] of cases) assert.equal(timeAgo(iso, now), expected, iso);
});

test('formatDuration', () => {
  assert.equal(formatDuration(45), '45 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(7800), '2 h 10 min');
});

test('timeUntil says how far ahead a time is, in the largest whole unit', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  const cases: [string, string][] = [
    ['2026-11-29T12:00:03Z', 'now'],
    ['2026-11-29T11:00:00Z', 'now'],
    ['2026-11-29T12:00:42Z', 'in 42 s'],
    ['2026-11-29T14:30:00Z', 'in 2 h'],
    ['2026-12-03T02:00:00Z', 'in 3 d'],
  ];
  for (const [iso, expected] of cases) assert.equal(timeUntil(iso, now), expected, iso);
});
