import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.ts';

test('parses GitLab human durations', () => {
  const table: Array<[string, number]> = [
    ['30', 30],
    ['30s', 30],
    ['30 seconds', 30],
    ['1 sec', 1],
    ['5 minutes', 300],
    ['5 mins', 300],
    ['5min', 300],
    ['2m', 120],
    ['1 hour 30 min', 5400],
    ['1h 30m', 5400],
    ['1h30m', 5400],
    ['1 hr', 3600],
    ['2 hrs 20 min', 8400],
    ['1.5 hours', 5400],
    ['2 days', 172_800],
    ['1 day and 2 hours', 93_600],
    ['1 day, 2 hours', 93_600],
    ['1 week', 604_800],
    ['2 wks', 1_209_600],
    ['1 month', 2_592_000],
    ['1 year', 31_536_000],
    ['3 mins 4 sec', 184],
    ['01:30', 90],
    ['1:30:00', 5400],
    ['  10 Minutes ', 600],
    ['0', 0],
  ];
  for (const [text, seconds] of table) assert.equal(parseDuration(text), seconds, text);
});

test('rejects anything else', () => {
  for (const text of [
    '',
    'never',
    'soon',
    '5 parsecs',
    '1h 30x',
    'h',
    '-5m',
    '1:70',
    '5 5m m',
    '1e3',
    'x'.repeat(101),
    '1..5 min',
  ]) {
    assert.equal(parseDuration(text), null, text);
  }
});
