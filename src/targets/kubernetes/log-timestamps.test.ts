import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantNanos } from '../../domain/log-lines.ts';
import { linesSince } from './log-timestamps.ts';

test('keeps the lines at or after the instant, finer than the whole second the API passes on', () => {
  const text = [
    '2026-01-01T00:00:05.100Z early\n',
    '2026-01-01T00:00:05.5Z exactly\n',
    '2026-01-01T00:00:05.600000001Z later\n',
    'no timestamp\n',
  ].join('');
  const since = instantNanos('2026-01-01T00:00:05.500Z') ?? assert.fail();
  assert.equal(
    linesSince(text, since),
    '2026-01-01T00:00:05.5Z exactly\n2026-01-01T00:00:05.600000001Z later\nno timestamp\n',
  );
  assert.equal(linesSince('2026-01-01T00:00:04Z old\n', since), '');
});
