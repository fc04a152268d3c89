import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, formatTime } from './cli-table.ts';

test('columns are as wide as their widest cell, without trailing spaces', () => {
  assert.equal(
    formatTable(
      ['NAME', 'STATE', 'LAST'],
      [
        ['production', 'available', '#3 abc success'],
        ['dev', 'stopped', ''],
      ],
    ),
    ['NAME        STATE      LAST', 'production  available  #3 abc success', 'dev         stopped'].join(
      '\n',
    ),
  );
  assert.equal(formatTable(['A', 'B'], []), 'A  B');
});

test('times show in UTC to the second; none shows as a dash', () => {
  assert.equal(formatTime('2026-11-28T10:00:05.123Z'), '2026-11-28 10:00:05 UTC');
  assert.equal(formatTime(null), '-');
  assert.equal(formatTime('soon'), 'soon');
});
